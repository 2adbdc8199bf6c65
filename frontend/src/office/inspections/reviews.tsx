/**
 * The LGO's review of flagged inspections: recorded far from the house, without GPS, or from a
 * mock location. A flagged pass verifies nothing (no sign, no figure) until someone here accepts
 * it; every decision carries a reason and lands in the household's audit trail.
 */
import { useState } from 'preact/hooks';
import type { Inspection, Page as ApiPage } from '../../data';
import { formatDate, formatDateTime, roleName, t, useT, villageName, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { Banner } from '../../ui/kit';
import { Loaded, Page, Pager, useApiImage, useLgoVillages } from '../lib';
import { Location, Result, ReviewForm } from './parts';

const STATES = ['pending', 'accepted', 'rejected', 'all'] as const;
const FLAGS = ['far', 'no_location', 'mock_location'] as const;

interface Person {
  id: number;
  display_name: string;
}

interface ReviewItem extends Inspection {
  house_number: string;
  village_code: string;
  village_name_th: string;
  village_name_en: string | null;
  household_verified_on: string | null;
  superseded: boolean;
  photo_id: string | null;
  notes: string | null;
  recorded_role: string | null;
  received_at: string;
  reviewed_at: string | null;
  inspector: Person | null;
  reviewer: Person | null;
}

/** A photo behind the API's bearer token, shown from a local object URL. */
function Photo({ id, house }: { id: string; house: string }) {
  const url = useApiImage(`photos/${id}`);
  const [big, setBig] = useState(false);
  if (url === null) return <span class="spinner small" role="status" />;
  if (!url) return <span class="muted">{t('load_failed')}</span>;
  return (
    <button type="button" class={`photo-button${big ? ' big' : ''}`} onClick={() => setBig(!big)} aria-expanded={big}>
      <img src={url} alt={t('rv_photo_alt', { house })} />
    </button>
  );
}

function Decision({ item, onDone }: { item: ReviewItem; onDone: () => void }) {
  if (item.review === 'pending') return <ReviewForm item={item} onDone={onDone} />;
  return (
    <div data-testid="review-decided" data-review={item.review}>
      <strong class={item.review === 'accepted' ? 'ok-text' : 'bad-text'}>{t(`rv_state_${item.review}` as Key)}</strong>
      {' · '}{item.counted ? t('rv_counts') : t('rv_not_counted')}
      <div>{item.review_reason}</div>
      {item.reviewed_at && <div class="muted small">{t('rv_by', { who: item.reviewer?.display_name ?? '–', when: formatDateTime(Date.parse(item.reviewed_at)) })}</div>}
    </div>
  );
}

function ReviewTable({ items, onDone }: { items: ReviewItem[]; onDone: () => void }) {
  useT();
  return (
    <div class="table-wrap">
      <table class="data-table review-table" data-testid="review-table">
        <thead>
          <tr>
            <th scope="col">{t('rv_house')}</th>
            <th scope="col">{t('rv_inspected')}</th>
            <th scope="col">{t('rv_result')}</th>
            <th scope="col">{t('rv_location')}</th>
            <th scope="col">{t('rv_inspector')}</th>
            <th scope="col">{t('rv_photo')}</th>
            <th scope="col">{t('rv_decision')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-row={item.id} data-testid="review-row" data-flag={item.location_flag ?? ''} data-review={item.review ?? ''}>
              <td>
                <Link href={`/office/households/${item.household_id}`}><strong>{item.house_number}</strong></Link>
                <div class="muted small">{villageName({ name_th: item.village_name_th, name_en: item.village_name_en }, item.village_code)}</div>
              </td>
              <td>
                {formatDate(item.inspected_on)}
                <div class="muted small">{t('rv_received', { when: formatDateTime(Date.parse(item.received_at)) })}</div>
              </td>
              <td><Result item={item} /></td>
              <td><Location item={item} /></td>
              <td>
                {item.inspector?.display_name ?? '–'}
                {item.recorded_role && <div class="muted small">{roleName(item.recorded_role)}</div>}
              </td>
              <td>{item.photo_id ? <Photo id={item.photo_id} house={item.house_number} /> : <span class="muted">{t('rv_no_photo')}</span>}</td>
              <td class="decision-cell"><Decision item={item} onDone={onDone} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Reviews() {
  useT();
  const params = new URLSearchParams(window.location.search);
  const [state, setState] = useState<string>(params.get('state') ?? 'pending');
  const [flag, setFlag] = useState('');
  const [village, setVillage] = useState('');
  const [page, setPage] = useState(1);
  const villages = useLgoVillages();
  const query = new URLSearchParams({ state, page: String(page), per_page: '25', ...(flag ? { flag } : {}), ...(village ? { village } : {}) });
  const queue = useLoad<ApiPage<ReviewItem>>(`inspections/reviews?${query}`, { store: 'none' });
  return (
    <Page title={t('on_reviews')}>
      <p class="office-intro">{t('rv_intro')}</p>
      <div class="filters">
        <div class="segmented" role="group" aria-label={t('rv_state')} data-testid="review-states">
          {STATES.map((s) => (
            <button key={s} type="button" class={state === s ? 'on' : ''} aria-pressed={state === s} data-state={s} onClick={() => { setState(s); setPage(1); }}>
              {t(`rv_state_${s}` as Key)}
            </button>
          ))}
        </div>
        <label class="field inline-field">
          <span>{t('rv_flag')}</span>
          <select class="input" value={flag} onChange={(e) => { setFlag((e.target as HTMLSelectElement).value); setPage(1); }}>
            <option value="">{t('rv_flag_all')}</option>
            {FLAGS.map((f) => <option key={f} value={f}>{t(`rv_flag_${f}` as Key)}</option>)}
          </select>
        </label>
        <label class="field inline-field">
          <span>{t('o_village')}</span>
          <select class="input" value={village} onChange={(e) => { setVillage((e.target as HTMLSelectElement).value); setPage(1); }}>
            <option value="">{t('o_all')}</option>
            {(villages.data?.items ?? []).map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
          </select>
        </label>
      </div>
      <Loaded fetched={queue}>
        {(data) => (
          <>
            <p class="muted" data-testid="review-total">{state === 'pending' ? t('rv_waiting_n', { n: data.meta.total }) : t('o_count', { n: data.meta.total })}</p>
            {data.items.length === 0
              ? <Banner kind="ok" icon="check"><span data-testid="review-empty">{state === 'pending' ? t('rv_empty') : t('rv_none')}</span></Banner>
              : <ReviewTable items={data.items} onDone={queue.reload} />}
            <Pager meta={data.meta} onPage={setPage} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
