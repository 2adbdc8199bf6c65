/**
 * The LGO's households on the office map, drawn from Khaya's household vector tiles by MapLibre
 * GL inside the Leaflet map (through maplibre-gl-leaflet): however many households an LGO has,
 * the browser fetches only the tiles in view, and the filters (no log this week, bin not
 * verified, no wet bin) are style filters on the tiles' properties, never new downloads.
 *
 * This module is loaded only by the office map, so the phone app never downloads MapLibre.
 */
import L from 'leaflet';
import '@maplibre/maplibre-gl-leaflet';
import 'maplibre-gl/dist/maplibre-gl.css';
import { addProtocol, setWorkerUrl, type ExpressionSpecification, type Map as GlMap } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';
import { api } from '../../../shared/api';

export type Filter = 'all' | 'not_logging' | 'not_verified' | 'no_bin';

export interface Colours {
  not_logging: string;
  not_verified: string;
  verified: string;
}
/** The server sends households in tiles of this zoom and deeper (MAPS_HOUSEHOLDS_MIN_ZOOM);
 * MapLibre draws 512-pixel tiles, so they show from Leaflet's zoom 13. */
const TILE_MIN_ZOOM = 12;
const PROTOCOL = 'khaya-households';
const SOURCE = 'households';
const LAYER = 'households';
/** How far from a dot's centre a click still opens it. */
const HIT_PIXELS = 8;

let ready = false;

/** Tiles are fetched with the signed-in user's token (refreshed when it has expired). */
function setUp(): void {
  if (ready) return;
  ready = true;
  setWorkerUrl(workerUrl);
  addProtocol(PROTOCOL, async (params, abort) => {
    const path = params.url.slice(`${PROTOCOL}://`.length).split('?')[0];
    const response = await api<Response>(`tiles/households/${path}.mvt`, { raw: true, signal: abort.signal });
    return { data: await response.arrayBuffer() };
  });
}

function isoDaysAgo(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "No log for `overdueDays` days or more": no log at all, or the last one that long ago. */
function notLogging(overdueDays: number): ExpressionSpecification {
  return ['any', ['!', ['has', 'last_log_on']], ['<', ['get', 'last_log_on'], isoDaysAgo(overdueDays - 1)]];
}

function filterOf(filter: Filter, overdueDays: number): ExpressionSpecification | null {
  if (filter === 'not_logging') return notLogging(overdueDays);
  if (filter === 'not_verified') return ['!=', ['get', 'verified'], true];
  if (filter === 'no_bin') return ['==', ['get', 'wet_bin'], 'none'];
  return null;
}

export interface HouseholdLayer {
  /** Show only the households that need what ``filter`` says. */
  setFilter(filter: Filter): void;
  setVisible(visible: boolean): void;
  /** Fetch the tiles again (after a household was added or changed). */
  reload(): void;
  /** The household drawn under a point of the Leaflet map's container (a few pixels), if any. */
  householdAt(click: L.Point): number | null;
  /** How many households the loaded tiles hold that the filter keeps (each counted once). */
  count(): number;
  /** Call ``listener`` whenever tiles have loaded or the filter changed. */
  onChange(listener: () => void): void;
  remove(): void;
}

export function addHouseholdLayer(map: L.Map, pane: string, overdueDays: number, colours: Colours): HouseholdLayer {
  setUp();
  let version = 0;
  let filter: Filter = 'all';
  let listener: () => void = () => undefined;
  // maplibre-gl-leaflet takes Leaflet's layer options (the pane) beside MapLibre's.
  const options = {
    pane,
    style: {
      version: 8,
      sources: {
        [SOURCE]: {
          type: 'vector',
          tiles: [`${PROTOCOL}://{z}/{x}/{y}?v=0`],
          minzoom: TILE_MIN_ZOOM,
          maxzoom: 16,
        },
      },
      layers: [
        {
          id: LAYER,
          type: 'circle',
          source: SOURCE,
          'source-layer': 'households',
          minzoom: TILE_MIN_ZOOM,
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3.5, 14, 5, 17, 7],
            'circle-color': [
              'case',
              notLogging(overdueDays), colours.not_logging,
              ['==', ['get', 'verified'], true], colours.verified,
              colours.not_verified,
            ],
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1,
          },
        },
      ],
    },
  } as L.LeafletMaplibreGLOptions;
  const layer = L.maplibreGL(options).addTo(map);
  const gl = (): GlMap => layer.getMaplibreMap();
  const changed = () => listener();
  gl().on('idle', changed);

  return {
    setFilter(next) {
      filter = next;
      gl().setFilter(LAYER, filterOf(next, overdueDays));
      changed();
    },
    setVisible(visible) {
      gl().setLayoutProperty(LAYER, 'visibility', visible ? 'visible' : 'none');
    },
    reload() {
      version += 1;
      const source = gl().getSource(SOURCE) as { setTiles?: (tiles: string[]) => void } | undefined;
      source?.setTiles?.([`${PROTOCOL}://{z}/{x}/{y}?v=${version}`]);
    },
    householdAt(click) {
      // The nearest drawn household within a few pixels of the click, among the loaded tiles'
      // features that the filter keeps; placed by Leaflet, which placed the click.
      const wanted = filterOf(filter, overdueDays);
      const features = gl().querySourceFeatures(SOURCE, { sourceLayer: 'households', ...(wanted ? { filter: wanted } : {}) });
      let best: number | null = null;
      let bestDistance = HIT_PIXELS;
      for (const feature of features) {
        if (typeof feature.id !== 'number' || feature.geometry.type !== 'Point') continue;
        const [lng, lat] = feature.geometry.coordinates;
        const distance = map.latLngToContainerPoint([lat, lng]).distanceTo(click);
        if (distance <= bestDistance) {
          best = feature.id;
          bestDistance = distance;
        }
      }
      return best;
    },
    count() {
      const wanted = filterOf(filter, overdueDays);
      const features = gl().querySourceFeatures(SOURCE, { sourceLayer: 'households', ...(wanted ? { filter: wanted } : {}) });
      return new Set(features.map((f) => f.id)).size;
    },
    onChange(next) {
      listener = next;
    },
    remove() {
      gl().off('idle', changed);
      map.removeLayer(layer);
    },
  };
}
