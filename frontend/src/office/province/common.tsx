/**
 * What the provincial dashboards share: the officer's province, the indicator and period they
 * chose (kept while they move between screens), area names, export buttons and breadcrumbs.
 * Every call here is to the analytics or areas API: aggregates, never households.
 */
import type { ComponentChildren } from 'preact';
import { formatNumber, lang, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { isNationalOffice } from '../../roles';
import { auth } from '../../session';
import { store, useStore } from '../../store';
import { DownloadButton, lastCompleteMonth } from '../lib';

export interface Figure {
  value: number | null;
  numerator: number;
  denominator: number;
  small_denominator: boolean;
  unit?: string;
}

export interface Named {
  code: string;
  name_th: string;
  name_en: string;
}

export interface District extends Named {
  province_code: string;
}

export interface Lgo extends Named {
  type: string;
  district_code: string;
}

interface Definitions {
  small_denominator_threshold: number;
  indicators: { name: string; unit: string; numerator: string; denominator: string }[];
}

interface Page<T> {
  items: T[];
}

interface Choice {
  indicator: string;
  period: string;
  /** The province a national officer drilled into (null: the whole country). */
  province: string | null;
}

/** The indicator, period and province the officer is looking at, shared by every screen. */
export const choice = store<Choice>({ indicator: 'participation', period: lastCompleteMonth(), province: null });

export function setChoice(part: Partial<Choice>): void {
  choice.set({ ...choice.get(), ...part });
}

/** The province of the officer's grant; a national officer's is the one they drilled into,
 * or the first province until they choose one. */
export function useProvince(): string | null {
  const { me } = useStore(auth);
  const { province: chosen } = useStore(choice);
  const granted = (me?.user.grants ?? [])
    .map((g) => (g as { province_code?: string | null }).province_code)
    .find((code): code is string => Boolean(code));
  const first = useLoad<Page<Named>>(granted || chosen ? null : 'areas/provinces?per_page=1', { store: 'none', keep: true });
  return granted ?? chosen ?? first.data?.items[0]?.code ?? null;
}

/** Whether the caller compares provinces (the national office, admins) rather than one. */
export function useNational(): boolean {
  const { me } = useStore(auth);
  return isNationalOffice(me) && !(me?.user.grants ?? []).some((g) => (g as { province_code?: string | null }).province_code);
}

export function useProvinceArea(code: string | null) {
  return useLoad<Named>(code ? `areas/provinces/${encodeURIComponent(code)}` : null, { store: 'none', keep: true });
}

export function useDistricts(province: string | null) {
  return useLoad<Page<District>>(province ? `areas/districts?parent=${encodeURIComponent(province)}&per_page=100` : null, { store: 'none', keep: true });
}

/** Every LGO of the province (the PAO too), in the districts' order. */
export function useProvinceLgos(province: string | null): { lgos: Lgo[] | undefined; districts: District[] | undefined } {
  const districts = useDistricts(province);
  const lgos = useLoad<Page<Lgo>>(province ? 'areas/lgos?per_page=500' : null, { store: 'none', keep: true });
  const mine = districts.data && new Set(districts.data.items.map((d) => d.code));
  return {
    districts: districts.data?.items,
    lgos: mine && lgos.data ? lgos.data.items.filter((l) => mine.has(l.district_code)) : undefined,
  };
}

export function useDefinitions() {
  return useLoad<Definitions>('analytics/definitions', { store: 'none', keep: true });
}

export { nameOf } from '../../i18n';

/** "อำเภอเมืองลำพูน" / "Mueang Lamphun District": the territory stores the bare names. */
export function districtName(area: { name_th: string; name_en?: string | null } | null | undefined): string {
  if (!area) return '';
  return lang.get() === 'en' ? `${area.name_en || area.name_th} District` : `อำเภอ${area.name_th}`;
}

export function provinceName(area: { name_th: string; name_en?: string | null } | null | undefined): string {
  if (!area) return '';
  return lang.get() === 'en' ? `${area.name_en || area.name_th} Province` : `จังหวัด${area.name_th}`;
}

export function indicatorLabel(name: string): string {
  const key = `ind_${name}` as Key;
  const text = t(key);
  return text === key ? name : text;
}

/** Numerators and denominators: whole counts as they are, kilograms with two decimals. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return Number.isInteger(n) ? formatNumber(n) : formatNumber(n, 2);
}

/** A query string of the values given (empty ones left out). */
export function query(args: Record<string, string | number | null | undefined>): string {
  const parts = Object.entries(args)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.join('&');
}

export function IndicatorSelect({ value, onChange, testid = 'indicator' }: { value: string; onChange: (name: string) => void; testid?: string }) {
  useT();
  const definitions = useDefinitions();
  const names = definitions.data?.indicators.map((i) => i.name) ?? [value];
  return (
    <label class="field inline-field">
      <span>{t('o_indicator')}</span>
      <select class="input" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)} data-testid={testid}>
        {names.map((name) => <option key={name} value={name}>{indicatorLabel(name)}</option>)}
      </select>
    </label>
  );
}

/** CSV and XLSX of the figures on screen: ``path`` is the JSON endpoint, ``args`` its query. */
export function ExportButtons({ path, args, name, children }: {
  path: string;
  args: Record<string, string | number | null | undefined>;
  name: string;
  children?: ComponentChildren;
}) {
  useT();
  const q = query({ ...args, lang: lang.get() });
  return (
    <div class="op-exports op-no-print" role="group" aria-label={t('op_exports')}>
      <span class="op-exports-label">{t('op_exports')}</span>
      <DownloadButton path={`${path}.csv?${q}`} name={`${name}.csv`} label={t('op_export_csv')} testid="export-csv" />
      <DownloadButton path={`${path}.xlsx?${q}`} name={`${name}.xlsx`} label={t('op_export_xlsx')} testid="export-xlsx" />
      {children}
    </div>
  );
}

export interface Crumb {
  label: string;
  href?: string;
}

/** Where in the territory the screen is; every level above is a link back up. */
export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }) {
  useT();
  return (
    <nav class="op-crumbs" aria-label={t('op_where')} data-testid="crumbs">
      <ol>
        {crumbs.map((c, i) => (
          <li key={i}>
            {c.href && i < crumbs.length - 1 ? <Link href={c.href}>{c.label}</Link> : <span aria-current={i === crumbs.length - 1 ? 'location' : undefined}>{c.label}</span>}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function SmallBadge() {
  useT();
  return <span class="small-flag op-badge" data-testid="small-flag">{t('op_small')}</span>;
}
