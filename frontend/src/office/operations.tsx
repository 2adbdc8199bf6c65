/**
 * What an LGO runs: collection points (placed and edited on a map) and the hazardous-waste
 * chain; its waste banks are in banks.tsx.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { uuid4 } from '../../shared/util';
import type { Page as ApiPage } from '../data';
import { formatDate, formatNumber, lang, nameOf, t, useT, type Key } from '../i18n';
import { auth } from '../session';
import { useStore } from '../store';
import { STREAMS, streamName } from '../streams';
import { useLeafletMap } from '../ui/basemap';
import { Banner, Reasons, showToast } from '../ui/kit';
import { type Fetched, formErrors, Loaded, Page, POINT_COLOURS, useFetch } from './lib';

const KINDS = ['hazardous_dropoff', 'recycling', 'compost', 'general_bin', 'pao_handover'] as const;
const STATUSES = ['active', 'full', 'closed'] as const;
const DAYS_TH = ['จ.', 'อ.', 'พ.', 'พฤ.', 'ศ.', 'ส.', 'อา.'];
const DAYS_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface Opening {
  weekly: { day: number; opens: string; closes: string }[];
  dates: string[];
}

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

/** Opening hours or buying days in words; a bank may have set none yet. */
export function openingText(o: Partial<Opening> | null | undefined): string {
  const days = lang.get() === 'th' ? DAYS_TH : DAYS_EN;
  const weekly = (o?.weekly ?? []).map((w) => `${days[w.day]} ${w.opens}–${w.closes}`);
  const all = o?.dates ?? [];
  const text = [...weekly, ...all.slice(0, 6).map(formatDate)].join(', ');
  return text ? text + (all.length > 6 ? ' …' : '') : '–';
}

// ---------- collection points ----------

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
  const list = useFetch<ApiPage<CollectionPoint>>(lgo ? `collection-points?lgo=${encodeURIComponent(lgo)}&per_page=200` : null);
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

// ---------- hazardous waste ----------

interface KgByType {
  kg_bulbs: number;
  kg_batteries: number;
  kg_spray_cans: number;
  kg_pesticide_containers: number;
  kg_e_waste: number;
  kg_other: number;
  kg_total: number;
}

/** Totals come without the kg_ prefix the records carry. */
type KgTotals = { [K in keyof KgByType as K extends `kg_${infer R}` ? R : never]: number };

interface Totals {
  from: string;
  to: string;
  total: { collected: KgTotals; handed_over: KgTotals; pending: KgTotals };
}

function asRecord(totals: KgTotals): KgByType {
  return {
    kg_bulbs: totals.bulbs, kg_batteries: totals.batteries, kg_spray_cans: totals.spray_cans,
    kg_pesticide_containers: totals.pesticide_containers, kg_e_waste: totals.e_waste, kg_other: totals.other, kg_total: totals.total,
  };
}

interface Collection extends KgByType {
  id: number;
  point_name_th: string;
  collected_on: string;
  notes: string | null;
}

interface Handover extends KgByType {
  id: number;
  to_point_name_th: string;
  handed_over_on: string;
  receipt_number?: string | null;
}

const HAZARDS = ['bulbs', 'batteries', 'spray_cans', 'pesticide_containers', 'e_waste', 'other'] as const;

function KgCells({ row }: { row: KgByType }) {
  return (
    <>
      {HAZARDS.map((h) => <td key={h} class="num">{formatNumber(row[`kg_${h}`], 1)}</td>)}
      <td class="num"><strong>{formatNumber(row.kg_total, 1)}</strong></td>
    </>
  );
}

/** Collections or hand-overs, newest first: the day, the place, then kg by type. */
function HazardRecords<T extends KgByType & { id: number }>({ fetched, head, row }: {
  fetched: Fetched<ApiPage<T>>;
  head: ComponentChildren;
  row: (record: T) => [string, string];
}) {
  return (
    <Loaded fetched={fetched}>
      {(d) => (
        <div class="table-wrap">
          <table class="data-table">
            <thead><tr><th scope="col">{t('bank_date')}</th><th scope="col">{t('map_points')}</th>{head}</tr></thead>
            <tbody>
              {d.items.map((c) => {
                const [day, place] = row(c);
                return <tr key={c.id}><td>{formatDate(day)}</td><td>{place}</td><KgCells row={c} /></tr>;
              })}
            </tbody>
          </table>
        </div>
      )}
    </Loaded>
  );
}

