/**
 * Collection calendars as the API gives them: the LGO's schedules (office) and a village's
 * calendar (the resident's home card), and the few rules both read them by.
 */
import { API } from '../shared/api';
import { addDays } from '../shared/util';
import { lang, t } from './i18n';

export type ScheduleKind = 'collection' | 'dropoff';

export interface ScheduleException {
  day: string;
  /** Where the day moved; null: cancelled. */
  moved_to: string | null;
  note_th: string | null;
  note_en: string | null;
}

export interface Schedule {
  id: number;
  lgo_code: string;
  /** null: every village of the LGO without a schedule of its own. */
  village_code: string | null;
  point_id: number | null;
  point_name_th: string | null;
  kind: ScheduleKind;
  stream: string;
  /** An RFC 5545 RRULE without DTSTART, UNTIL or COUNT: FREQ=WEEKLY;BYDAY=MO,TH. */
  rule: string;
  starts_on: string;
  ends_on: string | null;
  starts_at: string | null;
  ends_at: string | null;
  exceptions: ScheduleException[];
  note_th: string | null;
  note_en: string | null;
  updated_at: string;
}

export interface CalendarEntry {
  schedule: Schedule;
  next: string | null;
  upcoming: string[];
  /** Exceptions still to come. */
  changes: ScheduleException[];
  /** Metres from the village (drop-off points); null for collections. */
  distance_m: number | null;
}

export interface VillageCalendar {
  village_code: string;
  village_name_th: string;
  village_name_en: string;
  lgo_code: string;
  today: string;
  collections: CalendarEntry[];
  dropoffs: CalendarEntry[];
  banks: { id: number; name_th: string; name_en: string | null; village_code: string | null; next: string | null }[];
}

export function calendarPath(villageCode: string): string {
  return `villages/${encodeURIComponent(villageCode)}/calendar`;
}

/** The feed a phone's calendar subscribes to: webcal:// makes iOS, macOS and Outlook (and
 * Android apps such as ICSx⁵) offer a subscription instead of a one-off import. */
export function feedUrls(villageCode: string): { webcal: string; https: string } {
  const https = `${window.location.origin}${API}/${calendarPath(villageCode)}.ics`;
  return { https, webcal: https.replace(/^https?:/, 'webcal:') };
}

/**
 * The next day from ``today`` on. A stored answer may be days old (the phone was offline), so
 * its ``next`` may have passed: the later days it listed stand in.
 */
export function nextDay(entry: { next: string | null; upcoming?: string[] }, today: string): string | null {
  const days = [...(entry.next ? [entry.next] : []), ...(entry.upcoming ?? [])];
  return days.filter((d) => d >= today).sort()[0] ?? null;
}

/** "06:00–09:00 น." / "06:00–09:00"; "from 06:00"; '' when the schedule has no times. */
export function timeRange(s: { starts_at: string | null; ends_at: string | null }): string {
  if (s.starts_at && s.ends_at) return t('cal_time_range', { from: s.starts_at, to: s.ends_at });
  if (s.starts_at) return t('cal_time_from', { from: s.starts_at });
  if (s.ends_at) return t('cal_time_until', { to: s.ends_at });
  return '';
}

/** How far a day is: "วันนี้", "พรุ่งนี้", "อีก 3 วัน". */
export function relativeDay(day: string, today: string): string {
  if (day === today) return t('today');
  if (day === addDays(today, 1)) return t('cal_tomorrow');
  const n = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  return t('cal_in_days', { n });
}

/** An exception's note in the reader's language (English falls back to Thai). */
export function exceptionNote(e: ScheduleException): string {
  return (lang.get() === 'en' ? e.note_en || e.note_th : e.note_th) ?? '';
}
