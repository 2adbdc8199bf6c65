/**
 * The LGO map's layers and what a click does. Panes keep villages under households under
 * collection points whatever order they load in; the households come from the vector tiles
 * (MapLibre loads with the map, never with the rest of the office), filtered by what needs doing
 * as a style filter. A click opens the household under it or, while adding, places a new one.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { LOG_OVERDUE_DAYS, type Household } from '../../data';
import { formatDate, lang, nameOf, t, type Key } from '../../i18n';
import { navigate } from '../../router';
import { escapeHtml, useLeafletMap } from '../../ui/basemap';
import { areaColour, errorText, POINT_COLOURS, type PeriodInfo } from '../lib';
import type { Filter, HouseholdLayer } from './household-tiles';

/** Household dots: the most urgent state wins (no log this week, then bin not verified). */
export const HOUSE_COLOURS = { not_logging: '#b3261e', not_verified: '#e0a100', verified: '#1b5e20' };

/** The households layer starts at this zoom (Leaflet's; the tiles' own is one less). */
export const HOUSEHOLDS_MIN_ZOOM = 13;

export interface Choropleth extends GeoJSON.FeatureCollection {
  khaya: { unit: string; period: PeriodInfo; classes: { breaks: number[] } };
}

export interface Shown {
  villages: boolean;
  households: boolean;
  points: boolean;
  reports: boolean;
}

/** An open citizen report as the queue lists it (the fields the map shows). */
export interface MapReport {
  id: number;
  type: string;
  status: string;
  age_days: number;
  location: { type: 'Point'; coordinates: [number, number] };
}

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

/**
 * The map in ``box`` with its layers drawn from ``shapes`` and ``points``, the households
 * filter and which layers show; ``onPick`` hears the spot clicked while ``adding``.
 */
export function useLgoMapLayers({ shapes, points, reports, adding, onPick }: {
  shapes: Choropleth | undefined;
  points: GeoJSON.FeatureCollection | undefined;
  reports: MapReport[] | undefined;
  adding: boolean;
  onPick: (lon: string, lat: string) => void;
}) {
  const [filter, setFilter] = useState<Filter>('all');
  const [show, setShow] = useState<Shown>({ villages: true, households: true, points: true, reports: true });
  // Households in the loaded tiles that the filter keeps; null until the first tiles arrive.
  const [shown, setShown] = useState<number | null>(null);
  const [zoom, setZoom] = useState(13);
  const [failed, setFailed] = useState<string | null>(null);
  const [noTiles, setNoTiles] = useState(false);
  const groups = useRef<{ villages: L.LayerGroup; points: L.LayerGroup; reports: L.LayerGroup; draft: L.LayerGroup } | null>(null);
  const houses = useRef<HouseholdLayer | null>(null);
  const fitted = useRef(false);
  const addingRef = useRef(adding);
  addingRef.current = adding;
  const pick = useRef(onPick);
  pick.current = onPick;

  const setUp = (m: L.Map) => {
    // Villages under households under collection points, whatever order they load in.
    m.createPane('villages').style.zIndex = '350';
    const housePane = m.createPane('households');
    housePane.style.zIndex = '400';
    // The households' canvas covers the map: clicks go to the map, which asks it what is there.
    housePane.style.pointerEvents = 'none';
    m.createPane('points').style.zIndex = '450';
    m.createPane('reports').style.zIndex = '460';
    groups.current = {
      villages: L.layerGroup().addTo(m),
      points: L.layerGroup().addTo(m),
      reports: L.layerGroup().addTo(m),
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
      groups.current!.draft.clearLayers();
      L.circleMarker(e.latlng, { radius: 9, color: '#000', weight: 3, fillColor: '#fff', fillOpacity: 1 }).addTo(groups.current!.draft);
      pick.current(e.latlng.lng.toFixed(6), e.latlng.lat.toFixed(6));
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
    if (!shapes || !show.villages) return;
    const layer = L.geoJSON(shapes, {
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
  }, [shapes, show.villages, lang.get()]);

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
    if (!points || !show.points) return;
    for (const f of points.features) {
      const p = f.properties as { kind: string; name_th: string; name_en: string | null; status: string };
      const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
      L.circleMarker([lat, lon], { pane: 'points', radius: 8, color: '#000', weight: 2, fillColor: POINT_COLOURS[p.kind] ?? '#555', fillOpacity: 1 })
        .bindPopup(`<strong>${escapeHtml(nameOf(p))}</strong><br>${t(`kind_${p.kind}` as Key)} · ${t(`pstatus_${p.status}` as Key)}`)
        .addTo(g.points);
    }
  }, [points, show.points, lang.get()]);

  useEffect(() => {
    const g = groups.current;
    if (!g) return;
    g.reports.clearLayers();
    if (!reports || !show.reports) return;
    for (const r of reports) {
      const [lon, lat] = r.location.coordinates;
      // A square-ish marker in red, apart from the round collection points.
      L.circleMarker([lat, lon], { pane: 'reports', radius: 7, color: '#b71c1c', weight: 3, fillColor: '#fff', fillOpacity: 1, dashArray: '2 2' })
        .bindPopup(`<strong>${escapeHtml(t(`rtype_${r.type}` as Key))}</strong><br>${t(`rstatus_${r.status}` as Key)} · ${t('rq_age', { n: r.age_days })}<br><a href="/office/reports">${t('on_citizen_reports')}</a>`)
        .addTo(g.reports);
    }
  }, [reports, show.reports, lang.get()]);

  useEffect(() => {
    box.current?.classList.toggle('picking', adding);
    if (!adding) groups.current?.draft.clearLayers();
  }, [adding]);

  return {
    box, filter, setFilter, show, setShow, shown, zoom, failed, noTiles,
    /** Fetch the household tiles again (after one was added). */
    reloadHouseholds: () => houses.current?.reload(),
  };
}

export type LgoMapLayers = ReturnType<typeof useLgoMapLayers>;
