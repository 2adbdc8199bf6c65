/** The provincial office's sign-off: every LGO's month, to accept or send back. */
import { useState } from 'preact/hooks';
import { nameOf, t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { Banner } from '../../ui/kit';
import { DownloadButton, lastCompleteMonth, Loaded, Page, periodLabel, SortTable } from '../lib';
import { LateNote, monthChoices, SendBack, StatePill, step, Steps, type Detail, type LgoMonth } from './parts';

/** The province's list opens on what waits for it: approved months first, then submitted. */
const TO_DO = ['approved', 'submitted', 'accepted', 'open'];

/** The provincial office: every LGO's month, to accept or send back. */
export function SignoffScreen() {
  useT();
  const [month, setMonth] = useState(lastCompleteMonth());
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad<{ month: string; lgos: LgoMonth[] }>(`approvals?month=${month}`, { store: 'none' });
  const detail = useLoad<Detail>(open ? `approvals/${encodeURIComponent(open)}/${month}` : null, { store: 'none' });
  const reload = () => {
    list.reload();
    detail.reload();
  };
  return (
    <Page title={t('op_signoff')} tools={
      <label class="field inline-field">
        <span>{t('o_period')}</span>
        <select class="input" value={month} onChange={(e) => { setMonth((e.target as HTMLSelectElement).value); setOpen(null); }} data-testid="approval-month">
          {monthChoices().map((m) => <option key={m} value={m}>{periodLabel(m)}</option>)}
        </select>
      </label>
    }>
      <p class="muted">{t('ap_province_intro')}</p>
      <div class="button-row export-row">
        <DownloadButton path={`exports/dla-return.xlsx?month=${month}`} name="dla-return.xlsx" label={t('ap_dla_xlsx')} testid="dla-return-xlsx" />
        <DownloadButton path={`exports/dla-return.pdf?month=${month}`} name="dla-return.pdf" label={t('ap_dla_pdf')} testid="dla-return-pdf" />
      </div>
      <Loaded fetched={list}>
        {(data) => (
          <SortTable
            rows={data.lgos}
            rowKey={(r) => r.lgo_code}
            initial={{ key: 'state', dir: 'asc' }}
            testid="approval-table"
            columns={[
              { key: 'name', label: t('o_lgo'), value: (r) => nameOf(r) },
              { key: 'state', label: t('ap_state'), value: (r) => TO_DO.indexOf(r.state), render: (r) => <StatePill state={r.state} /> },
              { key: 'late', label: t('ap_late_column'), numeric: true, value: (r) => r.late.items },
              {
                key: 'actions', label: t('ap_actions'), value: (r) => r.state, render: (r) => (
                  <span class="approval-actions">
                    {r.state === 'approved' && <button type="button" class="button button-primary button-small" onClick={() => void step(`approvals/${encodeURIComponent(r.lgo_code)}/${month}`, 'accept', reload)} data-testid={`approval-accept-${r.lgo_code}`}>{t('ap_accept')}</button>}
                    <button type="button" class="button button-small" onClick={() => setOpen(open === r.lgo_code ? null : r.lgo_code)} aria-expanded={open === r.lgo_code} data-testid={`approval-open-${r.lgo_code}`}>{t('ap_details')}</button>
                  </span>
                ),
              },
            ]}
          />
        )}
      </Loaded>
      {open && (
        <Loaded fetched={detail}>
          {(d) => (
            <section class="approval-panel" data-testid="approval-detail">
              <h2>{nameOf(d)} · {periodLabel(d.month)} <StatePill state={d.state} /></h2>
              {d.returned_reason && <Banner kind="warn" icon="alert">{t('ap_returned_because', { reason: d.returned_reason })}</Banner>}
              <LateNote late={d.late} />
              {d.state !== 'open' && <SendBack path={`approvals/${encodeURIComponent(d.lgo_code)}/${month}`} onDone={reload} />}
              <h3>{t('ap_steps')}</h3>
              <Steps steps={d.steps} />
            </section>
          )}
        </Loaded>
      )}
    </Page>
  );
}
