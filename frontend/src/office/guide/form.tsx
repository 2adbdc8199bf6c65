/**
 * The LGO's version of one item of the sorting guide: stream, where it goes, preparation and
 * the LGO's note in Thai and English, or hidden. A field left as the province's guide is sent
 * as null (the API keeps the change as a whole); removing the change goes back to the default.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import type { GuideItem } from '../../data';
import { nameOf, t, useT, type Key } from '../../i18n';
import { STREAMS, streamName } from '../../streams';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors } from '../lib';

export const PLACES = ['wet_bin', 'waste_bank', 'hazardous_dropoff', 'general_collection'] as const;
export const placeName = (w: string) => t(`where_${w}` as Key);

export interface Row {
  item: GuideItem;
  /** The province's version. */
  base: GuideItem;
  overridden: string[];
  hidden: boolean;
}

const TEXTS = ['prepare_th', 'prepare_en', 'note_th', 'note_en'] as const;
type Text = (typeof TEXTS)[number];
const TEXT_LABELS: Record<Text, Key> = { prepare_th: 'gd_prepare_th', prepare_en: 'gd_prepare_en', note_th: 'gd_note_th', note_en: 'gd_note_en' };
const FIELDS = ['stream', 'where', ...TEXTS, 'hidden'];

interface Draft {
  stream: string;
  where: string;
  prepare_th: string;
  prepare_en: string;
  note_th: string;
  note_en: string;
  hidden: boolean;
}

function draftOf(row: Row): Draft {
  const own = (f: keyof GuideItem) => (row.overridden.includes(f) ? String(row.item[f] ?? '') : '');
  return {
    stream: own('stream'), where: own('where'),
    prepare_th: own('prepare_th'), prepare_en: own('prepare_en'), note_th: own('note_th'), note_en: own('note_en'),
    hidden: row.hidden,
  };
}

function messages(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(messages).join(' ');
  if (value && typeof value === 'object') return Object.values(value).map(messages).join(' ');
  return '';
}

function FieldError({ errors, name }: { errors: Record<string, unknown>; name: string }) {
  const text = messages(errors[name]);
  return text ? <span class="field-error" role="alert" data-testid={`error-${name}`}>{text}</span> : null;
}

export function OverrideForm({ row, onDone }: { row: Row; onDone: (changed: boolean) => void }) {
  useT();
  const [draft, setDraft] = useState(() => draftOf(row));
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.scrollIntoView({ block: 'start' }), []);
  const set = (name: keyof Draft) => (e: Event) => setDraft((d) => ({ ...d, [name]: (e.target as HTMLInputElement).value }));
  const other = Object.fromEntries(Object.entries(errors).filter(([k]) => !FIELDS.includes(k)));
  const changed = row.overridden.length > 0 || row.hidden;
  const key = encodeURIComponent(row.item.key);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      await api(`guide/overrides/${key}`, {
        method: 'PUT',
        body: {
          stream: draft.stream || null,
          where: draft.where || null,
          ...Object.fromEntries(TEXTS.map((f) => [f, draft[f].trim() || null])),
          hidden: draft.hidden,
        },
      });
      showToast(t('o_saved'));
      onDone(true);
    } catch (error) {
      const found = formErrors(error);
      setErrors((found.json as Record<string, unknown> | undefined) ?? found);
    }
    setBusy(false);
  }

  async function remove() {
    if (!window.confirm(t('gd_remove_confirm'))) return;
    setBusy(true);
    try {
      await api(`guide/overrides/${key}`, { method: 'DELETE' });
      showToast(t('gd_removed'));
      onDone(true);
    } catch (error) {
      setErrors(formErrors(error));
    }
    setBusy(false);
  }

  return (
    <form ref={form} class="office-form guide-form" onSubmit={save} data-testid="guide-form" data-key={row.item.key} noValidate>
      <h2>{t('gd_edit_title', { name: nameOf(row.base) })}</h2>
      <div class="form-grid">
        <label class="field">
          <span>{t('gd_stream')}</span>
          <select class="input" name="stream" value={draft.stream} onChange={set('stream')}>
            <option value="">{t('gd_follow_default', { value: streamName(row.base.stream) })}</option>
            {STREAMS.map((s) => <option key={s} value={s}>{streamName(s)}</option>)}
          </select>
          <FieldError errors={errors} name="stream" />
        </label>
        <label class="field">
          <span>{t('gd_where')}</span>
          <select class="input" name="where" value={draft.where} onChange={set('where')}>
            <option value="">{t('gd_follow_default', { value: placeName(row.base.where) })}</option>
            {PLACES.map((w) => <option key={w} value={w}>{placeName(w)}</option>)}
          </select>
          <FieldError errors={errors} name="where" />
        </label>
        {TEXTS.map((f) => (
          <label class="field" key={f}>
            <span>{t(TEXT_LABELS[f])}</span>
            <textarea class="input" name={f} rows={3} maxLength={f.startsWith('prepare') ? 1000 : 500} value={draft[f]} onInput={set(f)}
              placeholder={row.base[f] ?? ''} />
            <span class="muted small">{t('gd_blank_default')}</span>
            <FieldError errors={errors} name={f} />
          </label>
        ))}
      </div>
      <label class="switch">
        <input type="checkbox" name="hidden" checked={draft.hidden} onChange={(e) => setDraft((d) => ({ ...d, hidden: (e.target as HTMLInputElement).checked }))} />
        {t('gd_hide')}
      </label>
      <FieldError errors={errors} name="hidden" />
      {Object.keys(other).length > 0 && <Banner kind="error" icon="alert"><Reasons errors={other} /></Banner>}
      <div class="button-row">
        <button type="submit" class="button button-primary" disabled={busy} data-testid="guide-save">{t('o_save')}</button>
        <button type="button" class="button button-quiet" onClick={() => onDone(false)}>{t('o_cancel')}</button>
        {changed && (
          <button type="button" class="button button-danger" onClick={() => void remove()} disabled={busy} data-testid="guide-remove">{t('gd_remove')}</button>
        )}
      </div>
    </form>
  );
}
