/**
 * Fill the phone's store with what its screens read, right after signing in and after each
 * sync, so they work offline even if the user never opened them while online (a resident's
 * household, its history, streak and badges, passbooks, village calendar and sorting guide).
 */
import { cachedGet, readCache, writeCache } from './cache';
import { calendarPath } from './calendar';
import {
  accountsOf, guidePath, householdsKey, loadAllMemberships, loadHouseholds, loadVillages, MEMBERSHIPS, passbookPath,
  rewardsPath, type Household, type Page,
} from './data';
import { modeOf, type Me } from './roles';

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
    const household = data.items[0];
    if (household) {
      await cachedGet(`households/${household.id}/logs?per_page=100`);
      // The home card's collection days, so they show offline after the first visit.
      await cachedGet(calendarPath(household.village_code)).catch(() => undefined);
      await cachedGet(rewardsPath(household.id)).catch(() => undefined);
    }
    // The sorting guide of the household's LGO, searched on the phone.
    await keepGuide(guidePath(me, household));
    await keepAccounts(me, true);
    return;
  }
  const villages = await loadVillages(me);
  await writeCache(`derived:villages:${me.user.id}`, villages);
  await writeCache(householdsKey(me), await loadHouseholds(villages.map((v) => v.code)));
  await keepGuide(guidePath(me));
  await keepAccounts(me, false);
}

/**
 * Keep the waste-bank accounts the phone may need offline: a resident's passbooks, and for a
 * volunteer every account of their villages, so a deposit can be weighed for a household never
 * opened online. LGO staff in the field load one household's at a time instead: their LGO's
 * whole membership is too much to carry.
 */
async function keepAccounts(me: Me, passbooks: boolean): Promise<void> {
  if (!me.permissions.includes('banks.read') || !(passbooks || me.roles.includes('volunteer'))) return;
  const data = await loadAllMemberships();
  await writeCache(MEMBERSHIPS, data);
  // One passbook that fails to load leaves the others to be kept.
  if (passbooks) await Promise.all(accountsOf(data).map((a) => cachedGet(passbookPath(a)).catch(() => undefined)));
}

// The guide changes little (its prices daily) and its screen asks again when it opens online:
// a sync need not fetch the whole guide again each time.
const GUIDE_FRESH_MS = 6 * 3600_000;

async function keepGuide(path: string): Promise<void> {
  const stored = await readCache(path);
  if (stored && Date.now() - stored.fetched_at < GUIDE_FRESH_MS) return;
  await cachedGet(path).catch(() => undefined);
}
