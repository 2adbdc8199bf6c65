/** Small helpers that behave the same in the page and in the service worker. */

/** Return a random (version 4) UUID; getRandomValues works on plain-HTTP origins too. */
export function uuid4(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function' && globalThis.isSecureContext) return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const fallbackChains = new Map<string, Promise<unknown>>();

/**
 * Run fn while holding a named lock shared by every tab and the service worker.
 *
 * Refresh tokens are single use: two contexts refreshing at once would look like token theft and
 * end the session, so refreshing (and replaying) is serialised across contexts.
 */
export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks?.request) return locks.request(name, fn) as Promise<T>;
  const previous = fallbackChains.get(name) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  fallbackChains.set(name, next);
  return next;
}

export type Listener<T> = (value: T) => void;

/** Messages every context of the app hears: the page's own listeners and the other contexts. */
export type AppEvent =
  | { type: 'outbox-changed' }
  | { type: 'synced'; sent: number; rejected: number }
  | { type: 'session-ended' }
  | { type: 'session-changed' };

const listeners = new Set<Listener<AppEvent>>();
let channel: BroadcastChannel | null = null;

function getChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel('khaya');
  channel.onmessage = (e: MessageEvent<AppEvent>) => listeners.forEach((l) => l(e.data));
  return channel;
}

export function emit(event: AppEvent): void {
  listeners.forEach((l) => l(event));
  getChannel()?.postMessage(event);
}

export function onEvent(listener: Listener<AppEvent>): () => void {
  getChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Today's date where the households are (the server's "today" is the Thai calendar day). */
export function localToday(now: Date = new Date()): string {
  return isoDateIn(now, 'Asia/Bangkok');
}

// One formatter per time zone: building one costs far more than formatting with it, and the
// household lists ask for "today" once per household.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function isoDateIn(when: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(when);
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The phone's clock as ISO 8601 with its own offset, as the server's device_time expects. */
export function deviceTime(now: Date = new Date()): string {
  const off = -now.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const local = new Date(now.getTime() + off * 60000).toISOString().slice(0, 19);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The Background Sync tag under which the page asks the worker to replay the outbox. */
export const OUTBOX_SYNC_TAG = 'khaya-outbox';
