/** The LGO's sign-off of a month, on its report: confirm villages, submit, approve, send back. */
import { formatDateTime, nameOf, t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { Banner } from '../../ui/kit';
import { bangkokMonth, DownloadButton, Loaded } from '../lib';
import { LateNote, SendBack, StatePill, step, Steps, type Detail } from './parts';

/** The LGO's own view of a month's sign-off, on its report. */
export function SignoffPanel({ lgo, month }: { lgo: string; month: string }) {
  useT();
  const { me } = useStore(auth);
  const roles = me?.roles ?? [];
  const staff = roles.some((r) => r === 'lgo_staff' || r === 'lgo_admin' || r === 'admin');
  const admin = roles.includes('lgo_admin') || roles.includes('admin');
  const path = `approvals/${encodeURIComponent(lgo)}/${month}`;
  const fetched = useLoad<Detail>(/^\d{4}-\d{2}$/.test(month) ? path : null, { store: 'none' });
  if (!/^\d{4}-\d{2}$/.test(month)) return null;
  const over = month < bangkokMonth();
  return (
    <section class="approval-panel" data-testid="approval-panel">
      <h2>{t('ap_title')}</h2>
      <Loaded fetched={fetched}>
        {(d) => {
          const unconfirmed = d.confirm_villages && d.villages_confirmed < d.villages;
          return (
            <>
              <p><StatePill state={d.state} />{d.accepted_at && <span class="muted small"> {t('ap_accepted_at', { when: formatDateTime(Date.parse(d.accepted_at)) })}</span>}</p>
              {d.state === 'accepted' && (
                <div class="button-row export-row">
                  <DownloadButton path={`exports/dla-return.xlsx?month=${month}&lgo=${encodeURIComponent(lgo)}`} name="dla-return.xlsx" label={t('ap_dla_xlsx')} testid="dla-return-xlsx" />
                  <DownloadButton path={`exports/dla-return.pdf?month=${month}&lgo=${encodeURIComponent(lgo)}`} name="dla-return.pdf" label={t('ap_dla_pdf')} testid="dla-return-pdf" />
                </div>
              )}
              {d.returned_reason && <Banner kind="warn" icon="alert"><span data-testid="approval-returned">{t('ap_returned_because', { reason: d.returned_reason })}</span></Banner>}
              <LateNote late={d.late} />
              {!over && <p class="muted">{t('ap_month_running')}</p>}
              {over && d.confirm_villages && (
                <div class="approval-villages" data-testid="approval-villages">
                  <p class="muted small">{t('ap_villages_confirmed', { n: d.villages_confirmed, of: d.villages })}</p>
                  <ul>
                    {d.village_states.map((v) => (
                      <li key={v.code}>
                        {nameOf(v)} ({v.code}){' '}
                        {v.confirmed ? <span class="ok-text">{t('ap_confirmed')}</span>
                          : d.state === 'open' && staff && <button type="button" class="button button-small" onClick={() => void step(`${path}/villages/${v.code}`, 'confirm', fetched.reload)}>{t('ap_confirm')}</button>}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {over && (
                <div class="button-row">
                  {d.state === 'open' && staff && (
                    <button type="button" class="button button-primary" disabled={unconfirmed} onClick={() => void step(path, 'submit', fetched.reload)} data-testid="approval-submit">{t('ap_submit')}</button>
                  )}
                  {d.state === 'submitted' && admin && (
                    <button type="button" class="button button-primary" onClick={() => void step(path, 'approve', fetched.reload)} data-testid="approval-approve">{t('ap_approve')}</button>
                  )}
                </div>
              )}
              {d.state === 'submitted' && admin && <SendBack path={path} onDone={fetched.reload} />}
              <h3>{t('ap_steps')}</h3>
              <Steps steps={d.steps} />
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
