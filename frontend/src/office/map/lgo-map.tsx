/**
 * The LGO's map: its villages coloured by participation this month, its households as exact
 * points from the household vector tiles (filtered by what needs doing, as a style filter), its
 * collection points and its open citizen reports; click a household for details, or click a spot
 * to register one there.
 */
import { useState } from 'preact/hooks';
import { t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { Banner } from '../../ui/kit';
import { lastCompleteMonth, Page, PeriodPicker } from '../lib';
import { AddHousehold, useNewHousehold } from './add-household';
import { useLgoMapLayers, type Choropleth, type MapReport } from './layers';
import { MapKey } from './map-key';
import { MapTools } from './tools';

export function LgoMap() {
  useT();
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code ?? '';
  const [period, setPeriod] = useState(lastCompleteMonth());
  const shapes = useLoad<Choropleth>(
    lgo ? `analytics/choropleth?level=village&parent=${encodeURIComponent(lgo)}&indicator=participation&period=${period}&tolerance=0.0002` : null,
    { store: 'none' },
  );
  const points = useLoad<GeoJSON.FeatureCollection>('collection-points/geojson', { store: 'none' });
  const reports = useLoad<{ items: MapReport[] }>('reports?status=active&per_page=500', { store: 'none' });
  const household = useNewHousehold();
  const layers = useLgoMapLayers({ shapes: shapes.data, points: points.data, reports: reports.data?.items, adding: household.adding, onPick: household.place });

  return (
    <Page figures title={t('on_map')} tools={<PeriodPicker value={period} onChange={setPeriod} />}>
      <MapTools layers={layers} adding={household.adding} onAdding={household.setAdding} />
      {layers.failed && <Banner kind="error" icon="alert">{t('load_failed')}: {layers.failed}</Banner>}
      {household.adding && !household.draft && <Banner kind="info" icon="pin">{t('map_add_here')}</Banner>}
      <div class="office-map-layout">
        <div class={`map-frame office-map${layers.noTiles ? ' map-plain' : ''}`}>
          <div ref={layers.box} class="map" role="region" aria-label={t('on_map')} data-testid="office-map" />
        </div>
        <aside class="office-side">
          {household.draft
            ? <AddHousehold household={household} draft={household.draft} onSaved={layers.reloadHouseholds} />
            : <MapKey shown={layers.shown} zoom={layers.zoom} shapes={shapes.data} noTiles={layers.noTiles} />}
        </aside>
      </div>
    </Page>
  );
}
