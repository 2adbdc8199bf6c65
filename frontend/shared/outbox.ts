/**
 * The outbox: every write the phone makes, kept in IndexedDB until the server acknowledges it.
 *
 * Modelled on Workbox background-sync's queue: first in, first out; a replay stops at the first
 * failure to get an answer (the rest wait for the next try); acknowledged items are marked sent
 * and never sent again. Each item carries the UUID the server de-duplicates on, so an answer lost
 * on the way back only costs a "duplicate" on the next replay.
 *
 * One item must never stop the queue for good: if the server fails on a batch (500) while it
 * still answers an empty one, the failure is about some item in it, so the batch is halved until
 * the items it fails on are found; those move to "needs fixing" and the rest go through. No
 * answer, 503 (database away) and 429 say nothing about the items: the replay stops and waits.
 */
import { api, ApiError, currentSession, deviceId, OfflineError, SignInRequired } from './api';
import { db, setMeta, type InspectionNotice, type ItemKind, type OutboxItem, type QueuedPhoto } from './db';
import { deviceTime, emit, uuid4, withLock } from './util';

/** Items per request (the server takes up to 500; smaller batches fail less on a weak signal). */
const BATCH_SIZE = 50;
/** The reason kept on an item the server failed on; the screens say it in the user's language. */
export const SERVER_FAILED = 'The server failed on this record (500).';
/** Acknowledged items are kept this long for the history screens, then pruned. */
const SENT_RETENTION_MS = 14 * 24 * 3600 * 1000;
const SENT_RETENTION_COUNT = 300;

export interface NewItem {
  kind: ItemKind;
  data: Record<string, unknown>;
  user_id: number;
  household_id: number | null;
  photo?: { id: string; blob: Blob };
}

export async function enqueue(item: NewItem): Promise<OutboxItem> {
  const report = item.kind === 'report';
  const photo: QueuedPhoto | undefined = item.photo && (report || item.household_id !== null)
    ? {
        id: item.photo.id, blob: item.photo.blob, household_id: item.household_id,
        uploaded: false, ...(report ? { target: 'report' as const } : {}),
      }
    : undefined;
  const cited = photo ? (report ? { photo_ids: [photo.id] } : { photo_id: photo.id }) : {};
  const record: OutboxItem = {
    client_id: uuid4(),
    kind: item.kind,
    data: { ...item.data, ...cited },
    device_time: deviceTime(),
    created_at: Date.now(),
    user_id: item.user_id,
    household_id: item.household_id,
    status: 'waiting',
    attempts: 0,
    photo,
  };
  record.seq = await (await db()).add('outbox', record);
  emit({ type: 'outbox-changed' });
  return record;
}

export async function allItems(): Promise<OutboxItem[]> {
  return (await db()).getAll('outbox');
}

export async function unsent(userId?: number): Promise<OutboxItem[]> {
  const items = await allItems();
  return items.filter((i) => i.status !== 'sent' && (userId === undefined || i.user_id === userId));
}

export async function discard(seq: number): Promise<void> {
  await (await db()).delete('outbox', seq);
  emit({ type: 'outbox-changed' });
}

/**
 * Put a rejected item back in the queue, with corrected data if given. It keeps its client UUID
 * unless the server refused that UUID itself (used for another record, or taken): the item was
 * not stored under it, so a new one cannot make a second row.
 */
export async function resubmit(seq: number, data?: Record<string, unknown>): Promise<void> {
  const database = await db();
  const item = await database.get('outbox', seq);
  if (!item || item.status === 'sent') return;
  await database.put('outbox', {
    ...item,
    client_id: item.errors && 'client_id' in item.errors ? uuid4() : item.client_id,
    data: data ?? item.data,
    status: 'waiting',
    errors: undefined,
    last_error: undefined,
  });
  emit({ type: 'outbox-changed' });
}

export type StopReason = 'offline' | 'signed_out' | 'server' | 'rate_limited' | 'refused';

export interface ReplayOutcome {
  sent: number;
  rejected: number;
  remaining: number;
  stopped?: StopReason;
  message?: string;
}

interface ItemResult {
  index: number;
  client_id: string | null;
  status: 'created' | 'duplicate' | 'rejected';
  id?: unknown;
  errors?: Record<string, unknown>;
  notice?: InspectionNotice | null;
}

interface SyncAnswer {
  server_time: string;
  clock_offset_s: number | null;
  results: ItemResult[];
}

