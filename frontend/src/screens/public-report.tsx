/**
 * Reporting a waste problem without an account, from the sign-in page: the report goes straight
 * to the server (there is no outbox without an account), which refuses it where the LGO takes
 * reports from signed-in residents only. The answer's token follows the report afterwards.
 */
import { useState } from 'preact/hooks';
import { api, OfflineError } from '../../shared/api';
import { errorMessage, formatDate, t, useT, type Key } from '../i18n';
import { useLoad } from '../load';
import { Link } from '../router';
import { Banner, Screen } from '../ui/kit';
import { PhotoPicker, usePhoto } from '../ui/photo-picker';
import { Position, TypeChoice, usePosition, whereOf, type Picked, type ReportType } from './report';

interface Tracked {
  id: number;
  type: string;
  status: string;
  reported_at: string;
  village_name_th: string;
  close_note: string | null;
}

export function PublicReport() {
  useT();
  const [type, setType] = useState<ReportType>('illegal_dumping');
  const [description, setDescription] = useState('');
  const [contact, setContact] = useState('');
  const [photo, setPhoto, takePhoto] = usePhoto();
  const [place, retry] = usePosition();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(event: Event) {
    event.preventDefault();
    const where = whereOf(place, picked);
    if (!where) {
      setProblem(t('report_need_place'));
      return;
    }
    setBusy(true);
    setProblem(null);
    const [lon, lat] = (where.location as { coordinates: [number, number] }).coordinates;
    const form = new FormData();
    form.append('type', type);
    form.append('lon', String(lon));
    form.append('lat', String(lat));
    form.append('located_by', String(where.located_by));
    if (where.accuracy_m !== undefined) form.append('accuracy_m', String(where.accuracy_m));
    if (description.trim()) form.append('description', description.trim());
    if (contact.trim()) form.append('contact_phone', contact.trim());
    if (photo) form.append('photo', photo.blob, 'photo.jpg');
    try {
      const answer = await api<{ token: string }>('reports/form', { method: 'POST', form, auth: false });
      setToken(answer.token);
    } catch (error) {
      setProblem(error instanceof OfflineError ? t('report_public_offline') : errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  if (token) {
    return (
      <Screen title={t('report_title')} back="/">
        <Banner kind="ok" icon="check">{t('report_public_sent')}</Banner>
        <p>{t('report_public_keep')}</p>
        <p><Link href={`/report/track/${token}`} data-testid="track-link">{t('report_public_track')}</Link></p>
      </Screen>
    );
  }
  return (
    <Screen title={t('report_title')} back="/">
      <p class="muted">{t('report_public_hint')}</p>
      <form class="log-form" onSubmit={send} noValidate data-testid="public-report-form">
        <TypeChoice value={type} onChange={setType} />
        <Position place={place} retry={retry} picked={picked} onPick={setPicked} />
        <label class="field">
          <span>{t('report_description')}</span>
          <textarea class="input" name="description" rows={3} maxLength={2000} value={description}
            onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} />
        </label>
        <label class="field">
          <span>{t('report_public_phone')}</span>
          <input class="input" name="contact_phone" type="tel" autocomplete="tel" value={contact}
            onInput={(e) => setContact((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <PhotoPicker label={t('report_photo')} photo={photo} onTake={takePhoto} onClear={() => setPhoto(null)} />
        {problem && <Banner kind="error" icon="alert">{problem}</Banner>}
        <button type="submit" class="button button-primary button-big" disabled={busy} data-testid="send-public-report">
          {t('report_send')}
        </button>
      </form>
    </Screen>
  );
}

export function TrackReport({ token }: { token: string }) {
  useT();
  const tracked = useLoad<Tracked>(`reports/track/${encodeURIComponent(token)}`, {
    store: 'none', loader: () => api<Tracked>(`reports/track/${encodeURIComponent(token)}`, { auth: false }),
  });
  const r = tracked.data;
  return (
    <Screen title={t('report_title')} back="/">
      {r ? (
        <div class="card" data-testid="tracked-report" data-status={r.status}>
          <strong>{t(`rtype_${r.type}` as Key)}</strong> · {r.village_name_th} · {formatDate(r.reported_at.slice(0, 10))}
          <p><span class={`pill report-status-${r.status}`}>{t(`rstatus_${r.status}` as Key)}</span></p>
          {r.close_note && <p>{t('report_lgo_note')}: {r.close_note}</p>}
        </div>
      ) : tracked.error ? <Banner kind="error" icon="alert">{errorMessage(tracked.error)}</Banner> : <span class="spinner" role="status" />}
    </Screen>
  );
}

export default function PublicReports({ path }: { path: string }) {
  const tracking = path.startsWith('/report/track/') ? path.slice('/report/track/'.length) : null;
  return tracking ? <TrackReport token={tracking} /> : <PublicReport />;
}
