/** The LGO office: menu entries and the screen for each path under /office, from each feature's folder. */
import type { Key } from '../i18n';
import { match } from '../router';
import type { IconName } from '../ui/icons';
import { BankOffice, Banks } from './banks';
import { ReportQueue } from './citizen-reports';
import { Discounts } from './discounts';
import { GuideOffice } from './guide';
import { Hazardous } from './hazardous';
import { Reviews } from './inspections';
import { LgoMap } from './map';
import { Audit, Volunteers } from './people';
import { Points } from './points';
import { HouseholdOffice, ImportHouseholds, NewHousehold, PrintCards, Register } from './register';
import { Report } from './report';
import { Schedules } from './schedules';

/** The audit view is for admins only; the shell leaves it out of other menus. */
export const LGO_NAV: [string, Key, IconName][] = [
  ['/office/map', 'on_map', 'pin'],
  ['/office/households', 'on_register', 'list'],
  ['/office/inspections', 'on_reviews', 'gps'],
  ['/office/volunteers', 'on_volunteers', 'user'],
  ['/office/points', 'on_points', 'trash'],
  ['/office/schedules', 'on_schedules', 'calendar'],
  ['/office/guide', 'on_guide', 'leaf'],
  ['/office/banks', 'on_banks', 'book'],
  ['/office/hazardous', 'on_hazardous', 'battery'],
  ['/office/reports', 'on_citizen_reports', 'alert'],
  ['/office/report', 'on_report', 'clipboard'],
  ['/office/discounts', 'on_discounts', 'medal'],
  ['/office/audit', 'on_audit', 'history'],
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
  if (path === '/office/inspections') return <Reviews />;
  if (path === '/office/volunteers') return <Volunteers admin={admin} />;
  if (path === '/office/points') return <Points />;
  if (path === '/office/schedules') return <Schedules />;
  if (path === '/office/guide') return <GuideOffice />;
  if (path === '/office/discounts') return <Discounts admin={admin} />;
  if (path === '/office/banks') return <Banks />;
  if ((p = match('/office/banks/:id', path)) && /^\d+$/.test(p.id)) return <BankOffice id={Number(p.id)} />;
  if (path === '/office/hazardous') return <Hazardous />;
  if (path === '/office/report') return <Report />;
  if (path === '/office/reports') return <ReportQueue admin={admin} />;
  if (path === '/office/audit' && admin) return <Audit initial={new URLSearchParams(window.location.search).get('household') ?? ''} />;
  return null;
}