function stopReason(error: unknown): { stopped: StopReason; message: string } {
  if (error instanceof OfflineError) return { stopped: 'offline', message: error.message };
  if (error instanceof SignInRequired) return { stopped: 'signed_out', message: error.message };
  if (error instanceof ApiError) {
    if (error.status === 429) return { stopped: 'rate_limited', message: error.message };
    if (error.status >= 500) return { stopped: 'server', message: error.message };
    return { stopped: 'refused', message: `${error.status} ${error.code}: ${error.message}` };
  }
  return { stopped: 'server', message: String(error) };
}

async function uploadPhoto(photo: QueuedPhoto): Promise<void> {
  const form = new FormData();
  form.append('id', photo.id);
  if (photo.target !== 'report') form.append('household_id', String(photo.household_id));
  form.append('file', photo.blob, `${photo.id}.jpg`);
  await api(photo.target === 'report' ? 'reports/photos' : 'photos', { method: 'POST', form });
}

async function markAttempt(items: OutboxItem[], message: string): Promise<void> {
  const tx = (await db()).transaction('outbox', 'readwrite');
  for (const item of items) {
    const fresh = await tx.store.get(item.seq!);
    if (fresh && fresh.status === 'waiting') {
      await tx.store.put({ ...fresh, attempts: fresh.attempts + 1, last_error: message });
    }
  }
  await tx.done;
}

async function post(items: OutboxItem[]): Promise<SyncAnswer> {
  return api<SyncAnswer>('sync', {
    method: 'POST',
    body: {
      device_id: await deviceId(),
      device_time: deviceTime(),
      items: items.map((i) => ({ kind: i.kind, client_id: i.client_id, device_time: i.device_time, data: i.data })),
    },
  });
}

/** The server failed while handling the batch: maybe because of what one item holds. */
function failedOn(error: unknown): boolean {
  return error instanceof ApiError && error.status === 500;
}

/** Whether the sync endpoint itself works now: it answers a batch with no items. */
async function syncAnswers(): Promise<boolean> {
  try {
    await post([]);
    return true;
  } catch {
    return false;
  }
}

interface Tally {
  sent: number;
  rejected: number;
}

/**
 * Send a batch the server failed on in halves, settling every half it answers; return the items
 * it still fails on alone. Any other failure (offline, 503, 429) ends the replay as usual.
 */
async function isolate(batch: OutboxItem[], tally: Tally): Promise<OutboxItem[]> {
  if (batch.length === 1) return batch;
  const half = Math.ceil(batch.length / 2);
  const failing: OutboxItem[] = [];
  for (const part of [batch.slice(0, half), batch.slice(half)]) {
    try {
      const counts = await settle(part, await post(part));
      tally.sent += counts.sent;
      tally.rejected += counts.rejected;
    } catch (error) {
      if (!failedOn(error)) throw error;
      failing.push(...(await isolate(part, tally)));
    }
  }
  return failing;
}

async function markFailed(items: OutboxItem[]): Promise<void> {
  const tx = (await db()).transaction('outbox', 'readwrite');
  for (const item of items) {
    const fresh = (await tx.store.get(item.seq!)) ?? item;
    await tx.store.put({ ...fresh, status: 'rejected', errors: { item: [SERVER_FAILED] }, attempts: fresh.attempts + 1, last_error: undefined });
  }
  await tx.done;
}

/** Send this user's waiting items in order; stop at the first batch that gets no answer. */
export async function replay(): Promise<ReplayOutcome> {
  return withLock('khaya-outbox', async () => {
    const tally: Tally = { sent: 0, rejected: 0 };
    const session = await currentSession();
    const waitingNow = async () => {
      const all = await (await db()).getAllFromIndex('outbox', 'by_status', 'waiting');
      return all.filter((i) => session && i.user_id === session.user_id).sort((a, b) => a.seq! - b.seq!);
    };
    if (!session) return { ...tally, remaining: (await unsent()).length, stopped: 'signed_out' };
    for (;;) {
      const batch = (await waitingNow()).slice(0, BATCH_SIZE);
      if (batch.length === 0) break;
      try {
        tally.rejected += await uploadPhotos(batch);
        const ready = (await waitingNow()).filter((i) => batch.some((b) => b.seq === i.seq));
        if (ready.length === 0) continue;
        let answer: SyncAnswer;
        try {
          answer = await post(ready);
        } catch (error) {
          if (!failedOn(error) || !(await syncAnswers())) throw error;
          const failing = await isolate(ready, tally);
          await markFailed(failing);
          tally.rejected += failing.length;
          continue;
        }
        const counts = await settle(ready, answer);
        tally.sent += counts.sent;
        tally.rejected += counts.rejected;
      } catch (error) {
        const reason = stopReason(error);
        await markAttempt(batch, reason.message);
        emit({ type: 'outbox-changed' });
        return { ...tally, remaining: (await waitingNow()).length, ...reason };
      }
    }
    await prune();
    const { sent, rejected } = tally;
    if (sent || rejected) {
      await setMeta('last_sync', { at: Date.now(), sent, rejected });
      emit({ type: 'synced', sent, rejected });
    }
    emit({ type: 'outbox-changed' });
    return { sent, rejected, remaining: 0 };
  });
}

