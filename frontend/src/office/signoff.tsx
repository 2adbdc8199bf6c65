/**
 * Sign-off of an LGO's month: the LGO's panel on its report (confirm villages, submit, approve,
 * send back) and the provincial office's screen (accept or send back each LGO's month).
 * Every step goes through /api/v1/approvals; the server decides who may take it.
 */
import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { formatDateTime, formatNumber, nameOf, roleName, t, useT, type Key } from '../i18n';
import { auth } from '../session';
import { useStore } from '../store';
import { Banner, showToast } from '../ui/kit';
import { addMonths, bangkokMonth, download, DownloadButton, errorText, lastCompleteMonth, Loaded, Page, periodLabel, SortTable, useFetch } from './lib';

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

interface LgoMonth {
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

interface Detail extends LgoMonth {
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

function LateNote({ late }: { late: Late }) {
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

function Steps({ steps }: { steps: Step[] }) {
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
function SendBack({ path, onDone }: { path: string; onDone: () => void }) {
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

async function step(path: string, action: string, done: () => void): Promise<void> {
  try {
    await api(`${path}/${action}`, { method: 'POST' });
    showToast(t(`ap_done_${action}` as Key));
    done();
  } catch (error) {
    showToast(errorText(error), 'warn');
  }
}

/** The LGO's own view of a month's sign-off, on its report. */
export function SignoffPanel({ lgo, month }: { lgo: string; month: string }) {
  useT();
  const { me } = useStore(auth);
  const roles = me?.roles ?? [];
  const staff = roles.some((r) => r === 'lgo_staff' || r === 'lgo_admin' || r === 'admin');
  const admin = roles.includes('lgo_admin') || roles.includes('admin');
  const path = `approvals/${encodeURIComponent(lgo)}/${month}`;
  const fetched = useFetch<Detail>(/^\d{4}-\d{2}$/.test(month) ? path : null);
  if (!/^\d{4}-\d{2}$/.test(month)) return null;
  const over = month < bangkokMonth();
  return (
    <section class="approval-panel" data-testid="approval-panel">
      <h2>{t('ap_title')}</h2>
      <Loaded fetched={fetched}>
        {(d) => {
          const unconfirmed = d.confirm_villages && d.villages_confirmed < d.villages;
          return (
            <>
              <p><StatePill state={d.state} />{d.accepted_at && <span class="muted small"> {t('ap_accepted_at', { when: formatDateTime(Date.parse(d.accepted_at)) })}</span>}</p>
              {d.state === 'accepted' && (
                <div class="button-row export-row">
                  <DownloadButton path={`exports/dla-return.xlsx?month=${month}&lgo=${encodeURIComponent(lgo)}`} name="dla-return.xlsx" label={t('ap_dla_xlsx')} testid="dla-return-xlsx" />
                  <DownloadButton path={`exports/dla-return.pdf?month=${month}&lgo=${encodeURIComponent(lgo)}`} name="dla-return.pdf" label={t('ap_dla_pdf')} testid="dla-return-pdf" />
                </div>
              )}
              {d.returned_reason && <Banner kind="warn" icon="alert"><span data-testid="approval-returned">{t('ap_returned_because', { reason: d.returned_reason })}</span></Banner>}
              <LateNote late={d.late} />
              {!over && <p class="muted">{t('ap_month_running')}</p>}
              {over && d.confirm_villages && (
                <div class="approval-villages" data-testid="approval-villages">
                  <p class="muted small">{t('ap_villages_confirmed', { n: d.villages_confirmed, of: d.villages })}</p>
                  <ul>
                    {d.village_states.map((v) => (
                      <li key={v.code}>
                        {nameOf(v)} ({v.code}){' '}
                        {v.confirmed ? <span class="ok-text">{t('ap_confirmed')}</span>
                          : d.state === 'open' && staff && <button type="button" class="button button-small" onClick={() => void step(`${path}/villages/${v.code}`, 'confirm', fetched.reload)}>{t('ap_confirm')}</button>}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {over && (
                <div class="button-row">
                  {d.state === 'open' && staff && (
                    <button type="button" class="button button-primary" disabled={unconfirmed} onClick={() => void step(path, 'submit', fetched.reload)} data-testid="approval-submit">{t('ap_submit')}</button>
                  )}
                  {d.state === 'submitted' && admin && (
                    <button type="button" class="button button-primary" onClick={() => void step(path, 'approve', fetched.reload)} data-testid="approval-approve">{t('ap_approve')}</button>
                  )}
                </div>
              )}
              {d.state === 'submitted' && admin && <SendBack path={path} onDone={fetched.reload} />}
              <h3>{t('ap_steps')}</h3>
              <Steps steps={d.steps} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

/** The province's list opens on what waits for it: approved months first, then submitted. */
const TO_DO = ['approved', 'submitted', 'accepted', 'open'];

/** The provincial office: every LGO's month, to accept or send back. */
export function SignoffScreen() {
  useT();
  const [month, setMonth] = useState(lastCompleteMonth());
  const [open, setOpen] = useState<string | null>(null);
  const list = useFetch<{ month: string; lgos: LgoMonth[] }>(`approvals?month=${month}`);
  const detail = useFetch<Detail>(open ? `approvals/${encodeURIComponent(open)}/${month}` : null);
  const reload = () => {
    list.reload();
    detail.reload();
  };
  return (
    <Page title={t('op_signoff')} tools={
      <label class="field inline-field">
        <span>{t('o_period')}</span>
        <select class="input" value={month} onChange={(e) => { setMonth((e.target as HTMLSelectElement).value); setOpen(null); }} data-testid="approval-month">
          {monthChoices().map((m) => <option key={m} value={m}>{periodLabel(m)}</option>)}
        </select>
      </label>
    }>
      <p class="muted">{t('ap_province_intro')}</p>
      <div class="button-row export-row">
        <DownloadButton path={`exports/dla-return.xlsx?month=${month}`} name="dla-return.xlsx" label={t('ap_dla_xlsx')} testid="dla-return-xlsx" />
        <DownloadButton path={`exports/dla-return.pdf?month=${month}`} name="dla-return.pdf" label={t('ap_dla_pdf')} testid="dla-return-pdf" />
      </div>
      <Loaded fetched={list}>
        {(data) => (
          <SortTable
            rows={data.lgos}
            rowKey={(r) => r.lgo_code}
            initial={{ key: 'state', dir: 'asc' }}
            testid="approval-table"
            columns={[
              { key: 'name', label: t('o_lgo'), value: (r) => nameOf(r) },
              { key: 'state', label: t('ap_state'), value: (r) => TO_DO.indexOf(r.state), render: (r) => <StatePill state={r.state} /> },
              { key: 'late', label: t('ap_late_column'), numeric: true, value: (r) => r.late.items },
              {
                key: 'actions', label: t('ap_actions'), value: (r) => r.state, render: (r) => (
                  <span class="approval-actions">
                    {r.state === 'approved' && <button type="button" class="button button-primary button-small" onClick={() => void step(`approvals/${encodeURIComponent(r.lgo_code)}/${month}`, 'accept', reload)} data-testid={`approval-accept-${r.lgo_code}`}>{t('ap_accept')}</button>}
                    <button type="button" class="button button-small" onClick={() => setOpen(open === r.lgo_code ? null : r.lgo_code)} aria-expanded={open === r.lgo_code} data-testid={`approval-open-${r.lgo_code}`}>{t('ap_details')}</button>
                  </span>
                ),
              },
            ]}
          />
        )}
      </Loaded>
      {open && (
        <Loaded fetched={detail}>
          {(d) => (
            <section class="approval-panel" data-testid="approval-detail">
              <h2>{nameOf(d)} · {periodLabel(d.month)} <StatePill state={d.state} /></h2>
              {d.returned_reason && <Banner kind="warn" icon="alert">{t('ap_returned_because', { reason: d.returned_reason })}</Banner>}
              <LateNote late={d.late} />
              {d.state !== 'open' && <SendBack path={`approvals/${encodeURIComponent(d.lgo_code)}/${month}`} onDone={reload} />}
              <h3>{t('ap_steps')}</h3>
              <Steps steps={d.steps} />
            </section>
          )}
        </Loaded>
      )}
    </Page>
  );
}

/** The carbon-credit evidence of the LGO for a period: built as a job, downloaded when done. */
export function EvidenceButton({ lgo, period }: { lgo: string; period: string }) {
  useT();
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    try {
      const job = await api<{ id: string; status: string }>('exports/evidence', { method: 'POST', body: { lgo, period } });
      let state = job.status;
      // A worker builds it; an LGO's year is a few seconds' work.
      for (let tries = 0; state !== 'done' && state !== 'failed' && tries < 150; tries++) {
        await new Promise((resolve) => window.setTimeout(resolve, 2000));
        state = (await api<{ status: string }>(`exports/jobs/${job.id}`)).status;
      }
      if (state === 'done') await download(`exports/jobs/${job.id}/download`, 'carbon-evidence.zip');
      else showToast(t('ap_evidence_failed'), 'warn');
    } catch (error) {
      showToast(errorText(error), 'warn');
    }
    setBusy(false);
  };
  return (
    <button type="button" class="button button-quiet button-small" disabled={busy} onClick={() => void make()} data-testid="carbon-evidence">
      {busy ? t('ap_evidence_busy') : t('ap_evidence')}
    </button>
  );
}
