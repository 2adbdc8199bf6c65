/**
 * Logging a day's sorting. Pre-filled from the last log, so the usual day is one tap (Save) and
 * any day is at most three: the streams, the organic handling, Save. Weights, a photo and
 * another date sit behind "more".
 */
import { useEffect, useState } from 'preact/hooks';
import type { OutboxItem } from '../../shared/db';
import { enqueue, resubmit } from '../../shared/outbox';
import { addDays, localToday, uuid4 } from '../../shared/util';
import { t, useT } from '../i18n';
import { HandlingPicker, StreamPicker, streamName, type Handling, type Stream } from '../streams';
import { kick } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, showToast } from '../ui/kit';
import { PhotoPicker, usePhoto } from '../ui/photo-picker';

export interface LastLog {
  streams: string[];
  organic_handling: string | null;
}

/** A log of today being corrected: the new one carries its client id and replaces it. */
export interface Correcting {
  client_id: string;
  data: Record<string, unknown>;
}

interface Props {
  householdId: number;
  userId: number;
  lastLog?: LastLog | null;
  fix?: OutboxItem;
  correcting?: Correcting | null;
  onSaved?: () => void;
}

const TYPICAL: Stream[] = ['organic', 'recyclable', 'general'];

type DayChoice = 'today' | 'yesterday' | 'other';

export function LogForm({ householdId, userId, lastLog, fix, correcting, onSaved }: Props) {
  useT();
  const today = localToday();
  const source = fix?.data ?? correcting?.data;
  const initial = (source ?? lastLog ?? null) as LastLog | null;
  const [streams, setStreams] = useState<Stream[]>((initial?.streams as Stream[]) ?? TYPICAL);
  const [handling, setHandling] = useState<Handling | null>((initial?.organic_handling as Handling) ?? 'wet_bin');
  const [more, setMore] = useState(Boolean(fix));
  const [kg, setKg] = useState<Record<string, string>>(() => {
    const out: Record<string, string> = {};
    for (const s of ['organic', 'recyclable', 'general', 'hazardous']) {
      const v = source?.[`kg_${s}`];
      if (typeof v === 'number') out[s] = String(v);
    }
    return out;
  });
  const fixDate = fix ? String(fix.data.log_date) : null;
  const [day, setDay] = useState<DayChoice>(fixDate && fixDate !== today ? 'other' : 'today');
  const [otherDate, setOtherDate] = useState(fixDate ?? addDays(today, -2));
  const [photo, setPhoto, takePhoto] = usePhoto();
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [touched, setTouched] = useState(false);

  // Follow the last log when it arrives after the form was drawn (first visit, then cache).
  useEffect(() => {
    if (!source && !touched && lastLog) {
      setStreams(lastLog.streams as Stream[]);
      setHandling((lastLog.organic_handling as Handling) ?? 'wet_bin');
    }
  }, [lastLog?.streams.join(','), lastLog?.organic_handling]);

  const logDate = correcting ? String(correcting.data.log_date) : day === 'today' ? today : day === 'yesterday' ? addDays(today, -1) : otherDate;

  async function save(event: Event) {
    event.preventDefault();
    if (streams.length === 0) {
      setProblem(t('pick_stream'));
      return;
    }
    const data: Record<string, unknown> = { household_id: householdId, log_date: logDate, streams };
    if (correcting) data.corrects = correcting.client_id;
    if (streams.includes('organic') && handling) data.organic_handling = handling;
    for (const s of streams) {
      const raw = kg[s]?.trim().replace(',', '.');
      if (raw) {
        const value = Number(raw);
        if (!Number.isFinite(value) || value < 0 || value > 100) {
          setProblem(`${t('log_kg', { stream: streamName(s) })}: 0–100`);
          return;
        }
        data[`kg_${s}`] = value;
      }
    }
    setProblem(null);
    setSaving(true);
    try {
      if (fix) await resubmit(fix.seq!, { ...data, ...(fix.data.photo_id ? { photo_id: fix.data.photo_id } : {}) });
      else {
        await enqueue({
          kind: 'sorting_log', data, user_id: userId, household_id: householdId,
          photo: photo ? { id: uuid4(), blob: photo.blob } : undefined,
        });
      }
      showToast(navigator.onLine ? t('saved') : t('saved_waiting'), navigator.onLine ? 'ok' : 'info');
      setKg({});
      setPhoto(null);
      setMore(false);
      setDay('today');
      kick();
      onSaved?.();
    } finally {
      setSaving(false);
    }
  }

  return (
    <form class="log-form" onSubmit={save} noValidate data-correcting={correcting ? 'true' : undefined}>
      {correcting && <Banner kind="info" icon="clipboard">{t('log_correcting')}</Banner>}
      <StreamPicker value={streams} onChange={(v) => { setTouched(true); setStreams(v); }} legend={t('log_step_streams')} />
      {streams.includes('organic') && (
        <HandlingPicker value={handling} onChange={(v) => { setTouched(true); setHandling(v); }} legend={t('log_step_organic')} />
      )}
      <details class="more" open={more} onToggle={(e) => setMore((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t('log_more')}</summary>
        <fieldset class="plain" hidden={Boolean(correcting)}>
          <legend>{t('log_date')}</legend>
          <div class="segmented">
            {(['today', 'yesterday', 'other'] as DayChoice[]).map((d) => (
              <label key={d} class={day === d ? 'on' : ''}>
                <input type="radio" name="day" value={d} checked={day === d} onChange={() => setDay(d)} />
                {d === 'today' ? t('today') : d === 'yesterday' ? t('yesterday') : t('other_day')}
              </label>
            ))}
          </div>
          {day === 'other' && (
            <input type="date" class="input" aria-label={t('log_date')} name="log_date" value={otherDate} max={today}
              onInput={(e) => setOtherDate((e.currentTarget as HTMLInputElement).value)} />
          )}
        </fieldset>
        <div class="kg-grid">
          {streams.map((s) => (
            <label key={s} class="field">
              <span>{t('log_kg', { stream: streamName(s) })}</span>
              <input class="input" type="text" inputMode="decimal" name={`kg_${s}`} value={kg[s] ?? ''} autocomplete="off"
                onInput={(e) => setKg({ ...kg, [s]: (e.currentTarget as HTMLInputElement).value })} />
            </label>
          ))}
        </div>
        {!fix && <PhotoPicker label={t('log_photo')} photo={photo} onTake={takePhoto} onClear={() => setPhoto(null)} />}
      </details>
      {problem && <Banner kind="error" icon="alert">{problem}</Banner>}
      {/* Kept on screen above the bottom bar, however long the form. */}
      <div class="sticky-save">
        <button type="submit" class="button button-primary button-big" disabled={saving} data-testid="save-log">
          <Icon name="check" />
          {correcting ? t('log_save_correction') : t('save')}
        </button>
      </div>
    </form>
  );
}
