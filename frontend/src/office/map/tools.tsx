/** Above the LGO map: which households to show, which layers, and the button that adds one. */
import { t, useT, type Key } from '../../i18n';
import type { Filter } from './household-tiles';
import type { LgoMapLayers } from './layers';

const FILTERS: Filter[] = ['all', 'not_logging', 'not_verified', 'no_bin'];

export function MapTools({ layers, adding, onAdding }: { layers: LgoMapLayers; adding: boolean; onAdding: (adding: boolean) => void }) {
  useT();
  const { filter, setFilter, show, setShow } = layers;
  return (
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
        {(['villages', 'households', 'points', 'reports'] as const).map((k) => (
          <label key={k} class="switch small">
            <input type="checkbox" checked={show[k]} onChange={(e) => setShow({ ...show, [k]: (e.target as HTMLInputElement).checked })} />
            {t(`map_${k}` as Key)}
          </label>
        ))}
      </fieldset>
      <button type="button" class={`button button-small ${adding ? 'button-primary' : 'button-secondary'}`} aria-pressed={adding} onClick={() => onAdding(!adding)} data-testid="map-add">
        {t('map_add_household')}
      </button>
    </div>
  );
}
