/**
 * The LGO's sorting guide at a desk: every item of the province's guide with the LGO's changes
 * (which fields, or hidden), searched with the phone's own rules (guide-search.ts); each item's
 * change edited in a form or removed. Hidden items are those the LGO's guide leaves out.
 */
import { useMemo, useState } from 'preact/hooks';
import type { GuideItem } from '../../data';
import { entryOf, search } from '../../guide-search';
import { nameOf, t, useT, type Key } from '../../i18n';
import { useLoad, type LoadResult } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { streamIcon, streamName } from '../../streams';
import { Icon } from '../../ui/icons';
import { Banner } from '../../ui/kit';
import { Loaded, Page } from '../lib';
import { OverrideForm, placeName, type Row } from './form';

type Item = GuideItem & { overridden?: string[] };

const FIELD_WORDS: Record<string, Key> = {
  stream: 'gd_f_stream', where: 'gd_f_where', prepare_th: 'gd_f_prepare_th', prepare_en: 'gd_f_prepare_en', note_th: 'gd_f_note_th', note_en: 'gd_f_note_en',
};

function rowsOf(province: Item[], lgo: Item[]): Row[] {
  const own = new Map(lgo.map((i) => [i.key, i]));
  return province.map((base) => {
    const item = own.get(base.key);
    return { base, item: item ?? base, overridden: item?.overridden ?? [], hidden: !item };
  });
}

function State({ row }: { row: Row }) {
  useT();
  if (row.hidden) return <span class="chip chip-hidden" data-testid="guide-state" data-state="hidden">{t('gd_hidden')}</span>;
  if (!row.overridden.length) return <span class="muted" data-testid="guide-state" data-state="default">{t('gd_default')}</span>;
  const fields = row.overridden.map((f) => (FIELD_WORDS[f] ? t(FIELD_WORDS[f]) : f)).join(', ');
  return <span class="chip" data-testid="guide-state" data-state="changed">{t('gd_changed', { fields })}</span>;
}

export function GuideOffice() {
  useT();
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code ?? '';
  const province = useLoad<{ items: Item[] }>('guide', { store: 'none', keep: true });
  const own = useLoad<{ items: Item[] }>(lgo ? `guide?lgo=${encodeURIComponent(lgo)}` : null, { store: 'none' });
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const entries = useMemo(() => (province.data?.items ?? []).map(entryOf), [province.data]);

  const both: LoadResult<{ province: Item[]; lgo: Item[] }> = {
    ...own,
    error: province.error ?? own.error,
    data: province.data && own.data ? { province: province.data.items, lgo: own.data.items } : undefined,
    reload: () => { province.reload(); own.reload(); },
  };

  return (
    <Page title={t('on_guide')}>
      <p class="office-intro">{t('gd_intro')}</p>
      <Loaded fetched={both}>
        {(data) => {
          const rows = rowsOf(data.province, data.lgo);
          const found = query.trim() ? search(query, entries).map((m) => rows.find((r) => r.base.key === m.key)!).filter(Boolean) : rows;
          const open = rows.find((r) => r.base.key === editing);
          return (
            <>
              {open && (
                <OverrideForm key={open.base.key} row={open} onDone={(changed) => {
                  setEditing(null);
                  if (changed) own.reload();
                }} />
              )}
              <div class="filters">
                <label class="field inline-field">
                  <span>{t('gd_search')}</span>
                  <input class="input" type="search" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} data-testid="guide-search" />
                </label>
                <span class="muted">{t('gd_count', { n: found.length })}</span>
              </div>
              {found.length === 0 ? <Banner kind="info" icon="search">{t('gd_none')}</Banner> : (
                <div class="table-wrap">
                  <table class="data-table guide-table" data-testid="guide-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('gd_item')}</th>
                        <th scope="col">{t('gd_stream')}</th>
                        <th scope="col">{t('gd_where')}</th>
                        <th scope="col">{t('gd_state')}</th>
                        <th scope="col"><span class="visually-hidden">{t('o_edit')}</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      {found.map((r) => (
                        <tr key={r.base.key} data-testid="guide-row" data-key={r.base.key} class={r.hidden ? 'muted' : ''}>
                          <td>{nameOf(r.item)}</td>
                          <td><span class={`chip stream-${r.item.stream}`}><Icon name={streamIcon(r.item.stream)} size={16} />{streamName(r.item.stream)}</span></td>
                          <td>{placeName(r.item.where)}</td>
                          <td><State row={r} /></td>
                          <td>
                            <button type="button" class="button button-quiet button-small" onClick={() => setEditing(r.base.key)} data-testid="guide-edit">
                              {t('o_edit')}
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </Page>
  );
}
