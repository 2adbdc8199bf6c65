/** The button on the LGO's report that makes its carbon-credit evidence. */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { t, useT } from '../../i18n';
import { showToast } from '../../ui/kit';
import { download, errorText } from '../lib';

export function EvidenceButton({ lgo, period }: { lgo: string; period: string }) {
  useT();
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    try {
      const job = await api<{ id: string; status: string }>('exports/evidence', { method: 'POST', body: { lgo, period } });
      let state = job.status;
      // A worker builds it; an LGO's year is a few seconds' work.
      for (let tries = 0; state !== 'done' && state !== 'failed' && tries < 150; tries++) {
        await new Promise((resolve) => window.setTimeout(resolve, 2000));
        state = (await api<{ status: string }>(`exports/jobs/${job.id}`)).status;
      }
      if (state === 'done') await download(`exports/jobs/${job.id}/download`, 'carbon-evidence.zip');
      else showToast(t('ap_evidence_failed'), 'warn');
    } catch (error) {
      showToast(errorText(error), 'warn');
    }
    setBusy(false);
  };
  return (
    <button type="button" class="button button-quiet button-small" disabled={busy} onClick={() => void make()} data-testid="carbon-evidence">
      {busy ? t('ap_evidence_busy') : t('ap_evidence')}
    </button>
  );
}
