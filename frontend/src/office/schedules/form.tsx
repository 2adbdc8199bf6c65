/**
 * A collection schedule's form: the stream and the area (every village, one village, or a
 * drop-off point), the days chosen without typing RRULE (or typed, for the rare rule), times,
 * notes, and the cancelled or moved days. The server's reasons show under their fields.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { localToday } from '../../../shared/util';
import type { Schedule, ScheduleKind } from '../../calendar';
import type { Page as ApiPage } from '../../data';
import { nameOf, t, useT, weekdayName, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { STREAMS, streamName } from '../../streams';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors, useLgoVillages } from '../lib';
import { reasonWords } from './reasons';
import { buildRule, JS_DAY, MODES, parseRule, POSITIONS, ruleWords, WEEKDAYS, type RuleDraft } from './rules';

interface ExceptionDraft {
  day: string;
  moved: boolean;
  moved_to: string;
  note_th: string;
  note_en: string;
}

export interface Draft {
  id: number | null;
  kind: ScheduleKind;
  stream: string;
  village_code: string;
  point_id: string;
  rule: RuleDraft;
  starts_on: string;
  ends_on: string;
  starts_at: string;
  ends_at: string;
  note_th: string;
  note_en: string;
  exceptions: ExceptionDraft[];
}

const KINDS: [ScheduleKind, Key][] = [['collection', 'sch_kind_collection'], ['dropoff', 'sch_kind_dropoff']];
/** The fields that show their own reasons; any other reason goes in the banner. */
const FIELDS = ['kind', 'stream', 'village_code', 'point_id', 'rule', 'starts_on', 'ends_on', 'starts_at', 'ends_at', 'note_th', 'note_en', 'exceptions'];

export function draftOf(s: Schedule | null): Draft {
  return {
    id: s?.id ?? null,
    kind: s?.kind ?? 'collection',
    stream: s?.stream ?? 'general',
    village_code: s?.village_code ?? '',
    point_id: s?.point_id ? String(s.point_id) : '',
    rule: s ? parseRule(s.rule) : { mode: 'weekly', days: [], positions: [], text: '' },
    starts_on: s?.starts_on ?? localToday(),
    ends_on: s?.ends_on ?? '',
    starts_at: s?.starts_at ?? '',
    ends_at: s?.ends_at ?? '',
    note_th: s?.note_th ?? '',
    note_en: s?.note_en ?? '',
    exceptions: (s?.exceptions ?? []).map((e) => ({
      day: e.day, moved: Boolean(e.moved_to), moved_to: e.moved_to ?? '', note_th: e.note_th ?? '', note_en: e.note_en ?? '',
    })),
  };
}

function bodyOf(d: Draft, rule: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    stream: d.stream,
    rule,
    starts_on: d.starts_on,
    ends_on: d.ends_on || null,
    starts_at: d.starts_at || null,
    ends_at: d.ends_at || null,
    village_code: d.kind === 'collection' ? d.village_code || null : null,
    point_id: d.kind === 'dropoff' && d.point_id ? Number(d.point_id) : null,
    note_th: d.note_th.trim() || null,
    note_en: d.note_en.trim() || null,
    exceptions: d.exceptions.map((e) => ({
      day: e.day, moved_to: e.moved && e.moved_to ? e.moved_to : null, note_th: e.note_th.trim() || null, note_en: e.note_en.trim() || null,
    })),
  };
  // The kind is fixed once made (the API takes it only on creation).
  if (d.id === null) body.kind = d.kind;
  return body;
}

function messages(value: unknown): string {
  if (typeof value === 'string') return reasonWords(value);
  if (Array.isArray(value)) return value.map(messages).join(' ');
  if (value && typeof value === 'object') return Object.values(value).map(messages).join(' ');
  return '';
}

function FieldError({ errors, name }: { errors: Record<string, unknown>; name: string }) {
  const text = messages(errors[name]);
  return text ? <span class="field-error" role="alert" data-testid={`error-${name}`}>{text}</span> : null;
}

