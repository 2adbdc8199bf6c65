/**
 * What became of an inspection: the result, where it was recorded from, and whether it counts.
 *
 * The server flags an inspection recorded far from the house, without GPS or from a mock
 * location; a flagged pass does not verify the household until LGO staff accept it. The phone
 * warns as soon as it can (its own distance estimate) and replaces that with the server's
 * answer when the item is sent, now or hours later from the outbox.
 */
import type { InspectionNotice, OutboxItem } from '../../shared/db';
import type { GeoPoint } from '../data';
import { formatDistance, t, useT } from '../i18n';
import { goBack, Link } from '../router';
import { useStore } from '../store';
import { syncState } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, Reasons, StatusPill } from '../ui/kit';

/**
 * The server's default flagging distance (INSPECTION_MAX_DISTANCE_M). The phone uses it only to
 * warn before the server has answered; the server's own setting decides.
 */
export const FLAG_DISTANCE_M = 150;
const FIVE = ['registered', 'bin_built', 'food_waste_in_bin', 'lid_closed', 'used_correctly'];

type Flag = InspectionNotice['location_flag'];

/** Great-circle distance in metres between two [lon, lat] points. */
export function metresBetween([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const dphi = (lat2 - lat1) * rad;
  const dlmb = (lon2 - lon1) * rad;
  const a = Math.sin(dphi / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlmb / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}

/** The phone's own reading of an inspection's location, before the server has answered. */
export function estimate(data: Record<string, unknown>, home: GeoPoint | null | undefined): { flag: Flag; distance_m: number | null } {
  const point = data.point as GeoPoint | null | undefined;
  if (data.mock_location === true) return { flag: 'mock_location', distance_m: null };
  if (!point) return { flag: 'no_location', distance_m: null };
  if (!home) return { flag: null, distance_m: null };
  const distance = metresBetween(point.coordinates, home.coordinates);
  return { flag: distance > FLAG_DISTANCE_M ? 'far' : null, distance_m: distance };
}

export function flagLabel(flag: Flag, distance: number | null): string {
  if (flag === 'far') return t('flag_far', { d: distance === null ? '?' : formatDistance(distance) });
  if (flag === 'no_location') return t('flag_no_location');
  if (flag === 'mock_location') return t('flag_mock_location');
  return '';
}

export function reviewLabel(review: InspectionNotice['review'], reason: string | null): string {
  if (review === 'pending') return t('flag_pending');
  if (review === 'accepted') return t('flag_accepted');
  if (review === 'rejected') return reason ? `${t('flag_rejected')}: ${reason}` : t('flag_rejected');
  return '';
}

/** A flagged inspection in a list: where it was recorded from and what the LGO decided. */
export function FlagNote({ flag, distance, review, reason }: { flag: Flag; distance: number | null; review: InspectionNotice['review']; reason: string | null }) {
  useT();
  if (!flag) return null;
  return (
    <div class={`row-note flag-note flag-${review ?? 'pending'}`} data-testid="flag" data-flag={flag} data-review={review ?? ''}>
      <Icon name="gps" size={16} /> {flagLabel(flag, distance)} · {reviewLabel(review, reason)}
    </div>
  );
}

function passedOf(item: OutboxItem): boolean {
  return FIVE.every((k) => item.data[k] === true);
}

/** What the inspector reads once the inspection is saved; follows the item through the outbox. */
export function InspectionOutcome({ seq, householdId, home }: { seq: number; householdId: number; home: GeoPoint | null }) {
  useT();
  const { items } = useStore(syncState);
  const item = items.find((i) => i.seq === seq);
  if (!item) return null;
  const passed = passedOf(item);
  const notice = item.status === 'sent' ? item.notice : undefined;
  const guess = estimate(item.data, home);
  const flag = notice ? notice.location_flag : guess.flag;
  const distance = notice ? notice.distance_m : guess.distance_m;
  let verdict = '';
  if (notice) {
    if (notice.counted) verdict = notice.review === 'accepted' ? t('flag_accepted') : passed ? t('outcome_counted_pass') : t('outcome_counted_fail');
    else verdict = notice.review === 'rejected' ? `${t('outcome_not_counted')}: ${reviewLabel('rejected', notice.review_reason)}` : t('flag_pending');
  }
  return (
    <section
      class="outcome"
      data-testid="inspection-outcome"
      data-status={item.status}
      data-flag={flag ?? 'none'}
      data-source={notice ? 'server' : 'phone'}
      data-counted={notice ? String(notice.counted) : ''}
    >
      <Banner kind={passed ? 'ok' : 'warn'} icon={passed ? 'check' : 'alert'}>
        <strong>{passed ? t('result_pass') : t('result_fail')}</strong>
      </Banner>
      {flag ? (
        <Banner kind="warn" icon="gps">
          <strong data-testid="outcome-flag">{flagLabel(flag, distance)}</strong>
          <p class="outcome-line">{passed ? (notice?.review === 'accepted' ? t('flag_accepted') : t('flag_pass_waits')) : t('flag_fail_counts')}</p>
          <p class="outcome-line muted">{notice ? t('flag_server') : t('flag_estimate')}</p>
        </Banner>
      ) : distance !== null && (
        <p class="muted" data-testid="outcome-distance">{t('gps_distance', { d: formatDistance(distance) })}</p>
      )}
      <div class="outcome-state">
        <StatusPill status={item.status} />
        <span data-testid="outcome-verdict">
          {item.status === 'waiting' && (navigator.onLine ? t('outcome_sending') : t('saved_waiting'))}
          {item.status === 'sent' && verdict}
        </span>
      </div>
      {item.status === 'rejected' && (
        <>
          <Reasons errors={item.errors} />
          <Link href={`/fix/${item.seq}`} class="button button-secondary"><Icon name="clipboard" />{t('outbox_fix')}</Link>
        </>
      )}
      <button type="button" class="button button-primary button-big" onClick={() => goBack(`/households/${householdId}`)} data-testid="outcome-back">
        <Icon name="back" />{t('outcome_back')}
      </button>
    </section>
  );
}
