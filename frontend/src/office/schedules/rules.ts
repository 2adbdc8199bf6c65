/**
 * Recurrence rules without typing RRULE: the form's common choices (every week, every other
 * week, the nth weekday of the month) to and from the RFC 5545 text the API keeps, and any rule
 * in words for the list. A rule the choices cannot show stays as text (the advanced field).
 */
import { lang, t, weekdayName, type Key } from '../../i18n';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Sunday = 0, as weekdayName counts. */
export const JS_DAY: Record<Weekday, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

/** The weeks of a month the form offers; -1 is the last. */
export const POSITIONS: [number, Key][] = [[1, 'sch_pos_1'], [2, 'sch_pos_2'], [3, 'sch_pos_3'], [4, 'sch_pos_4'], [-1, 'sch_pos_last']];

export type RuleMode = 'weekly' | 'biweekly' | 'monthly' | 'advanced';
export const MODES: [RuleMode, Key][] = [
  ['weekly', 'sch_mode_weekly'], ['biweekly', 'sch_mode_biweekly'], ['monthly', 'sch_mode_monthly'], ['advanced', 'sch_mode_advanced'],
];

export interface RuleDraft {
  mode: RuleMode;
  days: Weekday[];
  positions: number[];
  /** The raw RRULE (advanced). */
  text: string;
}

const byWeekday = (a: Weekday, b: Weekday) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b);
// 1, 2, 3, 4, then the last (-1) after them.
const byPosition = (a: number, b: number) => (a < 0 ? 100 - a : a) - (b < 0 ? 100 - b : b);

/** The RRULE a draft stands for ('' while it names no day). */
export function buildRule(d: RuleDraft): string {
  if (d.mode === 'advanced') return d.text.trim().toUpperCase().replace(/^RRULE:/, '');
  const days = [...d.days].sort(byWeekday);
  if (!days.length) return '';
  if (d.mode === 'weekly') return `FREQ=WEEKLY;BYDAY=${days.join(',')}`;
  if (d.mode === 'biweekly') return `FREQ=WEEKLY;INTERVAL=2;BYDAY=${days.join(',')}`;
  const positions = [...d.positions].sort(byPosition);
  if (!positions.length) return '';
  return `FREQ=MONTHLY;BYDAY=${positions.flatMap((p) => days.map((day) => `${p}${day}`)).join(',')}`;
}

function parts(rule: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const part of rule.trim().toUpperCase().replace(/^RRULE:/, '').split(';').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!name || !value || out.has(name)) return null;
    out.set(name, value);
  }
  return out.has('FREQ') ? out : null;
}

interface DaySpec {
  pos: number | null;
  day: Weekday;
}

function daySpecs(value: string | undefined): DaySpec[] | null {
  if (!value) return null;
  const specs: DaySpec[] = [];
  for (const item of value.split(',')) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!m) return null;
    specs.push({ pos: m[1] ? Number(m[1]) : null, day: m[2] as Weekday });
  }
  return specs;
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

/** The form's view of a rule: one of its choices when the rule is one, else the text. */
export function parseRule(rule: string): RuleDraft {
  const advanced: RuleDraft = { mode: 'advanced', days: [], positions: [], text: rule };
  const p = parts(rule);
  if (!p || [...p.keys()].some((k) => !['FREQ', 'INTERVAL', 'BYDAY'].includes(k))) return advanced;
  const specs = daySpecs(p.get('BYDAY'));
  if (!specs) return advanced;
  const interval = p.get('INTERVAL') ?? '1';
  const days = unique(specs.map((s) => s.day)).sort(byWeekday);
  if (p.get('FREQ') === 'WEEKLY' && specs.every((s) => s.pos === null)) {
    if (interval === '1') return { mode: 'weekly', days, positions: [], text: rule };
    if (interval === '2') return { mode: 'biweekly', days, positions: [], text: rule };
  }
  if (p.get('FREQ') === 'MONTHLY' && interval === '1' && specs.every((s) => s.pos !== null && POSITIONS.some(([n]) => n === s.pos))) {
    const positions = unique(specs.map((s) => s.pos!));
    // Only every chosen week with every chosen day: what the checkboxes can show.
    if (specs.length === positions.length * days.length) return { mode: 'monthly', days, positions, text: rule };
  }
  return advanced;
}

