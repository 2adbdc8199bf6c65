/**
 * The base map under Khaya's own layers: tiles from the configured URL when online, else a
 * plain ground (onMissing is called so the screen can say so).
 */
import L from 'leaflet';
import { tileUrl } from '../settings';

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
