/**
 * The LGO's review of flagged inspections: recorded far from the house, without GPS, or from a
 * mock location. A flagged pass verifies nothing (no sign, no figure) until someone here accepts
 * it; every decision carries a reason and lands in the household's audit trail. The same
 * decision form sits on a household's own page.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import type { Inspection, Page as ApiPage } from '../data';
import { formatDate, formatDateTime, formatDistance, formatNumber, roleName, t, useT, villageName, type Key } from '../i18n';
import { Link } from '../router';
import { Banner, showToast } from '../ui/kit';
import { errorText, Loaded, Page, Pager, useFetch, useLgoVillages } from './lib';

const FIVE = ['registered', 'bin_built', 'food_waste_in_bin', 'lid_closed', 'used_correctly'] as const;
const STATES = ['pending', 'accepted', 'rejected', 'all'] as const;
const FLAGS = ['far', 'no_location', 'mock_location'] as const;
const SUGGESTIONS: Key[] = ['rv_suggest_photo', 'rv_suggest_point', 'rv_suggest_signal', 'rv_suggest_not_there', 'rv_suggest_wrong_house'];

interface Person {
  id: number;
  display_name: string;
}

export interface ReviewItem extends Inspection {
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
  const [url, setUrl] = useState<string | null>(null);
  const [big, setBig] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    api<Response>(`photos/${id}`, { raw: true })
      .then((res) => res.blob())
      .then((blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => live && setUrl(''));
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id]);
  if (url === null) return <span class="spinner small" role="status" />;
  if (!url) return <span class="muted">{t('load_failed')}</span>;
  return (
    <button type="button" class={`photo-button${big ? ' big' : ''}`} onClick={() => setBig(!big)} aria-expanded={big}>
      <img src={url} alt={t('rv_photo_alt', { house })} />
    </button>
  );
}

/** The reason and the two buttons; one decision per inspection, then it is final. */
export function ReviewForm({ item, onDone }: { item: { id: number; passed: boolean }; onDone: () => void }) {
  useT();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const decide = async (decision: 'accept' | 'reject') => {
    if (!reason.trim()) {
      setProblem(t('rv_reason_needed'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await api(`inspections/${item.id}/review`, { method: 'POST', body: { decision, reason: reason.trim() } });
      showToast(decision === 'accept' ? t('rv_accepted_toast') : t('rv_rejected_toast'));
      onDone();
    } catch (error) {
      setProblem(errorText(error));
    }
    setBusy(false);
  };
  const list = `rv-reasons-${item.id}`;
  return (
    <form class="review-form" onSubmit={(e) => e.preventDefault()} data-testid="review-form">
      <label class="field">
        <span>{t('rv_reason')}</span>
        <input class="input" list={list} value={reason} maxLength={200} onInput={(e) => setReason((e.target as HTMLInputElement).value)} data-testid="review-reason" />
        <datalist id={list}>{SUGGESTIONS.map((k) => <option key={k} value={t(k)} />)}</datalist>
      </label>
      <div class="review-buttons">
        <button type="button" class="button button-primary button-small" disabled={busy} onClick={() => void decide('accept')} data-testid="review-accept">{t('rv_accept')}</button>
        <button type="button" class="button button-danger button-small" disabled={busy} onClick={() => void decide('reject')} data-testid="review-reject">{t('rv_reject')}</button>
      </div>
      {problem && <p class="bad-text" role="alert">{problem}</p>}
    </form>
  );
}

function Result({ item }: { item: Inspection }) {
  const failed = FIVE.filter((k) => !item[k]).map((k) => t(`q_${k}` as Key));
  return (
    <>
      <strong class={item.passed ? 'ok-text' : 'bad-text'}>{item.passed ? t('passed') : t('failed')}</strong>
      {failed.length > 0 && <div class="muted small">{t('rv_failed_points', { points: failed.join(', ') })}</div>}
      {item.wet_bin && <div class="muted small">{t('rv_confirmed', { a: t(`wet_bin_${item.wet_bin}` as Key) })}</div>}
    </>
  );
}

function Location({ item }: { item: Inspection & { superseded?: boolean } }) {
  return (
    <>
      <strong class="flag-text">
        {item.location_flag === 'far' && item.distance_m !== null
          ? t('rv_distance', { d: formatDistance(item.distance_m) })
          : t(`rv_flag_${item.location_flag}` as Key)}
      </strong>
      <div class="muted small">{item.gps_accuracy_m !== null ? t('rv_accuracy', { n: formatNumber(item.gps_accuracy_m) }) : t('rv_no_accuracy')}</div>
      {item.superseded && <div class="muted small" data-testid="superseded">{t('rv_superseded')}</div>}
    </>
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
  const queue = useFetch<ApiPage<ReviewItem>>(`inspections/reviews?${query}`);
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

/** A household's recent inspections on its office page, flagged ones decidable here too. */
export function HouseholdInspections({ id, onChange }: { id: number; onChange: () => void }) {
  useT();
  const list = useFetch<ApiPage<Inspection>>(`households/${id}/inspections?per_page=5`);
  const done = () => {
    list.reload();
    onChange();
  };
  return (
    <section class="household-inspections" data-testid="household-inspections">
      <h2>{t('rv_household')}</h2>
      <Loaded fetched={list}>
        {(page) => page.items.length === 0 ? <p class="muted">{t('rv_never')}</p> : (
          <ul class="plain-list">
            {page.items.map((item) => (
              <li key={item.id} data-testid="household-inspection" data-flag={item.location_flag ?? ''} data-review={item.review ?? ''}>
                <div><strong>{formatDate(item.inspected_on)}</strong> · <Result item={item} /></div>
                {item.location_flag && (
                  <div class="flag-block">
                    <Location item={item} />
                    {item.review === 'pending'
                      ? <ReviewForm item={item} onDone={done} />
                      : <div><strong>{t(`rv_state_${item.review}` as Key)}</strong> · {item.counted ? t('rv_counts') : t('rv_not_counted')}{item.review_reason && <> · {item.review_reason}</>}</div>}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
