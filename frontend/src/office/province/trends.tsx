/**
 * Trends: one LGO's or district's indicators month by month (the last 12 or 24 months) or
 * fiscal year by fiscal year, each drawn as its own line chart in SVG, with the figures as a
 * table on request.
 */
import { useEffect, useState } from 'preact/hooks';
import { t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { useStore } from '../../store';
import { addMonths, bangkokMonth, fiscalYearOf, formatValue, lastCompleteMonth, Loaded, Page, periodLabel, unitLabel, type PeriodInfo } from '../lib';
import {
  choice,
  districtName,
  ExportButtons,
  formatCount,
  indicatorLabel,
  nameOf,
  query,
  SmallBadge,
  useDefinitions,
  useProvince,
  useProvinceLgos,
  type Figure,
} from './common';

interface Series {
  code: string;
  name_th: string;
  name_en: string;
  granularity: string;
  indicators: string[];
  points: { period: PeriodInfo; indicators: Record<string, Figure> }[];
}

interface LeagueRows {
  rows: { code: string; no_data: boolean }[];
}

export interface ChartPoint {
  label: string;
  value: number | null;
  small: boolean;
  /** The period is still running: its figure is to date. */
  partial: boolean;
}

/** The points of one indicator: periods before the area's first data (nothing counted yet,
 * e.g. before its households were registered or began to log) are gaps, not a 0 % line. */
export function chartPoints(points: Series['points'], name: string): ChartPoint[] {
  const first = points.findIndex((p) => {
    const f = p.indicators[name];
    return f && f.value !== null && f.numerator > 0;
  });
  return points.map((p, i) => {
    const f = p.indicators[name];
    return {
      label: p.period.label,
      value: first === -1 || i < first ? null : f?.value ?? null,
      small: Boolean(f?.small_denominator),
      partial: p.period.complete === false,
    };
  });
}

function bangkokToday(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** The first day of the span asked for: n months back, or n fiscal years back. */
function spanStart(granularity: string, n: number): string {
  if (granularity === 'fiscal_year') {
    const firstFy = fiscalYearOf(bangkokMonth()) - (n - 1);
    return `${firstFy - 544}-10-01`;
  }
  return `${addMonths(lastCompleteMonth(), -(n - 1))}-01`;
}

/** The last day of the span: months end with the last complete one (a month two days old
 * would read as a collapse); fiscal years run to today, the running one drawn as partial. */
function spanEnd(granularity: string): string {
  if (granularity === 'fiscal_year') return bangkokToday();
  const [y, m] = lastCompleteMonth().split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

export function TrendsScreen() {
  useT();
  const province = useProvince();
  const { indicator } = useStore(choice);
  const definitions = useDefinitions();
  const { lgos, districts } = useProvinceLgos(province);
  const [kind, setKind] = useState<'lgo' | 'district'>('lgo');
  const [area, setArea] = useState('');
  const [granularity, setGranularity] = useState<'month' | 'fiscal_year'>('month');
  const [span, setSpan] = useState(12);
  const [shown, setShown] = useState<string[]>([indicator]);

  const choices = kind === 'lgo' ? (lgos ?? []).filter((l) => l.type !== 'PAO') : (districts ?? []);
  // Open on the area ranked first last month, not on the first in the list (which may have
  // nothing to draw).
  const ranked = useLoad<LeagueRows>(province ? `analytics/league?${query({ level: kind, parent: province, indicator })}` : null, { store: 'none', keep: true });
  useEffect(() => {
    if (!choices.length || choices.some((c) => c.code === area) || !(ranked.data || ranked.error)) return;
    const codes = new Set(choices.map((c) => c.code));
    const best = ranked.data?.rows.find((r) => !r.no_data && codes.has(r.code));
    setArea(best?.code ?? choices[0].code);
  }, [kind, choices.length, ranked.data, ranked.error]);

  const args = {
    level: kind,
    area,
    indicators: shown.join(','),
    granularity,
    from: spanStart(granularity, span),
    to: spanEnd(granularity),
  };
  const series = useLoad<Series>(area && shown.length ? `analytics/series?${query(args)}` : null, { store: 'none' });
  const units = Object.fromEntries((definitions.data?.indicators ?? []).map((d) => [d.name, d.unit]));
  const spans = granularity === 'month' ? [12, 18, 24] : [3, 5];

  return (
    <Page figures title={t('op_trends')}>
      <div class="filters op-no-print">
        <fieldset class="op-segment">
          <legend>{t('op_area_kind')}</legend>
          <div class="segmented">
            {(['lgo', 'district'] as const).map((k) => (
              <label key={k} class={kind === k ? 'on' : ''}>
                <input type="radio" name="op-kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`kind-${k}`} />
                {t(k === 'lgo' ? 'op_kind_lgo' : 'op_kind_district')}
              </label>
            ))}
          </div>
        </fieldset>
        <label class="field inline-field">
          <span>{t('op_area')}</span>
          <select class="input" value={area} onChange={(e) => setArea((e.target as HTMLSelectElement).value)} data-testid="trend-area">
            {kind === 'lgo'
              ? (districts ?? []).map((d) => (
                <optgroup key={d.code} label={districtName(d)}>
                  {choices.filter((l) => 'district_code' in l && l.district_code === d.code).map((l) => <option key={l.code} value={l.code}>{nameOf(l)}</option>)}
                </optgroup>
              ))
              : choices.map((d) => <option key={d.code} value={d.code}>{districtName(d)}</option>)}
          </select>
        </label>
        <fieldset class="op-segment">
          <legend>{t('op_granularity')}</legend>
          <div class="segmented">
            {(['month', 'fiscal_year'] as const).map((g) => (
              <label key={g} class={granularity === g ? 'on' : ''}>
                <input
                  type="radio"
                  name="op-granularity"
                  value={g}
                  checked={granularity === g}
                  onChange={() => {
                    setGranularity(g);
                    setSpan(g === 'month' ? 12 : 3);
                  }}
                  data-testid={`granularity-${g}`}
                />
                {t(g === 'month' ? 'op_by_month' : 'op_by_fy')}
              </label>
            ))}
          </div>
        </fieldset>
        <label class="field inline-field">
          <span>{t('op_span')}</span>
          <select class="input" value={span} onChange={(e) => setSpan(Number((e.target as HTMLSelectElement).value))} data-testid="trend-span">
            {spans.map((n) => <option key={n} value={n}>{t(granularity === 'month' ? 'op_n_months' : 'op_n_years', { n })}</option>)}
          </select>
        </label>
      </div>
      <fieldset class="op-indicator-picks op-no-print">
        <legend>{t('op_indicators')}</legend>
        {(definitions.data?.indicators ?? []).map((d) => (
          <label key={d.name} class="op-check">
            <input
              type="checkbox"
              checked={shown.includes(d.name)}
              disabled={shown.length === 1 && shown.includes(d.name)}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                setShown(on ? [...shown, d.name] : shown.filter((n) => n !== d.name));
              }}
              data-indicator={d.name}
            />
            {indicatorLabel(d.name)}
          </label>
        ))}
      </fieldset>
      {area && shown.length > 0 && <ExportButtons path="analytics/series" args={args} name={`series-${area}`} />}
      <Loaded fetched={series}>
        {(data) => (
          <div class="op-charts">
            {data.indicators.map((name) => {
              const unit = units[name] ?? data.points[0]?.indicators[name]?.unit ?? 'ratio';
              return (
                <TrendChart
                  key={`${data.code}-${name}-${granularity}`}
                  indicator={name}
                  area={kind === 'district' ? districtName(data) : nameOf(data)}
                  unit={unit}
                  points={chartPoints(data.points, name)}
                  figures={data.points.map((p) => [p.period.label, p.indicators[name]])}
                />
              );
            })}
          </div>
        )}
      </Loaded>
    </Page>
  );
}

const W = 560;
const H = 270;
const M = { left: 60, right: 34, top: 14, bottom: 40 };

/** A rounded top for the y axis: 1, 2, 2.5 or 5 times a power of ten, at or above the highest value. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 2.5, 5, 10].find((step) => step * power >= max) ?? 10) * power;
}

function TrendChart({ indicator, area, unit, points, figures }: {
  indicator: string;
  area: string;
  unit: string;
  points: ChartPoint[];
  figures: [string, Figure | undefined][];
}) {
  useT();
  const [table, setTable] = useState(false);
  const known = points.filter((p) => p.value !== null) as (ChartPoint & { value: number })[];
  const top = niceMax(Math.max(0, ...known.map((p) => p.value)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (i: number) => M.left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const every = Math.max(1, Math.ceil((points.length * 70) / plotW));
  const label = indicatorLabel(indicator);
  const summary = known.length
    ? t('op_chart_summary', {
      indicator: label,
      area,
      from: periodLabel(points[0].label),
      to: periodLabel(points[points.length - 1].label),
      n: known.length,
      last: formatValue(known[known.length - 1].value, unit),
      max: formatValue(Math.max(...known.map((p) => p.value)), unit),
      min: formatValue(Math.min(...known.map((p) => p.value)), unit),
    })
    : t('op_chart_empty', { indicator: label, area });

  const segments = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    // A missing value leaves a gap; a small denominator at either end dashes the segment.
    if (a.value === null || b.value === null) continue;
    segments.push(
      <line
        key={i}
        x1={x(i - 1)}
        y1={y(a.value)}
        x2={x(i)}
        y2={y(b.value)}
        class={a.small || b.small || b.partial ? 'op-line op-line-small' : 'op-line'}
      />,
    );
  }
  const tableId = `op-trend-table-${indicator}`;

  return (
    <section class="op-chart" data-testid="trend-chart" data-indicator={indicator}>
      <h2>{label} <span class="muted small">({unitLabel(unit)})</span></h2>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} class="op-svg" data-testid="trend-svg">
        <title>{summary}</title>
        {ticks.map((v) => (
          <g key={v} class="op-tick">
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} class="op-grid" />
            <text x={M.left - 8} y={y(v) + 4} text-anchor="end">{formatValue(v, unit)}</text>
          </g>
        ))}
        <line x1={M.left} x2={W - M.right} y1={M.top + plotH} y2={M.top + plotH} class="op-axis" />
        <line x1={M.left} x2={M.left} y1={M.top} y2={M.top + plotH} class="op-axis" />
        {points.map((p, i) => ((points.length - 1 - i) % every === 0 ? (
          <text key={p.label} x={x(i)} y={H - M.bottom + 20} text-anchor="middle" class="op-xlabel">{periodLabel(p.label)}</text>
        ) : null))}
        {segments}
        {points.map((p, i) => (p.value === null ? null : (
          <circle
            key={p.label}
            cx={x(i)}
            cy={y(p.value)}
            r={4.5}
            class={p.small || p.partial ? 'op-dot op-dot-small' : 'op-dot'}
            data-testid="trend-point"
            data-period={p.label}
            data-partial={p.partial ? 'true' : undefined}
          >
            <title>{`${periodLabel(p.label)}: ${formatValue(p.value, unit)}${p.small ? ` (${t('op_small')})` : ''}${p.partial ? ` (${t('o_to_date')})` : ''}`}</title>
          </circle>
        )))}
      </svg>
      <div class="op-chart-foot">
        <span class="muted small">{t('op_dashed')}</span>
        <button type="button" class="button button-quiet button-small" aria-expanded={table} aria-controls={tableId} onClick={() => setTable(!table)} data-testid="trend-table-toggle">
          {table ? t('op_hide_table') : t('op_show_table')}
        </button>
      </div>
      {table && (
        <div class="table-wrap" id={tableId}>
          <table class="data-table" data-testid="trend-table">
            <caption>{label} · {area}</caption>
            <thead>
              <tr>
                <th scope="col">{t('o_period')}</th>
                <th scope="col" class="num">{t('o_value')}</th>
                <th scope="col" class="num">{t('o_numerator')}</th>
                <th scope="col" class="num">{t('o_denominator')}</th>
                <th scope="col">{t('op_flag')}</th>
              </tr>
            </thead>
            <tbody>
              {figures.map(([period, f]) => (
                <tr key={period}>
                  <th scope="row">{periodLabel(period)}</th>
                  <td class="num">{formatValue(f?.value, unit)}</td>
                  <td class="num">{formatCount(f?.numerator)}</td>
                  <td class="num">{formatCount(f?.denominator)}</td>
                  <td>{f?.small_denominator ? <SmallBadge /> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
