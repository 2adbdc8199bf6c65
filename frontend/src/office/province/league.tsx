/**
 * The league table: the province's LGOs ranked by one indicator for one period, with numerator,
 * denominator, the small-denominator flag and the change since the period before. Drills into
 * a district's LGOs (/office/league/district/CODE) and an LGO's villages
 * (/office/league/lgo/CODE), as aggregates only. The national office starts from the provinces
 * ranked (/office/league/country) and drills into one (/office/league/province/CODE).
 */
import { useEffect, useState } from 'preact/hooks';
import { t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { Link, navigate } from '../../router';
import { useStore } from '../../store';
import { StatePill } from '../signoff';
import { DownloadButton, formatChange, formatValue, Loaded, NoDataFold, Page, PeriodPicker, periodLabel, SortTable, ToDate, unitLabel, type Column, type PeriodInfo } from '../lib';
import {
  Breadcrumbs,
  choice,
  districtName,
  ExportButtons,
  formatCount,
  IndicatorSelect,
  indicatorLabel,
  nameOf,
  provinceName,
  query,
  setChoice,
  SmallBadge,
  useDistricts,
  useNational,
  useProvince,
  useProvinceArea,
  type Crumb,
  type Figure,
  type Lgo,
  type Named,
} from './common';

interface LeagueRow extends Named, Figure {
  rank: number | null;
  unit: string;
  district_code?: string | null;
  district_name_th?: string | null;
  district_name_en?: string | null;
  no_data: boolean;
  previous: Figure;
  change: number | null;
  approval_state?: string | null;
}

export interface League {
  level: string;
  parent: string | null;
  indicator: string;
  period: PeriodInfo;
  previous_period: PeriodInfo;
  small_denominator_threshold: number;
  rows: LeagueRow[];
  most_improved: (Named & { change: number }) | null;
}

/** Which part of the territory the screen shows, from the path. */
export type Scope =
  | { kind: 'country' }
  | { kind: 'province'; code?: string }
  | { kind: 'district'; code: string }
  | { kind: 'lgo'; code: string };

export function scopeOf(path: string, base: string): Scope {
  const rest = path.slice(base.length).split('/').filter(Boolean);
  if (rest[0] === 'country') return { kind: 'country' };
  if (rest[0] === 'province' && rest[1]) return { kind: 'province', code: decodeURIComponent(rest[1]) };
  if (rest[0] === 'district' && rest[1]) return { kind: 'district', code: decodeURIComponent(rest[1]) };
  if (rest[0] === 'lgo' && rest[1]) return { kind: 'lgo', code: decodeURIComponent(rest[1]) };
  return { kind: 'province' };
}

/**
 * The province a screen shows and whether it shows the whole country instead. A provincial
 * officer's province is their grant's. The national office sees the country until it drills
 * into a province (remembered while it moves between screens); a district's DOPA code starts
 * with its province's.
 */
export function useShown(scope: Scope): { province: string | null; country: boolean; national: boolean } {
  const national = useNational();
  const own = useProvince();
  const { province: chosen } = useStore(choice);
  const named = scope.kind === 'province' ? scope.code : scope.kind === 'district' ? scope.code.slice(0, 2) : undefined;
  useEffect(() => {
    if (!national) return;
    if (scope.kind === 'country') setChoice({ province: null });
    else if (named && named !== chosen) setChoice({ province: named });
  }, [national, scope.kind, named]);
  const country = national && (scope.kind === 'country' || (scope.kind === 'province' && !scope.code && !chosen));
  return { province: country ? null : named ?? own, country, national };
}

/** The breadcrumbs from the country or province down to the scope shown, each a link back up. */
export function useCrumbs(scope: Scope, province: string | null, base: string): { crumbs: Crumb[]; lgo: Lgo | undefined } {
  const national = useNational();
  const provinceArea = useProvinceArea(scope.kind === 'country' ? null : province);
  const districts = useDistricts(province);
  const lgo = useLoad<Lgo>(scope.kind === 'lgo' ? `areas/lgos/${encodeURIComponent(scope.code)}` : null, { store: 'none' });
  const districtCode = scope.kind === 'district' ? scope.code : scope.kind === 'lgo' ? lgo.data?.district_code : undefined;
  const district = districts.data?.items.find((d) => d.code === districtCode);
  const crumbs: Crumb[] = national ? [{ label: t('op_country'), href: `${base}/country` }] : [];
  if (scope.kind !== 'country') {
    crumbs.push({ label: provinceName(provinceArea.data) || t('op_province'), href: national && province ? `${base}/province/${province}` : base });
  }
  if (districtCode) crumbs.push({ label: district ? districtName(district) : districtCode, href: `${base}/district/${districtCode}` });
  if (scope.kind === 'lgo') crumbs.push({ label: lgo.data ? nameOf(lgo.data) : scope.code });
  return { crumbs, lgo: lgo.data };
}

export function LeagueScreen({ path }: { path: string }) {
  useT();
  const { indicator, period } = useStore(choice);
  const scope = scopeOf(path, '/office/league');
  const { province, country } = useShown(scope);
  const [grouped, setGrouped] = useState(false);
  const districts = useDistricts(province);
  const { crumbs } = useCrumbs(country ? { kind: 'country' } : scope, province, '/office/league');
  const level = country ? 'province' : scope.kind === 'lgo' ? 'village' : 'lgo';
  const parent = country || scope.kind === 'country' ? null : scope.kind === 'province' ? province : scope.code;
  const args = { level, parent, indicator, period };
  const league = useLoad<League>(parent || country ? `analytics/league?${query(args)}` : null, { store: 'none' });
  const provinceView = scope.kind === 'province' && !country;
  const title = crumbs[crumbs.length - 1]?.label ?? '';

  return (
    <Page figures
      title={t('op_league')}
      tools={
        <>
          <IndicatorSelect value={indicator} onChange={(name) => setChoice({ indicator: name })} />
          <PeriodPicker value={period} onChange={(p) => setChoice({ period: p })} />
        </>
      }
    >
      <Breadcrumbs crumbs={crumbs} />
      <p class="op-print-only">{indicatorLabel(indicator)} · {periodLabel(period)}</p>
      <div class="filters op-no-print">
        {scope.kind !== 'lgo' && !country && (
          <label class="field inline-field">
            <span>{t('o_district')}</span>
            <select
              class="input"
              data-testid="district-filter"
              value={scope.kind === 'district' ? scope.code : ''}
              onChange={(e) => {
                const code = (e.target as HTMLSelectElement).value;
                navigate(code ? `/office/league/district/${code}` : `/office/league${province ? `/province/${province}` : ''}`);
              }}
            >
              <option value="">{t('op_all_districts')}</option>
              {(districts.data?.items ?? []).map((d) => <option key={d.code} value={d.code}>{districtName(d)}</option>)}
            </select>
          </label>
        )}
        {provinceView && (
          <label class="switch small op-switch">
            <input type="checkbox" checked={grouped} onChange={(e) => setGrouped((e.target as HTMLInputElement).checked)} data-testid="group-district" />
            {t('op_group_district')}
          </label>
        )}
        {(parent || country) && (
          <ExportButtons path="analytics/league" args={args} name={`league-${indicator}-${period}`}>
            {parent && <DownloadButton
              path={`analytics/summary.pdf?${query({ level, parent, period, indicator })}`}
              name={`summary-${indicator}-${period}.pdf`}
              label={t('op_summary_pdf')}
              testid="export-pdf"
            />}
            <button type="button" class="button button-quiet button-small" onClick={() => window.print()}>{t('op_print')}</button>
          </ExportButtons>
        )}
      </div>
      <Loaded fetched={league}>
        {(data) => <LeagueBody data={data} scope={country ? { kind: 'country' } : scope} grouped={grouped && provinceView} title={title} />}
      </Loaded>
    </Page>
  );
}

function LeagueBody({ data, scope, grouped, title }: { data: League; scope: Scope; grouped: boolean; title: string }) {
  useT();
  const unit = data.rows[0]?.unit ?? 'ratio';
  // Areas with nothing to count are not a small denominator: folded away under the table.
  const rows = data.rows.filter((r) => !r.no_data);
  const empty = data.rows.filter((r) => r.no_data);
  const ranked = data.rows.filter((r) => r.rank !== null).length;
  const leader = data.rows.find((r) => r.rank === 1);
  const before = periodLabel(data.previous_period.label);
  const villages = scope.kind === 'lgo';
  const provinces = scope.kind === 'country';

  const columns: Column<LeagueRow>[] = [
    { key: 'rank', label: t('o_rank'), value: (r) => r.rank, numeric: true, render: (r) => r.rank ?? '–' },
    {
      key: 'name',
      label: villages ? t('o_village') : provinces ? t('op_province') : t('o_lgo'),
      value: (r) => nameOf(r),
      render: (r) => (villages ? nameOf(r)
        : provinces ? <Link href={`/office/league/province/${encodeURIComponent(r.code)}`} title={t('op_open_lgos', { name: provinceName(r) })} data-province={r.code}>{provinceName(r)}</Link>
          : <Link href={`/office/league/lgo/${encodeURIComponent(r.code)}`} title={t('op_open_villages', { name: nameOf(r) })} data-lgo={r.code}>{nameOf(r)}</Link>),
    },
  ];
  if (scope.kind === 'province') {
    columns.push({
      key: 'district',
      label: t('o_district'),
      value: (r) => (r.district_code ? districtLabel(r) : null),
      render: (r) => (r.district_code
        ? <Link href={`/office/league/district/${r.district_code}`} title={t('op_open_district', { name: districtLabel(r) })} data-district={r.district_code}>{districtLabel(r)}</Link>
        : '–'),
    });
  }
  columns.push(
    { key: 'value', label: `${t('o_value')} (${unitLabel(unit)})`, value: (r) => r.value, numeric: true, render: (r) => <strong>{formatValue(r.value, r.unit)}</strong> },
    { key: 'numerator', label: t('o_numerator'), value: (r) => r.numerator, numeric: true, render: (r) => formatCount(r.numerator) },
    { key: 'denominator', label: t('o_denominator'), value: (r) => r.denominator, numeric: true, render: (r) => formatCount(r.denominator) },
    { key: 'small', label: t('op_flag'), value: (r) => (r.small_denominator ? 1 : 0), render: (r) => (r.small_denominator ? <SmallBadge /> : '') },
    { key: 'previous', label: t('op_previous_value', { period: before }), value: (r) => r.previous.value, numeric: true, render: (r) => formatValue(r.previous.value, r.unit) },
    {
      key: 'change',
      label: t('o_change'),
      value: (r) => r.change,
      numeric: true,
      render: (r) => <span class={r.change === null ? '' : r.change > 0 ? 'op-up' : r.change < 0 ? 'op-down' : ''} data-testid="change">{formatChange(r.change, r.unit)}</span>,
    },
  );
  // A month's rows say where each area's sign-off stands.
  if (data.rows.some((r) => r.approval_state)) {
    columns.push({ key: 'approval', label: t('ap_state'), value: (r) => r.approval_state ?? '', render: (r) => <StatePill state={r.approval_state} /> });
  }

  return (
    <>
      <ToDate period={data.period} previous={data.previous_period} />
      <div class="cards op-cards">
        <div class="figure-card">
          <div class="label">{t('op_ranked')}</div>
          <div class="figure" data-testid="ranked-count">{ranked}</div>
          <div class="label">{t('op_ranked_of', { ranked, n: data.rows.length })}</div>
        </div>
        {leader && (
          <div class="figure-card">
            <div class="label">{t('op_best')}</div>
            <div class="figure">{formatValue(leader.value, leader.unit)}</div>
            <div class="label">{nameOf(leader)}</div>
          </div>
        )}
        <div class="figure-card op-improved" data-testid="most-improved">
          <div class="label">{t('op_most_improved')}</div>
          {data.most_improved ? (
            <>
              <div class="figure op-up">{formatChange(data.most_improved.change, unit)}</div>
              <div class="label">{nameOf(data.most_improved)} · {before} → {periodLabel(data.period.label)}</div>
            </>
          ) : <div class="label">{t('op_most_improved_none', { period: before })}</div>}
        </div>
      </div>
      {villages && <p class="muted small">{t('op_aggregates_only')}</p>}
      <SortTable
        rows={rows}
        columns={columns}
        initial={{ key: 'rank', dir: 'asc' }}
        rowKey={(r) => r.code}
        caption={`${villages ? t('op_villages_of', { name: title }) : provinces ? t('op_provinces_ranked') : t('op_lgos_of', { name: title })} · ${indicatorLabel(data.indicator)} · ${periodLabel(data.period.label)}`}
        testid="league-table"
        group={grouped ? (r) => (r.district_code ? districtLabel(r) : t('op_pao')) : undefined}
      />
      <NoDataFold names={empty.map((r) => nameOf(r))} />
      <p class="muted small">{t('op_small_note', { n: data.small_denominator_threshold })}</p>
    </>
  );
}

function districtLabel(r: LeagueRow): string {
  return districtName({ name_th: r.district_name_th ?? r.district_code ?? '', name_en: r.district_name_en });
}
