/**
 * The base map under Khaya's own layers: tiles from the configured URL when online, else a
 * plain ground (onMissing is called so the screen can say so).
 */
import L from 'leaflet';
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { tileUrl } from '../settings';

export interface MapSetup {
  /** Where the map opens: [latitude, longitude] and zoom (a screen fits its data later). */
  center: [number, number];
  zoom: number;
  options?: L.MapOptions;
  /** Called when there is no base map (offline, no tile URL, the tiles fail). */
  onNoTiles?: () => void;
  /** The screen's own set-up on the new map; what it returns runs before the map goes. */
  setUp?: (map: L.Map) => (() => void) | void;
}

/**
 * Every Leaflet map of the app: made once in ``box`` with the base map and a layer group for
 * the screen's features, taken down (``disposeMap``) when the screen closes.
 */
export function useLeafletMap(setup: MapSetup): {
  box: RefObject<HTMLDivElement>;
  map: RefObject<L.Map | null>;
  layer: RefObject<L.LayerGroup | null>;
} {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  useEffect(() => {
    const m = L.map(box.current!, setup.options).setView(setup.center, setup.zoom);
    map.current = m;
    layer.current = L.layerGroup().addTo(m);
    addBaseMap(m, () => setup.onNoTiles?.());
    const tearDown = setup.setUp?.(m);
    return () => {
      tearDown?.();
      map.current = null;
      layer.current = null;
      disposeMap(m);
    };
    // Made once per screen: later changes of ``setup`` do not remake the map.
  }, []);
  return { box, map, layer };
}

export function addBaseMap(map: L.Map, onMissing: () => void): void {
  void tileUrl().then((url) => {
    if (!url || !navigator.onLine) {
      onMissing();
      return;
    }
    let loaded = 0;
    let failed = 0;
    L.tileLayer(url, { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' })
      .on('tileload', () => loaded++)
      .on('tileerror', () => {
        failed++;
        if (failed >= 3 && loaded === 0) onMissing();
      })
      .addTo(map);
  });
}

/** Text for a Leaflet popup or tooltip (they take HTML). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Take a map down when its screen closes: stop any pan or zoom first (a zoom animation finishing
 * on a removed map throws), and take the layers off before their renderers, so a canvas has no
 * redraw left pending after it is gone.
 */
export function disposeMap(map: L.Map): void {
  map.stop();
  map.off();
  const layers: L.Layer[] = [];
  map.eachLayer((layer) => {
    if (!(layer instanceof L.Renderer)) layers.push(layer);
  });
  for (const layer of layers) map.removeLayer(layer);
  map.remove();
}
