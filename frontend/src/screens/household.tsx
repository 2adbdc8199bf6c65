/** One household for a volunteer: its state, what is queued for it, and the three field jobs. */
import { inspectionDue, logOverdue, LOG_OVERDUE_DAYS, storedHousehold, type Household, type Inspection, type Page, type SortingLog } from '../data';
import { formatDate, formatPhone, t, useT, villageName, type Key } from '../i18n';
import { useLoad } from '../load';
import { Link } from '../router';
import { auth } from '../session';
import { useStore } from '../store';
import { StreamChips } from '../streams';
import { syncState } from '../sync';
import { Icon } from '../ui/icons';
import { LoadState, Screen, StatusPill } from '../ui/kit';
import { useVillages } from './households';
import { FlagNote } from './inspection-result';
import { OutboxRow } from './outbox-row';

/** A household by id: the server's detail, else what this phone stored of it. */
export function useHousehold(id: number) {
  const { me } = useStore(auth);
  return useLoad<Household>(`households/${id}`, { store: 'device', offlineFallback: () => storedHousehold(id, me) });
}

export function HouseholdScreen({ id }: { id: number }) {
  useT();
  const household = useHousehold(id);
  const villages = useVillages();
  const logs = useLoad<Page<SortingLog>>(`households/${id}/logs?per_page=5`, { store: 'device' });
  const inspections = useLoad<Page<Inspection>>(`households/${id}/inspections?per_page=5`, { store: 'device' });
  const { items } = useStore(syncState);
  const queued = items.filter((i) => i.household_id === id && (i.status !== 'sent' || Date.now() - (i.sent_at ?? 0) < 3600_000)).reverse();
  const pendingLog = queued.some((i) => i.kind === 'sorting_log' && i.status === 'waiting');
  const pendingInspection = queued.some((i) => i.kind === 'inspection' && i.status === 'waiting');

  return (
    <Screen title={t('house_no')} back="/">
      <LoadState loaded={household}>
        {(h) => (
          <>
            <section class="card household-card" data-testid="household">
              <div class="house-head">
                <span class="house-no big" data-testid="house-number">{h.house_number}</span>
                <span class="muted">{villageName(villages.data?.find((v) => v.code === h.village_code), h.village_code)}</span>
              </div>
              <p data-testid="verified-state" data-verified={h.verified_on ? 'yes' : 'no'} class={h.verified_on ? 'ok-text' : 'muted'}>
                <Icon name={h.verified_on ? 'check' : 'alert'} size={18} />
                {h.verified_on ? `${t('verified')} ${formatDate(h.verified_on)}` : t('not_verified')}
              </p>
              {inspections.data?.items.some((i) => i.review === 'pending' && i.passed) && (
                <p class="flag-note" data-testid="verified-waits"><Icon name="gps" size={18} />{t('verified_waits')}</p>
              )}
              <dl class="facts">
                {h.head_name && (<><dt>{t('head')}</dt><dd>{h.head_name}</dd></>)}
                <dt>{t('wet_bin')}</dt><dd>{t(`wet_bin_${h.wet_bin}` as Key)}</dd>
                <dt>{t('last_log')}</dt>
                <dd>{formatDate(h.last_log_on)}{logOverdue(h, pendingLog) && <span class="mark mark-late"> {t('overdue_log', { n: LOG_OVERDUE_DAYS })}</span>}</dd>
                <dt>{t('last_inspection')}</dt>
                <dd>{formatDate(h.last_inspected_on)}{inspectionDue(h, pendingInspection) && <span class="mark mark-due"> {t('overdue_inspection')}</span>}</dd>
                <dt>{t('members_label')}</dt><dd>{h.members}</dd>
              </dl>
              {h.phone && !h.phone.includes('*') && (
                <a class="button button-secondary" href={`tel:${h.phone}`}><Icon name="phone" />{t('phone')} <span data-testid="phone">{formatPhone(h.phone)}</span></a>
              )}
            </section>
            <nav class="actions" aria-label={t('house_no')}>
              <Link href={`/households/${id}/inspect`} class="button button-primary button-big"><Icon name="clipboard" />{t('action_inspect')}</Link>
              <Link href={`/households/${id}/log`} class="button button-secondary button-big"><Icon name="leaf" />{t('action_log')}</Link>
              <Link href={`/households/${id}/deposit`} class="button button-secondary button-big"><Icon name="scale" />{t('action_deposit')}</Link>
            </nav>
            {queued.length > 0 && (
              <ul class="rows" aria-label={t('nav_outbox')}>
                {queued.map((item) => <OutboxRow key={item.seq} item={item} showKind />)}
              </ul>
            )}
            <h2>{t('recent_inspections')}</h2>
            <LoadState loaded={inspections}>
              {(page) => page.items.length === 0 ? <p class="empty">{t('never')}</p> : (
                <ul class="rows">
                  {page.items.map((ins) => (
                    <li class="row" key={ins.id}>
                      <div class="row-main">
                        <div class="row-title"><span>{formatDate(ins.inspected_on)}</span><StatusPill status="sent" /></div>
                        <div class={`row-sub ${ins.passed ? 'ok-text' : 'bad-text'}`}>{ins.passed ? t('passed') : t('failed')}</div>
                        <FlagNote flag={ins.location_flag} distance={ins.distance_m} review={ins.review} reason={ins.review_reason} />
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </LoadState>
            <h2>{t('recent_logs')}</h2>
            <LoadState loaded={logs}>
              {(page) => page.items.length === 0 ? <p class="empty">{t('never')}</p> : (
                <ul class="rows">
                  {page.items.map((log) => (
                    <li class="row" key={log.id}>
                      <div class="row-main">
                        <div class="row-title"><span>{formatDate(log.log_date)}</span><StatusPill status="sent" /></div>
                        <div class="row-sub"><StreamChips streams={log.streams} /></div>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </LoadState>
          </>
        )}
      </LoadState>
    </Screen>
  );
}
