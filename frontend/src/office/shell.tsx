/**
 * The office: a wide-screen layout for LGO staff and the provincial office inside the same app
 * (same sign-in, same API client). A menu down the side, the page beside it; on a narrow
 * screen the menu folds above the page.
 */
import './register-strings';
import { useEffect } from 'preact/hooks';
import { lang, setLang, t, useT, type Key } from '../i18n';
import { Link, navigate } from '../router';
import { auth, isLgoOffice, isProvinceOffice, officeOnly, signOut } from '../session';
import { useStore } from '../store';
import { Icon, type IconName } from '../ui/icons';
import { Banner, Toast } from '../ui/kit';
import { PasswordForm } from '../ui/password';
import { lgoScreen, LGO_NAV } from './lgo';
import { provinceScreen, PROVINCE_NAV } from './province';

export default function OfficeShell({ path }: { path: string }) {
  useT();
  const { me } = useStore(auth);
  const lgo = isLgoOffice(me);
  const province = isProvinceOffice(me);
  const admin = Boolean(me?.roles.includes('lgo_admin') || me?.roles.includes('admin'));
  const nav: [string, Key, IconName][] = [
    ...(lgo ? LGO_NAV.filter(([href]) => admin || href !== '/office/audit') : []),
    // The monthly sign-off is the province's and its LGOs' work, not the national office's.
    // Onboarding a province is the system admins'.
    ...(province ? PROVINCE_NAV.filter(([href]) => (href !== '/office/signoff' || me?.permissions.includes('approvals.read'))
      && (href !== '/office/provinces/load' || me?.permissions.includes('areas.manage'))) : []),
  ];
  const home = nav[0]?.[0] ?? '/';

  useEffect(() => {
    if (path === '/office' || path === '/office/') navigate(home, true);
  }, [path, home]);

  const screen = path === '/office/password' ? <div class="office-narrow"><PasswordForm /></div>
    : (lgo ? lgoScreen(path, admin) : null) ?? (province ? provinceScreen(path) : null);
  const who = me?.user.display_name ?? '';
  return (
    <div class="office">
      <a class="skip-link" href="#main">{t('nav_home')}</a>
      <header class="office-bar">
        <span class="brand" lang="th">ขยะ<span class="brand-en" lang="en"> · Khaya</span> <span class="office-label">{t('o_office')}</span></span>
        <span class="office-who" data-testid="office-who">{who}</span>
        <button type="button" class="lang-button" onClick={() => setLang(lang.get() === 'th' ? 'en' : 'th')} aria-label={t('lang_switch_label')} data-testid="lang">
          <Icon name="globe" size={18} />{t('lang_short')}
        </button>
        <Link href="/office/password" class="lang-button" data-testid="office-password">{t('o_password')}</Link>
        <button type="button" class="lang-button" onClick={() => void signOut()} data-testid="sign-out">{t('o_sign_out')}</button>
      </header>
      <div class="office-body">
        <nav class="office-nav" aria-label={t('o_nav')}>
          {nav.map(([href, key, icon]) => {
            const on = path === href || path.startsWith(`${href}/`);
            return (
              <Link key={href} href={href} class={on ? 'active' : ''} aria-current={on ? 'page' : undefined}>
                <Icon name={icon} size={20} />
                <span>{t(key)}</span>
              </Link>
            );
          })}
          {!officeOnly(me) && (
            <Link href="/households" class="office-field-link"><Icon name="back" size={20} /><span>{t('o_field_app')}</span></Link>
          )}
        </nav>
        <main id="main" class="office-main" tabIndex={-1}>
          {screen ?? (path === '/office' || path === '/office/' ? null : (
            <Banner kind="warn" icon="alert"><span data-testid="office-denied">{nav.length ? t('o_not_found') : t('o_not_allowed')}</span></Banner>
          ))}
        </main>
      </div>
      <Toast />
    </div>
  );
}
