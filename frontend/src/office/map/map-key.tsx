/** Beside the LGO map: how many households show, the villages' classes, and what the colours mean. */
import { t, useT, type Key } from '../../i18n';
import { Legend, POINT_COLOURS, ToDate } from '../lib';
import { HOUSE_COLOURS, HOUSEHOLDS_MIN_ZOOM, type Choropleth } from './layers';

export function MapKey({ shown, zoom, shapes, noTiles }: { shown: number | null; zoom: number; shapes: Choropleth | undefined; noTiles: boolean }) {
  useT();
  const legend = shapes?.khaya;
  return (
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
            small={shapes.features.filter((f) => f.properties?.class === null && !f.properties?.no_data).length}
            empty={shapes.features.filter((f) => f.properties?.no_data).length}
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
      <h2>{t('map_reports')}</h2>
      <ul class="key-list">
        <li><span class="swatch round" style={{ background: '#fff', border: '3px dashed #b71c1c' }} />{t('rq_active')}</li>
      </ul>
      {noTiles && <p class="muted small">{t('map_no_tiles')}</p>}
    </>
  );
}
