/**
 * The one hook every screen loads its data with. Where the answer may be kept is the caller's
 * choice, and it has no default, since it is a privacy decision:
 *
 * - ``store: 'device'`` (the phone's screens): each answer goes into IndexedDB, so a screen works
 *   offline after one online visit. The stored copy shows at once, the server's answer when it
 *   comes, and a sync makes the screen ask again (a household may have become verified).
 * - ``store: 'none'`` (the office): read fresh and keep nothing on the device; office data is
 *   personal data that must not stay behind on a shared PC.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, OfflineError } from '../shared/api';
import { onEvent } from '../shared/util';
import { readCache, writeCache } from './cache';

export interface LoadResult<T> {
  data: T | undefined;
  /** When the shown data was answered (ms); null for none, or for an offline substitute. */
  fetchedAt: number | null;
  /** The data is the device's stored copy (or the offline substitute), not the server's answer. */
  fromCache: boolean;
  loading: boolean;
  error: unknown;
  reload: () => void;
}

export interface LoadOptions<T> {
  store: 'device' | 'none';
  /** What answers for the key; by default the key is an API path and is fetched. */
  loader?: () => Promise<T>;
  /** Reuse the first answer for the rest of the visit: lists that do not change while someone
   * works (an LGO's villages). A reload asks the server again. */
  keep?: boolean;
  /** Offline with nothing stored under the key: what to show instead (a household found in a
   * stored list). */
  offlineFallback?: () => Promise<T | undefined>;
}

type State<T> = Omit<LoadResult<T>, 'reload'>;

const EMPTY = { data: undefined, fetchedAt: null, fromCache: false, error: null };

/** Answers kept for the visit by key, with the time each was answered. */
const kept = new Map<string, Promise<{ data: unknown; at: number }>>();

function keptAnswer<T>(key: string, loader: () => Promise<T>): Promise<{ data: T; at: number }> {
  let answer = kept.get(key);
  if (!answer) {
    answer = loader().then((data) => ({ data, at: Date.now() }));
    kept.set(key, answer);
    // A failure is not kept: the next screen that asks tries again.
    answer.catch(() => kept.delete(key));
  }
  return answer as Promise<{ data: T; at: number }>;
}

/**
 * Load what ``key`` names (null: nothing yet). The same key keeps the data shown while it loads
 * again; a new key drops it.
 */
export function useLoad<T>(key: string | null, options: LoadOptions<T>): LoadResult<T> {
  const { store, keep = false } = options;
  const [state, setState] = useState<State<T>>({ ...EMPTY, loading: Boolean(key) });
  const [tick, setTick] = useState(0);
  const shown = useRef<string | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    const sameKey = shown.current === key;
    shown.current = key;
    if (!key) {
      setState({ ...EMPTY, loading: false });
      return;
    }
    const device = store === 'device';
    const { loader = () => api<T>(key) } = latest.current;
    setState((s) => (sameKey ? { ...s, loading: true, error: null } : { ...EMPTY, loading: true }));
    if (device) {
      void readCache<T>(key).then((stored) => {
        if (!live || !stored) return;
        setState((s) => (s.data === undefined ? { ...s, data: stored.data, fetchedAt: stored.fetched_at, fromCache: true } : s));
      });
    }
    const answer = keep && tick === 0 ? keptAnswer(key, loader) : loader().then((data) => ({ data, at: Date.now() }));
    answer.then(
      async ({ data, at }) => {
        if (device) await writeCache(key, data);
        if (live) setState({ data, fetchedAt: at, fromCache: false, loading: false, error: null });
      },
      async (error) => {
        if (!live) return;
        const offline = error instanceof OfflineError;
        const stored = offline && device ? await readCache<T>(key) : undefined;
        const fallback = latest.current.offlineFallback;
        const substitute = offline && !stored && fallback ? await fallback() : undefined;
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

  // What the server says changes after a sync (a household becomes verified): the phone's
  // screens ask again. The office's reads do not depend on the phone's outbox.
  useEffect(() => {
    if (store !== 'device') return;
    return onEvent((event) => {
      if (event.type === 'synced') reload();
    });
  }, [store, reload]);

  return { ...state, reload };
}
