/** The volunteer's households: every household of the assigned villages, with overdue marks. */
import { useMemo, useState } from 'preact/hooks';
import type { OutboxItem } from '../../shared/db';
import { householdsKey, inspectionDue, loadHouseholds, loadVillages, logOverdue, LOG_OVERDUE_DAYS, type Household, type Village } from '../data';
import { formatDate, t, useT, villageName } from '../i18n';
import { useLoad } from '../load';
import { Link } from '../router';
import { auth } from '../session';
import { useStore } from '../store';
import { syncState } from '../sync';
import { Icon } from '../ui/icons';
import { LoadState, Screen } from '../ui/kit';
import { ReportLink } from './report';

const SHOWN = 150;

export function pendingBy(items: OutboxItem[]): Map<number, OutboxItem[]> {
  const map = new Map<number, OutboxItem[]>();
  for (const item of items) {
    if (item.household_id === null || item.status === 'sent') continue;
    map.set(item.household_id, [...(map.get(item.household_id) ?? []), item]);
  }
  return map;
}

export function useVillages() {
  const { me } = useStore(auth);
  return useLoad<Village[]>(me ? `derived:villages:${me.user.id}` : null, { store: 'device', loader: () => loadVillages(me!) });
}

export function Households() {
  useT();
  const { me } = useStore(auth);
  const villages = useVillages();
  const codes = villages.data?.map((v) => v.code) ?? null;
  const households = useLoad<Household[]>(codes ? householdsKey(me) : null, { store: 'device', loader: () => loadHouseholds(codes!) });
  const { items } = useStore(syncState);
  const [village, setVillage] = useState('');
  const [query, setQuery] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [limit, setLimit] = useState(SHOWN);
  const pending = useMemo(() => pendingBy(items), [items]);
  const byCode = new Map((villages.data ?? []).map((v) => [v.code, v]));

  return (
    <Screen title={t('households_title')}>
      <div class="filters">
        <label class="field">
          <span>{t('village')}</span>
          <select class="input" value={village} onChange={(e) => setVillage((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('all_villages')}</option>
            {(villages.data ?? []).map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
          </select>
        </label>
        <label class="field">
          <span>{t('search')}</span>
          <input class="input" type="search" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="switch">
          <input type="checkbox" checked={overdueOnly} onChange={() => setOverdueOnly(!overdueOnly)} />
          <span>{t('overdue_only')}</span>
        </label>
      </div>
      {!codes && <LoadState loaded={villages}>{() => null}</LoadState>}
      <LoadState loaded={households}>
        {(list) => {
          const q = query.trim().toLowerCase();
          const shown = list.filter((h) => {
            if (village && h.village_code !== village) return false;
            if (q && !h.house_number.toLowerCase().startsWith(q) && !(h.head_name ?? '').toLowerCase().includes(q)) return false;
            const mine = pending.get(h.id) ?? [];
            const overdue = logOverdue(h, mine.some((i) => i.kind === 'sorting_log')) || inspectionDue(h, mine.some((i) => i.kind === 'inspection'));
            return !overdueOnly || overdue;
          });
          return (
            <>
              <p class="muted" role="status">{t('households_count', { n: shown.length })}</p>
              <ul class="rows households" data-testid="households">
                {shown.slice(0, limit).map((h) => (
                  <HouseholdRow key={h.id} h={h} pending={pending.get(h.id) ?? []} village={villageName(byCode.get(h.village_code), h.village_code)} />
                ))}
              </ul>
              {shown.length > limit && (
                <button type="button" class="button button-secondary" onClick={() => setLimit(limit + SHOWN)}>
                  {t('show_more', { n: shown.length - limit })}
                </button>
              )}
            </>
          );
        }}
      </LoadState>
      <ReportLink />
    </Screen>
  );
}

function HouseholdRow({ h, pending, village }: { h: Household; pending: OutboxItem[]; village: string }) {
  const lateLog = logOverdue(h, pending.some((i) => i.kind === 'sorting_log'));
  const dueInspection = inspectionDue(h, pending.some((i) => i.kind === 'inspection'));
  return (
    <li>
      <Link href={`/households/${h.id}`} class="row row-link" data-testid="household-row">
        <div class="row-main">
          <div class="row-title">
            <span><span class="house-no">{h.house_number}</span>{h.head_name && <span class="muted"> · {h.head_name}</span>}</span>
          </div>
          <div class="row-sub muted">{village}</div>
          <div class="row-sub">
            {t('last_log')}: {formatDate(h.last_log_on)}
            {lateLog && <span class="mark mark-late"> {t('overdue_log', { n: LOG_OVERDUE_DAYS })}</span>}
          </div>
          <div class="row-sub">
            {t('last_inspection')}: {formatDate(h.last_inspected_on)}
            {h.verified_on && <span class="mark mark-ok"> {t('verified')}</span>}
            {dueInspection && <span class="mark mark-due"> {t('overdue_inspection')}</span>}
          </div>
        </div>
        {pending.length > 0 && (
          <span class={`pill pill-${pending.some((i) => i.status === 'rejected') ? 'rejected' : 'waiting'}`}>
            <Icon name="outbox" size={16} />{pending.length}
          </span>
        )}
        <Icon name="back" class="chevron" />
      </Link>
    </li>
  );
}
