/** Printing a village's QR card sheet and house signs as PDFs. */
import { useState } from 'preact/hooks';
import { t, useT, villageName } from '../../i18n';
import { Link } from '../../router';
import { DownloadButton, Loaded, Page, useLgoVillages } from '../lib';

export function PrintCards() {
  useT();
  const villages = useLgoVillages();
  const [village, setVillage] = useState('');
  return (
    <Page title={t('reg_print')} tools={<Link href="/office/households" class="button button-quiet button-small">{t('back')}</Link>}>
      <Loaded fetched={villages}>
        {(vs) => (
          <>
            <label class="field inline-field">
              <span>{t('o_village')}</span>
              <select class="input" value={village} onChange={(e) => setVillage((e.target as HTMLSelectElement).value)} data-testid="print-village">
                <option value="">{t('reg_choose_village')}</option>
                {vs.items.map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
              </select>
            </label>
            {village && (
              <div class="button-row">
                <DownloadButton path={`households/qr-cards.pdf?village=${village}`} name={`qr-cards-${village}.pdf`} label={t('reg_qr_sheet')} testid="print-qr" />
                <DownloadButton path={`households/signs.pdf?village=${village}`} name={`signs-${village}.pdf`} label={t('reg_signs')} testid="print-signs" />
              </div>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
