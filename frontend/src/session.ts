/** Who is signed in on this phone, what they may do, and signing in and out. */
import * as remote from '../shared/api';
import type { Session } from '../shared/db';
import { onEvent } from '../shared/util';
import { cachedGet, clearCacheFor, readCache } from './cache';
import { store } from './store';

export interface Grant {
  id: number;
  role: string;
  lgo_code: string | null;
  village_code: string | null;
}

export interface Me {
  user: {
    id: number;
    display_name: string;
    phone: string | null;
    username: string | null;
    lgo_code: string | null;
    grants: Grant[];
    volunteer: { volunteer_type: string; village_codes: string[] } | null;
  };
  roles: string[];
  permissions: string[];
}

export type Mode = 'resident' | 'volunteer';

export interface AuthState {
  status: 'loading' | 'signed_out' | 'signed_in';
  session?: Session;
  me?: Me;
  /** The server ended the session (refresh refused, signed out elsewhere). */
  ended?: boolean;
}

export const auth = store<AuthState>({ status: 'loading' });

/** Residents get the household screens; volunteers and LGO roles get the field screens. */
export function modeOf(me: Me | undefined): Mode {
  if (!me) return 'resident';
  return me.roles.some((r) => r !== 'resident') ? 'volunteer' : 'resident';
}

const LGO_ROLES = ['lgo_staff', 'lgo_admin'];
const PROVINCE_ROLES = ['province_officer', 'admin'];
const FIELD_ROLES = ['resident', 'volunteer', ...LGO_ROLES];

/** LGO staff and admins: the register, their map and their LGO's reports. */
export function isLgoOffice(me: Me | undefined): boolean {
  return Boolean(me?.roles.some((r) => LGO_ROLES.includes(r)));
}

/** Provincial officers and admins: the province's dashboards (aggregates only). */
export function isProvinceOffice(me: Me | undefined): boolean {
  return Boolean(me?.roles.some((r) => PROVINCE_ROLES.includes(r)));
}

export function isOfficeUser(me: Me | undefined): boolean {
  return isLgoOffice(me) || isProvinceOffice(me);
}

/** A desk-sized screen (the office layout's breakpoint, as in styles.css). */
export function onDesk(): boolean {
  return window.matchMedia('(min-width: 900px)').matches;
}

/** Provincial officers and admins have no field work: the office is their whole app. */
export function officeOnly(me: Me | undefined): boolean {
  return isOfficeUser(me) && !me!.roles.some((r) => FIELD_ROLES.includes(r));
}

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
  await remote.logout();
  if (userId !== undefined) await clearCacheFor(userId);
  auth.set({ status: 'signed_out' });
}

onEvent((event) => {
  if (event.type === 'session-ended' && auth.get().status === 'signed_in') auth.set({ status: 'signed_out', ended: true });
});
