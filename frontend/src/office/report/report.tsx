/** The LGO's monthly report: its indicators for a month or fiscal year, by village, with exports. */
import { useState } from 'preact/hooks';
import { formatNumber, lang, nameOf, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { addMonths, bangkokMonth, DownloadButton, formatValue, lastCompleteMonth, Loaded, NoDataFold, Page, PeriodPicker, SortTable, ToDate, unitLabel, type PeriodInfo } from '../lib';
import { EvidenceButton, SignoffPanel } from '../signoff';

interface Figure {
  value: number | null;
  numerator: number;
  denominator: number;
  small_denominator: boolean;
  no_data: boolean;
  unit: string;
}

interface AreaFigures {
  code: string;
  name_th: string;
  name_en: string;
  indicators: Record<string, Figure>;
}

interface Table {
  period: PeriodInfo;
  indicators: string[];
  areas: AreaFigures[];
}

/** The indicators an LGO reports each month, in the order DLA's form asks for them. */
const HEADLINE = ['participation', 'wet_bin_coverage', 'verified_compliance', 'bank_membership', 'bank_activity', 'bank_kg', 'hazardous_kg_per_1000', 'carbon_tco2e'];
const BY_VILLAGE = ['participation', 'wet_bin_coverage', 'verified_compliance', 'bank_membership'];

/** The months an export of this period covers (never past this month). */
export function monthsOf(period: string): [string, string] {
  const now = bangkokMonth();
  const fy = /^FY(\d{4})$/.exec(period);
  if (!fy) return [period, period];
  const start = `${Number(fy[1]) - 544}-10`;
  const end = addMonths(start, 11);
  return [start, end < now ? end : now];
}

/** A village with nothing to count for any indicator of the table (no occupied households). */
function noData(area: AreaFigures): boolean {
  return BY_VILLAGE.every((name) => area.indicators[name]?.no_data ?? true);
}

export function Report() {
  useT();
  const { me } = useStore(auth);
  const lgo = encodeURIComponent(me?.user.lgo_code ?? '');
  const [period, setPeriod] = useState(lastCompleteMonth());
  const whole = useLoad<Table>(lgo ? `analytics/indicators?level=lgo&areas=${lgo}&period=${period}&indicators=${HEADLINE.join(',')}` : null, { store: 'none' });
  const villageArgs = `level=village&parent=${lgo}&period=${period}&indicators=${BY_VILLAGE.join(',')}`;
  const villages = useLoad<Table>(lgo ? `analytics/indicators?${villageArgs}` : null, { store: 'none' });
  const [from, to] = monthsOf(period);
  const language = lang.get();
  const monthly = `lgo=${lgo}&from=${from}&to=${to}&lang=${language}`;

  return (
    <Page figures title={t('on_report')} tools={<PeriodPicker value={period} onChange={setPeriod} />}>
      <div class="button-row export-row" data-testid="report-exports">
        <DownloadButton path={`exports/monthly.csv?${monthly}`} name="monthly.csv" label={t('rep_monthly_csv')} testid="export-monthly-csv" />
        <DownloadButton path={`exports/monthly.xlsx?${monthly}`} name="monthly.xlsx" label={t('rep_monthly_xlsx')} testid="export-monthly-xlsx" />
        <DownloadButton path={`analytics/summary.pdf?level=village&parent=${lgo}&period=${period}`} name="summary.pdf" label={t('rep_summary_pdf')} testid="export-summary" />
        <EvidenceButton lgo={me?.user.lgo_code ?? ''} period={period} />
      </div>
      <h2>{t('rep_figures')}</h2>
      <Loaded fetched={whole}>
        {(data) => {
          const area = data.areas[0];
          if (!area) return <p class="empty">{t('o_no_data')}</p>;
          return (
            <>
            <ToDate period={data.period} />
            <div class="cards" data-testid="report-cards">
              {HEADLINE.filter((name) => area.indicators[name]).map((name) => {
                const f = area.indicators[name];
                return (
                  <div class="figure-card" key={name} data-indicator={name}>
                    <div class="label">{t(`ind_${name}` as Key)}</div>
                    <div class="figure">{formatValue(f.value, f.unit)}</div>
                    <div class="small muted">
                      {formatNumber(f.numerator, f.numerator % 1 ? 1 : 0)} / {formatNumber(f.denominator, f.denominator % 1 ? 1 : 0)}
                      {f.unit !== 'ratio' && ` · ${unitLabel(f.unit)}`}
                    </div>
                    {f.small_denominator && <div class="small-flag small">{t('o_small_denominator')}</div>}
                    {f.no_data && <div class="small muted">{t('o_no_data')}</div>}
                  </div>
                );
              })}
            </div>
            </>
          );
        }}
      </Loaded>
      <SignoffPanel lgo={me?.user.lgo_code ?? ''} month={period} />
      <div class="office-head">
        <h2>{t('rep_by_village')}</h2>
        <div class="office-tools">
          <DownloadButton path={`analytics/indicators.csv?${villageArgs}&lang=${language}`} name="villages.csv" label={t('o_csv')} />
          <DownloadButton path={`analytics/indicators.xlsx?${villageArgs}&lang=${language}`} name="villages.xlsx" label={t('o_xlsx')} />
        </div>
      </div>
      <Loaded fetched={villages}>
        {(data) => (
          <>
          <SortTable
            rows={data.areas.filter((a) => !noData(a))}
            rowKey={(a) => a.code}
            testid="report-villages"
            columns={[
              { key: 'name', label: t('o_village'), value: (a) => nameOf(a) },
              ...BY_VILLAGE.map((name) => ({
                key: name,
                label: t(`ind_${name}` as Key),
                numeric: true,
                value: (a: AreaFigures) => a.indicators[name]?.value ?? null,
                render: (a: AreaFigures) => {
                  const f = a.indicators[name];
                  if (!f) return '–';
                  return (
                    <span title={`${f.numerator} / ${f.denominator}`}>
                      {formatValue(f.value, f.unit)} <span class="muted small">({formatNumber(f.numerator)}/{formatNumber(f.denominator)})</span>
                      {f.small_denominator && <span class="small-flag" title={t('o_small_denominator')}> *</span>}
                    </span>
                  );
                },
              })),
            ]}
          />
          <NoDataFold names={data.areas.filter(noData).map((a) => nameOf(a))} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
