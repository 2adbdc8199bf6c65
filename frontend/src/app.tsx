/** The app shell: top bar with sync state and language, banners, the routed screen, bottom nav. */
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getMeta } from '../shared/db';
import { onEvent } from '../shared/util';
import { formatDateTime, lang, setLang, t, useT, type Key } from './i18n';
import { Link, navigate, route } from './router';
import { auth, modeOf, officeOnly, onDesk, isOfficeUser as officeUser } from './session';
import { useStore } from './store';
import { applyUpdate, readyOffline, updateAvailable } from './sw-bridge';
import { syncState } from './sync';
import { Icon, type IconName } from './ui/icons';
import { Banner, showToast, Toast } from './ui/kit';
import { Login } from './screens/login';

/** The office screens are for desk work: they load (from the precache) on first use. */
function LazyOffice({ path }: { path: string }) {
  const [Shell, setShell] = useState<ComponentType<{ path: string }> | null>(null);
  useEffect(() => {
    void import('./office/shell').then((m) => setShell(() => m.default));
  }, []);
  return Shell ? <Shell path={path} /> : <div class="loading full" role="status"><span class="spinner" /></div>;
}

const RESIDENT_NAV: [string, Key, IconName][] = [
  ['/', 'nav_home', 'home'],
  ['/history', 'nav_history', 'history'],
  ['/card', 'nav_card', 'qr'],
  ['/map', 'nav_map', 'pin'],
  ['/passbook', 'nav_passbook', 'book'],
];
const VOLUNTEER_NAV: [string, Key, IconName][] = [
  ['/', 'nav_households', 'list'],
  ['/scan', 'nav_scan', 'scan'],
  ['/map', 'nav_map', 'pin'],
  ['/guide', 'nav_guide', 'search'],
  ['/outbox', 'nav_outbox', 'outbox'],
];

function Brand() {
  return <span class="brand" lang="th">ขยะ<span class="brand-en" lang="en"> · Khaya</span></span>;
}

function SyncPill() {
  useT();
  const { items, userId, syncing, online } = useStore(syncState);
  const mine = items.filter((i) => i.user_id === userId);
  const waiting = mine.filter((i) => i.status === 'waiting').length;
  const fix = mine.filter((i) => i.status === 'rejected').length;
  const label = fix ? t('sync_pill_fix', { n: fix }) : waiting ? t('sync_pill_waiting', { n: waiting }) : t('sync_pill_ok');
  return (
    <Link href="/outbox" class={`sync-pill ${fix ? 'fix' : waiting ? 'waiting' : 'ok'}${syncing ? ' syncing' : ''}`} data-testid="sync-pill">
      <Icon name={fix ? 'alert' : waiting ? 'outbox' : 'check'} size={18} />
      <span>{!online && `${t('offline')} · `}{label}</span>
    </Link>
  );
}

function ClockWarning() {
  const language = useStore(lang);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    const check = async () => {
      const clock = await getMeta('clock');
      if (!clock) return setMessage(null);
      // The phone's clock now earlier than the server's clock at the last answer: it is behind.
      if (Date.now() < clock.server_ms - 5 * 60_000) return setMessage(t('clock_behind', { when: formatDateTime(clock.server_ms) }));
      if (clock.offset_s !== null && clock.offset_s > 3600) return setMessage(t('clock_behind', { when: formatDateTime(clock.server_ms) }));
      if (clock.offset_s !== null && clock.offset_s < -3600) return setMessage(t('clock_ahead', { n: Math.round(-clock.offset_s / 3600) }));
      setMessage(null);
    };
    void check();
    const timer = window.setInterval(() => void check(), 60_000);
    const off = onEvent((e) => {
      if (e.type === 'synced') void check();
    });
    return () => {
      window.clearInterval(timer);
      off();
    };
  }, [language]);
  return message ? <Banner kind="warn" icon="alert"><span data-testid="clock-warning">{message}</span></Banner> : null;
}

/** The signed-in screens load on first use (from the precache once the app is installed), so
 * a first visit downloads only the shell and the sign-in screen. */
