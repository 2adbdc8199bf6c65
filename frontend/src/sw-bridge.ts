/**
 * The bridge to the service worker: the only module that touches navigator.serviceWorker.
 *
 * It registers the worker, tells the user once the app works offline, offers a waiting new
 * version as "update available" (never forced), asks for Background Sync of the outbox, and
 * hands the reminders screen the worker's PushManager.
 */
import { OUTBOX_SYNC_TAG, withLock } from '../shared/util';
import { store } from './store';

export const updateAvailable = store(false);
export const readyOffline = store(false);

let registration: ServiceWorkerRegistration | null = null;
let reloading = false;

function supported(): boolean {
  return 'serviceWorker' in navigator && !import.meta.env.DEV;
}

function watch(worker: ServiceWorker | null): void {
  if (!worker) return;
  worker.addEventListener('statechange', () => {
    if (worker.state !== 'installed') return;
    // With a controller this is a new version waiting; without one, the first install.
    if (navigator.serviceWorker.controller) updateAvailable.set(true);
    else readyOffline.set(true);
  });
}

export async function registerWorker(): Promise<void> {
  if (!supported()) return;
  try {
    registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch (error) {
    console.warn('service worker registration failed', error);
    return;
  }
  if (registration.waiting && navigator.serviceWorker.controller) updateAvailable.set(true);
  watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration!.installing));
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only reload for an update the user accepted; the first install just claims the page.
    if (reloading) window.location.reload();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void registration?.update().catch(() => undefined);
  });
  setInterval(() => void registration?.update().catch(() => undefined), 60 * 60 * 1000);
}

/** Switch to the waiting version, after any replay in progress has finished writing. */
export async function applyUpdate(): Promise<void> {
  const waiting = registration?.waiting;
  if (!waiting) {
    window.location.reload();
    return;
  }
  // The outbox lives in IndexedDB and is untouched by the update; holding its lock only makes
  // sure no replay is half-way through recording the server's answer when the page reloads.
  await withLock('khaya-outbox', async () => {
    reloading = true;
    waiting.postMessage({ type: 'SKIP_WAITING' });
  });
}

interface SyncManager {
  register(tag: string): Promise<void>;
}

/** Ask the browser to replay the outbox once it has a connection, even if the app is closed. */
export async function requestBackgroundSync(): Promise<boolean> {
  if (!supported() || !registration?.active) return false;
  try {
    const sync = (registration as ServiceWorkerRegistration & { sync?: SyncManager }).sync;
    if (!sync) return false;
    await sync.register(OUTBOX_SYNC_TAG);
    return true;
  } catch {
    return false;
  }
}

/** Whether this browser can take reminders by Web Push at all (iOS Safari only in an app added
 * to the home screen, and some privacy browsers never). */
export function pushSupported(): boolean {
  return supported() && 'PushManager' in window && 'Notification' in window;
}

/** The active worker's PushManager, or null when there is none within a few seconds. */
export async function pushManager(): Promise<PushManager | null> {
  if (!pushSupported()) return null;
  // Subscribing needs an active worker: on a first visit it may still be installing.
  const ready = await Promise.race([
    navigator.serviceWorker.ready,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
  ]);
  return ready?.pushManager ?? null;
}
