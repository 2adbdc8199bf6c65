/** Settings: language, reminders, base map, storage, version, and signing out without losing
 * the outbox. */
import { useEffect, useState } from 'preact/hooks';
import { lang, roleName, setLang, t, useT } from '../i18n';
import { navigate } from '../router';
import { auth, signOut } from '../session';
import { askPersistentStorage, setBaseMap, storageStatus, tileUrl, type StorageStatus } from '../settings';
import { useStore } from '../store';
import { syncState } from '../sync';
import { Icon } from '../ui/icons';
import { Banner, Screen } from '../ui/kit';
import { PasswordForm } from '../ui/password';
import { downloadUnsent } from './outbox';
import { Reminders } from './reminders';

export function Settings() {
  useT();
  const { me, session } = useStore(auth);
  const { items, userId } = useStore(syncState);
  const unsent = items.filter((i) => i.status !== 'sent' && i.user_id === userId).length;
  const [confirming, setConfirming] = useState(false);
  const [storage, setStorage] = useState<StorageStatus | null>(null);
  const [baseMap, setBaseMapState] = useState(true);

  useEffect(() => {
    void storageStatus().then(setStorage);
    void tileUrl().then((url) => setBaseMapState(url !== ''));
  }, []);

  async function leave() {
    await signOut();
    navigate('/', true);
  }

  return (
    <Screen title={t('settings_title')} back="/">
      <section class="card">
        <p class="muted">{t('signed_in_as')}</p>
        <p><strong>{me?.user.display_name ?? session?.display_name}</strong></p>
        <p class="muted" data-testid="roles">{me?.roles.map(roleName).join(', ')}</p>
      </section>
      <section class="card">
        <h2><Icon name="globe" /> ภาษา · Language</h2>
        <div class="segmented" role="group">
          <button type="button" class={lang.get() === 'th' ? 'on' : ''} aria-pressed={lang.get() === 'th'} onClick={() => setLang('th')} lang="th">ไทย</button>
          <button type="button" class={lang.get() === 'en' ? 'on' : ''} aria-pressed={lang.get() === 'en'} onClick={() => setLang('en')} lang="en">English</button>
        </div>
      </section>
      {me && <Reminders userId={me.user.id} resident={me.roles.includes('resident')} volunteer={Boolean(me.user.volunteer?.village_codes.length)} />}
      <section class="card">
        <h2>{t('storage')}</h2>
        {storage && (
          <p class={storage.persisted ? 'ok-text' : 'muted'} data-testid="storage-state">
            {storage.persisted ? t('storage_persisted') : t('storage_not_persisted')}
            {storage.usage !== null && ` · ${(storage.usage / 1048576).toFixed(1)} MB`}
          </p>
        )}
        {storage && !storage.persisted && (
          <button type="button" class="button button-secondary" onClick={() => void askPersistentStorage().then(() => storageStatus()).then(setStorage)}>
            {t('storage_ask')}
          </button>
        )}
      </section>
      <section class="card">
        <label class="switch">
          <input type="checkbox" checked={baseMap} onChange={() => { setBaseMapState(!baseMap); void setBaseMap(!baseMap); }} />
          <span>{t('tiles')}</span>
        </label>
        <p class="muted small">{t('tiles_hint')}</p>
      </section>
      <PasswordForm />
      <p class="muted">{t('version')} {__APP_VERSION__}</p>
      {!confirming ? (
        <button type="button" class="button button-danger button-big" data-testid="logout" onClick={() => (unsent ? setConfirming(true) : void leave())}>
          {t('logout')}
        </button>
      ) : (
        <div class="card" role="alertdialog" aria-labelledby="logout-warning" ref={(el) => el?.scrollIntoView({ block: 'center' })}>
          <Banner kind="warn" icon="alert"><span id="logout-warning">{t('logout_unsent', { n: unsent })}</span></Banner>
          <div class="button-col">
            <button type="button" class="button button-primary" onClick={() => void downloadUnsent(userId ?? undefined)}><Icon name="download" />{t('outbox_export')}</button>
            <button type="button" class="button button-danger" data-testid="logout-anyway" onClick={() => void leave()}>{t('logout_anyway')}</button>
            <button type="button" class="button button-quiet" onClick={() => setConfirming(false)}>{t('cancel')}</button>
          </div>
        </div>
      )}
    </Screen>
  );
}
