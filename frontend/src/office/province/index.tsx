/** The provincial office's dashboards: routes and menu entries (league, map, trends, compare). */
import type { Key } from '../../i18n';
import { t, useT } from '../../i18n';
import type { IconName } from '../../ui/icons';
import { Page } from '../lib';

export const PROVINCE_NAV: [string, Key, IconName][] = [
  ['/office/league', 'op_league', 'list'],
];

/** The screen for a path under /office, or null when the path is not a provincial one. */
export function provinceScreen(path: string) {
  if (path === '/office/league') return <League />;
  return null;
}

function League() {
  useT();
  return <Page title={t('op_league')}><p class="muted">…</p></Page>;
}
