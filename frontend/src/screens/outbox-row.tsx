/** One queued record with its sync state: waiting, sent, or needs fixing with the server's reason. */
import type { OutboxItem } from '../../shared/db';
import { discard, resubmit } from '../../shared/outbox';
import { formatDate, formatDateTime, formatNumber, t, useT, type Key } from '../i18n';
import { navigate } from '../router';
import { StreamChips } from '../streams';
import { kick } from '../sync';
import { Icon } from '../ui/icons';
import { Reasons, StatusPill } from '../ui/kit';
import { FlagNote } from './inspection-result';

export function itemDate(item: OutboxItem): string {
  const d = item.data;
  return String(d.log_date ?? d.inspected_on ?? d.deposit_date ?? '');
}

export function ItemSummary({ item }: { item: OutboxItem }) {
  useT();
  const d = item.data;
  if (item.kind === 'sorting_log') {
    return (
      <>
        <StreamChips streams={(d.streams as string[]) ?? []} />
        {typeof d.organic_handling === 'string' && <span class="muted"> · {t(`handling_${d.organic_handling}` as Key)}</span>}
      </>
    );
  }
  if (item.kind === 'inspection') {
    const passed = ['registered', 'bin_built', 'food_waste_in_bin', 'lid_closed', 'used_correctly'].every((k) => d[k] === true);
    return <span class={passed ? 'ok-text' : 'bad-text'}>{passed ? t('passed') : t('failed')}</span>;
  }
  if (item.kind === 'report') return <span>{t(`rtype_${String(d.type)}` as Key)}</span>;
  const lines = (d.lines as { material: string; kg: number }[]) ?? [];
  return <span>{lines.map((l) => `${t(`material_${l.material}` as Key)} ${formatNumber(Number(l.kg), 2)}`).join(', ')}</span>;
}

/** A log replaced by a correction of the same day. */
export function CorrectedPill() {
  useT();
  return <span class="pill pill-voided" data-status="corrected">{t('status_corrected')}</span>;
}

export function OutboxRow({ item, showKind = false, mine = true, corrected = false }: { item: OutboxItem; showKind?: boolean; mine?: boolean; corrected?: boolean }) {
  useT();
  return (
    <li class={`row item-row status-${item.status}`} data-testid="outbox-item" data-kind={item.kind} data-status={item.status} data-client-id={item.client_id} data-corrected={corrected ? 'true' : undefined}>
      <div class="row-main">
        <div class="row-title">
          <span>
            {showKind && <>{t(`kind_${item.kind}` as Key)} · </>}
            <span class="nowrap">{formatDate(itemDate(item))}</span>
          </span>
          {corrected ? <CorrectedPill /> : <StatusPill status={item.status} />}
        </div>
        <div class="row-sub"><ItemSummary item={item} /></div>
        {item.status === 'waiting' && item.last_error && item.attempts > 0 && (
          <div class="row-note muted">{formatDateTime(item.created_at)} · {t('offline')}</div>
        )}
        {item.notice?.location_flag && (
          <FlagNote flag={item.notice.location_flag} distance={item.notice.distance_m} review={item.notice.review} reason={item.notice.review_reason} />
        )}
        {!mine && <div class="row-note muted">{t('outbox_other_user')}</div>}
        {item.status === 'rejected' && <Reasons errors={item.errors} />}
        {item.status === 'rejected' && mine && (
          <div class="row-actions">
            <button type="button" class="button button-secondary" onClick={() => navigate(`/fix/${item.seq}`)}>
              <Icon name="clipboard" />
              {t('outbox_fix')}
            </button>
            <button type="button" class="button button-quiet" onClick={() => void resubmit(item.seq!).then(kick)}>
              <Icon name="sync" />
              {t('outbox_resend')}
            </button>
            <button type="button" class="button button-danger" onClick={() => {
              if (window.confirm(t('outbox_discard_confirm'))) void discard(item.seq!);
            }}>
              <Icon name="close" />
              {t('outbox_discard')}
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
