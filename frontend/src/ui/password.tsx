/** Changing one's own password, on the phone's settings and in the office: the server's reasons
 * for refusing one (too common, built from one's own name or phone...) in the reader's language. */
import { useState } from 'preact/hooks';
import { api, ApiError, OfflineError } from '../../shared/api';
import { errorMessage, t, useT, type Key } from '../i18n';
import { Icon } from './icons';
import { Banner, showToast } from './kit';

// The API's field errors, by how they start; anything else is shown as sent.
const REASONS: [string, Key][] = [
  ['Too easy to guess: it is one of the most common', 'pw_common'],
  ['Too easy to guess: it contains your name', 'pw_personal'],
  ['Too easy to guess: repeated', 'pw_regular'],
  ['Too easy to guess: a few unrelated words', 'pw_weak'],
  ['Length must be between', 'pw_short'],
  ['Wrong password', 'pw_wrong_current'],
  ['Choose a different password', 'pw_same'],
];

function reason(message: string): string {
  const known = REASONS.find(([start]) => message.startsWith(start));
  return known ? t(known[1]) : message;
}

type Errors = { current_password?: string[]; new_password?: string[] };

function fieldErrors(error: ApiError): Errors {
  // Schema errors come under "json"; the service's own under the field names.
  const raw = (error.errors.json ?? error.errors) as Record<string, unknown>;
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
  return { current_password: list(raw.current_password), new_password: list(raw.new_password) };
}

export function PasswordForm() {
  useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      await api('me/password', { method: 'POST', body: { current_password: current, new_password: next } });
      setCurrent('');
      setNext('');
      showToast(t('pw_saved'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) setErrors(fieldErrors(error));
      else if (error instanceof OfflineError) setProblem(t('pw_offline'));
      else setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card" onSubmit={submit} data-testid="password-form">
      <h2><Icon name="user" /> {t('pw_title')}</h2>
      <label class="field">
        <span>{t('pw_current')}</span>
        <input class="input" type="password" autocomplete="current-password" required value={current}
          aria-invalid={errors.current_password ? 'true' : undefined} aria-describedby="pw-current-error" data-testid="pw-current"
          onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} />
        {errors.current_password && <span id="pw-current-error" class="field-error" role="alert">{errors.current_password.map(reason).join(' ')}</span>}
      </label>
      <label class="field">
        <span>{t('pw_new')}</span>
        <input class="input" type="password" autocomplete="new-password" required minLength={8} value={next}
          aria-invalid={errors.new_password ? 'true' : undefined} aria-describedby="pw-new-hint pw-new-error" data-testid="pw-new"
          onInput={(e) => setNext((e.currentTarget as HTMLInputElement).value)} />
        <span id="pw-new-hint" class="muted small">{t('pw_hint')}</span>
        {errors.new_password && <span id="pw-new-error" class="field-error" role="alert" data-testid="pw-new-error">{errors.new_password.map(reason).join(' ')}</span>}
      </label>
      {problem && <Banner kind="error" icon="alert">{problem}</Banner>}
      <button type="submit" class="button button-primary" disabled={busy} data-testid="pw-save">{t('pw_save')}</button>
    </form>
  );
}
