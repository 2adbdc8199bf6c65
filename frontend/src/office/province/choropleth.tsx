/**
 * The province's LGOs on a map, coloured by class of one indicator; an LGO clicked opens its
 * villages (/office/choropleth/lgo/CODE), as village totals only. The same figures stand in a
 * table under the map, so the map is never the only way to read them.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { lang, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link, navigate } from '../../router';
import { useStore } from '../../store';
import { escapeHtml, useLeafletMap } from '../../ui/basemap';
import { areaColour, formatValue, Legend, Loaded, NoDataFold, Page, PeriodPicker, periodLabel, SortTable, ToDate, unitLabel, type Column, type PeriodInfo } from '../lib';
import {
  Breadcrumbs,
  choice,
  ExportButtons,
  formatCount,
  IndicatorSelect,
  indicatorLabel,
  nameOf,
  query,
  setChoice,
  SmallBadge,
  provinceName,
} from './common';
import { scopeOf, useCrumbs, useShown } from './league';

interface AreaProps {
  code: string;
  name_th: string;
  name_en: string;
  value: number | null;
  numerator: number;
  denominator: number;
  small_denominator: boolean;
  no_data: boolean;
  class: number | null;
}

interface Choropleth {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: GeoJSON.Geometry; properties: AreaProps }[];
  khaya: { indicator: string; unit: string; level: string; period: PeriodInfo; classes: { method: string; breaks: number[] } };
}

const METHODS = ['quantile', 'equal', 'jenks'] as const;
const BASE = '/office/choropleth';

export function ChoroplethScreen({ path }: { path: string }) {
  useT();
  const { indicator, period } = useStore(choice);
  const [method, setMethod] = useState<string>('quantile');
  const [classes, setClasses] = useState(5);
  const [noTiles, setNoTiles] = useState(false);
  const scope = scopeOf(path, BASE);
  const { province, country, national } = useShown(scope);
  const { crumbs } = useCrumbs(country ? { kind: 'country' } : scope.kind === 'district' ? { kind: 'province', code: province ?? undefined } : scope, province, BASE);
  // The national office's country map shades provinces; a click opens the province's LGOs.
  const level = country ? 'province' : scope.kind === 'lgo' ? 'village' : 'lgo';
  const parent = country ? null : scope.kind === 'lgo' ? scope.code : province;
  const below = level === 'province' ? 'province' : level === 'lgo' ? 'lgo' : null;
  const tolerance = level === 'province' ? 0.005 : level === 'lgo' ? 0.002 : 0.0002;
  const shapes = useLoad<Choropleth>(
    parent || country ? `analytics/choropleth?${query({ level, parent, indicator, period, method, classes, tolerance })}` : null,
    { store: 'none' },
  );
  const nameIn = (p: AreaProps) => (level === 'province' ? provinceName(p) : nameOf(p));
  const { box, map, layer } = useLeafletMap({
    center: [18.3, 99.0],
    zoom: 9,
    options: { preferCanvas: false, zoomSnap: 0.25 },
    onNoTiles: () => setNoTiles(true),
  });
  const fittedFor = useRef<string | null>(null);

  useEffect(() => {
    const group = layer.current;
    if (!group) return;
    group.clearLayers();
    if (!shapes.data) return;
    const unit = shapes.data.khaya.unit;
    const drawn = L.geoJSON(shapes.data as unknown as GeoJSON.FeatureCollection, {
      style: (f) => ({ color: '#30402e', weight: 1.2, fillColor: areaColour(f?.properties as AreaProps), fillOpacity: 0.78, dashArray: (f?.properties as AreaProps).no_data ? '4 3' : undefined }),
      onEachFeature: (f, l) => {
        const p = f.properties as AreaProps;
        const figure = p.value === null ? t('o_no_data') : `${formatValue(p.value, unit)} (${formatCount(p.numerator)}/${formatCount(p.denominator)})`;
        const flag = p.small_denominator ? ` · ${t('op_small')}` : '';
        l.bindTooltip(`<strong>${escapeHtml(nameIn(p))}</strong><br>${escapeHtml(figure)}${escapeHtml(flag)}`, { sticky: true });
        // Set before the layer is added: Leaflet reads className only when it draws the path.
        (l as L.Path).options.className = `op-feature op-area-${p.code}${below ? ' op-clickable' : ''}`;
        if (below) l.on('click', () => navigate(`${BASE}/${below}/${encodeURIComponent(p.code)}`));
      },
    });
    group.addLayer(drawn);
    // Fit once per drill level, not on every indicator or class change.
    const key = `${level}:${parent}`;
    if (fittedFor.current !== key && drawn.getBounds().isValid()) {
      map.current!.fitBounds(drawn.getBounds(), { padding: [10, 10] });
      fittedFor.current = key;
    }
  }, [shapes.data, lang.get()]);

  const khaya = shapes.data?.khaya;
  const all = shapes.data?.features.map((f) => f.properties) ?? [];
  // Areas with nothing to count are folded away, not listed among the grey ones.
  const features = all.filter((p) => !p.no_data);
  const empty = all.filter((p) => p.no_data);
  const grey = features.filter((p) => p.class === null);
  const unit = khaya?.unit ?? 'ratio';
  const columns: Column<AreaProps>[] = [
    {
      key: 'name',
      label: level === 'village' ? t('o_village') : level === 'province' ? t('op_province') : t('o_lgo'),
      value: (p) => nameIn(p),
      render: (p) => (below ? <Link href={`${BASE}/${below}/${encodeURIComponent(p.code)}`} data-lgo={level === 'lgo' ? p.code : undefined} data-province={level === 'province' ? p.code : undefined}>{nameIn(p)}</Link> : nameIn(p)),
    },
    { key: 'value', label: `${t('o_value')} (${unitLabel(unit)})`, value: (p) => p.value, numeric: true, render: (p) => <strong>{formatValue(p.value, unit)}</strong> },
    { key: 'numerator', label: t('o_numerator'), value: (p) => p.numerator, numeric: true, render: (p) => formatCount(p.numerator) },
    { key: 'denominator', label: t('o_denominator'), value: (p) => p.denominator, numeric: true, render: (p) => formatCount(p.denominator) },
    { key: 'small', label: t('op_flag'), value: (p) => (p.small_denominator ? 1 : 0), render: (p) => (p.small_denominator ? <SmallBadge /> : '') },
    {
      key: 'class',
      label: t('op_class'),
      value: (p) => p.class,
      render: (p) => <span class="op-class"><span class="swatch" style={{ background: areaColour(p) }} />{p.class === null ? '–' : p.class + 1}</span>,
    },
  ];
  const title = crumbs[crumbs.length - 1]?.label ?? '';

  return (
    <Page figures
      title={t('op_choropleth')}
      tools={
        <>
          <IndicatorSelect value={indicator} onChange={(name) => setChoice({ indicator: name })} />
          <PeriodPicker value={period} onChange={(p) => setChoice({ period: p })} />
        </>
      }
    >
      <Breadcrumbs crumbs={crumbs} />
      <ToDate period={khaya?.period} />
      <div class="filters op-no-print">
        <label class="field inline-field">
          <span>{t('op_method')}</span>
          <select class="input" value={method} onChange={(e) => setMethod((e.target as HTMLSelectElement).value)} data-testid="class-method">
            {METHODS.map((m) => <option key={m} value={m}>{t(`op_method_${m}` as Key)}</option>)}
          </select>
        </label>
        <label class="field inline-field">
          <span>{t('op_classes')}</span>
          <select class="input" value={classes} onChange={(e) => setClasses(Number((e.target as HTMLSelectElement).value))} data-testid="class-count">
            {[3, 4, 5, 6, 7].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        {scope.kind === 'lgo' && (
          <button type="button" class="button button-secondary button-small" onClick={() => navigate(national && province ? `${BASE}/province/${province}` : BASE)} data-testid="back-province">
            {t('op_back_province')}
          </button>
        )}
        {(parent || country) && (
          <ExportButtons path="analytics/indicators" args={{ level, parent, period, indicators: indicator }} name={`map-${indicator}-${period}`} />
        )}
      </div>
      <p class="muted small op-no-print">{scope.kind === 'lgo' ? t('op_aggregates_only') : country ? t('op_map_hint_country') : t('op_map_hint')}</p>
      <div class="office-map-layout">
        <div class={`map-frame office-map op-map${noTiles ? ' map-plain' : ''}`}>
          <div
            ref={box}
            class="map"
            role="region"
            aria-label={t('op_map_label', { indicator: indicatorLabel(indicator), period: periodLabel(period) })}
            data-testid="province-map"
            data-level={level}
            data-features={shapes.data ? shapes.data.features.length : undefined}
          />
        </div>
        <aside class="office-side op-side">
          <h2>{t('op_legend')}</h2>
          <p class="small"><strong>{indicatorLabel(indicator)}</strong> · {periodLabel(period)}</p>
          {khaya ? <Legend bounds={khaya.classes.breaks} unit={unit} small={grey.length} empty={empty.length} /> : <p class="muted small">…</p>}
          {khaya && <p class="muted small">{t('op_method')}: {t(`op_method_${khaya.classes.method}` as Key)}</p>}
          <h2>{t('op_grey')}</h2>
          {grey.length ? (
            <ul class="op-grey-list" data-testid="grey-list" tabIndex={0} aria-label={t('op_grey')}>
              {grey.map((p) => (
                <li key={p.code}>{nameOf(p)} <span class="muted small">({t('op_small')}: {t('o_denominator')} {formatCount(p.denominator)})</span></li>
              ))}
            </ul>
          ) : <p class="muted small">{t('op_grey_none')}</p>}
          <NoDataFold names={empty.map((p) => nameOf(p))} />
          {noTiles && <p class="muted small">{t('op_no_tiles')}</p>}
        </aside>
      </div>
      <Loaded fetched={shapes}>
        {() => (
          <SortTable
            rows={features}
            columns={columns}
            initial={{ key: 'value', dir: 'desc' }}
            rowKey={(p) => p.code}
            caption={`${title} · ${indicatorLabel(indicator)} · ${periodLabel(period)}`}
            testid="map-table"
          />
        )}
      </Loaded>
    </Page>
  );
}
