/**
 * Reporting a waste problem from the phone (dumping, burning, a full collection point, a missed
 * collection, hazardous waste), offline too: the report waits in the outbox like every record
 * and goes to the LGO whose area holds its point. "My reports" shows where each one stands.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { enqueue } from '../../shared/outbox';
import { uuid4 } from '../../shared/util';
import type { Key } from '../i18n';
import { formatDate, t, useT } from '../i18n';
import { useLoad } from '../load';
import { Link, navigate } from '../router';
import { auth } from '../session';
import { useStore } from '../store';
import { kick, syncState } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, Empty, Screen, showToast } from '../ui/kit';
import { PhotoPicker, usePhoto } from '../ui/photo-picker';

export const TYPES = ['illegal_dumping', 'open_burning', 'collection_point', 'missed_collection', 'hazardous_found', 'other'] as const;
export type ReportType = (typeof TYPES)[number];

interface Fix { lon: number; lat: number; accuracy: number }
export type Place = { state: 'waiting' } | { state: 'found'; fix: Fix } | { state: 'failed' };

/** A point the reporter chose on the map, which then stands instead of the GPS fix. */
export interface Picked { lon: number; lat: number }

interface MyReport {
  id: number;
  type: string;
  status: string;
  reported_at: string;
  village_name_th: string;
  village_name_en: string;
  close_note: string | null;
}

/** The way to the report screen, on the home screens. */
export function ReportLink() {
  useT();
  return (
    <Link href="/report" class="card guide-link" data-testid="report-link">
      <span class="guide-link-icon" aria-hidden="true"><Icon name="alert" /></span>
      <span><strong>{t('report_link')}</strong><br /><span class="muted small">{t('report_link_hint')}</span></span>
    </Link>
  );
}

/** The phone's position for a report (asked once, again on retry). */
export function usePosition(): [Place, () => void] {
  const [place, setPlace] = useState<Place>({ state: 'waiting' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setPlace({ state: 'failed' });
      return;
    }
    let live = true;
    setPlace({ state: 'waiting' });
    navigator.geolocation.getCurrentPosition(
      (p) => live && setPlace({ state: 'found', fix: { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: Math.round(p.coords.accuracy) } }),
      () => live && setPlace({ state: 'failed' }),
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 },
    );
    return () => { live = false; };
  }, [attempt]);
  return [place, () => setAttempt((n) => n + 1)];
}

/** Where the report is: the point chosen on the map, else the GPS fix with its accuracy. */
export function whereOf(place: Place, picked: Picked | null): Record<string, unknown> | null {
  if (picked) return { located_by: 'map', location: { type: 'Point', coordinates: [picked.lon, picked.lat] } };
  if (place.state !== 'found') return null;
  const { lon, lat, accuracy } = place.fix;
  return { located_by: 'gps', accuracy_m: Math.min(accuracy, 100_000), location: { type: 'Point', coordinates: [lon, lat] } };
}

