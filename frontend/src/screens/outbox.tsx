/** The outbox: every record made on this phone with its sync state, "send now" and export. */
import { exportUnsent } from '../../shared/outbox';
import { formatDateTime, t, useT } from '../i18n';
import { useStore } from '../store';
import { syncNow, syncState } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, Empty, Screen, showToast } from '../ui/kit';
import { OutboxRow } from './outbox-row';

/** Save a blob as a file the user keeps (the unsent queue, to hand to the LGO if all else fails). */
export async function downloadUnsent(userId?: number): Promise<number> {
  const file = await exportUnsent(userId);
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  showToast(t('outbox_exported', { n: file.count }));
  return file.count;
}

export function Outbox() {
  useT();
  const state = useStore(syncState);
  const waiting = state.items.filter((i) => i.status === 'waiting');
  const rejected = state.items.filter((i) => i.status === 'rejected');
  const sent = state.items.filter((i) => i.status === 'sent').reverse().slice(0, 30);
  const open = [...rejected, ...waiting];
  const last = state.last;

  return (
    <Screen title={t('outbox_title')}>
      <p class="lead" data-testid="outbox-counts">{t('outbox_counts', { w: waiting.length, r: rejected.length })}</p>
      {last?.stopped && waiting.length > 0 && (
        <Banner kind={last.stopped === 'offline' ? 'info' : 'warn'} icon="outbox">
          {last.stopped === 'offline' && t('outbox_stopped_offline')}
          {(last.stopped === 'server' || last.stopped === 'rate_limited') && t('outbox_stopped_server')}
          {last.stopped === 'signed_out' && t('outbox_stopped_signed_out')}
          {last.stopped === 'refused' && t('outbox_stopped_refused', { msg: last.message ?? '' })}
        </Banner>
      )}
      <div class="button-row">
        <button type="button" class="button button-primary" disabled={state.syncing || waiting.length === 0} onClick={() => void syncNow()} data-testid="sync-now">
          <Icon name="sync" />{state.syncing ? t('outbox_syncing') : t('outbox_sync_now')}
        </button>
        <button type="button" class="button button-secondary" disabled={open.length === 0} onClick={() => void downloadUnsent()} data-testid="export">
          <Icon name="download" />{t('outbox_export')}
        </button>
      </div>
      {open.length === 0 ? <Empty>{t('outbox_empty')}</Empty> : (
        <ul class="rows">
          {open.map((item) => <OutboxRow key={item.seq} item={item} showKind mine={item.user_id === state.userId} />)}
        </ul>
      )}
      {sent.length > 0 && (
        <>
          <h2>{t('status_sent')}</h2>
          <ul class="rows">
            {sent.map((item) => <OutboxRow key={item.seq} item={item} showKind mine={item.user_id === state.userId} />)}
          </ul>
          <p class="muted">{sent[0].sent_at ? formatDateTime(sent[0].sent_at) : ''}</p>
        </>
      )}
    </Screen>
  );
}
