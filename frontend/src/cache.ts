/**
 * Read data kept in IndexedDB so every phone screen works offline after one online visit (the
 * screens read it through useLoad in load.ts). Entries are keyed by user, so signing out can
 * forget one user's data.
 */
import { api, currentSession, OfflineError } from '../shared/api';
import { db } from '../shared/db';

async function cacheKey(path: string): Promise<{ key: string; userId: number }> {
  const session = await currentSession();
  const userId = session?.user_id ?? 0;
  return { key: `${userId}:${path}`, userId };
}

export async function readCache<T>(path: string): Promise<{ data: T; fetched_at: number } | undefined> {
  const { key } = await cacheKey(path);
  const entry = await (await db()).get('cache', key);
  return entry ? { data: entry.data as T, fetched_at: entry.fetched_at } : undefined;
}

export async function writeCache(path: string, data: unknown): Promise<void> {
  const { key, userId } = await cacheKey(path);
  await (await db()).put('cache', { key, user_id: userId, data, fetched_at: Date.now() });
}

/** Fetch and store; offline, answer from the store (or throw OfflineError when it has nothing). */
export async function cachedGet<T>(path: string): Promise<{ data: T; fetched_at: number; fromCache: boolean }> {
  try {
    const data = await api<T>(path);
    await writeCache(path, data);
    return { data, fetched_at: Date.now(), fromCache: false };
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    const stored = await readCache<T>(path);
    if (!stored) throw error;
    return { ...stored, fromCache: true };
  }
}

/** Forget a user's read data (household details are personal data); the outbox is kept. */
export async function clearCacheFor(userId: number): Promise<void> {
  const database = await db();
  const keys = await database.getAllKeysFromIndex('cache', 'by_user', userId);
  const tx = database.transaction('cache', 'readwrite');
  for (const key of keys) await tx.store.delete(key);
  await tx.done;
}
