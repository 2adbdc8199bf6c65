/**
 * The resident's "collection days" card on the home screen: the next day of each stream, the
 * waste bank's next buying day and the nearest hazardous drop-off, from the village's public
 * calendar. Kept on the phone like every phone screen's data, so it shows offline; the days are
 * read against today's date, not the stored answer's, so a copy some days old still shows what
 * comes next.
 */
import type { ComponentChildren, JSX } from 'preact';
import { addDays, localToday } from '../../shared/util';
import {
  calendarPath, exceptionNote, feedUrls, nextDay, relativeDay, timeRange,
  type CalendarEntry, type ScheduleException, type VillageCalendar,
} from '../calendar';
import { formatDate, formatDay, formatDistance, lang, nameOf, t, useT } from '../i18n';
import { useLoad, type LoadResult } from '../load';
import { streamIcon, streamName } from '../streams';
import { Icon, type IconName } from '../ui/icons';
import { LoadState, showToast } from '../ui/kit';

interface StreamDay {
  stream: string;
  day: string;
  entry: CalendarEntry;
  changes: ScheduleException[];
}

/** Each stream's next day: an LGO may keep a stream in several schedules (Monday's, Thursday's). */
function streamDays(entries: CalendarEntry[], today: string): StreamDay[] {
  const best = new Map<string, StreamDay>();
  for (const entry of entries) {
    const day = nextDay(entry, today);
    if (!day) continue;
    const { stream } = entry.schedule;
    const changes = entry.changes.filter((c) => c.day >= today);
    const known = best.get(stream);
    if (!known) best.set(stream, { stream, day, entry, changes });
    else {
      known.changes.push(...changes);
      if (day < known.day) Object.assign(known, { day, entry });
    }
  }
  return [...best.values()].sort((a, b) => a.day.localeCompare(b.day) || a.stream.localeCompare(b.stream));
}

function changeText(c: ScheduleException): string {
  const text = c.moved_to ? t('cal_moved', { day: formatDate(c.day), to: formatDate(c.moved_to) }) : t('cal_cancelled', { day: formatDate(c.day) });
  const note = exceptionNote(c);
  return note ? `${text} (${note})` : text;
}

function Row({ icon, mark, title, day, today, time, testid, stream, children }: {
  icon: IconName;
  mark: string;
  title: string;
  day: string;
  today: string;
  time?: string;
  testid: string;
  stream?: string;
  children?: ComponentChildren;
}) {
  const soon = day <= today ? 'cal-soon cal-today' : day === addDays(today, 1) ? 'cal-soon' : 'cal-later';
  return (
    <li class="cal-row" data-testid={testid} data-stream={stream} data-next={day}>
      <span class={`cal-mark ${mark}`} aria-hidden="true"><Icon name={icon} size={20} /></span>
      <div class="cal-main">
        <div class="cal-what">
          <strong>{title}</strong>
          <span class={`cal-when-pill ${soon}`}>{relativeDay(day, today)}</span>
        </div>
        <div class="cal-day" data-testid="cal-day">{formatDay(day)}</div>
        {time && <div class="cal-time">{time}</div>}
        {children}
      </div>
    </li>
  );
}

function Subscribe({ villageCode }: { villageCode: string }) {
  const { webcal, https } = feedUrls(villageCode);
  return (
    <div class="cal-subscribe">
      <a class="button button-secondary" href={webcal} data-testid="cal-subscribe" data-feed={https}>
        <Icon name="calendar" size={20} />{t('cal_subscribe')}
      </a>
      <button
        type="button"
        class="link-button"
        data-testid="cal-copy"
        onClick={() => {
          void navigator.clipboard?.writeText(https).then(() => showToast(t('cal_copied')), () => undefined);
        }}
      >
        {t('cal_copy_link')}
      </button>
      <p class="muted small">{t('cal_subscribe_hint')}</p>
    </div>
  );
}

/** The village's calendar, kept on the phone (null: no household yet). */
export function useVillageCalendar(villageCode: string | null): LoadResult<VillageCalendar> {
  return useLoad<VillageCalendar>(villageCode ? calendarPath(villageCode) : null, { store: 'device' });
}

/** One line for the top of the home screen: the next collection, whatever the stream. */
export function NextCollection({ calendar }: { calendar: LoadResult<VillageCalendar> }) {
  useT();
  const today = localToday();
  const next = calendar.data ? streamDays(calendar.data.collections, today)[0] : undefined;
  if (!next) return null;
  const when = relativeDay(next.day, today);
  return (
    <div class="next-collection" data-testid="next-collection" data-stream={next.stream} data-next={next.day}>
      <Icon name="calendar" size={18} />
      <span>{t('cal_next', { what: streamName(next.stream), when: lang.get() === 'en' ? when.toLowerCase() : when })}</span>
    </div>
  );
}

export function CollectionDays({ villageCode, calendar }: { villageCode: string; calendar: LoadResult<VillageCalendar> }) {
  useT();
  const today = localToday();
  return (
    <section class="card cal-card" aria-labelledby="cal-title" data-testid="collection-days">
      <h2 id="cal-title"><Icon name="calendar" />{t('cal_title')}</h2>
      <LoadState loaded={calendar}>
        {(c) => {
          const streams = streamDays(c.collections, today);
          const bank = c.banks.map((b) => ({ bank: b, day: nextDay(b, today) })).find((b) => b.day);
          const dropoff = c.dropoffs
            .filter((d) => d.schedule.stream === 'hazardous')
            .map((entry) => ({ entry, day: nextDay(entry, today) }))
            .find((d) => d.day);
          // One list, soonest first: what comes next matters more than what kind it is.
          const rows: { day: string; row: JSX.Element }[] = streams.map((s) => ({
            day: s.day,
            row: (
              <Row key={s.stream} icon={streamIcon(s.stream)} mark={`stream-${s.stream}`} title={streamName(s.stream)} day={s.day}
                today={today} time={timeRange(s.entry.schedule)} testid="cal-collection" stream={s.stream}>
                {s.changes.slice(0, 2).map((change) => (
                  <div key={change.day} class="cal-change" data-testid="cal-change">{changeText(change)}</div>
                ))}
              </Row>
            ),
          }));
          if (bank?.day) {
            rows.push({
              day: bank.day,
              row: (
                <Row key="bank" icon="book" mark="cal-bank" title={t('cal_bank')} day={bank.day} today={today} testid="cal-bank">
                  <div class="muted small">{nameOf(bank.bank)}</div>
                </Row>
              ),
            });
          }
          if (dropoff?.day) {
            const { schedule, distance_m } = dropoff.entry;
            rows.push({
              day: dropoff.day,
              row: (
                <Row key="dropoff" icon="battery" mark="stream-hazardous" title={t('cal_dropoff')} day={dropoff.day} today={today}
                  time={timeRange(schedule)} testid="cal-dropoff" stream="hazardous">
                  <div class="muted small">
                    {schedule.point_name_th}
                    {distance_m !== null && <> · <span class="distance">{formatDistance(distance_m)}</span></>}
                  </div>
                </Row>
              ),
            });
          }
          if (!rows.length) return <p class="muted" data-testid="cal-none">{t('cal_none')}</p>;
          rows.sort((a, b) => a.day.localeCompare(b.day));
          return (
            <>
              <ul class="cal-list">{rows.map((r) => r.row)}</ul>
              <Subscribe villageCode={villageCode} />
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
