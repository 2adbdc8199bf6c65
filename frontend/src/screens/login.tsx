/** Signing in with a phone number (any usual Thai spelling) or a username. */
import { useState } from 'preact/hooks';
import { ApiError, OfflineError } from '../../shared/api';
import { errorMessage, t, useT } from '../i18n';
import { Link } from '../router';
import { signIn } from '../session';
import { askPersistentStorage } from '../settings';
import { useStore } from '../store';
import { syncState } from '../sync';
import { Icon } from '../ui/icons';
import { Banner } from '../ui/kit';

export function Login({ ended }: { ended?: boolean }) {
  useT();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { items } = useStore(syncState);
  const unsent = items.filter((i) => i.status !== 'sent').length;

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn(login.trim(), password);
      // Asked once signed in: the browser grants it more readily to an app in use.
      void askPersistentStorage();
    } catch (error) {
      if (error instanceof OfflineError) setProblem(t('login_offline'));
      else if (error instanceof ApiError && error.code === 'login_throttled') {
        // The body's wait is the throttle's own; the header may be a rate limit's longer window.
        const wait = typeof error.body.retry_after === 'number' ? error.body.retry_after : (error.retryAfter ?? 60);
        setProblem(wait < 60 ? t('login_throttled_s', { s: wait }) : t('login_throttled_min', { min: Math.ceil(wait / 60) }));
      }
      else if (error instanceof ApiError && error.status === 429) setProblem(t('login_slow_down'));
      else if (error instanceof ApiError && error.status === 403) setProblem(t('login_disabled'));
      else if (error instanceof ApiError && error.status === 401) setProblem(t('login_wrong'));
      else setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login">
      <div class="brand-block">
        <img src="/icons/icon.svg" alt="" width={72} height={72} />
        <h1>{t('app_name')}</h1>
        <p class="muted">{t('app_tagline')}</p>
      </div>
      {ended && <Banner kind="warn" icon="alert">{t('session_ended')}</Banner>}
      {unsent > 0 && <Banner kind="info" icon="outbox">{t('waiting_for_you', { n: unsent })}</Banner>}
      <form class="card" onSubmit={submit}>
        <h2>{t('login_title')}</h2>
        <label class="field">
          <span>{t('login_name')}</span>
          <input class="input" name="login" autocomplete="username" inputMode="text" required value={login}
            onInput={(e) => setLogin((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span>{t('password')}</span>
          <input class="input" name="password" type="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        </label>
        {problem && <Banner kind="error" icon="alert">{problem}</Banner>}
        <button type="submit" class="button button-primary button-big" disabled={busy} data-testid="login-submit">
          <Icon name="user" />{t('login_button')}
        </button>
      </form>
      <p class="login-alt"><Link href="/report" data-testid="public-report-link"><Icon name="alert" size={18} /> {t('report_public_link')}</Link></p>
    </div>
  );
}
