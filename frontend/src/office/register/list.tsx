/** The household register: search by house, head or phone, filter by village, page through. */
import { useState } from 'preact/hooks';
import type { Household, Page as ApiPage } from '../../data';
import { formatDate, formatPhone, t, useT, villageName, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { Loaded, Page, Pager, useLgoVillages } from '../lib';

function statusText(h: Household): string {
  return h.active ? t('reg_active') : t('reg_inactive');
}

export function Register() {
  useT();
  const villages = useLgoVillages();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [village, setVillage] = useState('');
  const [inactive, setInactive] = useState(false);
  const [page, setPage] = useState(1);
  const params = new URLSearchParams({ per_page: '50', page: String(page) });
  if (query) params.set('q', query);
  if (village) params.set('village', village);
  if (inactive) params.set('active', 'false');
  const list = useLoad<ApiPage<Household>>(`households?${params}`, { store: 'none' });
  const byCode = new Map((villages.data?.items ?? []).map((v) => [v.code, v]));

  return (
    <Page
      title={t('on_register')}
      tools={
        <>
          <Link href="/office/households/new" class="button button-primary button-small" data-testid="register-add">{t('reg_add')}</Link>
          <Link href="/office/households/import" class="button button-quiet button-small">{t('reg_import')}</Link>
          <Link href="/office/households/print" class="button button-quiet button-small" data-testid="register-print">{t('reg_print')}</Link>
        </>
      }
    >
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setQuery(q.trim());
        }}
      >
        <label class="field inline-field">
          <span>{t('o_search')}</span>
          <input class="input" type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} placeholder={t('reg_search_hint')} data-testid="register-search" />
        </label>
        <label class="field inline-field">
          <span>{t('o_village')}</span>
          <select class="input" value={village} onChange={(e) => { setPage(1); setVillage((e.target as HTMLSelectElement).value); }}>
            <option value="">{t('o_all')}</option>
            {(villages.data?.items ?? []).map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
          </select>
        </label>
        <label class="switch small">
          <input type="checkbox" checked={inactive} onChange={(e) => { setPage(1); setInactive((e.target as HTMLInputElement).checked); }} />
          {t('reg_show_inactive')}
        </label>
        <button type="submit" class="button button-secondary button-small">{t('o_search')}</button>
      </form>
      <Loaded fetched={list}>
        {(data) => (
          <>
            <p class="muted small" data-testid="register-total">{t('o_count', { n: data.meta.total })}</p>
            <div class="table-wrap">
              <table class="data-table" data-testid="register-table">
                <thead>
                  <tr>
                    <th scope="col">{t('reg_house_no')}</th>
                    <th scope="col">{t('o_village')}</th>
                    <th scope="col">{t('reg_head')}</th>
                    <th scope="col">{t('reg_phone')}</th>
                    <th scope="col" class="num">{t('reg_members')}</th>
                    <th scope="col">{t('reg_wet_bin')}</th>
                    <th scope="col">{t('reg_last_log')}</th>
                    <th scope="col">{t('reg_verified')}</th>
                    <th scope="col">{t('reg_status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((h) => (
                    <tr key={h.id} data-row={h.id}>
                      <td><Link href={`/office/households/${h.id}`}>{h.house_number}</Link></td>
                      <td>{villageName(byCode.get(h.village_code), h.village_code)}</td>
                      <td>{h.head_name ?? '–'}</td>
                      <td>{h.phone ? formatPhone(h.phone) : '–'}</td>
                      <td class="num">{h.members}</td>
                      <td>{t(`bin_${h.wet_bin}` as Key)}</td>
                      <td>{formatDate(h.last_log_on)}</td>
                      <td>{h.verified_on ? formatDate(h.verified_on) : '–'}</td>
                      <td>{statusText(h)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager meta={data.meta} onPage={setPage} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
