/** The LGO office: menu entries and the screen for each path under /office. */
import type { Key } from '../i18n';
import { match } from '../router';
import type { IconName } from '../ui/icons';
import { LgoMap } from './lgo-map';
import { HouseholdOffice, ImportHouseholds, NewHousehold, PrintCards, Register } from './register';

export const LGO_NAV: [string, Key, IconName][] = [
  ['/office/map', 'on_map', 'pin'],
  ['/office/households', 'on_register', 'list'],
];

/** The screen for a path, or null when the path is not one of the LGO's. */
export function lgoScreen(path: string, admin: boolean) {
  let p: Record<string, string> | null;
  if (path === '/office/map') return <LgoMap />;
  if (path === '/office/households') return <Register />;
  if (path === '/office/households/new') return <NewHousehold />;
  if (path === '/office/households/import') return <ImportHouseholds />;
  if (path === '/office/households/print') return <PrintCards />;
  if ((p = match('/office/households/:id', path)) && /^\d+$/.test(p.id)) return <HouseholdOffice id={Number(p.id)} admin={admin} />;
  return null;
}
