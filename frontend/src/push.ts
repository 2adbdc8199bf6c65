/**
 * Reminders by Web Push, the page's side: the browser's permission, its PushManager subscription
 * and the server's copy of it (PUT /push/subscription, DELETE /push/subscriptions/{id}).
 *
 * The server lists a person's subscriptions without their endpoints (an endpoint lets anyone
 * holding it push to the phone), so the phone remembers which row is its own: the id, the
 * endpoint it was made for and the person who made it.
 */
import { ApiError, api } from '../shared/api';
import type { Lang } from './i18n';
import { pushManager, pushSupported } from './sw-bridge';

export type Topic = 'collection_tomorrow' | 'buying_day_tomorrow' | 'not_logged' | 'inspection_due' | 'report_closed';

export interface ReminderChoice {
  topics: Topic[];
  not_logged_days: number;
  quiet_from: string;
  quiet_until: string;
  lang: Lang;
}

/** The server's copy (SubscriptionSchema). */
export interface ReminderSubscription extends ReminderChoice {
  id: number;
  endpoint_host: string;
  village_code: string | null;
  created_at: string;
}

/** Where this browser stands: no Web Push at all, or the Notification permission. */
export type PushState = 'unsupported' | NotificationPermission;

/** The person said no (denied) or closed the prompt (default). */
export class PermissionRefused extends Error {
  constructor(readonly state: NotificationPermission) {
    super(`notifications ${state}`);
  }
}

/** The browser has no push service to subscribe with, or could not reach it. */
export class PushUnavailable extends Error {}

const KEPT = 'khaya.reminders';

interface Kept {
  id: number;
  endpoint: string;
  user_id: number;
}

function kept(): Kept | null {
  try {
    return JSON.parse(localStorage.getItem(KEPT) ?? 'null') as Kept | null;
  } catch {
    return null;
  }
}

function keep(value: Kept | null): void {
  try {
    if (value) localStorage.setItem(KEPT, JSON.stringify(value));
    else localStorage.removeItem(KEPT);
  } catch {
    // Private mode: the server still has the subscription; this visit just cannot find it again.
  }
}

export function pushState(): PushState {
  return pushSupported() ? Notification.permission : 'unsupported';
}

/** This browser's reminders as the server has them for this person, or null when it has none. */
export async function currentReminders(userId: number): Promise<ReminderSubscription | null> {
  const mine = kept();
  if (!mine || mine.user_id !== userId) return null;
  const manager = await pushManager();
  const browser = await manager?.getSubscription();
  if (!browser || browser.endpoint !== mine.endpoint) return null;
  // Gone when the push service said the browser dropped it, or another person took it over.
  const { items } = await api<{ items: ReminderSubscription[] }>('push/subscriptions');
  return items.find((s) => s.id === mine.id) ?? null;
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const bytes = new Uint8Array(a);
  return bytes.every((x, i) => x === b[i]);
}

/**
 * Ask for permission, subscribe this browser and store the choice on the server.
 *
 * Call it straight from the tap: browsers show the permission prompt only during a user's
 * gesture, so nothing is awaited before asking.
 */
export async function saveReminders(userId: number, choice: ReminderChoice): Promise<ReminderSubscription> {
  if (!pushSupported()) throw new PushUnavailable('no Web Push in this browser');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new PermissionRefused(permission);
  const manager = await pushManager();
  if (!manager) throw new PushUnavailable('no active service worker');
  const { public_key } = await api<{ public_key: string }>('push/key', { auth: false });
  const key = fromBase64Url(public_key);
  let browser = await manager.getSubscription();
  // A subscription made for another server key would be refused by the push service.
  if (browser && !sameKey(browser.options.applicationServerKey, key)) {
    await browser.unsubscribe();
    browser = null;
  }
  if (!browser) {
    try {
      browser = await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    } catch (error) {
      throw new PushUnavailable(String((error as Error)?.message ?? error));
    }
  }
  const row = await api<ReminderSubscription>('push/subscription', {
    method: 'PUT',
    body: { subscription: browser.toJSON(), ...choice },
  });
  keep({ id: row.id, endpoint: browser.endpoint, user_id: userId });
  return row;
}

/** Stop every reminder on this browser: the server's row first (offline, nothing changes). */
export async function stopReminders(): Promise<void> {
  const mine = kept();
  if (mine) {
    try {
      await api(`push/subscriptions/${mine.id}`, { method: 'DELETE' });
    } catch (error) {
      // Already gone: removed by the push service's answer, or taken over by another person.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
  keep(null);
  const manager = await pushManager();
  const browser = await manager?.getSubscription();
  await browser?.unsubscribe();
}

/**
 * On signing out: the reminders were this person's, so the phone gets no more of them. The
 * server's row goes while the session still holds; offline, the browser's subscription is
 * dropped anyway, and the push service's "gone" then removes the row at the next send.
 */
export async function forgetReminders(): Promise<void> {
  try {
    await stopReminders();
  } catch {
    keep(null);
    const manager = await pushManager();
    await (await manager?.getSubscription())?.unsubscribe();
  }
}
