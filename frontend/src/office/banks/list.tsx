/** The LGO's waste banks (the server answers only the caller's own LGO's), each with its next buying day. */
import type { Page as ApiPage } from '../../data';
import { nameOf, t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { Banner } from '../../ui/kit';
import { Loaded, Page } from '../lib';
import { openingText } from '../opening';
import { NextBuyingDay, type BankFull } from './bank';

export function Banks() {
  useT();
  const banks = useLoad<ApiPage<BankFull>>('waste-banks?per_page=100', { store: 'none' });
  return (
    <Page title={t('on_banks')}>
      <Loaded fetched={banks}>
        {(data) => data.items.length === 0 ? <Banner kind="info" icon="book">{t('bank_none')}</Banner> : (
          <div class="table-wrap">
            <table class="data-table" data-testid="banks-table">
              <thead>
                <tr>
                  <th scope="col">{t('o_name')}</th>
                  <th scope="col">{t('bank_host')}</th>
                  <th scope="col">{t('bank_next_day')}</th>
                  <th scope="col">{t('bank_buying_days')}</th>
                  <th scope="col">{t('reg_status')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((b) => (
                  <tr key={b.id} data-testid="bank-row">
                    <td><Link href={`/office/banks/${b.id}`}>{nameOf(b)}</Link></td>
                    <td>{b.host ?? ''}</td>
                    <td><NextBuyingDay day={b.next_buying_day} /></td>
                    <td>{openingText(b.buying_schedule)}</td>
                    <td>{b.active ? t('reg_active') : t('reg_inactive')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </Page>
  );
}
