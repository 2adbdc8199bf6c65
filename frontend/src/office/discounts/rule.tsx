/**
 * The LGO's fee-discount rule: in words for staff, a form for the LGO admin (verified within N
 * days, at least M logged days, the fee and the discounted fee in baht). The server's reasons
 * show under their fields.
 */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { formatNumber, lang, t, useT } from '../../i18n';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors } from '../lib';

export interface Rule {
  lgo_code: string;
  set: boolean;
  updated_at: string | null;
  verified_within_days: number;
  min_log_days: number;
  fee_baht: number | null;
  discounted_fee_baht: number | null;
}

const FIELDS = ['verified_within_days', 'min_log_days', 'fee_baht', 'discounted_fee_baht'] as const;
type Field = (typeof FIELDS)[number];

const baht = (n: number | null) => (n === null ? '–' : formatNumber(n, Number.isInteger(n) ? 0 : 2));

function when(iso: string): string {
  return new Date(iso).toLocaleString(lang.get() === 'en' ? 'en-GB' : 'th-TH', {
    dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Bangkok',
  });
}

function messages(value: unknown): string {
  if (typeof value === 'string') return /^Not more than fee_baht/.test(value) ? t('fd_e_more_than_fee') : value;
  if (Array.isArray(value)) return value.map(messages).join(' ');
  if (value && typeof value === 'object') return Object.values(value).map(messages).join(' ');
  return '';
}

export function RuleWords({ rule }: { rule: Rule }) {
  useT();
  return (
    <div class="discount-rule" data-testid="discount-rule">
      <p><strong>{t('fd_rule_words', { days: rule.verified_within_days, logs: rule.min_log_days })}</strong></p>
      <p>{rule.fee_baht === null ? t('fd_no_fee') : t('fd_fee_words', { fee: baht(rule.fee_baht), discounted: baht(rule.discounted_fee_baht) })}</p>
      <p class="muted small">{rule.set && rule.updated_at ? t('fd_rule_updated', { when: when(rule.updated_at) }) : t('fd_rule_default')}</p>
    </div>
  );
}

export function RuleForm({ rule, onSaved }: { rule: Rule; onSaved: (r: Rule) => void }) {
  useT();
  const text = (n: number | null) => (n === null ? '' : String(n));
  const [draft, setDraft] = useState<Record<Field, string>>({
    verified_within_days: String(rule.verified_within_days),
    min_log_days: String(rule.min_log_days),
    fee_baht: text(rule.fee_baht),
    discounted_fee_baht: text(rule.discounted_fee_baht),
  });
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const other = Object.fromEntries(Object.entries(errors).filter(([k]) => !(FIELDS as readonly string[]).includes(k)));

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    const num = (s: string) => (s.trim() === '' ? null : Number(s));
    try {
      const saved = await api<Rule>('fee-discounts/rule', {
        method: 'PUT',
        body: {
          verified_within_days: num(draft.verified_within_days),
          min_log_days: num(draft.min_log_days),
          fee_baht: num(draft.fee_baht),
          discounted_fee_baht: num(draft.discounted_fee_baht),
        },
      });
      setErrors({});
      showToast(t('o_saved'));
      onSaved(saved);
    } catch (error) {
      const found = formErrors(error);
      setErrors((found.json as Record<string, unknown> | undefined) ?? found);
    }
    setBusy(false);
  }

  const field = (name: Field, label: string, step: string, min: number, max: number) => (
    <label class="field">
      <span>{label}</span>
      <input class="input" type="number" inputMode={step === '1' ? 'numeric' : 'decimal'} name={name} value={draft[name]} step={step} min={min} max={max}
        onInput={(e) => setDraft((d) => ({ ...d, [name]: (e.target as HTMLInputElement).value }))} />
      {messages(errors[name]) && <span class="field-error" role="alert" data-testid={`error-${name}`}>{messages(errors[name])}</span>}
    </label>
  );

  return (
    <form class="office-form discount-form" onSubmit={save} data-testid="discount-rule-form" noValidate aria-labelledby="fd-rule">
      <h2 id="fd-rule">{t('fd_rule')}</h2>
      <p class="muted small">{rule.set && rule.updated_at ? t('fd_rule_updated', { when: when(rule.updated_at) }) : t('fd_rule_default')}</p>
      <div class="form-grid">
        {field('verified_within_days', t('fd_verified_within'), '1', 1, 730)}
        {field('min_log_days', t('fd_min_log_days'), '1', 1, 31)}
        {field('fee_baht', t('fd_fee'), '0.01', 0, 100000)}
        {field('discounted_fee_baht', t('fd_discounted_fee'), '0.01', 0, 100000)}
      </div>
      {Object.keys(other).length > 0 && <Banner kind="error" icon="alert"><Reasons errors={other} /></Banner>}
      <div class="button-row">
        <button type="submit" class="button button-primary" disabled={busy} data-testid="discount-rule-save">{t('fd_save_rule')}</button>
      </div>
    </form>
  );
}
