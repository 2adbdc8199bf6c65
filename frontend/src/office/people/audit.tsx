/** Who looked at what: the audit log of one household (admins only). */
import { useState } from 'preact/hooks';
import type { Page as ApiPage } from '../../data';
import { formatDateTime, roleName, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { Loaded, Page } from '../lib';

interface AuditEvent {
  id: number;
  at: string;
  actor_id: number | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  entity: string;
  entity_id: string;
  endpoint: string | null;
  method: string | null;
  ip: string | null;
}

export function Audit({ initial }: { initial: string }) {
  useT();
  const [input, setInput] = useState(initial);
  const [household, setHousehold] = useState(initial);
  const events = useLoad<ApiPage<AuditEvent>>(/^\d+$/.test(household) ? `audit-events?entity=household&entity_id=${household}&per_page=100` : null, { store: 'none' });
  return (
    <Page title={t('on_audit')}>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setHousehold(input.trim());
          history.replaceState(null, '', `/office/audit?household=${encodeURIComponent(input.trim())}`);
        }}
      >
        <label class="field inline-field">
          <span>{t('aud_household')}</span>
          <input class="input" inputMode="numeric" value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} data-testid="audit-household" />
        </label>
        <button type="submit" class="button button-secondary button-small">{t('o_search')}</button>
      </form>
      {!household && <p class="muted">{t('aud_hint')}</p>}
      {household && (
        <p><Link href={`/office/households/${household}`}>{t('reg_edit')} #{household}</Link></p>
      )}
      {household && (
        <Loaded fetched={events}>
          {(data) => data.items.length === 0 ? <p class="empty">{t('aud_none')}</p> : (
            <div class="table-wrap">
              <table class="data-table" data-testid="audit-table">
                <thead>
                  <tr><th scope="col">{t('aud_when')}</th><th scope="col">{t('aud_who')}</th><th scope="col">{t('aud_role')}</th><th scope="col">{t('aud_action')}</th><th scope="col">{t('aud_what')}</th></tr>
                </thead>
                <tbody>
                  {data.items.map((e) => (
                    <tr key={e.id}>
                      <td>{formatDateTime(Date.parse(e.at))}</td>
                      <td>{e.actor_name ?? (e.actor_id === null ? '–' : `#${e.actor_id}`)}</td>
                      <td>{e.actor_role ? roleName(e.actor_role) : '–'}</td>
                      <td data-action={e.action}>{t(`aud_action_${e.action}` as Key)}</td>
                      <td>{e.method} {e.endpoint}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      )}
    </Page>
  );
}
