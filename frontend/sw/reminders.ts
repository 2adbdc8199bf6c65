/// <reference lib="webworker" />
/**
 * Reminders by Web Push in the worker: a message from the server becomes a notification, and
 * opening it brings the app up on the screen the message names.
 *
 * The server sends `{title, body, url, topic, lang}` (backend/khaya/reminders/sending.py).
 */

declare const self: ServiceWorkerGlobalScope;

export interface Reminder {
  title: string;
  body: string;
  url: string;
  topic: string;
  lang: string;
}

const ICON = '/icons/icon-192.png';
// Android draws the badge in the status bar from its alpha channel alone: a plain silhouette.
const BADGE = '/icons/badge-96.png';

/** The message's fields, or a plain "open the app" for a message without JSON (a test push). */
export function readReminder(data: PushMessageData | null): Reminder {
  let parsed: Partial<Reminder>;
  try {
    parsed = (data?.json() ?? {}) as Partial<Reminder>;
  } catch {
    parsed = { body: data?.text() ?? '' };
  }
  return {
    title: parsed.title || 'Khaya',
    body: parsed.body ?? '',
    url: parsed.url || '/',
    topic: parsed.topic || 'khaya',
    lang: parsed.lang || 'th',
  };
}

export function showReminder(reminder: Reminder): Promise<void> {
  return self.registration.showNotification(reminder.title, {
    body: reminder.body,
    icon: ICON,
    badge: BADGE,
    // One notification per topic: tomorrow's collection replaces today's unread one.
    tag: reminder.topic,
    data: { url: reminder.url },
    lang: reminder.lang,
  });
}

/** The app path a notification opens; anything that would leave the app's origin opens "/". */
export function sameOriginUrl(raw: unknown): string {
  try {
    const url = new URL(typeof raw === 'string' ? raw : '/', self.location.origin);
    return url.origin === self.location.origin ? url.href : `${self.location.origin}/`;
  } catch {
    return `${self.location.origin}/`;
  }
}

/** Bring an open window of the app forward on the URL, or open one there. */
export async function openApp(url: string): Promise<void> {
  // Windows come most recently focused first: the one the person last used.
  const [open] = await self.clients.matchAll({ type: 'window' });
  if (!open) {
    await self.clients.openWindow(url);
    return;
  }
  // Focus is allowed only while the click is fresh, so it comes before the page loads; a
  // window the browser will not raise still gets the screen.
  const focused = await open.focus().catch(() => open);
  if (focused.url !== url) await focused.navigate(url);
}
