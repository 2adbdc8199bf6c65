/** The five-point wet-bin inspection, with the inspector's GPS point, saved to the outbox. */
import { useEffect, useState } from 'preact/hooks';
import type { OutboxItem } from '../../shared/db';
import { enqueue, resubmit } from '../../shared/outbox';
import { localToday, uuid4 } from '../../shared/util';
import type { Household } from '../data';
import { formatDistance, formatNumber, t, useT, type Key } from '../i18n';
import { shrinkPhoto } from '../photo';
import { auth } from '../session';
import { useStore } from '../store';
import { kick } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, LoadState, Screen } from '../ui/kit';
import { useHousehold } from './household';
import { estimate, FLAG_DISTANCE_M, InspectionOutcome } from './inspection-result';

export const FIVE_POINTS = ['registered', 'bin_built', 'food_waste_in_bin', 'lid_closed', 'used_correctly'] as const;
/** The wet-bin arrangements an inspection confirms; a pass writes the one chosen to the register. */
const ARRANGEMENTS = ['has_bin', 'communal', 'no_space'] as const;
type Answers = Record<string, boolean | undefined>;

interface Fix {
  point: { lon: number; lat: number; accuracy: number } | null;
  state: 'locating' | 'ok' | 'failed';
}

function useGps(): [Fix, () => void] {
  const [fix, setFix] = useState<Fix>({ point: null, state: 'locating' });
  const locate = () => {
    if (!('geolocation' in navigator)) {
      setFix({ point: null, state: 'failed' });
      return;
    }
    setFix((f) => ({ ...f, state: 'locating' }));
    navigator.geolocation.getCurrentPosition(
      (pos) => setFix({ point: { lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy }, state: 'ok' }),
      () => setFix({ point: null, state: 'failed' }),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
  };
  useEffect(locate, []);
  return [fix, locate];
}

function YesNo({ name, label, value, onChange }: { name: string; label: string; value: boolean | undefined; onChange: (v: boolean) => void }) {
  return (
    <fieldset class="yes-no" data-point={name}>
      <legend>{label}</legend>
      <label class={value === true ? 'on yes' : ''}>
        <input type="radio" name={name} value="yes" checked={value === true} onChange={() => onChange(true)} />
        <Icon name="check" size={20} />{t('yes')}
      </label>
      <label class={value === false ? 'on no' : ''}>
        <input type="radio" name={name} value="no" checked={value === false} onChange={() => onChange(false)} />
        <Icon name="close" size={20} />{t('no')}
      </label>
    </fieldset>
  );
}

/** Where the inspector stands against the house, as far as the phone can tell. */
function GpsWarning({ fix, home }: { fix: Fix; home: Household['point'] }) {
  useT();
  if (fix.state === 'locating') return null;
  const point = fix.point ? { type: 'Point', coordinates: [fix.point.lon, fix.point.lat] } : null;
  const guess = estimate({ point }, home);
  if (guess.flag === 'far') {
    return <Banner kind="warn" icon="gps"><span data-testid="gps-warning" data-flag="far">{t('gps_far_warn', { d: formatDistance(FLAG_DISTANCE_M) })} ({t('gps_distance', { d: formatDistance(guess.distance_m!) })})</span></Banner>;
  }
  if (guess.flag === 'no_location') return <Banner kind="warn" icon="gps"><span data-testid="gps-warning" data-flag="no_location">{t('gps_none_warn')}</span></Banner>;
  return guess.distance_m === null ? null : <p class="muted" data-testid="gps-distance">{t('gps_distance', { d: formatDistance(guess.distance_m) })}</p>;
}

export function InspectScreen({ id, fix }: { id: number; fix?: OutboxItem }) {
  useT();
  const { session } = useStore(auth);
  const household = useHousehold(id);
  const [answers, setAnswers] = useState<Answers>(() => (fix ? { ...(fix.data as Answers) } : {}));
  const [notes, setNotes] = useState(fix ? String(fix.data.notes ?? '') : '');
  const [arrangement, setArrangement] = useState<string | undefined>(fix ? (fix.data.wet_bin as string | undefined) ?? undefined : undefined);
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [gps, locate] = useGps();
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const complete = FIVE_POINTS.every((k) => answers[k] !== undefined);
  const passed = FIVE_POINTS.every((k) => answers[k] === true);
  const registered = household.data?.wet_bin;

  // The register's arrangement is the likely answer; "none" leaves the question open.
  useEffect(() => {
    if (arrangement === undefined && registered && registered !== 'none') setArrangement(registered);
  }, [registered]);

  async function save(event: Event) {
    event.preventDefault();
    if (!complete) {
      setProblem(t('answer_all'));
      return;
    }
    if (passed && !arrangement) {
      setProblem(t('arrangement_pick'));
      return;
    }
    const data: Record<string, unknown> = {
      household_id: id,
      inspected_on: fix ? fix.data.inspected_on : localToday(),
      ...Object.fromEntries(FIVE_POINTS.map((k) => [k, answers[k]])),
      sorting_ok: answers.sorting_ok ?? null,
      notes: notes.trim() || null,
      mock_location: false,
      wet_bin: arrangement ?? null,
    };
    if (gps.point) {
      data.point = { type: 'Point', coordinates: [gps.point.lon, gps.point.lat] };
      data.gps_accuracy_m = Math.round(gps.point.accuracy * 10) / 10;
    } else if (fix?.data.point) {
      data.point = fix.data.point;
      data.gps_accuracy_m = fix.data.gps_accuracy_m;
    }
    if (fix) {
      await resubmit(fix.seq!, { ...data, ...(fix.data.photo_id ? { photo_id: fix.data.photo_id } : {}) });
      setSaved(fix.seq!);
    } else {
      const item = await enqueue({ kind: 'inspection', data, user_id: session!.user_id, household_id: id, photo: photo ? { id: uuid4(), blob: photo } : undefined });
      setSaved(item.seq!);
    }
    window.scrollTo(0, 0);
    kick();
  }

  if (saved !== null) {
    return (
      <Screen title={t('outcome_title')} back={`/households/${id}`}>
        {household.data && <p class="lead">{t('house_no')} <strong>{household.data.house_number}</strong></p>}
        <InspectionOutcome seq={saved} householdId={id} home={household.data?.point ?? null} />
      </Screen>
    );
  }

  return (
    <Screen title={t('inspect_title')} back={`/households/${id}`}>
      <LoadState loaded={household}>
        {(h) => (
          <form class="inspect-form" onSubmit={save} noValidate>
            <p class="lead">{t('house_no')} <strong>{h.house_number}</strong></p>
            <fieldset class="arrangement" data-testid="arrangement">
              <legend>{t('arrangement_q')}</legend>
              <div class="segmented">
                {ARRANGEMENTS.map((a) => (
                  <label key={a} class={arrangement === a ? 'on' : ''}>
                    <input type="radio" name="wet_bin" value={a} checked={arrangement === a} onChange={() => setArrangement(a)} />
                    {t(`wet_bin_${a}` as Key)}
                  </label>
                ))}
              </div>
            </fieldset>
            {FIVE_POINTS.map((k, i) => (
              <YesNo key={k} name={k} label={`${i + 1}. ${t(`q_${k}` as Key)}`} value={answers[k]} onChange={(v) => setAnswers({ ...answers, [k]: v })} />
            ))}
            <YesNo name="sorting_ok" label={t('q_sorting_ok')} value={answers.sorting_ok} onChange={(v) => setAnswers({ ...answers, sorting_ok: v })} />
            <label class="field">
              <span>{t('notes')}</span>
              <textarea class="input" rows={2} maxLength={2000} value={notes} onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)} />
            </label>
            <div class={`gps gps-${gps.state}`} role="status" data-testid="gps">
              <Icon name="gps" />
              <span>
                {gps.state === 'locating' && t('gps_locating')}
                {gps.state === 'ok' && t('gps_ok', { n: formatNumber(gps.point!.accuracy) })}
                {gps.state === 'failed' && t('gps_failed')}
              </span>
              {gps.state === 'failed' && <button type="button" class="button button-quiet" onClick={locate}>{t('gps_retry')}</button>}
            </div>
            <GpsWarning fix={gps} home={h.point} />
            {!fix && (
              <label class="button button-secondary">
                <Icon name="camera" />
                {photo ? t('log_photo_taken') : t('log_photo')}
                <input type="file" accept="image/*" capture="environment" class="visually-hidden" onChange={async (e) => {
                  const file = (e.currentTarget as HTMLInputElement).files?.[0];
                  if (file) setPhoto(await shrinkPhoto(file));
                }} />
              </label>
            )}
            {complete && (
              <Banner kind={passed ? 'ok' : 'warn'} icon={passed ? 'check' : 'alert'}>{passed ? t('result_pass') : t('result_fail')}</Banner>
            )}
            {problem && (!complete || (passed && !arrangement)) && <Banner kind="error" icon="alert">{problem}</Banner>}
            <button type="submit" class="button button-primary button-big" data-testid="save-inspection">
              <Icon name="check" />{t('save')}
            </button>
          </form>
        )}
      </LoadState>
    </Screen>
  );
}
