/**
 * The LGO's collection schedules: which stream is collected on which days, LGO-wide or in one
 * village, and the days drop-off points take a stream; each rule in words, with the cancelled
 * and moved days still to come. What residents see on their home card and in the calendar feed.
 */
import { useState } from 'preact/hooks';
import { localToday } from '../../../shared/util';
import { exceptionNote, timeRange, type Schedule } from '../../calendar';
import { formatDate, lang, nameOf, t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { streamIcon, streamName } from '../../streams';
import { Icon } from '../../ui/icons';
import { Banner } from '../../ui/kit';
import { Loaded, Page, useLgoVillages } from '../lib';
import { draftOf, ScheduleForm, type Draft } from './form';
import { ruleWords } from './rules';

function noteOf(s: Schedule): string {
  return (lang.get() === 'en' ? s.note_en || s.note_th : s.note_th) ?? '';
}

function period(s: Schedule): string {
  return s.ends_on ? `${formatDate(s.starts_on)} – ${formatDate(s.ends_on)}` : t('sch_since', { day: formatDate(s.starts_on) });
}

/** The cancelled and moved days still to come, soonest first. */
function Changes({ schedule, today }: { schedule: Schedule; today: string }) {
  const coming = schedule.exceptions.filter((e) => e.day >= today).sort((a, b) => a.day.localeCompare(b.day));
  if (!coming.length) return <>–</>;
  return (
    <ul class="plain-list changes-list">
      {coming.slice(0, 4).map((e) => {
        const note = exceptionNote(e);
        return (
          <li key={e.day} data-testid="schedule-change" data-day={e.day}>
            {e.moved_to ? t('sch_moved', { day: formatDate(e.day), to: formatDate(e.moved_to) }) : t('sch_cancelled', { day: formatDate(e.day) })}
            {note && <span class="muted"> ({note})</span>}
          </li>
        );
      })}
      {coming.length > 4 && <li class="muted">…</li>}
    </ul>
  );
}

export function Schedules() {
  useT();
  const list = useLoad<{ items: Schedule[] }>('schedules', { store: 'none' });
  const villages = useLgoVillages();
  const [draft, setDraft] = useState<Draft | null>(null);
  const today = localToday();
  const villageName = (code: string) => {
    const v = villages.data?.items.find((x) => x.code === code);
    return v ? nameOf(v) : code;
  };
  const where = (s: Schedule) =>
    s.kind === 'dropoff' ? `${t('sch_kind_dropoff')}: ${s.point_name_th ?? ''}` : s.village_code ? villageName(s.village_code) : t('sch_lgo_wide');

  return (
    <Page
      title={t('on_schedules')}
      tools={<button type="button" class="button button-primary button-small" onClick={() => setDraft(draftOf(null))} data-testid="schedule-new">{t('sch_new')}</button>}
    >
      <p class="office-intro">{t('sch_intro')}</p>
      {draft && (
        <ScheduleForm
          key={draft.id ?? 'new'}
          initial={draft}
          onDone={(changed) => {
            setDraft(null);
            if (changed) list.reload();
          }}
        />
      )}
      <Loaded fetched={list}>
        {(data) => data.items.length === 0 ? <Banner kind="info" icon="calendar">{t('sch_none')}</Banner> : (
          <div class="table-wrap">
            <table class="data-table schedules-table" data-testid="schedules-table">
              <thead>
                <tr>
                  <th scope="col">{t('sch_stream')}</th>
                  <th scope="col">{t('sch_where')}</th>
                  <th scope="col">{t('sch_days')}</th>
                  <th scope="col">{t('sch_time')}</th>
                  <th scope="col">{t('sch_period')}</th>
                  <th scope="col">{t('sch_changes')}</th>
                  <th scope="col"><span class="visually-hidden">{t('o_edit')}</span></th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((s) => (
                  <tr key={s.id} data-testid="schedule-row" data-id={s.id} data-stream={s.stream}>
                    <td><span class={`chip stream-${s.stream}`}><Icon name={streamIcon(s.stream)} size={16} />{streamName(s.stream)}</span></td>
                    <td>{where(s)}</td>
                    <td>
                      <span data-testid="schedule-words">{ruleWords(s.rule)}</span>
                      {noteOf(s) && <div class="muted small">{noteOf(s)}</div>}
                    </td>
                    <td>{timeRange(s) || t('sch_whole_day')}</td>
                    <td>{period(s)}</td>
                    <td><Changes schedule={s} today={today} /></td>
                    <td>
                      <button type="button" class="button button-quiet button-small" onClick={() => setDraft(draftOf(s))} data-testid="schedule-edit">
                        {t('o_edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </Page>
  );
}
