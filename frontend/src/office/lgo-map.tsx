/**
 * The LGO's map: its villages coloured by participation this month, its households as exact
 * points from the household vector tiles (filtered by what needs doing, as a style filter), its
 * collection points; click a household for details, or click a spot to register one there.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { LOG_OVERDUE_DAYS, type Household, type Village } from '../data';
import { formatDate, lang, nameOf, t, useT, type Key } from '../i18n';
import { navigate } from '../router';
import { auth } from '../session';
import { useStore } from '../store';
import { escapeHtml, useLeafletMap } from '../ui/basemap';
import { Banner, showToast } from '../ui/kit';
import { areaColour, errorText, formErrors, lastCompleteMonth, Legend, Page, PeriodPicker, POINT_COLOURS, ToDate, useFetch, type PeriodInfo, useLgoVillages } from './lib';
import type { Filter, HouseholdLayer } from './household-tiles';
import { createHousehold, HouseholdForm, valuesOf, type FormValues } from './register';

const FILTERS: Filter[] = ['all', 'not_logging', 'not_verified', 'no_bin'];

/** Household dots: the most urgent state wins (no log this week, then bin not verified). */
const HOUSE_COLOURS = { not_logging: '#b3261e', not_verified: '#e0a100', verified: '#1b5e20' };


interface Choropleth extends GeoJSON.FeatureCollection {
  khaya: { unit: string; period: PeriodInfo; classes: { breaks: number[] } };
}

/** The households layer starts at this zoom (Leaflet's; the tiles' own is one less). */
const HOUSEHOLDS_MIN_ZOOM = 13;

/** Open a household's popup: its details come from the register (the read is audited). */
function openHousehold(map: L.Map, at: L.LatLng, id: number): void {
  const popup = L.popup().setLatLng(at).setContent('…').openOn(map);
  api<Household>(`households/${id}`).then(
    (h) => popup.setContent(householdPopup(h)),
    (error) => popup.setContent(escapeHtml(errorText(error))),
  );
}

function householdPopup(h: Household): string {
  const rows = [
    `<strong>${t('reg_house_no')} ${escapeHtml(h.house_number)}</strong>`,
    h.head_name ? escapeHtml(h.head_name) : '',
    `${t('reg_last_log')}: ${formatDate(h.last_log_on)}`,
    `${t('reg_verified')}: ${h.verified_on ? formatDate(h.verified_on) : '–'}`,
    `${t('reg_wet_bin')}: ${t(`bin_${h.wet_bin}` as Key)}`,
    `<a href="/office/households/${h.id}" data-household="${h.id}">${t('o_details')}</a>`,
  ];
  return rows.filter(Boolean).join('<br>');
}

