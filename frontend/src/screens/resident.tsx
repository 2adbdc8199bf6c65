/** The resident's screens: log today (home) and the history with the streak. */
import { useState } from 'preact/hooks';
import type { OutboxItem } from '../../shared/db';
import { localToday } from '../../shared/util';
import { loggedDates, streak, type Household, type Page, type SortingLog } from '../data';
import { formatDate, formatNumber, t, useT, type Key } from '../i18n';
import { useLoad, type LoadResult } from '../load';
import { auth } from '../session';
import { Link } from '../router';
import { useStore } from '../store';
import { StreamChips } from '../streams';
import { syncState } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, LoadState, Screen, StatusPill } from '../ui/kit';
import { CollectionDays, NextCollection, useVillageCalendar } from './collection-days';
import { LogForm, type Correcting } from './log-form';
import { CorrectedPill, OutboxRow } from './outbox-row';
import { ReportLink } from './report';
import { RewardsCard } from './rewards';

/** The resident's own household: the register answers a resident with just that one. */
export function useMyHousehold(enabled = true): LoadResult<Household | null> & { id: number | null } {
  const list = useLoad<Page<Household>>(enabled ? 'households' : null, { store: 'device' });
  const household = list.data ? list.data.items[0] ?? null : undefined;
  return { ...list, data: household, id: household?.id ?? null };
}

const HISTORY_PATH = (id: number) => `households/${id}/logs?per_page=100`;

function useLogs(id: number | null) {
  return useLoad<Page<SortingLog>>(id ? HISTORY_PATH(id) : null, { store: 'device' });
}

function householdItems(items: OutboxItem[], id: number | null, kind: OutboxItem['kind'] = 'sorting_log'): OutboxItem[] {
  return items.filter((i) => i.household_id === id && i.kind === kind);
}

/** The client ids of logs a later log corrects (queued or sent), and of logs the server voided. */
function correctedIds(serverLogs: SortingLog[], mine: OutboxItem[]): Set<string> {
  const out = new Set(serverLogs.filter((l) => l.voided_at).map((l) => l.client_id));
  for (const item of mine) {
    if (item.status !== 'rejected' && typeof item.data.corrects === 'string') out.add(item.data.corrects);
  }
  return out;
}

/** Today's logs that stand, oldest first: those the server holds and those still queued. */
function todaysLogs(serverLogs: SortingLog[], mine: OutboxItem[], today: string): Correcting[] {
  const gone = correctedIds(serverLogs, mine);
  const queued = new Set(mine.map((i) => i.client_id));
  const held = serverLogs
    .filter((l) => l.log_date === today && !gone.has(l.client_id) && !queued.has(l.client_id))
    .reverse()
    .map((l) => ({ client_id: l.client_id, data: { ...l } as Record<string, unknown> }));
  const waiting = mine
    .filter((i) => i.data.log_date === today && i.status !== 'rejected' && !gone.has(i.client_id))
    .map((i) => ({ client_id: i.client_id, data: i.data }));
  return [...held, ...waiting];
}

/** The way to the sorting guide: what goes where, searched on the phone. */
export function GuideLink() {
  useT();
  return (
    <Link href="/guide" class="card guide-link" data-testid="guide-link">
      <span class="guide-link-icon" aria-hidden="true"><Icon name="search" /></span>
      <span><strong>{t('guide_link')}</strong><br /><span class="muted small">{t('guide_link_hint')}</span></span>
    </Link>
  );
}

