/** Who is signed in on this phone, what they may do, and signing in and out. */
import * as remote from '../shared/api';
import type { Session } from '../shared/db';
import { onEvent } from '../shared/util';
import { cachedGet, clearCacheFor, readCache } from './cache';
import { isOfficeUser, onDesk, type Me } from './roles';
import { store } from './store';

export interface AuthState {
  status: 'loading' | 'signed_out' | 'signed_in';
  session?: Session;
  me?: Me;
  /** The server ended the session (refresh refused, signed out elsewhere). */
  ended?: boolean;
}

export const auth = store<AuthState>({ status: 'loading' });

export type { Grant, Me, Mode } from './roles';
export { isLgoOffice, isOfficeUser, isProvinceOffice, modeOf, officeOnly, onDesk } from './roles';

async function loadMe(session: Session): Promise<void> {
  const stored = await readCache<Me>('me');
  if (stored) auth.set({ status: 'signed_in', session, me: stored.data });
  try {
    const { data, fromCache } = await cachedGet<Me>('me');
    auth.set({ status: 'signed_in', session, me: data });
    // The field screens' offline copy; an office PC reads fresh and keeps no register.
    const desk = isOfficeUser(data) && onDesk();
    if (!fromCache && !desk) void import('./prefetch').then(({ prefetch }) => prefetch(data));
  } catch (error) {
    if (error instanceof remote.SignInRequired) auth.set({ status: 'signed_out', ended: true });
    else if (!stored) auth.set({ status: 'signed_in', session });
  }
}

export async function restore(): Promise<void> {
  const session = await remote.currentSession();
  if (!session) {
    auth.set({ status: 'signed_out' });
    return;
  }
  await loadMe(session);
}

export async function signIn(login: string, password: string): Promise<void> {
  const session = await remote.login(login, password);
  await loadMe(session);
}

export async function signOut(): Promise<void> {
  const userId = auth.get().session?.user_id;
  // Reminders are a person's: a phone signed out gets no more of theirs (push loads only here).
  await import('./push').then((push) => push.forgetReminders()).catch(() => undefined);
  await remote.logout();
  if (userId !== undefined) await clearCacheFor(userId);
  auth.set({ status: 'signed_out' });
}

onEvent((event) => {
  if (event.type === 'session-ended' && auth.get().status === 'signed_in') auth.set({ status: 'signed_out', ended: true });
});