/** A row's own reasons under the exceptions ({"exceptions": {"0": {"day": [...]}}}). */
function rowErrors(errors: Record<string, unknown>, index: number): Record<string, unknown> {
  const all = errors.exceptions;
  if (!all || typeof all !== 'object' || Array.isArray(all)) return {};
  return ((all as Record<string, unknown>)[String(index)] as Record<string, unknown>) ?? {};
}

function RuleBuilder({ rule, onChange, errors }: { rule: RuleDraft; onChange: (r: RuleDraft) => void; errors: Record<string, unknown> }) {
  useT();
  const built = buildRule(rule);
  const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((x) => x !== value));
  return (
    <fieldset class="rule-builder" data-testid="rule-builder">
      <legend>{t('sch_days')}</legend>
      <div class="segmented scroll" role="radiogroup" aria-label={t('sch_days')}>
        {MODES.map(([mode, key]) => (
          <label key={mode} class={rule.mode === mode ? 'on' : ''}>
            <input type="radio" name="mode" value={mode} checked={rule.mode === mode}
              onChange={() => onChange(mode === 'advanced' ? { ...rule, mode, text: built || rule.text } : { ...rule, mode })} />
            {t(key)}
          </label>
        ))}
      </div>
      {rule.mode === 'advanced' ? (
        <label class="field">
          <span>{t('sch_rrule')}</span>
          <input class="input mono" name="rule" value={rule.text} maxLength={200} spellcheck={false} autocomplete="off"
            onInput={(e) => onChange({ ...rule, text: (e.target as HTMLInputElement).value })} aria-describedby="rrule-hint" />
          <span id="rrule-hint" class="muted small">{t('sch_rrule_hint')}</span>
        </label>
      ) : (
        <>
          {rule.mode === 'monthly' && (
            <fieldset class="check-row">
              <legend>{t('sch_weeks')}</legend>
              {POSITIONS.map(([n, key]) => (
                <label key={n} class="switch small">
                  <input type="checkbox" name="position" value={n} checked={rule.positions.includes(n)}
                    onChange={(e) => onChange({ ...rule, positions: toggle(rule.positions, n, (e.target as HTMLInputElement).checked) })} />
                  {t(key)}
                </label>
              ))}
            </fieldset>
          )}
          <fieldset class="check-row">
            <legend>{t('sch_weekdays')}</legend>
            {WEEKDAYS.map((d) => (
              <label key={d} class="switch small">
                <input type="checkbox" name="weekday" value={d} checked={rule.days.includes(d)}
                  onChange={(e) => onChange({ ...rule, days: toggle(rule.days, d, (e.target as HTMLInputElement).checked) })} />
                {weekdayName(JS_DAY[d])}
              </label>
            ))}
          </fieldset>
          {rule.mode === 'biweekly' && <p class="muted small">{t('sch_biweekly_hint')}</p>}
        </>
      )}
      {built && <p class="rule-preview" data-testid="rule-preview">{t('sch_preview', { words: ruleWords(built) })} <code>{built}</code></p>}
      <FieldError errors={errors} name="rule" />
    </fieldset>
  );
}

