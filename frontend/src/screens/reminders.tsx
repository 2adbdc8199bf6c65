/** Settings' reminders: which reminders this phone gets, the quiet hours, on and off. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { errorMessage, lang, registerStrings, t, useT, type Key } from '../i18n';
import {
  PermissionRefused,
  PushUnavailable,
  currentReminders,
  pushState,
  saveReminders,
  stopReminders,
  type PushState,
  type ReminderChoice,
  type ReminderSubscription,
  type Topic,
} from '../push';
import { Icon } from '../ui/icons';
import { Banner } from '../ui/kit';
import * as strings from './reminders-strings';

registerStrings(strings);

const TOPICS: { topic: Topic; label: Key; hint: Key }[] = [
  { topic: 'collection_tomorrow', label: 'rem_topic_collection', hint: 'rem_topic_collection_hint' },
  { topic: 'buying_day_tomorrow', label: 'rem_topic_buying', hint: 'rem_topic_buying_hint' },
  { topic: 'not_logged', label: 'rem_topic_not_logged', hint: 'rem_topic_not_logged_hint' },
  { topic: 'inspection_due', label: 'rem_topic_inspection', hint: 'rem_topic_inspection_hint' },
  { topic: 'report_closed', label: 'rem_topic_report', hint: 'rem_topic_report_hint' },
];

type Form = Omit<ReminderChoice, 'lang'>;

// The server's defaults (PushSubscription), every topic the person may choose ticked.
function defaults(resident: boolean, volunteer = false): Form {
  const topics: Topic[] = ['collection_tomorrow', 'buying_day_tomorrow', 'report_closed'];
  if (resident) topics.push('not_logged');
  if (volunteer) topics.push('inspection_due');
  return { topics, not_logged_days: 3, quiet_from: '21:00', quiet_until: '07:00' };
}

function fromRow(row: ReminderSubscription): Form {
  return { topics: row.topics, not_logged_days: row.not_logged_days, quiet_from: row.quiet_from, quiet_until: row.quiet_until };
}

function sameChoice(form: Form, row: ReminderSubscription): boolean {
  return (
    [...form.topics].sort().join() === [...row.topics].sort().join() &&
    form.not_logged_days === row.not_logged_days &&
    form.quiet_from === row.quiet_from &&
    form.quiet_until === row.quiet_until &&
    row.lang === lang.get()
  );
}

type Outcome = { kind: 'ok' | 'warn' | 'error'; text: string; detail?: string } | null;

function describe(error: unknown): Outcome {
  if (error instanceof PermissionRefused) {
    // Denied has its own banner, which stays while the browser blocks the app.
    return error.state === 'denied' ? null : { kind: 'warn', text: t('rem_dismissed') };
  }
  if (error instanceof PushUnavailable) return { kind: 'error', text: t('rem_push_failed'), detail: error.message };
  if (error instanceof ApiError && error.errors.topics) return { kind: 'error', text: t('rem_not_linked') };
  if (error instanceof ApiError && error.errors.village_code) return { kind: 'error', text: t('rem_no_village') };
  return { kind: 'error', text: errorMessage(error) };
}

export function Reminders({ userId, resident, volunteer = false }: { userId: number; resident: boolean; volunteer?: boolean }) {
  useT();
  const [state, setState] = useState<PushState>(pushState);
  const [saved, setSaved] = useState<ReminderSubscription | null>(null);
  const [form, setForm] = useState<Form>(() => defaults(resident, volunteer));
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Not logging watches a resident's household; inspections due, a volunteer's villages.
  const offered = TOPICS.filter((o) => (resident || o.topic !== 'not_logged') && (volunteer || o.topic !== 'inspection_due'));

  useEffect(() => {
    let live = true;
    currentReminders(userId)
      .then((row) => {
        if (!live) return;
        setSaved(row);
        if (row) setForm(fromRow(row));
      })
      .catch((error: unknown) => live && setOutcome({ kind: 'warn', text: `${t('rem_load_failed')}: ${errorMessage(error)}` }))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [userId]);

  function toggle(topic: Topic, on: boolean) {
    setForm({ ...form, topics: on ? [...form.topics, topic] : form.topics.filter((x) => x !== topic) });
  }

  async function stop() {
    setBusy(true);
    setOutcome(null);
    try {
      await stopReminders();
      setSaved(null);
      setOutcome({ kind: 'ok', text: t('rem_stopped') });
    } catch (error) {
      setOutcome(describe(error));
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    const topics = form.topics.filter((topic) => offered.some((o) => o.topic === topic));
    if (topics.length === 0) {
      if (saved) await stop();
      else setOutcome({ kind: 'warn', text: t('rem_pick_one') });
      return;
    }
    setBusy(true);
    setOutcome(null);
    const defaultsNow = defaults(resident, volunteer);
    try {
      // Straight from the tap: the permission prompt needs the gesture (push.ts).
      const row = await saveReminders(userId, {
        topics,
        not_logged_days: Math.min(30, Math.max(1, Math.round(form.not_logged_days) || 3)),
        quiet_from: form.quiet_from || defaultsNow.quiet_from,
        quiet_until: form.quiet_until || defaultsNow.quiet_until,
        lang: lang.get(),
      });
      setSaved(row);
      setForm(fromRow(row));
      setOutcome({ kind: 'ok', text: t('rem_saved') });
    } catch (error) {
      setOutcome(describe(error));
    } finally {
      setState(pushState());
      setBusy(false);
    }
  }

  const changed = saved !== null && !sameChoice(form, saved);
  return (
    <section class="card reminders" data-testid="reminders" aria-labelledby="reminders-title">
      <h2 id="reminders-title"><Icon name="bell" /> {t('rem_title')}</h2>
      <p class="muted small">{t('rem_lead')}</p>
      {state === 'unsupported' ? (
        <Banner kind="warn" icon="alert"><span data-testid="reminders-unsupported">{t('rem_unsupported')}</span></Banner>
      ) : (
        <>
          {state === 'denied' && <Banner kind="warn" icon="alert"><span data-testid="reminders-denied">{t('rem_denied')}</span></Banner>}
          <p class={saved ? 'ok-text' : 'muted'} data-testid="reminders-state" data-on={saved ? 'yes' : 'no'} aria-live="polite">
            {loading ? '…' : saved ? t('rem_on') : t('rem_off')}
          </p>
          <fieldset class="plain reminder-topics">
            <legend class="visually-hidden">{t('rem_title')}</legend>
            {offered.map(({ topic, label, hint }) => (
              <div class="reminder-topic" key={topic}>
                <label class="switch">
                  <input type="checkbox" name={topic} data-testid={`reminder-${topic}`} checked={form.topics.includes(topic)} onChange={(e) => toggle(topic, e.currentTarget.checked)} />
                  <span>{t(label, { n: form.not_logged_days || 'N' })}</span>
                </label>
                <p class="muted small">{t(hint)}</p>
                {topic === 'not_logged' && form.topics.includes(topic) && (
                  <label class="field reminder-days">
                    <span>{t('rem_days')}</span>
                    <input class="input" type="number" name="not_logged_days" inputMode="numeric" min={1} max={30} value={form.not_logged_days || ''} onInput={(e) => setForm({ ...form, not_logged_days: Number(e.currentTarget.value) })} />
                  </label>
                )}
              </div>
            ))}
          </fieldset>
          <fieldset class="plain reminder-quiet">
            <legend>{t('rem_quiet')}</legend>
            <label class="field">
              <span>{t('rem_quiet_from')}</span>
              <input class="input" type="time" name="quiet_from" value={form.quiet_from} onInput={(e) => setForm({ ...form, quiet_from: e.currentTarget.value })} />
            </label>
            <label class="field">
              <span>{t('rem_quiet_until')}</span>
              <input class="input" type="time" name="quiet_until" value={form.quiet_until} onInput={(e) => setForm({ ...form, quiet_until: e.currentTarget.value })} />
            </label>
            <p class="muted small">{t('rem_quiet_hint')}</p>
          </fieldset>
          {changed && <p class="small" role="status">{t('rem_unsaved')}</p>}
          {outcome && (
            <Banner kind={outcome.kind} icon={outcome.kind === 'ok' ? 'check' : 'alert'}>
              <span data-testid="reminders-outcome">{outcome.text}</span>
              {outcome.detail && <span class="small muted"> ({outcome.detail})</span>}
            </Banner>
          )}
          <div class="button-col">
            <button type="button" class="button button-primary" data-testid="reminders-save" disabled={busy || loading} onClick={() => void save()}>
              <Icon name="bell" />
              {busy ? t('rem_saving') : saved ? t('rem_save') : t('rem_enable')}
            </button>
            {saved && (
              <button type="button" class="button button-danger" data-testid="reminders-stop" disabled={busy} onClick={() => void stop()}>
                {t('rem_stop')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