export function ResidentHome() {
  useT();
  const { session } = useStore(auth);
  const household = useMyHousehold();
  const logs = useLogs(household.id);
  const calendar = useVillageCalendar(household.data?.village_code ?? null);
  const { items } = useStore(syncState);
  const mine = householdItems(items, household.id);
  const today = localToday();
  const serverLogs = logs.data?.items ?? [];
  const dates = loggedDates(serverLogs, mine);
  const standing = todaysLogs(serverLogs, mine, today);
  const todayCount = standing.length;
  const gone = correctedIds(serverLogs, mine);
  // Logged already today: say so, and let the person add another log or correct today's.
  // The log being corrected is fixed when the person chooses to correct it: the queue's
  // records are re-read as they sync, and the form must not start over under their finger.
  const [correcting, setCorrecting] = useState<Correcting | null>(null);
  const mode = correcting ? 'correct' : 'add';
  const month = today.slice(0, 7);
  const monthDays = [...dates].filter((d) => d.startsWith(month)).length;
  const last = [...mine].reverse().find((i) => i.status !== 'rejected')?.data ?? serverLogs.find((l) => !l.voided_at) ?? null;
  const n = streak(dates, today);
  const todays = mine.filter((i) => i.data.log_date === today || i.status !== 'sent').reverse();

  return (
    <Screen title={t('log_today')}>
      <LoadState loaded={household}>
        {(h) => h === null ? <Banner kind="warn" icon="alert">{t('no_household')}</Banner> : (
          <>
            <section class="card summary" aria-label={t('streak', { n })}>
              <div class="streak" data-testid="streak">
                <span class="streak-number">{n}</span>
                <span>{t('streak_days')}</span>
              </div>
              <div class="summary-side">
                <div><strong>{t('house_no')} {h.house_number}</strong></div>
                <div class={todayCount ? 'ok-text' : 'muted'} data-testid="today-count">
                  {todayCount ? t('logged_today', { n: todayCount }) : t('not_logged_today')}
                </div>
                <div class="muted">{t('days_this_month', { n: monthDays })}</div>
                {n === 0 && <div class="muted small">{t('streak_none')}</div>}
                <NextCollection calendar={calendar} />
              </div>
            </section>
            {todayCount > 0 && (
              <div class="already-logged" data-testid="already-logged">
                <Banner kind="info" icon="check">{t('already_logged')}</Banner>
                <div class="segmented" role="radiogroup" aria-label={t('already_logged')}>
                  {(['add', 'correct'] as const).map((m) => (
                    <label key={m} class={mode === m ? 'on' : ''}>
                      <input type="radio" name="log-mode" value={m} checked={mode === m} onChange={() => setCorrecting(m === 'correct' ? standing[standing.length - 1] ?? null : null)} data-testid={`log-${m}`} />
                      {m === 'add' ? t('log_add_another') : t('log_correct_today')}
                    </label>
                  ))}
                </div>
              </div>
            )}
            <LogForm
              key={correcting?.client_id ?? 'new'}
              householdId={h.id}
              userId={session!.user_id}
              lastLog={last ? { streams: last.streams as string[], organic_handling: (last.organic_handling as string) ?? null } : null}
              correcting={correcting}
              onSaved={() => setCorrecting(null)}
            />
            {todays.length > 0 && (
              <ul class="rows" aria-label={t('history_title')}>
                {todays.map((item) => <OutboxRow key={item.seq} item={item} corrected={gone.has(item.client_id)} />)}
              </ul>
            )}
            {/* Below the form: logging today is the screen's job, and its Save button must
                show without scrolling. */}
            <GuideLink />
            <ReportLink />
            <RewardsCard householdId={h.id} />
            <CollectionDays villageCode={h.village_code} calendar={calendar} />
          </>
        )}
      </LoadState>
    </Screen>
  );
}

const WEIGHED = ['organic', 'recyclable', 'general', 'hazardous'] as const;

/** The weights a log was given, as "ขยะรีไซเคิล 1.5 กก." (nothing when none was weighed). */
function weights(log: SortingLog): string {
  return WEIGHED.filter((s) => log[`kg_${s}`] != null)
    .map((s) => {
      const kg = log[`kg_${s}`]!;
      return `${t(`stream_${s}` as Key)} ${formatNumber(kg, Number.isInteger(kg * 10) ? 1 : 2)} ${t('kg_unit')}`;
    })
    .join(' · ');
}

export function History() {
  useT();
  const household = useMyHousehold();
  const logs = useLogs(household.id);
  const { items } = useStore(syncState);
  const mine = householdItems(items, household.id);
  const known = new Set((logs.data?.items ?? []).map((l) => l.client_id));
  const pending = mine.filter((i) => !known.has(i.client_id)).reverse();
  const dates = loggedDates(logs.data?.items ?? [], mine);
  // Voided as corrected: by the server's reason, or by a correction still queued.
  const corrected = new Set([
    ...(logs.data?.items ?? []).filter((l) => l.void_reason?.startsWith('Corrected')).map((l) => l.client_id),
    ...mine.filter((i) => i.status !== 'rejected' && typeof i.data.corrects === 'string').map((i) => i.data.corrects as string),
  ]);

  return (
    <Screen title={t('history_title')}>
      <p class="lead" data-testid="history-streak">{streak(dates) > 0 ? t('streak', { n: streak(dates) }) : t('streak_none')}</p>
      {pending.length > 0 && <ul class="rows">{pending.map((item) => <OutboxRow key={item.seq} item={item} corrected={corrected.has(item.client_id)} />)}</ul>}
      <LoadState loaded={logs}>
        {(page) => page.items.length === 0 && pending.length === 0 ? <p class="empty">{t('history_empty')}</p> : (
          <ul class="rows">
            {page.items.map((log) => (
              <li class="row" key={log.id}>
                <div class="row-main">
                  <div class="row-title">
                    <span>{formatDate(log.log_date)}</span>
                    {corrected.has(log.client_id) ? <CorrectedPill /> : log.voided_at ? <span class="pill pill-voided">{t('status_voided')}</span> : <StatusPill status="sent" />}
                  </div>
                  <div class="row-sub">
                    <StreamChips streams={log.streams} />
                    {log.organic_handling && <span class="muted"> · {t(`handling_${log.organic_handling}` as Key)}</span>}
                  </div>
                  {weights(log) && <div class="row-sub muted" data-testid="log-weights">{weights(log)}</div>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
    </Screen>
  );
}
