/**
 * Drop-off points near home on a Leaflet map (loaded only when this screen opens). Base tiles
 * come from a configurable URL; without them (offline, or none set) the app's own layers — the
 * village outline, home and the points — still draw on a plain ground, and the list below says
 * the same in words.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../shared/api';
import type { GeoPoint } from '../data';
import { formatDistance, lang, nameOf, t, useT } from '../i18n';
import { useLoad } from '../load';
import { auth, modeOf } from '../session';
import { useStore } from '../store';
import { STREAMS, StreamChips, streamName, type Stream } from '../streams';
import { Icon } from '../ui/icons';
import { escapeHtml, useLeafletMap } from '../ui/basemap';
import { Banner, LoadState, Screen } from '../ui/kit';
import { useMyHousehold } from './resident';

interface Point {
  id: number;
  kind: string;
  name_th: string;
  name_en: string | null;
  point: GeoPoint;
  streams: string[];
  status: string;
  distance_m: number;
  opening: { weekly: { day: number; opens: string; closes: string }[]; dates: string[] };
}

const COLOURS: Record<string, string> = { organic: '#2e7d32', recyclable: '#c99700', general: '#1565c0', hazardous: '#d84f00' };
// Lamphun town hall: where the map starts when nothing better is known.
const LAMPHUN: [number, number] = [99.0087, 18.5745];
const DAYS_TH = ['จ.', 'อ.', 'พ.', 'พฤ.', 'ศ.', 'ส.', 'อา.'];
const DAYS_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function hours(p: Point): string {
  const days = lang.get() === 'th' ? DAYS_TH : DAYS_EN;
  return p.opening.weekly.map((w) => `${days[w.day]} ${w.opens}–${w.closes}`).join(', ');
}

async function loadNearest(origin: [number, number], stream: string): Promise<Point[] | null> {
  try {
    const q = `collection-points/nearest?lon=${origin[0]}&lat=${origin[1]}&limit=10${stream ? `&stream=${stream}` : ''}`;
    return (await api<{ items: Point[] }>(q, { auth: false })).items;
  } catch (error) {
    // The endpoint is not on this server yet: say so rather than fail.
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export default function MapScreen() {
  useT();
  const { me } = useStore(auth);
  const resident = modeOf(me) === 'resident';
  const household = useMyHousehold(resident);
  const home = resident ? household.data?.point?.coordinates ?? null : null;
  const [gps, setGps] = useState<[number, number] | null>(null);
  const villageCode = resident ? household.data?.village_code : me?.user.volunteer?.village_codes[0];
  const outline = useLoad<GeoJSON.FeatureCollection>(villageCode ? `areas/villages/geojson?q=${villageCode}` : null, { store: 'device' });
  // Without a home point (volunteers), start from the middle of the first assigned village.
  const centre = outline.data?.features.length ? L.geoJSON(outline.data).getBounds().getCenter() : null;
  const waiting = (resident && household.loading) || (!resident && Boolean(villageCode) && outline.loading);
  const origin: [number, number] | null = gps ?? home ?? (centre ? [centre.lng, centre.lat] : waiting ? null : LAMPHUN);
  const [stream, setStream] = useState<Stream | ''>('');
  const key = origin ? `derived:nearest:${origin[0].toFixed(3)},${origin[1].toFixed(3)}:${stream}` : null;
  const points = useLoad(key, { store: 'device', loader: () => loadNearest(origin!, stream) });
  const [noTiles, setNoTiles] = useState(false);
  const { box, map, layer } = useLeafletMap({
    center: [LAMPHUN[1], LAMPHUN[0]],
    zoom: 14,
    options: { zoomControl: true, attributionControl: true },
    onNoTiles: () => setNoTiles(true),
  });

  useEffect(() => {
    const m = map.current;
    const group = layer.current;
    if (!m || !group) return;
    group.clearLayers();
    const bounds: L.LatLngExpression[] = [];
    if (outline.data) {
      const shape = L.geoJSON(outline.data, { style: { color: '#1b5e20', weight: 2, fillColor: '#c8e6c9', fillOpacity: 0.25 }, interactive: false });
      group.addLayer(shape);
    }
    if (home) {
      L.circleMarker([home[1], home[0]], { radius: 9, color: '#fff', weight: 3, fillColor: '#1b1b1b', fillOpacity: 1 })
        .bindTooltip(t('your_home'), { permanent: false }).addTo(group);
      bounds.push([home[1], home[0]]);
    }
    for (const p of points.data ?? []) {
      const [lon, lat] = p.point.coordinates;
      L.circleMarker([lat, lon], { radius: 10, color: '#fff', weight: 2, fillColor: COLOURS[p.streams[0]] ?? '#555', fillOpacity: 1 })
        .bindPopup(`<strong>${escapeHtml(nameOf(p))}</strong><br>${p.streams.map(streamName).join(', ')}`)
        .addTo(group);
      bounds.push([lat, lon]);
    }
    if (bounds.length > 1) m.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 16 });
    else if (bounds.length === 1) m.setView(bounds[0], 15);
    else if (outline.data) m.fitBounds(L.geoJSON(outline.data).getBounds(), { padding: [12, 12] });
  }, [points.data, outline.data, home?.[0], home?.[1]]);

  function locate() {
    navigator.geolocation?.getCurrentPosition((pos) => setGps([pos.coords.longitude, pos.coords.latitude]), () => undefined, { enableHighAccuracy: true, timeout: 15_000 });
  }

  return (
    <Screen title={t('map_title')}>
      <div class="segmented scroll" role="group" aria-label={t('map_accepts')}>
        <button type="button" class={stream === '' ? 'on' : ''} aria-pressed={stream === ''} onClick={() => setStream('')}>{t('map_all')}</button>
        {STREAMS.map((s) => (
          <button type="button" key={s} class={`stream-filter stream-${s}${stream === s ? ' on' : ''}`} aria-pressed={stream === s} onClick={() => setStream(s)}>
            {streamName(s)}
          </button>
        ))}
      </div>
      {/* Leaflet owns the inner element's classes; Preact only ever touches the wrapper's. */}
      <div class={`map-frame${noTiles ? ' map-plain' : ''}`}>
        <div ref={box} class="map" role="region" aria-label={t('map_label')} data-testid="map" />
      </div>
      {noTiles && <p class="muted small" data-testid="no-tiles">{t('map_no_tiles')}</p>}
      {'geolocation' in navigator && (
        <button type="button" class="button button-secondary" onClick={locate}><Icon name="gps" />{t('map_use_location')}</button>
      )}
      <LoadState loaded={points}>
        {(list) => list === null ? <Banner kind="info" icon="pin">{t('map_unavailable')}</Banner>
          : list.length === 0 ? <p class="empty">{t('map_none')}</p> : (
            <ul class="rows" data-testid="points">
              {list.map((p) => (
                <li class="row" key={p.id}>
                  <div class="row-main">
                    <div class="row-title">{nameOf(p)}</div>
                    <div class="row-sub"><StreamChips streams={p.streams} /></div>
                    {p.opening.weekly.length > 0 && <div class="row-sub muted">{t('open_hours')}: {hours(p)}</div>}
                  </div>
                  <strong class="distance">{formatDistance(p.distance_m)}</strong>
                </li>
              ))}
            </ul>
          )}
      </LoadState>
    </Screen>
  );
}
