/**
 * When the outbox is replayed from the page: at start, when the phone comes back online, when
 * the page becomes visible, right after something is saved, and on a back-off timer after a
 * server error. Where the browser has Background Sync, the worker also replays while the app is
 * closed (iOS has none, hence the page's own triggers).
 */
import { currentSession } from '../shared/api';
import type { OutboxItem } from '../shared/db';
import { allItems, replay, type ReplayOutcome } from '../shared/outbox';
import { onEvent } from '../shared/util';
import { store } from './store';
import { requestBackgroundSync } from './sw-bridge';

export interface SyncState {
  syncing: boolean;
  online: boolean;
  items: OutboxItem[];
  userId: number | null;
  last: ReplayOutcome | null;
}

export const syncState = store<SyncState>({
  syncing: false,
  online: navigator.onLine,
  items: [],
  userId: null,
  last: null,
});

let retryTimer: number | undefined;
let retryDelay = 15_000;
let running: Promise<ReplayOutcome> | null = null;
// A trigger that arrives while a replay runs (the phone came back online half-way through a
// failing attempt) must not be lost: one more replay follows the current one.
let again = false;

export async function refreshItems(): Promise<void> {
  const [items, session] = await Promise.all([allItems(), currentSession()]);
  syncState.update((s) => ({ ...s, items: items.sort((a, b) => a.seq! - b.seq!), userId: session?.user_id ?? null }));
}

export function syncNow(): Promise<ReplayOutcome> {
  if (running) {
    again = true;
    return running;
  }
  syncState.update((s) => ({ ...s, syncing: true }));
  running = replay()
    .catch((error): ReplayOutcome => ({ sent: 0, rejected: 0, remaining: -1, stopped: 'server', message: String(error) }))
    .then(async (outcome) => {
      running = null;
      syncState.update((s) => ({ ...s, syncing: false, last: outcome }));
      await refreshItems();
      window.clearTimeout(retryTimer);
      if (outcome.stopped === 'server' || outcome.stopped === 'rate_limited') {
        retryTimer = window.setTimeout(() => void syncNow(), retryDelay);
        retryDelay = Math.min(retryDelay * 2, 5 * 60_000);
      } else {
        retryDelay = 15_000;
      }
      if (outcome.stopped === 'offline') void requestBackgroundSync();
      if (again) {
        again = false;
        if (navigator.onLine) void syncNow();
      }
      return outcome;
    });
  return running;
}

/** Called after every save: send at once when online, else leave it to the triggers. */
export function kick(): void {
  if (navigator.onLine) void syncNow();
  else void requestBackgroundSync();
}

export function startSync(): void {
  window.addEventListener('online', () => {
    syncState.update((s) => ({ ...s, online: true }));
    void syncNow();
  });
  window.addEventListener('offline', () => syncState.update((s) => ({ ...s, online: false })));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void syncNow();
  });
  onEvent((event) => {
    if (event.type === 'outbox-changed' || event.type === 'synced') void refreshItems();
    // Signing in is a start too: whatever this user left waiting goes now.
    if (event.type === 'session-changed') void refreshItems().then(() => {
      if (navigator.onLine) void syncNow();
    });
  });
  void refreshItems().then(() => syncNow());
}
