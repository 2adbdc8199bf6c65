/**
 * Read data kept in IndexedDB so every screen works offline after one online visit: the
 * screen shows what is stored at once, then what the server says when it answers.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, currentSession, OfflineError } from '../shared/api';
import { db } from '../shared/db';
import { onEvent } from '../shared/util';

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

export interface LoadResult<T> {
  data: T | undefined;
  fetchedAt: number | null;
  fromCache: boolean;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

/** Run a loader through the cache under key: stored data first, the fresh answer when it comes. */
export function useLoad<T>(key: string | null, loader: () => Promise<T>, offlineFallback?: () => Promise<T | undefined>): LoadResult<T> {
  const [state, setState] = useState<Omit<LoadResult<T>, 'reload'>>({
    data: undefined, fetchedAt: null, fromCache: false, loading: Boolean(key), error: null,
  });
  const [tick, setTick] = useState(0);
  const shown = useRef<string | null>(null);
  const load = useRef(loader);
  load.current = loader;
  const fallback = useRef(offlineFallback);
  fallback.current = offlineFallback;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    const sameKey = shown.current === key;
    shown.current = key;
    if (!key) {
      setState({ data: undefined, fetchedAt: null, fromCache: false, loading: false, error: null });
      return;
    }
    setState((s) => (sameKey ? { ...s, loading: true, error: null } : { data: undefined, fetchedAt: null, fromCache: false, loading: true, error: null }));
    void readCache<T>(key).then((stored) => {
      if (!live || !stored) return;
      setState((s) => (s.data === undefined ? { ...s, data: stored.data, fetchedAt: stored.fetched_at, fromCache: true } : s));
    });
    load.current().then(
      async (data) => {
        await writeCache(key, data);
        if (live) setState({ data, fetchedAt: Date.now(), fromCache: false, loading: false, error: null });
      },
      async (error) => {
        if (!live) return;
        const offline = error instanceof OfflineError;
        const stored = offline ? await readCache<T>(key) : undefined;
        const substitute = offline && !stored && fallback.current ? await fallback.current() : undefined;
        if (!live) return;
        if (stored) setState({ data: stored.data, fetchedAt: stored.fetched_at, fromCache: true, loading: false, error: null });
        else if (substitute !== undefined) setState({ data: substitute, fetchedAt: null, fromCache: true, loading: false, error: null });
        else setState((s) => ({ ...s, loading: false, error }));
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  // What the server says changes after a sync (a household becomes verified): ask again.
  useEffect(() => onEvent((event) => {
    if (event.type === 'synced') reload();
  }), [reload]);

  return { ...state, reload };
}

/** Load one API path through the cache. */
export function useCached<T>(path: string | null): LoadResult<T> {
  return useLoad<T>(path, () => api<T>(path!));
}