/** "A, B และ C" / "A, B and C"; a number after "และ" keeps its space ("1 และ 3"). */
function listWords(items: string[]): string {
  if (items.length < 2) return items[0] ?? '';
  const last = items[items.length - 1];
  const init = items.slice(0, -1).join(lang.get() === 'th' ? ' ' : ', ');
  if (lang.get() === 'en') return `${init} and ${last}`;
  return /^\d/.test(last) ? `${init} และ ${last}` : `${init} และ${last}`;
}

function ordinal(n: number): string {
  if (lang.get() === 'th') return String(n);
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "วันศุกร์ที่ 1 และ 3", "วันศุกร์สุดท้าย" / "1st and 3rd Friday", "last Friday". */
function nthWeekdays(day: Weekday, positions: number[]): string {
  const name = weekdayName(JS_DAY[day]);
  const counted = positions.filter((n) => n > 0).sort((a, b) => a - b).map(ordinal);
  const fromEnd = positions.filter((n) => n < 0).sort((a, b) => b - a);
  const words: string[] = [];
  if (counted.length) words.push(t('sch_r_nth', { day: name, n: listWords(counted) }));
  for (const n of fromEnd) words.push(n === -1 ? t('sch_r_last', { day: name }) : t('sch_r_from_last', { day: name, n: ordinal(-n) }));
  return listWords(words);
}

function capitalised(text: string): string {
  return lang.get() === 'en' ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** A rule in the reader's words: "ทุกวันจันทร์ และวันพฤหัสบดี", "วันศุกร์ที่ 1 และ 3 ของทุกเดือน";
 * a rule beyond these words as its text. */
export function ruleWords(rule: string): string {
  const p = parts(rule);
  if (!p || [...p.keys()].some((k) => !['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'WKST'].includes(k))) return rule;
  const n = Number(p.get('INTERVAL') ?? '1');
  const specs = p.has('BYDAY') ? daySpecs(p.get('BYDAY')) : [];
  if (!specs || !Number.isInteger(n) || n < 1) return rule;
  const monthDays = p.get('BYMONTHDAY')?.split(',') ?? [];
  if (monthDays.some((d) => !/^\d{1,2}$/.test(d))) return rule;
  switch (p.get('FREQ')) {
    case 'DAILY':
      if (specs.length || monthDays.length) return rule;
      return capitalised(n === 1 ? t('sch_r_daily') : t('sch_r_every_n_days', { n }));
    case 'WEEKLY': {
      if (!specs.length || monthDays.length || specs.some((s) => s.pos !== null)) return rule;
      const days = listWords(unique(specs.map((s) => s.day)).sort(byWeekday).map((d) => weekdayName(JS_DAY[d])));
      return capitalised(n === 1 ? t('sch_r_weekly', { days }) : t('sch_r_every_n_weeks', { n, days }));
    }
    case 'MONTHLY': {
      let days: string;
      if (monthDays.length && !specs.length) days = t('sch_r_monthday', { days: listWords(monthDays.map(Number).sort((a, b) => a - b).map(String)) });
      else if (specs.length && !monthDays.length && specs.every((s) => s.pos !== null && s.pos !== 0)) {
        const groups = unique(specs.map((s) => s.day)).sort(byWeekday);
        days = listWords(groups.map((day) => nthWeekdays(day, specs.filter((s) => s.day === day).map((s) => s.pos!))));
      } else return rule;
      return capitalised(n === 1 ? t('sch_r_monthly', { days }) : t('sch_r_every_n_months', { n, days }));
    }
    default:
      return rule;
  }
}
