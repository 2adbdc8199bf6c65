/** The building blocks every screen uses: headers, banners, status pills, load states, toasts. */
import type { ComponentChildren } from 'preact';
import { OfflineError } from '../../shared/api';
import type { ItemStatus } from '../../shared/db';
import { SERVER_FAILED } from '../../shared/outbox';
import type { LoadResult } from '../load';
import { errorMessage, formatDate, formatDateTime, t, useT, type Key } from '../i18n';
import { goBack } from '../router';
import { store, useStore } from '../store';
import { Icon, type IconName } from './icons';

export function Screen({ title, back, children }: { title: string; back?: string; children: ComponentChildren }) {
  useT();
  return (
    <>
      <div class="screen-head">
        {back !== undefined && (
          <button type="button" class="icon-button" onClick={() => goBack(back)} aria-label={t('back')}>
            <Icon name="back" />
          </button>
        )}
        <h1>{title}</h1>
      </div>
      {children}
    </>
  );
}

export function Banner({ kind = 'info', icon, children, extra = '' }: { kind?: 'info' | 'warn' | 'error' | 'ok'; icon?: IconName; children: ComponentChildren; extra?: string }) {
  return (
    <div class={`banner banner-${kind}${extra ? ` ${extra}` : ''}`} role={kind === 'error' || kind === 'warn' ? 'alert' : 'status'}>
      {icon && <Icon name={icon} />}
      <div>{children}</div>
    </div>
  );
}

export function StatusPill({ status }: { status: ItemStatus }) {
  useT();
  const key: Key = status === 'waiting' ? 'status_waiting' : status === 'sent' ? 'status_sent' : 'status_rejected';
  return (
    <span class={`pill pill-${status}`} data-status={status}>
      <Icon name={status === 'sent' ? 'check' : status === 'waiting' ? 'outbox' : 'alert'} size={16} />
      {t(key)}
    </span>
  );
}

const FIELD_KEYS: Record<string, Key> = {
  item: 'field_item',
  client_id: 'field_client_id',
  notes: 'field_notes',
  log_date: 'field_log_date',
  inspected_on: 'field_inspected_on',
  deposit_date: 'field_deposit_date',
  household_id: 'field_household_id',
  photo_id: 'field_photo_id',
  lines: 'field_lines',
  member_id: 'field_member_id',
  bank_id: 'field_bank_id',
};

/** Say the server's reason in the user's language where it is a known one; else as sent. */
export function reasonText(message: string): string {
  const before = /^Before the household registered \((\d{4}-\d{2}-\d{2})\)/.exec(message);
  if (before) return t('reason_before_registered', { date: formatDate(before[1]) });
  if (message.startsWith('Dated in the future')) return t('reason_future');
  if (message.startsWith('No such household in your area')) return t('reason_out_of_scope');
  if (message.startsWith('The household is no longer')) return t('reason_inactive');
  if (message === SERVER_FAILED) return t('reason_server_failed');
  if (message.startsWith('Already used for a different record')) return t('reason_client_id_reused');
  if (message === 'Already used.') return t('reason_client_id_taken');
  if (message.startsWith('Contains a character that cannot be stored')) return t('reason_unstorable');
  return message;
}

function flatten(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value && typeof value === 'object') return Object.values(value).flatMap(flatten);
  return [String(value)];
}

export function Reasons({ errors }: { errors: Record<string, unknown> | undefined }) {
  useT();
  if (!errors) return null;
  return (
    <ul class="reasons" data-testid="reasons">
      {Object.entries(errors).map(([field, messages]) => (
        <li key={field}>
          <strong>{FIELD_KEYS[field] ? t(FIELD_KEYS[field]) : field}:</strong> {flatten(messages).map(reasonText).join(' ')}
        </li>
      ))}
    </ul>
  );
}

/** Loading, offline-without-data and error states around a cached load. */
export function LoadState<T>({ loaded, children }: { loaded: LoadResult<T>; children: (data: T) => ComponentChildren }) {
  useT();
  if (loaded.data !== undefined) {
    return (
      <>
        {/* "Offline" only once the server could not be reached: while it is still being
            asked, the stored copy shows without a label. */}
        {loaded.fromCache && loaded.fetchedAt && !loaded.loading && (
          <p class="stale-note" role="status">{t('from_cache', { when: formatDateTime(loaded.fetchedAt) })}</p>
        )}
        {children(loaded.data)}
      </>
    );
  }
  if (loaded.loading) return <div class="loading" role="status" aria-label="…"><span class="spinner" /></div>;
  if (loaded.error instanceof OfflineError) return <Banner kind="warn" icon="outbox">{t('offline_no_data')}</Banner>;
  if (loaded.error) {
    return (
      <Banner kind="error" icon="alert">
        {t('load_failed')}: <span data-testid="load-error">{errorMessage(loaded.error)}</span>{' '}
        <button type="button" class="link-button" onClick={loaded.reload}>{t('retry')}</button>
      </Banner>
    );
  }
  return null;
}

export const toast = store<{ text: string; kind: 'ok' | 'info' | 'warn'; id: number } | null>(null);

let toastTimer: number | undefined;
export function showToast(text: string, kind: 'ok' | 'info' | 'warn' = 'ok'): void {
  toast.set({ text, kind, id: Date.now() });
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => toast.set(null), 4000);
}

export function Toast() {
  const current = useStore(toast);
  return (
    <div class="toast-region" aria-live="polite">
      {current && <div class={`toast toast-${current.kind}`} key={current.id}>{current.text}</div>}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}