function LazyRoutes({ path, resident }: { path: string; resident: boolean }) {
  const [Routes, setRoutes] = useState<ComponentType<{ path: string; resident: boolean }> | null>(null);
  useEffect(() => {
    void import('./routes').then((m) => setRoutes(() => m.default));
  }, []);
  return Routes ? <Routes path={path} resident={resident} /> : <div class="loading" role="status"><span class="spinner" /></div>;
}

/** Reporting without an account (and following such a report): its own chunk, loaded only on
 * those paths, so the sign-in page stays as small as it was. */
function LazyPublicReports({ path }: { path: string }) {
  const [Screen, setScreen] = useState<ComponentType<{ path: string }> | null>(null);
  useEffect(() => {
    void import('./screens/public-report').then((m) => setScreen(() => m.default));
  }, []);
  return Screen ? <Screen path={path} /> : <div class="loading" role="status"><span class="spinner" /></div>;
}

export function App() {
  useT();
  const state = useStore(auth);
  const path = useStore(route);
  const update = useStore(updateAvailable);
  const offlineReady = useStore(readyOffline);

  useEffect(() => {
    if (offlineReady) showToast(t('ready_offline'), 'info');
  }, [offlineReady]);

  // Signing in (or opening the app) at a desk lands office users in the office; a phone stays
  // on the field screens, and an office user can switch either way later.
  const arrived = useRef(false);
  useEffect(() => {
    if (state.status !== 'signed_in' || !state.me) {
      if (state.status === 'signed_out') arrived.current = false;
      return;
    }
    if (arrived.current) return;
    arrived.current = true;
    if (route.get() === '/' && (officeOnly(state.me) || (officeUser(state.me) && onDesk()))) navigate('/office', true);
  }, [state.status, state.me]);

  const langButton = (
    <button type="button" class="lang-button" onClick={() => setLang(lang.get() === 'th' ? 'en' : 'th')} aria-label={t('lang_switch_label')} lang={lang.get() === 'th' ? 'en' : 'th'} data-testid="lang">
      <Icon name="globe" size={18} />{t('lang_short')}
    </button>
  );

  if (state.status === 'loading') return <div class="loading full"><span class="spinner" /></div>;
  if (state.status === 'signed_out') {
    const reporting = path === '/report' || path.startsWith('/report/track/');
    return (
      <>
        <header class="topbar"><Brand />{langButton}</header>
        <main id="main">{reporting ? <LazyPublicReports path={path} /> : <Login ended={state.ended} />}</main>
        <Toast />
      </>
    );
  }
  if (officeUser(state.me) && (path === '/office' || path.startsWith('/office/') || officeOnly(state.me))) {
    return <LazyOffice path={path.startsWith('/office') ? path : '/office'} />;
  }
  const resident = modeOf(state.me) === 'resident';
  const nav = resident ? RESIDENT_NAV : VOLUNTEER_NAV;
  const section = nav.slice(1).find(([href]) => path === href || path.startsWith(`${href}/`))?.[0] ?? '/';

  return (
    <>
      <a class="skip-link" href="#main">{t('nav_home')}</a>
      <header class="topbar">
        <Brand />
        <SyncPill />
        {langButton}
        {officeUser(state.me) && (
          <Link href="/office" class="icon-button" aria-label={t('o_open_office')} data-testid="open-office"><Icon name="list" /></Link>
        )}
        <Link href="/settings" class="icon-button" aria-label={t('nav_settings')}><Icon name="settings" /></Link>
      </header>
      <div class="banners">
        {update && (
          <Banner kind="info" icon="sync" extra="banner-update">
            <span data-testid="update-available">{t('update_available')}</span>{' '}
            <button type="button" class="button button-primary button-small" onClick={() => void applyUpdate()}>{t('update_now')}</button>
          </Banner>
        )}
      </div>
      <main id="main" tabIndex={-1}>
        <ClockWarning />
        <LazyRoutes path={path} resident={resident} />
      </main>
      <nav class="bottom-nav" aria-label={t('main_nav')}>
        {nav.map(([href, key, icon]) => (
          <Link key={href} href={href} class={section === href ? 'active' : ''} aria-current={section === href ? 'page' : undefined}>
            <Icon name={icon} />
            <span>{t(key)}</span>
          </Link>
        ))}
      </nav>
      <Toast />
    </>
  );
}