/** Record a drop-off point's collection, or a hand-over to the PAO with its receipt. */
function HazardForm({ kind, onSaved }: { kind: 'collection' | 'handover'; onSaved: () => void }) {
  useT();
  const wanted = kind === 'collection' ? 'hazardous_dropoff' : 'pao_handover';
  // Hand-over points belong to the PAO, so every one in reach is listed, not only the LGO's.
  const points = useFetch<ApiPage<CollectionPoint>>(`collection-points?kind=${wanted}&per_page=200`);
  const [values, setValues] = useState<Record<string, string>>({ point: '', date: '', receipt: '' });
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  const [clientId, setClientId] = useState(() => uuid4());
  const set = (name: string) => (e: Event) => setValues({ ...values, [name]: (e.target as HTMLInputElement).value });
  return (
    <form
      class="office-form hazard-form"
      data-testid={`hazard-${kind}-form`}
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { client_id: clientId };
        for (const h of HAZARDS) if (values[h]) body[`kg_${h}`] = values[h];
        if (kind === 'collection') Object.assign(body, { point_id: Number(values.point), collected_on: values.date });
        else Object.assign(body, { to_point_id: Number(values.point), handed_over_on: values.date, receipt_number: values.receipt });
        try {
          await api(kind === 'collection' ? 'hazardous/collections' : 'hazardous/handovers', { method: 'POST', body });
          showToast(t('o_saved'));
          setValues({ point: '', date: '', receipt: '' });
          setErrors(undefined);
          // A new record gets a new id; a retry of this one keeps it, so it is never saved twice.
          setClientId(uuid4());
          onSaved();
        } catch (error) {
          setErrors(formErrors(error));
        }
      }}
    >
      <div class="hazard-grid">
        <label class="field">
          <span>{t('map_points')}</span>
          <select class="input" value={values.point} onChange={set('point')} required name="point">
            <option value="">–</option>
            {(points.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{nameOf(p)}</option>)}
          </select>
        </label>
        <label class="field"><span>{t('bank_date')}</span><input class="input" type="date" value={values.date} onInput={set('date')} required name="date" /></label>
        {kind === 'handover' && (
          <label class="field"><span>{t('hz_receipt')}</span><input class="input" value={values.receipt} onInput={set('receipt')} required maxLength={60} name="receipt" /></label>
        )}
        {HAZARDS.map((h) => (
          <label class="field" key={h}>
            <span>{t(`hazard_${h}` as Key)} (kg)</span>
            <input class="input" inputMode="decimal" value={values[h] ?? ''} onInput={set(h)} name={h} />
          </label>
        ))}
      </div>
      {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
      <button type="submit" class="button button-primary button-small">{t('o_save')}</button>
    </form>
  );
}

export function Hazardous() {
  useT();
  const [recording, setRecording] = useState<'collection' | 'handover' | null>(null);
  const year = new Date().getFullYear();
  const totals = useFetch<Totals>(`hazardous/totals?from=${year}-01-01&to=${year}-12-31`);
  const collections = useFetch<ApiPage<Collection>>('hazardous/collections?per_page=50');
  const handovers = useFetch<ApiPage<Handover>>('hazardous/handovers?per_page=50');
  const head = (
    <>
      {HAZARDS.map((h) => <th key={h} scope="col" class="num">{t(`hazard_${h}` as Key)}</th>)}
      <th scope="col" class="num">kg</th>
    </>
  );
  return (
    <Page
      title={t('on_hazardous')}
      tools={
        <>
          <button type="button" class="button button-secondary button-small" aria-pressed={recording === 'collection'} onClick={() => setRecording(recording === 'collection' ? null : 'collection')} data-testid="hazard-record-collection">{t('hz_record_collection')}</button>
          <button type="button" class="button button-secondary button-small" aria-pressed={recording === 'handover'} onClick={() => setRecording(recording === 'handover' ? null : 'handover')} data-testid="hazard-record-handover">{t('hz_record_handover')}</button>
        </>
      }
    >
      {recording && (
        <HazardForm
          key={recording}
          kind={recording}
          onSaved={() => {
            totals.reload();
            collections.reload();
            handovers.reload();
          }}
        />
      )}
      <h2>{t('hz_totals')} ({year + (lang.get() === 'th' ? 543 : 0)})</h2>
      <Loaded fetched={totals}>
        {(d) => (
          <div class="table-wrap">
            <table class="data-table" data-testid="hazard-totals">
              <thead><tr><th scope="col" />{head}</tr></thead>
              <tbody>
                <tr><th scope="row">{t('hz_collections')}</th><KgCells row={asRecord(d.total.collected)} /></tr>
                <tr><th scope="row">{t('hz_handovers')}</th><KgCells row={asRecord(d.total.handed_over)} /></tr>
                <tr><th scope="row">{t('hz_on_hand')}</th><KgCells row={asRecord(d.total.pending)} /></tr>
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      <h2>{t('hz_collections')}</h2>
      <HazardRecords fetched={collections} head={head} row={(c) => [c.collected_on, c.point_name_th]} />
      <h2>{t('hz_handovers')}</h2>
      <HazardRecords fetched={handovers} head={head} row={(c) => [c.handed_over_on, c.receipt_number ? `${c.to_point_name_th} · ${c.receipt_number}` : c.to_point_name_th]} />
    </Page>
  );
}
