/** Thai by default, English on request; dates in the Buddhist Era when the language is Thai. */
import { ApiError, OfflineError, setLanguage } from '../shared/api';
import { getMeta, setMeta } from '../shared/db';
import { store, useStore } from './store';
import type { th as officeTh } from './office/strings';
import type { th as provinceTh } from './office/province/strings';
import type { th as remindersTh } from './screens/reminders-strings';
import { en as baseEn, th as baseTh } from './strings';

export type Lang = 'th' | 'en';

/** Every string's key: the phone screens', the office's, the provincial dashboards' and the
 * reminders section's. */
export type Key = keyof typeof baseTh | keyof typeof officeTh | keyof typeof provinceTh | keyof typeof remindersTh;

/** The phone screens' strings; the office registers its own tables when its screens load, so
 * a phone never downloads them (this module only knows their keys' type). */
const DICTS: Record<Lang, Partial<Record<Key, string>>> = {
  th: { ...baseTh },
  en: { ...baseEn },
};

/** Add a feature's string tables (called by the module that owns them, when it loads). */
export function registerStrings(tables: Record<Lang, Record<string, string>>): void {
  Object.assign(DICTS.th, tables.th);
  Object.assign(DICTS.en, tables.en);
}

function initialLang(): Lang {
  try {
    return localStorage.getItem('khaya.lang') === 'en' ? 'en' : 'th';
  } catch {
    return 'th';
  }
}

export const lang = store<Lang>(initialLang());
setLanguage(lang.get());

/** Keep the choice where the service worker can read it, so its requests ask in it too. */
export async function rememberLang(): Promise<void> {
  try {
    const settings = await getMeta('settings');
    if (settings?.lang !== lang.get()) await setMeta('settings', { tile_url: null, ...settings, lang: lang.get() });
  } catch {
    // No IndexedDB (private mode): the worker asks in Thai.
  }
}

export function setLang(next: Lang): void {
  try {
    localStorage.setItem('khaya.lang', next);
  } catch {
    // Private mode: the choice lasts for this visit.
  }
  document.documentElement.lang = next;
  setLanguage(next);
  lang.set(next);
  void rememberLang();
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  let text = DICTS[lang.get()][key] ?? key;
  for (const [name, value] of Object.entries(vars)) text = text.replace(`{${name}}`, String(value));
  return text;
}

/** Re-render the calling component when the language changes; returns t. */
export function useT(): typeof t {
  useStore(lang);
  return t;
}

/** An area's (or a point's) name in the chosen language; English falls back to Thai. */
export function nameOf(area: { name_th: string; name_en?: string | null } | null | undefined): string {
  if (!area) return '';
  return lang.get() === 'en' ? area.name_en || area.name_th : area.name_th;
}

/** A village's name, or its code when the phone does not know the village. */
export function villageName(village: { name_th: string; name_en?: string | null } | undefined, code: string): string {
  return village ? nameOf(village) : code;
}

const TH_MONTHS = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Format an ISO date (YYYY-MM-DD): "25 พ.ย. 2569" in Thai (Buddhist Era), "25 Nov 2026" in English. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return t('never');
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return iso;
  return lang.get() === 'th' ? `${d} ${TH_MONTHS[m - 1]} ${y + 543}` : `${d} ${EN_MONTHS[m - 1]} ${y}`;
}

/** A month as the API names it ("2026-11"): "พ.ย. 2569" in Thai, "Nov 2026" in English. */
export function formatMonth(period: string): string {
  const [y, m] = period.split('-').map(Number);
  if (!y || !m || m > 12) return period;
  return lang.get() === 'th' ? `${TH_MONTHS[m - 1]} ${y + 543}` : `${EN_MONTHS[m - 1]} ${y}`;
}

const TH_WEEKDAYS = ['อาทิตย์', 'จันทร์', 'อังคาร', 'พุธ', 'พฤหัสบดี', 'ศุกร์', 'เสาร์'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A weekday's name, Sunday = 0 as Date.getUTCDay counts: "วันพฤหัสบดี" / "Thursday". */
export function weekdayName(day: number): string {
  return lang.get() === 'th' ? `วัน${TH_WEEKDAYS[day]}` : EN_WEEKDAYS[day];
}

/** An ISO date with its weekday: "วันพฤหัสบดี 5 มี.ค. 2569" / "Thursday 5 Mar 2026". */
export function formatDay(iso: string): string {
  const day = new Date(`${iso.slice(0, 10)}T00:00:00Z`).getUTCDay();
  return Number.isNaN(day) ? iso : `${weekdayName(day)} ${formatDate(iso)}`;
}

/** Format an instant in the phone's own time zone, with the Buddhist Era year in Thai. */
export function formatDateTime(ms: number): string {
  const when = new Date(ms);
  const iso = `${when.getFullYear()}-${String(when.getMonth() + 1).padStart(2, '0')}-${String(when.getDate()).padStart(2, '0')}`;
  const hm = `${String(when.getHours()).padStart(2, '0')}:${String(when.getMinutes()).padStart(2, '0')}`;
  return `${formatDate(iso)} ${hm}`;
}

export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * A phone number as Thai people write it: +66966781551 -> 096-678-1551 (mobiles 3-3-4),
 * +6653511234 -> 053-511-234, +6621234567 -> 02-123-4567. Masked numbers (09xxxxx551) are
 * grouped the same way; anything else is shown as it came.
 */
export function formatPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const national = phone.startsWith('+66') ? '0' + phone.slice(3) : phone;
  if (!/^0[0-9x]{8,9}$/.test(national)) return phone;
  if (national.length === 10) return `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
  if (national.startsWith('02')) return `${national.slice(0, 2)}-${national.slice(2, 5)}-${national.slice(5)}`;
  return `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
}

/**
 * What went wrong, in the reader's language: the server's message (it answers in the language
 * the app asked in), or the status when something between (a proxy) answered without Khaya's
 * envelope.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    // readError names a body without Khaya's envelope http_<status>.
    return error.code === `http_${error.status}` && error.body.code === undefined
      ? t('server_error_status', { status: error.status })
      : error.message;
  }
  if (error instanceof OfflineError) return t('no_connection');
  return String((error as Error)?.message ?? error);
}

/** A role's name in the reader's language (an unknown one as it came). */
export function roleName(role: string): string {
  const key = `role_${role}` as Key;
  const name = t(key);
  return name === key ? role : name;
}

export function formatBaht(n: number): string {
  return t('baht', { n: formatNumber(n, 2) });
}

export function formatDistance(metres: number): string {
  return metres >= 1000 ? t('km', { n: formatNumber(metres / 1000, 1) }) : t('m', { n: Math.round(metres) });
}
