/** The provincial office's dashboards: routes and menu entries (league, map, trends, compare). */
import type { Key } from '../../i18n';
import type { IconName } from '../../ui/icons';
import { SignoffScreen } from '../signoff';
import { ChoroplethScreen } from './choropleth';
import { CompareScreen } from './compare';
import { LeagueScreen } from './league';
import { OnboardScreen } from './onboard';
import './province.css';
import { TrendsScreen } from './trends';

export const PROVINCE_NAV: [string, Key, IconName][] = [
  ['/office/league', 'op_league', 'list'],
  ['/office/choropleth', 'op_choropleth', 'pin'],
  ['/office/trends', 'op_trends', 'history'],
  ['/office/compare', 'op_compare', 'scale'],
  ['/office/signoff', 'op_signoff', 'clipboard'],
  ['/office/provinces/load', 'op_onboard', 'outbox'],
];

function under(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** The screen for a path under /office, or null when the path is not a provincial one. */
export function provinceScreen(path: string) {
  if (under(path, '/office/league')) return <LeagueScreen path={path} />;
  if (under(path, '/office/choropleth')) return <ChoroplethScreen path={path} />;
  if (path === '/office/trends') return <TrendsScreen />;
  if (path === '/office/compare') return <CompareScreen />;
  if (path === '/office/signoff') return <SignoffScreen />;
  if (path === '/office/provinces/load') return <OnboardScreen />;
  return null;
}
