/**
 * The LGO's queue of citizen reports: on a map and in a list, open ones oldest first, by type
 * and age. Staff open one to see what was reported (and the contact a member of the public left),
 * take it, move it on, close it with a note the reporter reads, or merge it into a report it
 * repeats.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { uuid4 } from '../../../shared/util';
import { formatDate, lang, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { useLeafletMap } from '../../ui/basemap';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { PhotoPicker, usePhoto } from '../../ui/photo-picker';
import { formErrors, Loaded, Page, useApiImage } from '../lib';
import { ReportSettings } from './settings';

const TYPES = ['illegal_dumping', 'open_burning', 'collection_point', 'missed_collection', 'hazardous_found', 'other'] as const;
const STATUSES = ['open', 'acknowledged', 'in_progress', 'closed'] as const;
/** Where a report may go from each status (the server's rules). */
const NEXT: Record<string, string[]> = {
  open: ['acknowledged', 'in_progress', 'closed'],
  acknowledged: ['in_progress', 'closed'],
  in_progress: ['closed'],
  closed: ['open'],
};
const TYPE_COLOURS: Record<string, string> = {
  illegal_dumping: '#8d6e63',
  open_burning: '#d84315',
  collection_point: '#f9a825',
  missed_collection: '#1565c0',
  hazardous_found: '#c62828',
  other: '#616161',
};

interface QueueReport {
  id: number;
  type: string;
  status: string;
  location: { type: 'Point'; coordinates: [number, number] };
  accuracy_m: number | null;
  description: string;
  village_code: string;
  village_name_th: string;
  village_name_en: string;
  source: string;
  reported_at: string;
  closed_at: string | null;
  close_note: string | null;
  duplicate_of_id: number | null;
  age_days: number;
  assigned_to: { id: number; name: string } | null;
  contact: { name: string | null; phone: string | null; email: string | null } | null;
  photos: { id: string; stage: string }[];
}

interface QueuePage {
  items: QueueReport[];
  counts: Record<string, number>;
}

interface Duplicate { id: number; type: string; status: string; distance_m: number }

function villageOf(r: QueueReport): string {
  return lang.get() === 'en' ? r.village_name_en : r.village_name_th;
}

/** A report's photo behind the API's bearer token. */
function ReportPhoto({ reportId, photoId }: { reportId: number; photoId: string }) {
  const url = useApiImage(`reports/${reportId}/photos/${photoId}`);
  if (url === null) return <span class="spinner small" role="status" />;
  return url ? <img class="report-photo" src={url} alt={t('rq_photo')} /> : null;
}