export function LgoMap() {
  useT();
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code ?? '';
  const [period, setPeriod] = useState(lastCompleteMonth());
  const [filter, setFilter] = useState<Filter>('all');
  const [show, setShow] = useState({ villages: true, households: true, points: true });
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState<FormValues | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  // Households in the loaded tiles that the filter keeps; null until the first tiles arrive.
  const [shown, setShown] = useState<number | null>(null);
  const [zoom, setZoom] = useState(13);
  const [failed, setFailed] = useState<string | null>(null);
  const [noTiles, setNoTiles] = useState(false);
  const villages = useLgoVillages();
  const shapes = useFetch<Choropleth>(lgo ? `analytics/choropleth?level=village&parent=${encodeURIComponent(lgo)}&indicator=participation&period=${period}&tolerance=0.0002` : null);
  const points = useFetch<GeoJSON.FeatureCollection>('collection-points/geojson');
  const groups = useRef<{ villages: L.LayerGroup; points: L.LayerGroup; draft: L.LayerGroup } | null>(null);
  const houses = useRef<HouseholdLayer | null>(null);
  const fitted = useRef(false);
  const addingRef = useRef(adding);
  addingRef.current = adding;

  const setUp = (m: L.Map) => {
    // Villages under households under collection points, whatever order they load in.
    m.createPane('villages').style.zIndex = '350';
    const housePane = m.createPane('households');
    housePane.style.zIndex = '400';
    // The households' canvas covers the map: clicks go to the map, which asks it what is there.
    housePane.style.pointerEvents = 'none';
    m.createPane('points').style.zIndex = '450';
    groups.current = {
      villages: L.layerGroup().addTo(m),
      points: L.layerGroup().addTo(m),
      draft: L.layerGroup().addTo(m),
    };
    m.on('zoomend', () => setZoom(m.getZoom()));
    let disposed = false;
    // MapLibre is loaded with the map, never with the rest of the office.
    void import('./household-tiles').then(({ addHouseholdLayer }) => {
      if (disposed) return;
      const layer = addHouseholdLayer(m, 'households', LOG_OVERDUE_DAYS, HOUSE_COLOURS);
      layer.onChange(() => setShown(layer.count()));
      houses.current = layer;
    }, (error) => setFailed(errorText(error)));
    m.on('click', (e: L.LeafletMouseEvent) => {
      if (!addingRef.current) {
        const id = houses.current?.householdAt(e.containerPoint);
        if (id != null) openHousehold(m, e.latlng, id);
        return;
      }
      const lon = e.latlng.lng.toFixed(6);
      const lat = e.latlng.lat.toFixed(6);
      groups.current!.draft.clearLayers();
      L.circleMarker(e.latlng, { radius: 9, color: '#000', weight: 3, fillColor: '#fff', fillOpacity: 1 }).addTo(groups.current!.draft);
      setErrors(undefined);
      setDraft({ ...valuesOf(undefined), lon, lat });
      // Which village is this? The form starts there; staff can change it.
      void api<{ village?: { code: string } | null }>(`areas/locate?lon=${lon}&lat=${lat}`).then(
        (where) => where.village && setDraft((d) => (d ? { ...d, village_code: d.village_code || where.village!.code } : d)),
        () => undefined,
      );
    });
    // Links inside popups move within the app rather than reloading it.
    const onPopupClick = (e: MouseEvent) => {
      const a = (e.target as HTMLElement).closest('a[data-household]');
      if (!a) return;
      e.preventDefault();
      navigate(a.getAttribute('href')!);
    };
    box.current!.addEventListener('click', onPopupClick);
    return () => {
      disposed = true;
      houses.current?.remove();
      houses.current = null;
    };
  };
  const { box, map } = useLeafletMap({ center: [18.5745, 99.0087], zoom: 13, onNoTiles: () => setNoTiles(true), setUp });

  useEffect(() => {
    const g = groups.current;
    if (!g) return;
    g.villages.clearLayers();
    if (!shapes.data || !show.villages) return;
    const layer = L.geoJSON(shapes.data, {
      pane: 'villages',
      style: (f) => ({ color: '#30402e', weight: 1, fillColor: areaColour(f?.properties ?? { class: null }), fillOpacity: 0.55 }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        const name = nameOf(p);
        const value = p.value === null ? t('o_no_data') : `${(p.value * 100).toFixed(1)}% (${p.numerator}/${p.denominator})`;
        l.bindTooltip(`${escapeHtml(name)}: ${value}`, { sticky: true });
      },
    });
    g.villages.addLayer(layer);
    if (!fitted.current && layer.getBounds().isValid()) {
      map.current!.fitBounds(layer.getBounds(), { padding: [12, 12], animate: false });
      fitted.current = true;
    }
  }, [shapes.data, show.villages, lang.get()]);

  useEffect(() => {
    houses.current?.setFilter(filter);
  }, [filter, shown === null]);
  useEffect(() => {
    houses.current?.setVisible(show.households);
  }, [show.households, shown === null]);

  useEffect(() => {
    const g = groups.current;
    if (!g) return;
    g.points.clearLayers();
    if (!points.data || !show.points) return;
    for (const f of points.data.features) {
      const p = f.properties as { kind: string; name_th: string; name_en: string | null; status: string };
      const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
      L.circleMarker([lat, lon], { pane: 'points', radius: 8, color: '#000', weight: 2, fillColor: POINT_COLOURS[p.kind] ?? '#555', fillOpacity: 1 })
        .bindPopup(`<strong>${escapeHtml(nameOf(p))}</strong><br>${t(`kind_${p.kind}` as Key)} · ${t(`pstatus_${p.status}` as Key)}`)
        .addTo(g.points);
    }
  }, [points.data, show.points, lang.get()]);

  useEffect(() => {
    box.current?.classList.toggle('picking', adding);
    if (!adding) {
      groups.current?.draft.clearLayers();
      setDraft(null);
    }
  }, [adding]);

  const legend = shapes.data?.khaya;

  return (
    <Page figures title={t('on_map')} tools={<PeriodPicker value={period} onChange={setPeriod} />}>
      <div class="map-tools">
        <div class="segmented" role="group" aria-label={t('map_filter')}>
          {FILTERS.map((f) => (
            <button type="button" key={f} class={filter === f ? 'on' : ''} aria-pressed={filter === f} onClick={() => setFilter(f)} data-filter={f}>
              {t(`map_filter_${f}` as Key)}
            </button>
          ))}
        </div>
        <fieldset class="layer-toggles">
          <legend class="visually-hidden">{t('map_layers')}</legend>
          {(['villages', 'households', 'points'] as const).map((k) => (
            <label key={k} class="switch small">
              <input type="checkbox" checked={show[k]} onChange={(e) => setShow({ ...show, [k]: (e.target as HTMLInputElement).checked })} />
              {t(`map_${k}` as Key)}
            </label>
          ))}
        </fieldset>
        <button type="button" class={`button button-small ${adding ? 'button-primary' : 'button-secondary'}`} aria-pressed={adding} onClick={() => setAdding(!adding)} data-testid="map-add">
          {t('map_add_household')}
        </button>
      </div>
      {failed && <Banner kind="error" icon="alert">{t('load_failed')}: {failed}</Banner>}
      {adding && !draft && <Banner kind="info" icon="pin">{t('map_add_here')}</Banner>}
      <div class="office-map-layout">
        <div class={`map-frame office-map${noTiles ? ' map-plain' : ''}`}>
          <div ref={box} class="map" role="region" aria-label={t('on_map')} data-testid="office-map" />
        </div>
        <aside class="office-side">
          {draft ? (
            <>
              <h2>{t('reg_new')}</h2>
              <HouseholdForm
                values={draft}
                onChange={setDraft}
                villages={villages.data?.items ?? ([] as Village[])}
                creating
                busy={busy}
                errors={errors}
                onCancel={() => setAdding(false)}
                onSubmit={async () => {
                  setBusy(true);
                  try {
                    const h = await createHousehold(draft);
                    houses.current?.reload();
                    showToast(t('reg_created', { house: h.house_number }));
                    setAdding(false);
                  } catch (error) {
                    setErrors(formErrors(error));
                  }
                  setBusy(false);
                }}
              />
            </>
          ) : (
            <>
              <p data-testid="map-count">{shown === null ? '…' : t('map_shown', { n: shown })}</p>
              {zoom < HOUSEHOLDS_MIN_ZOOM && <p class="muted small" data-testid="map-zoom-in">{t('map_zoom_in')}</p>}
              {legend && (
                <>
                  <h2>{t('ind_participation')}</h2>
                  <ToDate period={legend.period} />
                  <Legend
                    bounds={legend.classes.breaks}
                    unit={legend.unit}
                    small={shapes.data!.features.filter((f) => f.properties?.class === null && !f.properties?.no_data).length}
                    empty={shapes.data!.features.filter((f) => f.properties?.no_data).length}
                  />
                </>
              )}
              <h2>{t('map_households')}</h2>
              <ul class="key-list">
                <li><span class="swatch round" style={{ background: HOUSE_COLOURS.not_logging }} />{t('map_filter_not_logging')}</li>
                <li><span class="swatch round" style={{ background: HOUSE_COLOURS.not_verified }} />{t('map_filter_not_verified')}</li>
                <li><span class="swatch round" style={{ background: HOUSE_COLOURS.verified }} />{t('reg_verified')}</li>
              </ul>
              <h2>{t('map_points')}</h2>
              <ul class="key-list">
                {Object.entries(POINT_COLOURS).map(([kind, colour]) => (
                  <li key={kind}><span class="swatch round" style={{ background: colour }} />{t(`kind_${kind}` as Key)}</li>
                ))}
              </ul>
              {noTiles && <p class="muted small">{t('map_no_tiles')}</p>}
            </>
          )}
        </aside>
      </div>
    </Page>
  );
}
