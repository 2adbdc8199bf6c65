/**
 * The schedule service's own reasons in the reader's language. The API gives schema messages in
 * Thai already; these (raised by the schedule rules themselves) come in English, so the form
 * reads them by how they start, as ui/password.tsx does. Anything else shows as it came.
 */
import { formatDate, lang, t, type Key } from '../../i18n';

const REASONS: [RegExp, Key][] = [
  [/^(\d{4}-\d{2}-\d{2}) is not a day of this schedule\./, 'sch_e_not_a_day'],
  [/^Each day is listed once\./, 'sch_e_listed_twice'],
  [/^An RRULE such as/, 'sch_e_rule'],
  [/^FREQ is DAILY, WEEKLY, MONTHLY or YEARLY\./, 'sch_e_rule'],
  [/^Not a recurrence rule/, 'sch_e_rule'],
  [/^The rule gives no day\./, 'sch_e_no_day'],
  [/^A drop-off schedule belongs to a collection point\./, 'sch_e_point_needed'],
  [/^The point does not take/, 'sch_e_point_stream'],
  [/^No such point of your LGO\./, 'sch_e_point_needed'],
  [/^No village \d+ in/, 'sch_e_village'],
  [/^Not before starts_on\./, 'sch_e_ends_on'],
  [/^After starts_at\./, 'sch_e_ends_at'],
];

export function reasonWords(message: string): string {
  if (lang.get() !== 'th') return message;
  for (const [pattern, key] of REASONS) {
    const m = pattern.exec(message);
    if (m) return t(key, { day: m[1] ? formatDate(m[1]) : '' });
  }
  return message;
}
