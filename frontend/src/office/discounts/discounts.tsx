/**
 * Fee discounts for verified sorters: the LGO's rule (a form for the LGO admin, words for
 * staff), a month, the households that qualify in it and the files for the fee office. Every
 * household listed is recorded in the audit log by the server.
 */
import { useState } from 'preact/hooks';
import { formatDate, lang, t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { Banner } from '../../ui/kit';
import { addMonths, bangkokMonth, DownloadButton, lastCompleteMonth, Loaded, Page, periodLabel, SortTable, type Column } from '../lib';
import { RuleForm, RuleWords, type Rule } from './rule';

interface Qualifying {
  household_code: string;
  household_id: number;
  village_code: string;
  village_name_th: string;
  house_number: string;
  head_name: string | null;
  members: number;
  log_days: number;
  verified_on: string;
  discounted_fee_baht: number | null;
}

interface Listed {
  lgo_code: string;
  month: string;
  rule: Rule;
  households: Qualifying[];
}

/** The last twelve complete months, newest first (a running month cannot qualify yet). */
function months(): string[] {
  const first = lastCompleteMonth();
  return Array.from({ length: 12 }, (_, i) => addMonths(first, -i)).filter((m) => m < bangkokMonth());
}

export function Discounts({ admin }: { admin: boolean }) {
  useT();
  const [month, setMonth] = useState(lastCompleteMonth());
  const rule = useLoad<Rule>('fee-discounts/rule', { store: 'none' });
  const list = useLoad<Listed>(`fee-discounts/households?month=${month}`, { store: 'none' });
  const file = (ext: string) => `fee-discounts/households.${ext}?month=${month}&lang=${lang.get()}`;

  const columns: Column<Qualifying>[] = [
    { key: 'code', label: t('fd_code'), value: (h) => h.household_code, render: (h) => <a href={`/office/households/${h.household_id}`} class="mono">{h.household_code}</a> },
    { key: 'village', label: t('fd_village'), value: (h) => h.village_name_th },
    { key: 'house', label: t('fd_house'), value: (h) => h.house_number },
    { key: 'head', label: t('fd_head'), value: (h) => h.head_name },
    { key: 'logs', label: t('fd_log_days'), value: (h) => h.log_days, numeric: true },
    { key: 'verified', label: t('fd_verified_on'), value: (h) => h.verified_on, render: (h) => formatDate(h.verified_on) },
  ];

  return (
    <Page
      title={t('on_discounts')}
      tools={
        <>
          <label class="field inline-field">
            <span>{t('fd_month')}</span>
            <select class="input" value={month} onChange={(e) => setMonth((e.target as HTMLSelectElement).value)} data-testid="discounts-month">
              {months().map((m) => <option key={m} value={m}>{periodLabel(m)}</option>)}
            </select>
          </label>
          <DownloadButton path={file('csv')} name={`fee-discounts-${month}.csv`} label={t('fd_csv')} testid="discounts-csv" />
          <DownloadButton path={file('xlsx')} name={`fee-discounts-${month}.xlsx`} label={t('fd_xlsx')} testid="discounts-xlsx" />
        </>
      }
    >
      <p class="office-intro">{t('fd_intro')}</p>
      <Loaded fetched={rule}>
        {(r) => admin ? (
          <RuleForm key={r.updated_at ?? 'default'} rule={r} onSaved={() => { rule.reload(); list.reload(); }} />
        ) : (
          <section class="card" aria-labelledby="fd-rule">
            <h2 id="fd-rule">{t('fd_rule')}</h2>
            <RuleWords rule={r} />
            <p class="muted small">{t('fd_rule_admin_only')}</p>
          </section>
        )}
      </Loaded>
      <p class="banner banner-info" role="note" data-testid="discounts-audit">{t('fd_audit_note')}</p>
      <Loaded fetched={list}>
        {(data) => data.households.length === 0 ? <Banner kind="info" icon="clipboard">{t('fd_none')}</Banner> : (
          <>
            <p data-testid="discounts-count"><strong>{t('fd_households', { n: data.households.length })}</strong></p>
            <SortTable rows={data.households} columns={columns} rowKey={(h) => h.household_id} testid="discounts-table"
              initial={{ key: 'village', dir: 'asc' }} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
