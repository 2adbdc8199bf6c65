/**
 * The LGO's collection points, placed and edited on a map: a click on the map places a new point
 * or moves the one being edited; the table below lists them all.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import type { Page as ApiPage } from '../../data';
import { nameOf, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { STREAMS, streamName } from '../../streams';
import { useLeafletMap } from '../../ui/basemap';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors, Loaded, Page, POINT_COLOURS } from '../lib';
import { type Opening, openingText } from '../opening';

const KINDS = ['hazardous_dropoff', 'recycling', 'compost', 'general_bin', 'pao_handover'] as const;
const STATUSES = ['active', 'full', 'closed'] as const;

interface CollectionPoint {
  id: number;
  kind: string;
  name_th: string;
  name_en: string | null;
  lgo_code: string;
  village_code: string | null;
  point: { type: 'Point'; coordinates: [number, number] };
  streams: string[];
  opening: Opening;
  status: string;
  contact: string | null;
}

interface PointDraft {
  id: number | null;
  kind: string;
  name_th: string;
  name_en: string;
  streams: string[];
  status: string;
  contact: string;
  lon: string;
  lat: string;
}

function draftOf(p: CollectionPoint | null, at?: [string, string]): PointDraft {
  return {
    id: p?.id ?? null,
    kind: p?.kind ?? 'recycling',
    name_th: p?.name_th ?? '',
    name_en: p?.name_en ?? '',
    streams: p?.streams ?? ['recyclable'],
    status: p?.status ?? 'active',
    contact: p?.contact ?? '',
    lon: at?.[0] ?? (p ? String(p.point.coordinates[0]) : ''),
    lat: at?.[1] ?? (p ? String(p.point.coordinates[1]) : ''),
  };
}

export function Points() {
  useT();
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code ?? '';
  const list = useLoad<ApiPage<CollectionPoint>>(lgo ? `collection-points?lgo=${encodeURIComponent(lgo)}&per_page=200` : null, { store: 'none' });
  const [draft, setDraft] = useState<PointDraft | null>(null);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  const [busy, setBusy] = useState(false);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const { box, map, layer: group } = useLeafletMap({
    center: [18.5745, 99.0087],
    zoom: 13,
    onNoTiles: () => box.current?.parentElement?.classList.add('map-plain'),
    // A click places a new point, or moves the one being edited.
    setUp: (m) => {
      m.on('click', (e: L.LeafletMouseEvent) => {
        const at: [string, string] = [e.latlng.lng.toFixed(6), e.latlng.lat.toFixed(6)];
        setErrors(undefined);
        setDraft((d) => (d ? { ...d, lon: at[0], lat: at[1] } : draftOf(null, at)));
      });
    },
  });

  useEffect(() => {
    const g = group.current;
    if (!g) return;
    g.clearLayers();
    const bounds: L.LatLngExpression[] = [];
    for (const p of list.data?.items ?? []) {
      const [lon, lat] = p.point.coordinates;
      bounds.push([lat, lon]);
      L.circleMarker([lat, lon], { radius: 9, color: '#000', weight: 2, fillColor: p.status === 'active' ? POINT_COLOURS[p.kind] ?? '#555' : '#9e9e9e', fillOpacity: 1 })
        .bindTooltip(nameOf(p))
        .on('click', (e) => {
          L.DomEvent.stopPropagation(e);
          setErrors(undefined);
          setDraft(draftOf(p));
        })
        .addTo(g);
    }
    if (draft?.lon && draft.lat) {
      L.circleMarker([Number(draft.lat), Number(draft.lon)], { radius: 11, color: '#0b57d0', weight: 3, fillColor: '#fff', fillOpacity: 1 }).addTo(g);
    }
    if (bounds.length > 1 && !draftRef.current) map.current!.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 15, animate: false });
  }, [list.data, draft?.lon, draft?.lat]);

  const set = (name: keyof PointDraft) => (e: Event) => setDraft((d) => d && { ...d, [name]: (e.target as HTMLInputElement).value });

  async function save(d: PointDraft) {
    setBusy(true);
    const body: Record<string, unknown> = {
      kind: d.kind,
      name_th: d.name_th.trim(),
      name_en: d.name_en.trim() || null,
      streams: d.streams,
      status: d.status,
      contact: d.contact.trim() || null,
      point: { type: 'Point', coordinates: [Number(d.lon), Number(d.lat)] },
    };
    try {
      if (d.id === null) await api('collection-points', { method: 'POST', body });
      else await api(`collection-points/${d.id}`, { method: 'PATCH', body });
      showToast(t('o_saved'));
      setDraft(null);
      list.reload();
    } catch (error) {
      setErrors(formErrors(error));
    }
    setBusy(false);
  }

  return (
    <Page title={t('on_points')} tools={<button type="button" class="button button-primary button-small" onClick={() => setDraft(draftOf(null))} data-testid="point-new">{t('pt_new')}</button>}>
      <div class="office-map-layout">
        <div class="map-frame office-map">
          <div ref={box} class="map" role="region" aria-label={t('on_points')} data-testid="points-map" />
        </div>
        <aside class="office-side">
          {draft ? (
            <form class="office-form" onSubmit={(e) => { e.preventDefault(); void save(draft); }} data-testid="point-form">
              <h2>{draft.id === null ? t('pt_new') : `${t('o_edit')}: ${draft.name_th}`}</h2>
              {!draft.lon && <p class="muted small">{t('pt_click_map')}</p>}
              <label class="field"><span>{t('pt_name_th')}</span><input class="input" name="name_th" value={draft.name_th} onInput={set('name_th')} required maxLength={200} /></label>
              <label class="field"><span>{t('pt_name_en')}</span><input class="input" name="name_en" value={draft.name_en} onInput={set('name_en')} maxLength={200} /></label>
              <label class="field">
                <span>{t('pt_kind')}</span>
                <select class="input" name="kind" value={draft.kind} onChange={set('kind')}>
                  {KINDS.map((k) => <option key={k} value={k}>{t(`kind_${k}` as Key)}</option>)}
                </select>
              </label>
              <fieldset class="field">
                <legend>{t('pt_streams')}</legend>
                {STREAMS.map((s) => (
                  <label key={s} class="switch small">
                    <input
                      type="checkbox"
                      checked={draft.streams.includes(s)}
                      onChange={(e) => {
                        const on = (e.target as HTMLInputElement).checked;
                        setDraft({ ...draft, streams: on ? [...draft.streams, s] : draft.streams.filter((x) => x !== s) });
                      }}
                    />
                    {streamName(s)}
                  </label>
                ))}
              </fieldset>
              <label class="field">
                <span>{t('pt_status')}</span>
                <select class="input" name="status" value={draft.status} onChange={set('status')}>
                  {STATUSES.map((k) => <option key={k} value={k}>{t(`pstatus_${k}` as Key)}</option>)}
                </select>
              </label>
              <div class="point-field">
                <input class="input" aria-label="longitude" name="lon" value={draft.lon} onInput={set('lon')} required />
                <input class="input" aria-label="latitude" name="lat" value={draft.lat} onInput={set('lat')} required />
              </div>
              {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
              <div class="button-row">
                <button type="submit" class="button button-primary" disabled={busy}>{t('o_save')}</button>
                <button type="button" class="button button-quiet" onClick={() => setDraft(null)}>{t('o_cancel')}</button>
              </div>
            </form>
          ) : (
            <p class="muted">{t('pt_click_map')}</p>
          )}
        </aside>
      </div>
      <Loaded fetched={list}>
        {(data) => (
          <div class="table-wrap">
            <table class="data-table" data-testid="points-table">
              <thead>
                <tr>
                  <th scope="col">{t('o_name')}</th>
                  <th scope="col">{t('pt_kind')}</th>
                  <th scope="col">{t('pt_streams')}</th>
                  <th scope="col">{t('pt_hours')}</th>
                  <th scope="col">{t('pt_status')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={p.id}>
                    <td><button type="button" class="link-button" onClick={() => setDraft(draftOf(p))}>{nameOf(p)}</button></td>
                    <td>{t(`kind_${p.kind}` as Key)}</td>
                    <td>{p.streams.map(streamName).join(', ')}</td>
                    <td>{openingText(p.opening)}</td>
                    <td>{t(`pstatus_${p.status}` as Key)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </Page>
  );
}