async function uploadPhotos(batch: OutboxItem[]): Promise<number> {
  let rejected = 0;
  for (const item of batch) {
    if (!item.photo || item.photo.uploaded) continue;
    try {
      await uploadPhoto(item.photo);
    } catch (error) {
      // The photo itself was refused (not an image, too big): the item needs fixing; any
      // other failure stops the replay like a failed batch.
      if (error instanceof ApiError && error.status === 422) {
        await (await db()).put('outbox', { ...item, status: 'rejected', errors: { photo_id: Object.values(error.errors).flat() } });
        rejected++;
        continue;
      }
      throw error;
    }
    await (await db()).put('outbox', { ...item, photo: { ...item.photo, uploaded: true } });
  }
  return rejected;
}

async function settle(ready: OutboxItem[], answer: SyncAnswer): Promise<{ sent: number; rejected: number }> {
  let sent = 0;
  let rejected = 0;
  const tx = (await db()).transaction('outbox', 'readwrite');
  for (const result of answer.results) {
    const item = ready[result.index];
    if (!item || (result.client_id && result.client_id !== item.client_id)) continue;
    const fresh = (await tx.store.get(item.seq!)) ?? item;
    if (result.status === 'rejected') {
      rejected++;
      await tx.store.put({ ...fresh, status: 'rejected', errors: result.errors ?? {}, attempts: fresh.attempts + 1, last_error: undefined });
    } else {
      sent++;
      // The photo's bytes are on the server now; keep the record light.
      const photo = fresh.photo ? { ...fresh.photo, blob: new Blob([]) } : undefined;
      await tx.store.put({ ...fresh, status: 'sent', server_id: result.id, notice: result.notice ?? undefined, sent_at: Date.now(), attempts: fresh.attempts + 1, last_error: undefined, errors: undefined, photo });
    }
  }
  await tx.done;
  const serverMs = Date.parse(answer.server_time);
  if (!Number.isNaN(serverMs)) {
    await setMeta('clock', { server_ms: serverMs, local_ms: Date.now(), offset_s: answer.clock_offset_s });
  }
  return { sent, rejected };
}

/** Drop acknowledged items past the retention limit; waiting and rejected items are never pruned. */
export async function prune(now: number = Date.now()): Promise<number> {
  const database = await db();
  const sent = (await database.getAllFromIndex('outbox', 'by_status', 'sent')).sort((a, b) => b.seq! - a.seq!);
  const doomed = sent.filter((item, index) => index >= SENT_RETENTION_COUNT || now - (item.sent_at ?? item.created_at) > SENT_RETENTION_MS);
  const tx = database.transaction('outbox', 'readwrite');
  for (const item of doomed) await tx.store.delete(item.seq!);
  await tx.done;
  return doomed.length;
}

/** The unsent queue as a file: a valid body for POST /api/v1/sync, so staff can replay it. */
export async function exportUnsent(userId?: number): Promise<{ name: string; blob: Blob; count: number }> {
  const items = (await unsent(userId)).sort((a, b) => a.seq! - b.seq!);
  const body = {
    device_id: await deviceId(),
    device_time: deviceTime(),
    items: items.map((i) => ({ kind: i.kind, client_id: i.client_id, device_time: i.device_time, data: i.data })),
  };
  const stamp = deviceTime().slice(0, 16).replace(/[:T]/g, '-');
  return {
    name: `khaya-unsent-${stamp}.json`,
    blob: new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }),
    count: items.length,
  };
}