export function TypeChoice({ value, onChange }: { value: ReportType; onChange: (type: ReportType) => void }) {
  useT();
  return (
    <fieldset class="plain">
      <legend>{t('report_type')}</legend>
      <div class="choice-list">
        {TYPES.map((v) => (
          <label key={v} class={`choice ${value === v ? 'on' : ''}`}>
            <input type="radio" name="type" value={v} checked={value === v} onChange={() => onChange(v)} />
            {t(`rtype_${v}` as Key)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The map picker: its own chunk (Leaflet), loaded when the reporter opens it. */
function LazyReportMap(props: { at: [number, number] | null; onPick: (lon: number, lat: number) => void }) {
  const [Map, setMap] = useState<ComponentType<typeof props> | null>(null);
  useEffect(() => {
    void import('./report-map').then((m) => setMap(() => m.default));
  }, []);
  return Map ? <Map {...props} /> : <span class="spinner" role="status" />;
}

export function Position({ place, retry, picked, onPick }: {
  place: Place; retry: () => void; picked: Picked | null; onPick: (p: Picked | null) => void;
}) {
  useT();
  const [open, setOpen] = useState(false);
  const gps: [number, number] | null = place.state === 'found' ? [place.fix.lon, place.fix.lat] : null;
  return (
    <fieldset class="plain">
      <legend>{t('report_where')}</legend>
      {picked ? (
        <p class="ok-text" data-testid="report-picked"><Icon name="pin" /> {t('report_map_picked')}</p>
      ) : place.state === 'waiting' ? <p class="muted" role="status">{t('report_gps_wait')}</p> : null}
      {!picked && place.state === 'found' && (
        <p class="ok-text" data-testid="report-position">
          <Icon name="gps" /> {t('report_gps_found', { m: place.fix.accuracy })}
        </p>
      )}
      {!picked && place.state === 'failed' && (
        <div>
          <Banner kind="warn" icon="gps">{t('report_gps_failed')}</Banner>
          <button type="button" class="button button-secondary" onClick={retry}>{t('report_gps_retry')}</button>
        </div>
      )}
      {open ? (
        <>
          <p class="muted small">{t('report_map_hint')}</p>
          <LazyReportMap at={picked ? [picked.lon, picked.lat] : gps} onPick={(lon, lat) => onPick({ lon, lat })} />
          {picked && <button type="button" class="link-button" onClick={() => onPick(null)}>{t('report_map_use_gps')}</button>}
        </>
      ) : (
        <button type="button" class="button button-secondary" onClick={() => setOpen(true)} data-testid="report-map-open">
          <Icon name="pin" />{t('report_map_open')}
        </button>
      )}
    </fieldset>
  );
}

export function ReportScreen() {
  useT();
  const { session } = useStore(auth);
  const [type, setType] = useState<ReportType>('illegal_dumping');
  const [description, setDescription] = useState('');
  const [photo, setPhoto, takePhoto] = usePhoto();
  const [place, retry] = usePosition();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function send(event: Event) {
    event.preventDefault();
    const where = whereOf(place, picked);
    if (!where) {
      setProblem(t('report_need_place'));
      return;
    }
    setProblem(null);
    setSaving(true);
    try {
      await enqueue({
        kind: 'report',
        data: { type, description: description.trim(), ...where },
        user_id: session!.user_id,
        household_id: null,
        photo: photo ? { id: uuid4(), blob: photo.blob } : undefined,
      });
      showToast(navigator.onLine ? t('saved') : t('saved_waiting'), navigator.onLine ? 'ok' : 'info');
      kick();
      navigate('/reports');
    } finally {
      setSaving(false);
    }
  }

  return (
    <Screen title={t('report_title')} back="/">
      <p><Link href="/reports" data-testid="my-reports-link">{t('reports_mine')}</Link></p>
      <form class="log-form" onSubmit={send} noValidate data-testid="report-form">
        <TypeChoice value={type} onChange={setType} />
        <Position place={place} retry={retry} picked={picked} onPick={setPicked} />
        <label class="field">
          <span>{t('report_description')}</span>
          <textarea class="input" name="description" rows={3} maxLength={2000} value={description}
            onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} />
        </label>
        <PhotoPicker label={t('report_photo')} photo={photo} onTake={takePhoto} onClear={() => setPhoto(null)} />
        {problem && <Banner kind="error" icon="alert">{problem}</Banner>}
        <div class="sticky-save">
          <button type="submit" class="button button-primary button-big" disabled={saving} data-testid="send-report">
            <Icon name="check" />
            {t('report_send')}
          </button>
        </div>
      </form>
    </Screen>
  );
}

export function MyReports() {
  useT();
  const mine = useLoad<{ items: MyReport[] }>('reports/mine', { store: 'device' });
  const { items } = useStore(syncState);
  const waiting = items.filter((i) => i.kind === 'report' && i.status !== 'sent');
  const reports = mine.data?.items ?? [];
  return (
    <Screen title={t('reports_mine')} back="/">
      <Link href="/report" class="button button-primary" data-testid="new-report"><Icon name="alert" />{t('report_new')}</Link>
      <ul class="rows" data-testid="my-reports">
        {waiting.map((i) => (
          <li key={i.client_id} class="row" data-testid="report-row" data-status="waiting">
            <strong>{t(`rtype_${String(i.data.type)}` as Key)}</strong>
            <span class="pill">{t('report_waiting')}</span>
          </li>
        ))}
        {reports.map((r) => (
          <li key={r.id} class="row" data-testid="report-row" data-status={r.status}>
            <span>
              <strong>{t(`rtype_${r.type}` as Key)}</strong>
              <br />
              <span class="muted small">{formatDate(r.reported_at.slice(0, 10))}</span>
              {r.close_note && <><br /><span class="small">{t('report_lgo_note')}: {r.close_note}</span></>}
            </span>
            <span class={`pill report-status-${r.status}`}>{t(`rstatus_${r.status}` as Key)}</span>
          </li>
        ))}
      </ul>
      {waiting.length === 0 && reports.length === 0 && !mine.loading && <Empty>{t('reports_none')}</Empty>}
    </Screen>
  );
}
