/**
 * Choosing a report's point on a map, for a problem seen from a distance or when the GPS is off:
 * a tap puts the pin. Leaflet is big, so this loads only when the reporter asks for the map.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect } from 'preact/hooks';
import { t, useT } from '../i18n';
import { useLeafletMap } from '../ui/basemap';

// Lamphun town, where the map opens without a GPS fix.
const START: [number, number] = [18.5745, 99.0087];

export default function ReportMap({ at, onPick }: { at: [number, number] | null; onPick: (lon: number, lat: number) => void }) {
  useT();
  const { box, map, layer } = useLeafletMap({
    center: at ? [at[1], at[0]] : START,
    zoom: 16,
    onNoTiles: () => box.current?.parentElement?.classList.add('map-plain'),
    setUp: (m) => {
      m.on('click', (e: L.LeafletMouseEvent) => onPick(e.latlng.lng, e.latlng.lat));
    },
  });
  useEffect(() => {
    const g = layer.current;
    if (!g) return;
    g.clearLayers();
    if (at) {
      L.circleMarker([at[1], at[0]], { radius: 10, color: '#b71c1c', weight: 3, fillColor: '#fff', fillOpacity: 1 }).addTo(g);
      map.current?.panTo([at[1], at[0]], { animate: false });
    }
  }, [at?.[0], at?.[1]]);
  return (
    <div class="map-frame report-map">
      <div ref={box} class="map" role="region" aria-label={t('report_map_label')} data-testid="report-map" />
    </div>
  );
}
