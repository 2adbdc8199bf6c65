/** Opening hours in words: a collection point's (points/) and a waste bank's buying days (banks/). */
import { formatDate, lang } from '../i18n';

const DAYS_TH = ['จ.', 'อ.', 'พ.', 'พฤ.', 'ศ.', 'ส.', 'อา.'];
const DAYS_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface Opening {
  weekly: { day: number; opens: string; closes: string }[];
  dates: string[];
}

/** Opening hours or buying days in words; a bank may have set none yet. */
export function openingText(o: Partial<Opening> | null | undefined): string {
  const days = lang.get() === 'th' ? DAYS_TH : DAYS_EN;
  const weekly = (o?.weekly ?? []).map((w) => `${days[w.day]} ${w.opens}–${w.closes}`);
  const all = o?.dates ?? [];
  const text = [...weekly, ...all.slice(0, 6).map(formatDate)].join(', ');
  return text ? text + (all.length > 6 ? ' …' : '') : '–';
}
