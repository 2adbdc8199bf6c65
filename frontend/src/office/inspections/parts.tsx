/**
 * What the review queue and a household's page both show of a flagged inspection: its result,
 * where it was recorded, and the form that decides it (a reason and accept or reject; one
 * decision per inspection, then it is final).
 */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import type { Inspection } from '../../data';
import { formatDistance, formatNumber, t, useT, type Key } from '../../i18n';
import { showToast } from '../../ui/kit';
import { errorText } from '../lib';

const FIVE = ['registered', 'bin_built', 'food_waste_in_bin', 'lid_closed', 'used_correctly'] as const;

const SUGGESTIONS: Key[] = ['rv_suggest_photo', 'rv_suggest_point', 'rv_suggest_signal', 'rv_suggest_not_there', 'rv_suggest_wrong_house'];

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

export function Result({ item }: { item: Inspection }) {
  const failed = FIVE.filter((k) => !item[k]).map((k) => t(`q_${k}` as Key));
  return (
    <>
      <strong class={item.passed ? 'ok-text' : 'bad-text'}>{item.passed ? t('passed') : t('failed')}</strong>
      {failed.length > 0 && <div class="muted small">{t('rv_failed_points', { points: failed.join(', ') })}</div>}
      {item.wet_bin && <div class="muted small">{t('rv_confirmed', { a: t(`wet_bin_${item.wet_bin}` as Key) })}</div>}
    </>
  );
}

export function Location({ item }: { item: Inspection & { superseded?: boolean } }) {
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