function Exceptions({ list, onChange, errors }: { list: ExceptionDraft[]; onChange: (l: ExceptionDraft[]) => void; errors: Record<string, unknown> }) {
  useT();
  const set = (i: number, patch: Partial<ExceptionDraft>) => onChange(list.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const general = Array.isArray(errors.exceptions) ? errors.exceptions : undefined;
  return (
    <fieldset class="exceptions" data-testid="exceptions">
      <legend>{t('sch_exceptions')}</legend>
      <p class="muted small">{t('sch_exceptions_hint')}</p>
      {list.map((e, i) => {
        const own = rowErrors(errors, i);
        return (
          <div class="exception-row" key={i} data-testid="exception-row">
            <label class="field">
              <span>{t('sch_exception_day')}</span>
              <input class="input" type="date" name="day" value={e.day} required onInput={(ev) => set(i, { day: (ev.target as HTMLInputElement).value })} />
              <FieldError errors={own} name="day" />
            </label>
            <label class="field">
              <span>{t('sch_exception_action')}</span>
              <select class="input" name="action" value={e.moved ? 'move' : 'cancel'} onChange={(ev) => set(i, { moved: (ev.target as HTMLSelectElement).value === 'move' })}>
                <option value="cancel">{t('sch_cancel_day')}</option>
                <option value="move">{t('sch_move_day')}</option>
              </select>
            </label>
            {e.moved && (
              <label class="field">
                <span>{t('sch_moved_to')}</span>
                <input class="input" type="date" name="moved_to" value={e.moved_to} required onInput={(ev) => set(i, { moved_to: (ev.target as HTMLInputElement).value })} />
                <FieldError errors={own} name="moved_to" />
              </label>
            )}
            <label class="field">
              <span>{t('sch_note_th')}</span>
              <input class="input" name="exception_note_th" value={e.note_th} maxLength={200} onInput={(ev) => set(i, { note_th: (ev.target as HTMLInputElement).value })} />
            </label>
            <label class="field">
              <span>{t('sch_note_en')}</span>
              <input class="input" name="exception_note_en" value={e.note_en} maxLength={200} onInput={(ev) => set(i, { note_en: (ev.target as HTMLInputElement).value })} />
            </label>
            <button type="button" class="button button-quiet button-small" onClick={() => onChange(list.filter((_, j) => j !== i))} data-testid="exception-remove">
              {t('sch_remove')}
            </button>
          </div>
        );
      })}
      {general && <span class="field-error" role="alert">{messages(general)}</span>}
      <button type="button" class="button button-quiet button-small" data-testid="exception-add"
        onClick={() => onChange([...list, { day: '', moved: false, moved_to: '', note_th: '', note_en: '' }])}>
        {t('sch_exception_add')}
      </button>
    </fieldset>
  );
}

interface PointName {
  id: number;
  name_th: string;
  name_en: string | null;
}

export function ScheduleForm({ initial, onDone }: { initial: Draft; onDone: (changed: boolean) => void }) {
  useT();
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code ?? '';
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // Opened from a row far down the list: bring the form into view.
  useEffect(() => form.current?.scrollIntoView({ block: 'start' }), []);
  const villages = useLgoVillages();
  const points = useLoad<ApiPage<PointName>>(
    draft.kind === 'dropoff' && lgo ? `collection-points?lgo=${encodeURIComponent(lgo)}&stream=${draft.stream}&per_page=200` : null,
    { store: 'none' },
  );
  const set = (name: keyof Draft) => (e: Event) => setDraft((d) => ({ ...d, [name]: (e.target as HTMLInputElement).value }));
  const other = Object.fromEntries(Object.entries(errors).filter(([k]) => !FIELDS.includes(k)));

  async function save(event: Event) {
    event.preventDefault();
    const rule = buildRule(draft.rule);
    if (!rule) {
      setErrors({ rule: [t(draft.rule.mode === 'monthly' && draft.rule.days.length ? 'sch_pick_weeks' : 'sch_pick_days')] });
      return;
    }
    setBusy(true);
    try {
      const body = bodyOf(draft, rule);
      if (draft.id === null) await api('schedules', { method: 'POST', body });
      else await api(`schedules/${draft.id}`, { method: 'PATCH', body });
      showToast(t('o_saved'));
      onDone(true);
    } catch (error) {
      // Schema errors come under "json"; the service's own under the field names.
      const found = formErrors(error);
      setErrors((found.json as Record<string, unknown> | undefined) ?? found);
    }
    setBusy(false);
  }

  async function remove() {
    if (draft.id === null || !window.confirm(t('sch_delete_confirm'))) return;
    setBusy(true);
    try {
      await api(`schedules/${draft.id}`, { method: 'DELETE' });
      showToast(t('sch_deleted'));
      onDone(true);
    } catch (error) {
      setErrors(formErrors(error));
    }
    setBusy(false);
  }

  return (
    <form ref={form} class="office-form schedule-form" onSubmit={save} data-testid="schedule-form" noValidate>
      <h2>{draft.id === null ? t('sch_new') : t('sch_edit')}</h2>
      <div class="form-grid">
        <label class="field">
          <span>{t('sch_kind')}</span>
          <select class="input" name="kind" value={draft.kind} onChange={set('kind')} disabled={draft.id !== null}>
            {KINDS.map(([k, key]) => <option key={k} value={k}>{t(key)}</option>)}
          </select>
          <FieldError errors={errors} name="kind" />
        </label>
        <label class="field">
          <span>{t('sch_stream')}</span>
          <select class="input" name="stream" value={draft.stream} onChange={set('stream')}>
            {STREAMS.map((s) => <option key={s} value={s}>{streamName(s)}</option>)}
          </select>
          <FieldError errors={errors} name="stream" />
        </label>
        {draft.kind === 'collection' ? (
          <label class="field">
            <span>{t('sch_where')}</span>
            <select class="input" name="village_code" value={draft.village_code} onChange={set('village_code')}>
              <option value="">{t('sch_all_villages')}</option>
              {(villages.data?.items ?? []).map((v) => <option key={v.code} value={v.code}>{nameOf(v)}</option>)}
            </select>
            <FieldError errors={errors} name="village_code" />
          </label>
        ) : (
          <label class="field">
            <span>{t('sch_point')}</span>
            <select class="input" name="point_id" value={draft.point_id} onChange={set('point_id')} required>
              <option value="">–</option>
              {(points.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{nameOf(p)}</option>)}
            </select>
            {points.data && !points.data.items.length && <span class="muted small">{t('sch_point_none')}</span>}
            <FieldError errors={errors} name="point_id" />
          </label>
        )}
        <span />
        <label class="field">
          <span>{t('sch_starts_on')}</span>
          <input class="input" type="date" name="starts_on" value={draft.starts_on} onInput={set('starts_on')} required />
          <FieldError errors={errors} name="starts_on" />
        </label>
        <label class="field">
          <span>{t('sch_ends_on')}</span>
          <input class="input" type="date" name="ends_on" value={draft.ends_on} onInput={set('ends_on')} />
          <FieldError errors={errors} name="ends_on" />
        </label>
        <label class="field">
          <span>{t('sch_starts_at')}</span>
          <input class="input" type="time" name="starts_at" value={draft.starts_at} onInput={set('starts_at')} />
          <FieldError errors={errors} name="starts_at" />
        </label>
        <label class="field">
          <span>{t('sch_ends_at')}</span>
          <input class="input" type="time" name="ends_at" value={draft.ends_at} onInput={set('ends_at')} />
          <FieldError errors={errors} name="ends_at" />
        </label>
      </div>
      <RuleBuilder rule={draft.rule} onChange={(rule) => setDraft((d) => ({ ...d, rule }))} errors={errors} />
      <div class="form-grid">
        <label class="field">
          <span>{t('sch_note_th')}</span>
          <input class="input" name="note_th" value={draft.note_th} onInput={set('note_th')} maxLength={500} />
          <FieldError errors={errors} name="note_th" />
        </label>
        <label class="field">
          <span>{t('sch_note_en')}</span>
          <input class="input" name="note_en" value={draft.note_en} onInput={set('note_en')} maxLength={500} />
          <FieldError errors={errors} name="note_en" />
        </label>
      </div>
      <Exceptions list={draft.exceptions} onChange={(exceptions) => setDraft((d) => ({ ...d, exceptions }))} errors={errors} />
      {Object.keys(other).length > 0 && <Banner kind="error" icon="alert"><Reasons errors={other} /></Banner>}
      <div class="button-row">
        <button type="submit" class="button button-primary" disabled={busy} data-testid="schedule-save">{t('o_save')}</button>
        <button type="button" class="button button-quiet" onClick={() => onDone(false)}>{t('o_cancel')}</button>
        {draft.id !== null && (
          <button type="button" class="button button-danger" onClick={() => void remove()} disabled={busy} data-testid="schedule-delete">{t('sch_delete')}</button>
        )}
      </div>
    </form>
  );
}
