/**
 * Fill the phone's store with what its screens read, right after signing in and after each
 * sync, so they work offline even if the user never opened them while online.
 */
import { writeCache, cachedGet } from './cache';
import { householdsKey, loadHouseholds, loadVillages, type Household, type Page } from './data';
import { modeOf, type Me } from './session';

let running: Promise<void> | null = null;

export function prefetch(me: Me): Promise<void> {
  if (!navigator.onLine) return Promise.resolve();
  running ??= load(me)
    .catch(() => undefined)
    .finally(() => {
      running = null;
    });
  return running;
}

async function load(me: Me): Promise<void> {
  if (modeOf(me) === 'resident') {
    const { data } = await cachedGet<Page<Household>>('households');
    const id = data.items[0]?.id;
    if (id) await cachedGet(`households/${id}/logs?per_page=100`);
    return;
  }
  const villages = await loadVillages(me);
  await writeCache(`derived:villages:${me.user.id}`, villages);
  await writeCache(householdsKey(me), await loadHouseholds(villages.map((v) => v.code)));
}
