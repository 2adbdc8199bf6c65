/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (Workbox), answers every client route with it,
 * replays the outbox when the browser fires Background Sync, and shows the reminders the server
 * pushes (sw/reminders.ts).
 *
 * It never activates on its own: the page's bridge asks the user and then sends SKIP_WAITING,
 * so a new version never takes over a page in the middle of saving.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { replay } from '../shared/outbox';
import { OUTBOX_SYNC_TAG } from '../shared/util';
import { openApp, readReminder, sameOriginUrl, showReminder } from './reminders';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Client routes (/, /h/<token>, /households/12 ...) all load the precached shell; the API and
// its docs are never answered from the cache.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/api\//],
  }),
);

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('sync', ((event: SyncEvent) => {
  if (event.tag !== OUTBOX_SYNC_TAG) return;
  event.waitUntil(
    replay().then((outcome) => {
      // A rejected promise tells the browser to try again later with its own back-off; signed
      // out or refused batches will not get better by retrying, so those end here.
      if (outcome.stopped === 'offline' || outcome.stopped === 'server' || outcome.stopped === 'rate_limited') {
        throw new Error(`outbox replay stopped: ${outcome.stopped}`);
      }
    }),
  );
}) as EventListener);

self.addEventListener('push', (event: PushEvent) => {
  event.waitUntil(showReminder(readReminder(event.data)));
});

self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close();
  event.waitUntil(openApp(sameOriginUrl((event.notification.data as { url?: unknown } | null)?.url)));
});
