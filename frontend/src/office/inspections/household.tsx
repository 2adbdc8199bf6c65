/** A household's recent inspections on its office page, flagged ones decidable here too. */
import type { Inspection, Page as ApiPage } from '../../data';
import { formatDate, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Loaded } from '../lib';
import { Location, Result, ReviewForm } from './parts';

export function HouseholdInspections({ id, onChange }: { id: number; onChange: () => void }) {
  useT();
  const list = useLoad<ApiPage<Inspection>>(`households/${id}/inspections?per_page=5`, { store: 'none' });
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
