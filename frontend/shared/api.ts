/**
 * Talking to the Khaya API: bearer tokens, one refresh on an expired token, the error envelope.
 *
 * Used by the page and by the service worker (Background Sync), so nothing here touches the DOM.
 */
import { deleteMeta, getMeta, setMeta, type Session } from './db';
import { emit, uuid4, withLock } from './util';

export const API = '/api/v1';

/**
 * The server answered with its error envelope {code, status, message, errors}; the message is in
 * the language the request asked for (Accept-Language), the English one in body.message_en.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: Record<string, unknown> = {},
    readonly retryAfter: number | null = null,
    /** The whole envelope, with any extra members (a 409 carries both versions). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** No answer at all: no network, or the request could not reach the server. */
export class OfflineError extends Error {}

/** The session is gone (signed out elsewhere, refresh token refused): sign in again. */
export class SignInRequired extends Error {}

export async function deviceId(): Promise<string> {
  let id = await getMeta('device_id');
  if (!id) {
    id = uuid4();
    await setMeta('device_id', id);
  }
  return id;
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user?: { id: number; display_name: string };
}

function sessionFrom(pair: TokenPair, previous?: Session): Session {
  return {
    user_id: pair.user?.id ?? previous?.user_id ?? 0,
    display_name: pair.user?.display_name ?? previous?.display_name ?? '',
    access_token: pair.access_token,
    refresh_token: pair.refresh_token,
    // Refresh a minute early so a request never leaves with a token about to lapse.
    access_expires_at: Date.now() + Math.max(pair.expires_in - 60, 10) * 1000,
  };
}

async function noteServerClock(res: Response): Promise<void> {
  const header = res.headers.get('Date');
  const server = header ? Date.parse(header) : NaN;
  if (Number.isNaN(server)) return;
  const previous = await getMeta('clock');
  await setMeta('clock', { server_ms: server, local_ms: Date.now(), offset_s: previous?.offset_s ?? null });
}

async function readError(res: Response): Promise<ApiError> {
  let body: { code?: string; message?: string; errors?: Record<string, unknown>; [key: string]: unknown } = {};
  try {
    body = await res.json();
  } catch {
    // Not the envelope (a proxy's page): keep the status.
  }
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(
    res.status,
    body.code ?? `http_${res.status}`,
    body.message ?? res.statusText,
    body.errors ?? {},
    Number.isFinite(retry) && retry > 0 ? retry : null,
    body,
  );
}

/** A request with no answer in this long counts as offline (a weak signal can hang for minutes). */
const TIMEOUT_MS = 45_000;

export type Language = 'th' | 'en';

let language: Language | null = null;

/** Ask the server for its messages in the reader's language (the page calls this on a switch). */
export function setLanguage(next: Language): void {
  language = next;
}

async function readerLanguage(): Promise<Language> {
  if (language) return language;
  // The service worker has no localStorage: it reads the page's choice from IndexedDB.
  try {
    return (await getMeta('settings'))?.lang ?? 'th';
  } catch {
    return 'th';
  }
}

async function send(path: string, init: RequestInit): Promise<Response> {
  const timeout = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(TIMEOUT_MS) : undefined;
  // The browser's own Accept-Language is the phone's locale, not the language chosen in the
  // app: send the app's, so error messages come in the language on screen.
  const headers = new Headers(init.headers);
  if (!headers.has('Accept-Language')) headers.set('Accept-Language', await readerLanguage());
  try {
    return await fetch(path.startsWith('/') ? path : `${API}/${path}`, { signal: timeout, ...init, headers });
  } catch (error) {
    throw new OfflineError(String(error));
  }
}

/** Sign in and keep the tokens (the refresh token lives in IndexedDB, never in localStorage). */
export async function login(loginName: string, password: string): Promise<Session> {
  const res = await send(`${API}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: loginName, password, device_id: await deviceId() }),
  });
  if (!res.ok) throw await readError(res);
  const session = sessionFrom((await res.json()) as TokenPair);
  await setMeta('session', session);
  emit({ type: 'session-changed' });
  return session;
}

export async function currentSession(): Promise<Session | undefined> {
  return getMeta('session');
}

/** Forget the tokens (the outbox stays on the phone). */
export async function dropSession(): Promise<void> {
  await deleteMeta('session');
}

async function refresh(stale: Session): Promise<Session> {
  return withLock('khaya-auth', async () => {
    const now = await getMeta('session');
    if (!now) throw new SignInRequired('signed out');
    // Another tab or the worker refreshed while we waited: use its tokens, never reuse ours.
    if (now.refresh_token !== stale.refresh_token) return now;
    const res = await send(`${API}/auth/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: now.refresh_token, device_id: await deviceId() }),
    });
    if (res.status === 401 || res.status === 403) {
      await dropSession();
      emit({ type: 'session-ended' });
      throw new SignInRequired((await readError(res)).message);
    }
    if (!res.ok) throw await readError(res);
    const next = sessionFrom((await res.json()) as TokenPair, now);
    await setMeta('session', next);
    return next;
  });
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  form?: FormData;
  auth?: boolean;
  signal?: AbortSignal;
  /** Return the Response itself (a file to download) instead of its JSON. */
  raw?: boolean;
}

/** Call the API and return its JSON; refresh the access token once when it has expired. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, form, auth = true, signal, raw = false } = options;
  let session = auth ? await currentSession() : undefined;
  if (auth && !session) throw new SignInRequired('not signed in');
  if (session && session.access_expires_at < Date.now()) session = await refresh(session);
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = raw ? {} : { Accept: 'application/json' };
    if (session) headers.Authorization = `Bearer ${session.access_token}`;
    let payload: BodyInit | undefined;
    if (form) payload = form;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await send(path, { method, headers, body: payload, cache: 'no-store', ...(signal ? { signal } : {}) });
    void noteServerClock(res);
    if (res.status === 401 && session && attempt === 0) {
      const error = await readError(res);
      if (error.code === 'token_expired' || error.code === 'invalid_token') {
        session = await refresh(session);
        continue;
      }
      if (error.code === 'token_revoked' || error.code === 'unauthorized') {
        await dropSession();
        emit({ type: 'session-ended' });
        throw new SignInRequired(error.message);
      }
      throw error;
    }
    if (!res.ok) throw await readError(res);
    if (raw) return res as T;
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
}

/** End this device's session on the server; offline, the tokens are simply forgotten. */
export async function logout(): Promise<void> {
  try {
    await api('auth/logout', { method: 'POST' });
  } catch {
    // Offline or already ended: the local tokens go anyway.
  }
  await dropSession();
  emit({ type: 'session-changed' });
}
