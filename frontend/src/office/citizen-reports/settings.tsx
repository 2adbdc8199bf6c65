/**
 * The LGO admin's choices about citizen reports: whether the public may report without an
 * account, what counts as a duplicate, and the apps allowed to post over Open311 (a key is shown
 * once, when the app is registered; Khaya keeps only its hash).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { formatDate, t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors } from '../lib';

interface Settings {
  lgo_code: string;
  public_reports: boolean;
  duplicate_metres: number;
  duplicate_days: number;
}

interface App {
  id: number;
  name: string;
  key_hint: string;
  active: boolean;
  created_at: string;
}

export function ReportSettings({ lgo }: { lgo: string }) {
  useT();
  const settings = useLoad<Settings>(`reports/settings?lgo=${encodeURIComponent(lgo)}`, { store: 'none' });
  const apps = useLoad<{ items: App[] }>('reports/apps', { store: 'none' });
  const [draft, setDraft] = useState<Settings | null>(null);
  const [name, setName] = useState('');
  const [key, setKey] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  useEffect(() => setDraft(settings.data ?? null), [settings.data]);

  async function save(event: Event) {
    event.preventDefault();
    if (!draft) return;
    try {
      await api('reports/settings', { method: 'PUT', body: draft });
      showToast(t('o_saved'));
      setErrors(undefined);
      settings.reload();
    } catch (error) {
      setErrors(formErrors(error));
    }
  }

  async function register(event: Event) {
    event.preventDefault();
    try {
      const made = await api<{ api_key: string }>('reports/apps', { method: 'POST', body: { name: name.trim(), lgo_code: lgo } });
      setKey(made.api_key);
      setName('');
      apps.reload();
    } catch (error) {
      setErrors(formErrors(error));
    }
  }

  async function retire(id: number) {
    await api(`reports/apps/${id}`, { method: 'DELETE' });
    apps.reload();
  }

  return (
    <details class="card report-settings" data-testid="report-settings">
      <summary><strong>{t('rq_settings')}</strong></summary>
      {draft && (
        <form class="office-form" onSubmit={save}>
          <label class="switch small">
            <input type="checkbox" name="public_reports" checked={draft.public_reports}
              onChange={(e) => setDraft({ ...draft, public_reports: (e.currentTarget as HTMLInputElement).checked })} />
            {t('rq_public_reports')}
          </label>
          <div class="button-row">
            <label class="field"><span>{t('rq_dup_metres')}</span>
              <input class="input" type="number" name="duplicate_metres" min={5} max={1000} value={draft.duplicate_metres}
                onInput={(e) => setDraft({ ...draft, duplicate_metres: Number((e.currentTarget as HTMLInputElement).value) })} />
            </label>
            <label class="field"><span>{t('rq_dup_days')}</span>
              <input class="input" type="number" name="duplicate_days" min={1} max={90} value={draft.duplicate_days}
                onInput={(e) => setDraft({ ...draft, duplicate_days: Number((e.currentTarget as HTMLInputElement).value) })} />
            </label>
          </div>
          <button type="submit" class="button button-primary button-small" data-testid="report-settings-save">{t('o_save')}</button>
        </form>
      )}
      <h3>{t('rq_apps')}</h3>
      <p class="muted small">{t('rq_apps_hint')}</p>
      <ul class="rows">
        {(apps.data?.items ?? []).map((a) => (
          <li key={a.id} class="row" data-testid="report-app">
            <span>{a.name} · {a.key_hint}… · {formatDate(a.created_at.slice(0, 10))}{a.active ? '' : ` · ${t('rq_app_retired')}`}</span>
            {a.active && <button type="button" class="button button-quiet button-small" onClick={() => void retire(a.id)}>{t('rq_app_retire')}</button>}
          </li>
        ))}
      </ul>
      <form class="button-row" onSubmit={register}>
        <input class="input" name="app_name" aria-label={t('rq_app_name')} placeholder={t('rq_app_name')} value={name} maxLength={200}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="button button-secondary button-small" disabled={!name.trim()} data-testid="report-app-register">{t('rq_app_register')}</button>
      </form>
      {key && <Banner kind="info" icon="alert"><span data-testid="report-app-key">{t('rq_app_key', { key })}</span></Banner>}
      {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
    </details>
  );
}