function Detail({ report, onChanged }: { report: QueueReport; onChanged: () => void }) {
  useT();
  const { me } = useStore(auth);
  const [status, setStatus] = useState(report.status);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  const [busy, setBusy] = useState(false);
  const duplicates = useLoad<Duplicate[]>(report.status === 'closed' ? null : `reports/${report.id}/duplicates`, { store: 'none' });
  const staff = useLoad<{ items: { id: number; name: string }[] }>('reports/staff', { store: 'none', keep: true });
  const [after, setAfter, takeAfter] = usePhoto();

  useEffect(() => {
    setStatus(report.status);
    setNote('');
    setErrors(undefined);
  }, [report.id, report.status]);

  async function change(body: Record<string, unknown>) {
    setBusy(true);
    try {
      if (after && body.status !== undefined) {
        // The after-photo goes first; the change names it.
        const id = uuid4();
        const form = new FormData();
        form.append('id', id);
        form.append('file', after.blob, `${id}.jpg`);
        await api('reports/photos', { method: 'POST', form });
        body = { ...body, photo_ids: [id] };
      }
      await api(`reports/${report.id}`, { method: 'PATCH', body });
      setAfter(null);
      showToast(t('o_saved'));
      onChanged();
    } catch (error) {
      setErrors(formErrors(error));
    }
    setBusy(false);
  }

  async function merge(into: number) {
    setBusy(true);
    try {
      await api(`reports/${report.id}/merge`, { method: 'POST', body: { into } });
      showToast(t('o_saved'));
      onChanged();
    } catch (error) {
      setErrors(formErrors(error));
    }
    setBusy(false);
  }

  const mine = me?.user.id;
  return (
    <div class="office-form" data-testid="report-detail">
      <h2>{t(`rtype_${report.type}` as Key)} · #{report.id}</h2>
      <p>
        <span class={`pill report-status-${report.status}`}>{t(`rstatus_${report.status}` as Key)}</span>{' '}
        <span class="muted small">{villageOf(report)} · {formatDate(report.reported_at.slice(0, 10))} · {t('rq_age', { n: report.age_days })}</span>
      </p>
      {report.description && <p class="report-text">{report.description}</p>}
      {report.contact && (
        <p class="small" data-testid="report-contact">
          {t('rq_contact')}: {[report.contact.name, report.contact.phone, report.contact.email].filter(Boolean).join(' · ')}
        </p>
      )}
      {report.photos.length > 0 && (
        <div class="report-photos">{report.photos.map((p) => <ReportPhoto key={p.id} reportId={report.id} photoId={p.id} />)}</div>
      )}
      <div class="field">
        <label class="field">
          <span>{t('rq_assigned')}</span>
          <select class="input" name="assigned_to" value={report.assigned_to?.id ?? ''} disabled={busy || report.status === 'closed'}
            onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value;
              void change({ assigned_to_id: v ? Number(v) : null });
            }}>
            <option value="">{t('rq_nobody')}</option>
            {(staff.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        {mine && report.assigned_to?.id !== mine && report.status !== 'closed' && (
          <button type="button" class="link-button" disabled={busy} onClick={() => void change({ assigned_to_id: mine })} data-testid="report-take">{t('rq_take')}</button>
        )}
      </div>
      {report.close_note && <p class="small">{t('report_lgo_note')}: {report.close_note}</p>}
      <form onSubmit={(e) => { e.preventDefault(); void change({ status, ...(note.trim() ? { note: note.trim() } : {}) }); }}>
        <label class="field">
          <span>{t('rq_status')}</span>
          <select class="input" name="status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
            <option value={report.status}>{t(`rstatus_${report.status}` as Key)}</option>
            {NEXT[report.status].map((s) => <option key={s} value={s}>{t(`rstatus_${s}` as Key)}</option>)}
          </select>
        </label>
        <label class="field">
          <span>{t('rq_note')}</span>
          <textarea class="input" name="note" rows={3} maxLength={1000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        </label>
        {status === 'closed' && (
          <PhotoPicker label={t('rq_after_photo')} photo={after} onTake={takeAfter} onClear={() => setAfter(null)} />
        )}
        {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
        <button type="submit" class="button button-primary" disabled={busy || (status === report.status && !note.trim())} data-testid="report-save">{t('o_save')}</button>
      </form>
      {(duplicates.data ?? []).length > 0 && (
        <div class="report-duplicates" data-testid="report-duplicates">
          <h3>{t('rq_duplicates')}</h3>
          <ul class="rows">
            {duplicates.data!.map((d) => (
              <li key={d.id} class="row">
                <span>#{d.id} · {t(`rstatus_${d.status}` as Key)} · {t('rq_metres', { m: Math.round(d.distance_m) })}</span>
                <button type="button" class="button button-quiet button-small" disabled={busy} onClick={() => void merge(d.id)}>{t('rq_merge')}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function ReportQueue({ admin }: { admin: boolean }) {
  useT();
  const { me } = useStore(auth);
  const [filter, setFilter] = useState('active');
  const [type, setType] = useState('');
  const [chosen, setChosen] = useState<number | null>(null);
  const query = `reports?per_page=200&status=${filter}${type ? `&type=${type}` : ''}`;
  const list = useLoad<QueuePage>(query, { store: 'none' });
  const { map, box, layer: group } = useLeafletMap({
    center: [18.5745, 99.0087],
    zoom: 12,
    onNoTiles: () => box.current?.parentElement?.classList.add('map-plain'),
  });

  useEffect(() => {
    const g = group.current;
    if (!g) return;
    g.clearLayers();
    const bounds: L.LatLngExpression[] = [];
    for (const r of list.data?.items ?? []) {
      const [lon, lat] = r.location.coordinates;
      bounds.push([lat, lon]);
      L.circleMarker([lat, lon], {
        radius: r.id === chosen ? 11 : 8, color: r.id === chosen ? '#0b57d0' : '#000', weight: r.id === chosen ? 3 : 1.5,
        fillColor: r.status === 'closed' ? '#9e9e9e' : TYPE_COLOURS[r.type] ?? '#555', fillOpacity: 0.95,
      })
        .bindTooltip(`${t(`rtype_${r.type}` as Key)} · ${t('rq_age', { n: r.age_days })}`)
        .on('click', () => setChosen(r.id))
        .addTo(g);
    }
    if (bounds.length > 1 && chosen === null) map.current!.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 15, animate: false });
  }, [list.data, chosen]);

  const selected = list.data?.items.find((r) => r.id === chosen) ?? null;
  const counts = list.data?.counts ?? {};
  return (
    <Page title={t('on_citizen_reports')} tools={
      <div class="button-row">
        <select class="input" aria-label={t('rq_status')} value={filter} onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value)} data-testid="queue-status">
          <option value="active">{t('rq_active')} ({STATUSES.filter((s) => s !== 'closed').reduce((n, s) => n + (counts[s] ?? 0), 0)})</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`rstatus_${s}` as Key)} ({counts[s] ?? 0})</option>)}
        </select>
        <select class="input" aria-label={t('report_type')} value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('rq_all_types')}</option>
          {TYPES.map((v) => <option key={v} value={v}>{t(`rtype_${v}` as Key)}</option>)}
        </select>
      </div>
    }>
      <div class="office-map-layout">
        <div class="map-frame office-map">
          <div ref={box} class="map" role="region" aria-label={t('on_citizen_reports')} data-testid="reports-map" />
        </div>
        <aside class="office-side">
          {selected ? <Detail report={selected} onChanged={() => list.reload()} /> : <p class="muted">{t('rq_pick')}</p>}
        </aside>
      </div>
      {admin && me?.user.lgo_code && <ReportSettings lgo={me.user.lgo_code} />}
      <Loaded fetched={list}>
        {(data) => (
          data.items.length === 0 ? <p class="muted">{t('rq_none')}</p> : (
            <div class="table-wrap">
              <table class="data-table" data-testid="reports-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('report_type')}</th>
                    <th scope="col">{t('rq_status')}</th>
                    <th scope="col">{t('rq_village')}</th>
                    <th scope="col">{t('rq_age_col')}</th>
                    <th scope="col">{t('rq_assigned')}</th>
                    <th scope="col">{t('rq_what')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((r) => (
                    <tr key={r.id} data-testid="queue-row" data-id={r.id} data-status={r.status} class={r.id === chosen ? 'selected' : ''} onClick={() => setChosen(r.id)}>
                      <td><button type="button" class="link-button" onClick={() => setChosen(r.id)}>{r.id}</button></td>
                      <td>{t(`rtype_${r.type}` as Key)}</td>
                      <td>{t(`rstatus_${r.status}` as Key)}</td>
                      <td>{villageOf(r)}</td>
                      <td>{t('rq_age', { n: r.age_days })}</td>
                      <td>{r.assigned_to?.name ?? '—'}</td>
                      <td class="report-text-cell">{r.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        )}
      </Loaded>
    </Page>
  );
}
