/**
 * The resident's streak, badges and village standing, on the home screen below the log form.
 * The server counts them from the logs it holds (a log still in the outbox counts once sent);
 * the card is kept on the phone, so it shows offline. The standing is the village's among the
 * LGO's villages, never another household's.
 */
import { rewardsPath, type Rewards } from '../data';
import { formatDate, formatMonth, t, useT, type Key } from '../i18n';
import { useLoad } from '../load';
import { Icon } from '../ui/icons';
import { LoadState } from '../ui/kit';

function Standing({ village }: { village: NonNullable<Rewards['village']> }) {
  const month = formatMonth(village.period);
  if (village.rank === null || village.no_data) {
    return <p class="muted" data-testid="rw-village">{t('rw_village_none', { month })}</p>;
  }
  return (
    <div class="rw-village" data-testid="rw-village" data-rank={village.rank} data-ranked={village.ranked}>
      <Icon name="home" size={20} />
      <div>
        <div>{t('rw_village_rank', { rank: village.rank, n: village.ranked, month })}</div>
        {village.small_denominator && <div class="muted small">{t('rw_village_small')}</div>}
      </div>
    </div>
  );
}

export function RewardsCard({ householdId }: { householdId: number }) {
  useT();
  const rewards = useLoad<Rewards>(rewardsPath(householdId), { store: 'device' });
  return (
    <section class="card rw-card" aria-labelledby="rw-title" data-testid="rewards">
      <h2 id="rw-title"><Icon name="medal" />{t('rw_title')}</h2>
      <LoadState loaded={rewards}>
        {(r) => (
          <>
            <div class="rw-streak">
              <strong data-testid="rw-streak" data-current={r.streak.current}>
                {r.streak.current > 0 ? t('streak', { n: r.streak.current }) : t('streak_none')}
              </strong>
              <span class="muted small" data-testid="rw-best" data-best={r.streak.best}>
                {r.streak.best_ended_on ? t('rw_best_until', { n: r.streak.best, day: formatDate(r.streak.best_ended_on) }) : t('rw_best', { n: r.streak.best })}
                {' · '}{t('rw_logged_days', { n: r.logged_days })}
              </span>
            </div>
            <h3 class="rw-sub">{t('rw_badges')}</h3>
            {r.badges.length === 0 ? <p class="muted" data-testid="rw-no-badges">{t('rw_no_badges')}</p> : (
              <ul class="rw-badges">
                {r.badges.map((b) => (
                  <li key={b.badge} class={`rw-badge rw-${b.badge}`} data-testid="rw-badge" data-badge={b.badge} data-earned={b.earned_on}>
                    <span class="rw-medal" aria-hidden="true"><Icon name="medal" size={20} /></span>
                    <span class="rw-badge-text"><strong>{t(`badge_${b.badge}` as Key)}</strong><span class="muted small">{t('rw_earned_on', { day: formatDate(b.earned_on) })}</span></span>
                  </li>
                ))}
              </ul>
            )}
            {r.village && <Standing village={r.village} />}
          </>
        )}
      </LoadState>
    </section>
  );
}
