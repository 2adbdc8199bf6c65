/**
 * What the office screens share: the states around a load (office data is read with
 * ``store: 'none'``, never kept on the device), file downloads, sortable tables, periods and map
 * colours.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../shared/api';
import { errorMessage, formatNumber, lang, t, useT, type Key } from '../i18n';
import type { Page as ApiPage, Village } from '../data';
import { useLoad, type LoadResult } from '../load';
import { auth } from '../session';
import { useStore } from '../store';
import { Banner, showToast } from '../ui/kit';

export function errorText(error: unknown): string {
  return errorMessage(error);
}

/** A failed save as the form's reasons: the field errors, else the message under no field. */
export function formErrors(error: unknown): Record<string, unknown> {
  if (error instanceof ApiError && Object.keys(error.errors).length) return error.errors;
  return { '': errorText(error) };
}

/** Loading, error and data states around a load. */
export function Loaded<T>({ fetched, children }: { fetched: LoadResult<T>; children: (data: T) => ComponentChildren }) {
  useT();
  if (fetched.error) {
    return (
      <Banner kind="error" icon="alert">
        {t('load_failed')}: {errorText(fetched.error)}{' '}
        <button type="button" class="link-button" onClick={fetched.reload}>{t('retry')}</button>
      </Banner>
    );
  }
  if (fetched.data === undefined) return <div class="loading" role="status" aria-label="…"><span class="spinner" /></div>;
  return <>{children(fetched.data)}</>;
}

