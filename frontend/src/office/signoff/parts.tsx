/**
 * What the LGO's panel and the province's screen both show of a month's sign-off: its state, the
 * late items that arrived after it closed, the steps taken, and the form that sends it back.
 * Every step goes through /api/v1/approvals; the server decides who may take it.
 */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { formatDateTime, formatNumber, roleName, t, useT, type Key } from '../../i18n';
import { Banner, showToast } from '../../ui/kit';
import { addMonths, errorText, lastCompleteMonth, periodLabel } from '../lib';

export interface Late {
  items: number;
  months: string[];
  logs: number;
  logs_voided: number;
  kg: Record<string, string>;
  inspections: number;
  deposits: number;
  deposits_reversed: number;
  deposit_kg: string;
  hazardous_kg: string;
}

interface Step {
  action: string;
  village_code: string | null;
  actor_role: string | null;
  actor_name: string | null;
  reason: string | null;
  at: string;
}

export interface LgoMonth {
  lgo_code: string;
  name_th: string;
  name_en: string;
  month: string;
  state: string;
  returned_reason: string | null;
  accepted_at: string | null;
  confirm_villages: boolean;
  villages_confirmed: number;
  villages: number;
  late: Late;
}

export interface Detail extends LgoMonth {
  steps: Step[];
  village_states: { code: string; name_th: string; name_en: string; confirmed: boolean }[];
  late_items_rule: string;
}

/** The months that can be signed off: the last twelve that are over, newest first. */
export function monthChoices(now = Date.now()): string[] {
  const last = lastCompleteMonth(now);
  return Array.from({ length: 12 }, (_, i) => addMonths(last, -i));
}

export function StatePill({ state }: { state: string | null | undefined }) {
  useT();
  if (!state) return null;
  const key = `ap_state_${state.replace(' ', '_')}` as Key;
  return <span class={`pill approval approval-${state.replace(' ', '-')}`} data-testid="approval-state" data-state={state}>{t(key)}</span>;
}

export function LateNote({ late }: { late: Late }) {
  if (!late.items) return null;
  const kg = Object.values(late.kg).reduce((sum, v) => sum + Number(v), 0);
  return (
    <Banner kind="info" icon="history">
      <span data-testid="approval-late">
        {t('ap_late', { n: formatNumber(late.items), months: late.months.map(periodLabel).join(', ') })}
        {' '}{t('ap_late_detail', { logs: formatNumber(late.logs - late.logs_voided), kg: formatNumber(kg, 1), deposit_kg: formatNumber(Number(late.deposit_kg), 1) })}
      </span>
    </Banner>
  );
}

export function Steps({ steps }: { steps: Step[] }) {
  useT();
  if (!steps.length) return <p class="muted small">{t('ap_no_steps')}</p>;
  return (
    <ol class="approval-steps" data-testid="approval-steps">
      {steps.map((s, i) => (
        <li key={i} data-action={s.action}>
          <strong>{t(`ap_action_${s.action}` as Key)}</strong>
          {s.village_code && ` · ${s.village_code}`}
          {' · '}{s.actor_name ?? t('ap_by_rule')}{s.actor_role && ` (${roleName(s.actor_role)})`}
          {' · '}<span class="muted">{formatDateTime(Date.parse(s.at))}</span>
          {s.reason && <div class="small">{s.reason}</div>}
        </li>
      ))}
    </ol>
  );
}

/** A reason box and a button that sends the month back (the province, or the LGO admin). */
export function SendBack({ path, onDone }: { path: string; onDone: () => void }) {
  useT();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const send = async () => {
    if (!reason.trim()) {
      setProblem(t('ap_reason_needed'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await api(`${path}/return`, { method: 'POST', body: { reason: reason.trim() } });
      showToast(t('ap_returned_toast'));
      onDone();
    } catch (error) {
      setProblem(errorText(error));
    }
    setBusy(false);
  };
  return (
    <form class="review-form" onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <label class="field">
        <span>{t('ap_reason')}</span>
        <input class="input" value={reason} maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} data-testid="approval-reason" />
      </label>
      <button type="submit" class="button button-danger button-small" disabled={busy} data-testid="approval-return">{t('ap_return')}</button>
      {problem && <p class="bad-text" role="alert">{problem}</p>}
    </form>
  );
}

export async function step(path: string, action: string, done: () => void): Promise<void> {
  try {
    await api(`${path}/${action}`, { method: 'POST' });
    showToast(t(`ap_done_${action}` as Key));
    done();
  } catch (error) {
    showToast(errorText(error), 'warn');
  }
}
