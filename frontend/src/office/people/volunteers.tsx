/** The LGO's volunteers: each one's coverage of their villages this month, and their village assignment. */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { formatDate, t, useT, villageName, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { auth } from '../../session';
import { useStore } from '../../store';
import { Banner, showToast } from '../../ui/kit';
import { addMonths, bangkokMonth, errorText, Loaded, Page, periodLabel, SortTable, useLgoVillages } from '../lib';

interface CoverageRow {
  user_id: number;
  display_name: string;
  volunteer_type: string;
  village_codes: string[];
  households: number;
  inspected: number;
  inspections_by_volunteer: number;
  overdue: number;
  last_inspection_on: string | null;
}

interface Coverage {
  month: string;
  lgo: string;
  rows: CoverageRow[];
  unassigned_villages: string[];
}

export function Volunteers({ admin }: { admin: boolean }) {
  useT();
  const { me } = useStore(auth);
  const lgo = me?.user.lgo_code ?? '';
  const [month, setMonth] = useState(bangkokMonth());
  const coverage = useLoad<Coverage>(lgo ? `volunteers/coverage?lgo=${encodeURIComponent(lgo)}&month=${month}` : null, { store: 'none' });
  const villages = useLgoVillages();
  const byCode = new Map((villages.data?.items ?? []).map((v) => [v.code, v]));
  const [editing, setEditing] = useState<CoverageRow | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const names = (codes: string[]) => codes.map((c) => villageName(byCode.get(c), c)).join(', ') || '–';

  return (
    <Page
      title={t('on_volunteers')}
      tools={
        <label class="field inline-field">
          <span>{t('vol_month')}</span>
          <select class="input" value={month} onChange={(e) => setMonth((e.target as HTMLSelectElement).value)} data-testid="coverage-month">
            {Array.from({ length: 12 }, (_, i) => addMonths(bangkokMonth(), -i)).map((m) => <option key={m} value={m}>{periodLabel(m)}</option>)}
          </select>
        </label>
      }
    >
      <Loaded fetched={coverage}>
        {(data) => (
          <>
            <SortTable
              rows={data.rows}
              rowKey={(r) => r.user_id}
              testid="coverage-table"
              initial={{ key: 'overdue', dir: 'desc' }}
              columns={[
                { key: 'name', label: t('vol_name'), value: (r) => r.display_name },
                { key: 'type', label: t('vol_type'), value: (r) => t(`vtype_${r.volunteer_type}` as Key) },
                {
                  key: 'villages', label: t('vol_villages'), value: (r) => names(r.village_codes),
                  render: (r) => (
                    <>
                      {names(r.village_codes)}
                      {admin && (
                        <>
                          {' '}
                          <button type="button" class="link-button" onClick={() => { setEditing(r); setChosen(r.village_codes); }} data-testid={`assign-${r.user_id}`}>{t('vol_assign')}</button>
                        </>
                      )}
                    </>
                  ),
                },
                { key: 'households', label: t('vol_households'), value: (r) => r.households, numeric: true },
                { key: 'inspected', label: t('vol_inspected'), value: (r) => r.inspected, numeric: true },
                { key: 'by', label: t('vol_by_volunteer'), value: (r) => r.inspections_by_volunteer, numeric: true },
                { key: 'overdue', label: t('vol_overdue'), value: (r) => r.overdue, numeric: true, render: (r) => <span class={r.overdue ? 'bad-text' : ''}>{r.overdue}</span> },
                { key: 'last', label: t('vol_last'), value: (r) => r.last_inspection_on, render: (r) => formatDate(r.last_inspection_on) },
              ]}
            />
            {data.unassigned_villages.length > 0 && (
              <Banner kind="warn" icon="alert">
                <strong>{t('vol_unassigned')}:</strong> <span data-testid="unassigned">{names(data.unassigned_villages)}</span>
              </Banner>
            )}
          </>
        )}
      </Loaded>
      {editing && (
        <form
          class="office-form assign-form"
          data-testid="assign-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api(`users/${editing.user_id}/volunteer`, { method: 'PUT', body: { volunteer_type: editing.volunteer_type, village_codes: chosen } });
              showToast(t('o_saved'));
              setEditing(null);
              coverage.reload();
            } catch (error) {
              showToast(errorText(error), 'warn');
            }
          }}
        >
          <h2>{t('vol_assign')}: {editing.display_name}</h2>
          <div class="check-grid">
            {(villages.data?.items ?? []).map((v) => (
              <label key={v.code} class="switch small">
                <input
                  type="checkbox"
                  value={v.code}
                  checked={chosen.includes(v.code)}
                  onChange={(ev) => setChosen((ev.target as HTMLInputElement).checked ? [...chosen, v.code] : chosen.filter((c) => c !== v.code))}
                />
                {villageName(v, v.code)}
              </label>
            ))}
          </div>
          <div class="button-row">
            <button type="submit" class="button button-primary">{t('o_save')}</button>
            <button type="button" class="button button-quiet" onClick={() => setEditing(null)}>{t('o_cancel')}</button>
          </div>
        </form>
      )}
    </Page>
  );
}