function filenameOf(res: Response, fallback: string): string {
  const header = res.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

/** Fetch a file with the signed-in user's token and hand it to the browser as a download. */
export async function download(path: string, fallback: string): Promise<void> {
  try {
    const res = await api<Response>(path, { raw: true });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filenameOf(res, fallback);
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    showToast(`${t('download_failed')}: ${errorText(error)}`, 'warn');
  }
}

export function DownloadButton({ path, name, label, testid }: { path: string; name: string; label: string; testid?: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="button button-quiet button-small"
      disabled={busy}
      data-testid={testid}
      onClick={async () => {
        setBusy(true);
        await download(path, name);
        setBusy(false);
      }}
    >
      {label}
    </button>
  );
}

export interface Column<T> {
  key: string;
  label: string;
  /** What the column sorts by. */
  value: (row: T) => number | string | null;
  render?: (row: T) => ComponentChildren;
  numeric?: boolean;
}

/** A table whose headers sort it; the sort is announced to screen readers with aria-sort. */
export function SortTable<T>({ rows, columns, initial, rowKey, caption, testid, group }: {
  rows: T[];
  columns: Column<T>[];
  initial?: { key: string; dir: 'asc' | 'desc' };
  rowKey: (row: T) => string | number;
  caption?: string;
  testid?: string;
  /** Rows under a heading row per group, in sorted order within each group. */
  group?: (row: T) => string;
}) {
  useT();
  const [sort, setSort] = useState(initial ?? { key: columns[0].key, dir: 'asc' as const });
  const column = columns.find((c) => c.key === sort.key) ?? columns[0];
  const sorted = [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'th', { numeric: true });
    return sort.dir === 'asc' ? order : -order;
  });
  const groups: [string | null, T[]][] = [];
  if (group) {
    const seen = new Map<string, T[]>();
    for (const row of sorted) {
      const g = group(row);
      if (!seen.has(g)) {
        seen.set(g, []);
        groups.push([g, seen.get(g)!]);
      }
      seen.get(g)!.push(row);
    }
  } else groups.push([null, sorted]);
  return (
    <div class="table-wrap">
      <table class="data-table" data-testid={testid}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" class={c.numeric ? 'num' : ''} aria-sort={c.key === sort.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                <button
                  type="button"
                  class="sort-button"
                  data-sort={c.key}
                  onClick={() => setSort({ key: c.key, dir: c.key === sort.key && sort.dir === 'asc' ? 'desc' : 'asc' })}
                >
                  {c.label}
                  <span aria-hidden="true" class="sort-mark">{c.key === sort.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        {groups.map(([name, list]) => (
          <tbody key={name ?? 'all'}>
            {name !== null && (
              <tr class="group-row"><th colSpan={columns.length} scope="rowgroup">{name}</th></tr>
            )}
            {list.map((row) => (
              <tr key={rowKey(row)} data-row={rowKey(row)}>
                {columns.map((c) => <td key={c.key} class={c.numeric ? 'num' : ''}>{c.render ? c.render(row) : String(c.value(row) ?? '–')}</td>)}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

// ---------- periods ----------

const TH_MONTHS = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Today's month in Thailand (the app's dates are Asia/Bangkok whatever the PC's zone). */
export function bangkokMonth(now = Date.now()): string {
  return new Date(now + 7 * 3600_000).toISOString().slice(0, 7);
}

/** The month before this one: what every screen opens on (a running month is partial). */
export function lastCompleteMonth(now = Date.now()): string {
  return addMonths(bangkokMonth(now), -1);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The fiscal year (Buddhist Era) a month falls in: October starts the next one. */
export function fiscalYearOf(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return (m >= 10 ? y + 1 : y) + 543;
}

/** "2 พ.ย. 2569" / "2 Nov 2026". */
function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return lang.get() === 'th' ? `${d} ${TH_MONTHS[m - 1]} ${y + 543}` : `${d} ${EN_MONTHS[m - 1]} ${y}`;
}

/** "พ.ย. 2569" / "Nov 2026"; "ปีงบประมาณ 2570" / "FY2570 (Oct 2026–Sep 2027)"; a range
 * "2024-09-01/2024-09-02" as "1 ก.ย. 2567 – 2 ก.ย. 2567". */
export function periodLabel(period: string): string {
  const fy = /^FY(\d{4})$/.exec(period);
  if (fy) {
    const be = Number(fy[1]);
    return lang.get() === 'th' ? `ปีงบประมาณ ${be}` : `FY${be} (Oct ${be - 544}–Sep ${be - 543})`;
  }
  const range = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/.exec(period);
  if (range) return `${dayLabel(range[1])} – ${dayLabel(range[2])}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return dayLabel(period);
  const [y, m] = period.split('-').map(Number);
  if (!y || !m) return period;
  return lang.get() === 'th' ? `${TH_MONTHS[m - 1]} ${y + 543}` : `${EN_MONTHS[m - 1]} ${y}`;
}

/** The last twelve months and the last three fiscal years, newest first. */
export function periodChoices(now = Date.now()): string[] {
  const month = bangkokMonth(now);
  const months = Array.from({ length: 12 }, (_, i) => addMonths(month, -i));
  const fy = fiscalYearOf(month);
  return [...months, `FY${fy}`, `FY${fy - 1}`, `FY${fy - 2}`];
}

export function PeriodPicker({ value, onChange, label }: { value: string; onChange: (p: string) => void; label?: string }) {
  useT();
  return (
    <label class="field inline-field">
      <span>{label ?? t('o_period')}</span>
      <select class="input" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)} data-testid="period">
        {periodChoices().map((p) => <option key={p} value={p}>{periodLabel(p)}{running(p) ? ` (${t('o_to_date')})` : ''}</option>)}
      </select>
    </label>
  );
}

/** Whether a month or fiscal year of the picker is still running. */
function running(period: string): boolean {
  const month = bangkokMonth();
  return period === month || period === `FY${fiscalYearOf(month)}`;
}

/** A period as the analytics API describes it. */
export interface PeriodInfo {
  kind: string;
  label: string;
  start: string;
  end: string;
  days: number;
  complete?: boolean;
  elapsed_days?: number;
}

/** Says that the figures shown are of a period still running, and what they compare with. */
export function ToDate({ period, previous }: { period: PeriodInfo | undefined; previous?: PeriodInfo }) {
  useT();
  if (!period || period.complete !== false || period.kind === 'day') return null;
  return (
    <p class="banner banner-warn to-date" data-testid="to-date" role="note">
      {t('o_to_date_days', { n: period.elapsed_days ?? 0, days: period.days })}
      {previous && previous.kind === 'custom' && ` · ${t('o_to_date_compare', { n: previous.days, period: periodLabel(previous.label) })}`}
    </p>
  );
}

// ---------- figures and colours ----------

/** An indicator's value in its unit: ratios as percentages, the rest as numbers. */
export function formatValue(value: number | null | undefined, unit = 'ratio'): string {
  if (value === null || value === undefined) return '–';
  if (unit === 'ratio') return `${formatNumber(value * 100, 1)}%`;
  return formatNumber(value, Math.abs(value) < 100 ? 2 : 0);
}

/** A change since the previous period: percentage points for ratios. */
export function formatChange(change: number | null | undefined, unit = 'ratio'): string {
  if (change === null || change === undefined) return '–';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = unit === 'ratio' ? `${formatNumber(Math.abs(change) * 100, 1)} ${t('o_points')}` : formatNumber(Math.abs(change), 2);
  return `${sign}${size}`;
}

export function unitLabel(unit: string): string {
  const key = `o_unit_${unit}` as Key;
  const text = t(key);
  return text === key ? unit : text;
}

/** Sequential greens, light to dark, for classed maps (ColorBrewer-style, chosen for print). */
export const CLASS_COLOURS = ['#edf8e9', '#bae4b3', '#74c476', '#31a354', '#006d2c', '#00441b', '#00300f', '#002208', '#001504'];
/** Small denominators are shown grey; areas with nothing to count, paler still. */
export const SMALL_COLOUR = '#bdbdbd';
export const NO_DATA_COLOUR = '#ffffff';

/** Collection points on every office map, by kind. */
export const POINT_COLOURS: Record<string, string> = {
  hazardous_dropoff: '#d84f00',
  recycling: '#c99700',
  compost: '#2e7d32',
  general_bin: '#1565c0',
  pao_handover: '#6a1b9a',
};

/** The colour of an area of class index (null: no class, a small denominator). */
export function classColour(index: number | null | undefined): string {
  return index === null || index === undefined ? SMALL_COLOUR : CLASS_COLOURS[index] ?? CLASS_COLOURS[CLASS_COLOURS.length - 1];
}

/** The colour of a mapped area: its class, grey for a small denominator, pale for no data. */
export function areaColour(area: { class: number | null; no_data?: boolean }): string {
  return area.no_data ? NO_DATA_COLOUR : classColour(area.class);
}

/** The classes of a map (bounds are [min, b1, ..., max] as the API gives them), then the
 * areas shown grey for a small denominator and, last, those with no data, each counted. */
export function Legend({ bounds, unit, small, empty }: { bounds: number[]; unit: string; small: number; empty: number }) {
  useT();
  return (
    <div class="legend" data-testid="legend">
      {bounds.slice(1).map((upper, i) => (
        <div key={i} class="legend-row" data-class={i}>
          <span class="swatch" style={{ background: CLASS_COLOURS[i] }} />
          {formatValue(bounds[i], unit)} – {formatValue(upper, unit)}
        </div>
      ))}
      {small > 0 && <div class="legend-row" data-testid="legend-small"><span class="swatch" style={{ background: SMALL_COLOUR }} />{t('o_legend_small', { n: small })}</div>}
      {empty > 0 && <div class="legend-row" data-testid="legend-no-data"><span class="swatch swatch-no-data" style={{ background: NO_DATA_COLOUR }} />{t('o_legend_no_data', { n: empty })}</div>}
    </div>
  );
}

/** Areas with no data, folded away under the table they would only fill with dashes. */
export function NoDataFold({ names }: { names: string[] }) {
  useT();
  if (!names.length) return null;
  return (
    <details class="no-data-fold" data-testid="no-data">
      <summary>{t('o_no_data_areas', { n: names.length })}</summary>
      <p class="small muted">{names.join(' · ')}</p>
    </details>
  );
}

/** Previous and next under a paged list (nothing when it fits on one page). */
export function Pager({ meta, onPage }: { meta: { page: number; pages: number }; onPage: (page: number) => void }) {
  useT();
  if (meta.pages <= 1) return null;
  return (
    <div class="pager">
      <button type="button" class="button button-quiet button-small" disabled={meta.page <= 1} onClick={() => onPage(meta.page - 1)}>{t('o_prev')}</button>
      <span>{t('o_page', { page: meta.page, pages: meta.pages })}</span>
      <button type="button" class="button button-quiet button-small" disabled={meta.page >= meta.pages} onClick={() => onPage(meta.page + 1)}>{t('o_next')}</button>
    </div>
  );
}

/** Up to when the figures count every accepted row (the rollups catch up on a worker). */
export function Freshness() {
  useT();
  const fresh = useLoad<{ as_of: string; pending: number }>('analytics/freshness', { store: 'none' });
  if (!fresh.data) return null;
  const time = new Date(fresh.data.as_of).toLocaleTimeString(lang.get() === 'th' ? 'th-TH' : 'en-GB', {
    hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Bangkok',
  });
  return (
    <p class="muted freshness" data-testid="freshness" data-pending={fresh.data.pending}>
      {t(fresh.data.pending ? 'o_figures_behind' : 'o_figures_as_of', { time })}
    </p>
  );
}

/** A page of the office: a heading, an optional toolbar on the right, then the content.
 * ``figures`` pages say how fresh their figures are under the heading. */
export function Page({ title, tools, figures, children }: { title: string; tools?: ComponentChildren; figures?: boolean; children: ComponentChildren }) {
  return (
    <section class="office-page">
      <div class="office-head">
        <div>
          <h1>{title}</h1>
          {figures && <Freshness />}
        </div>
        {tools && <div class="office-tools">{tools}</div>}
      </div>
      {children}
    </section>
  );
}

/** The villages of the signed-in staff member's LGO (forms, filters and the map). */
export function useLgoVillages() {
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code;
  return useLoad<ApiPage<Village>>(lgo ? `areas/villages?lgo=${encodeURIComponent(lgo)}&per_page=500` : null, { store: 'none', keep: true });
}


/** An image behind the API's bearer token (a photo), as a local object URL: null while it
 * loads, '' when it failed. The URL is revoked when the screen lets it go. */
export function useApiImage(path: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    setUrl(null);
    api<Response>(path, { raw: true })
      .then((res) => res.blob())
      .then((blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => live && setUrl(''));
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path]);
  return url;
}
