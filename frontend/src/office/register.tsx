/**
 * The household register for LGO staff: search, add, edit (a clash with someone else's edit is
 * shown as both versions), deactivate, import a CSV with its row report, print a village's QR
 * card sheet and signs.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../shared/api';
import type { Household, HouseholdDetail, Page as ApiPage, Village } from '../data';
import { formatDate, formatPhone, t, useT, villageName, type Key } from '../i18n';
import { Link, navigate } from '../router';
import { Banner, Reasons, showToast } from '../ui/kit';
import { HouseholdInspections } from './inspections';
import { DownloadButton, errorText, formErrors, Loaded, Page, Pager, useFetch, useLgoVillages } from './lib';

export const OCCUPANCY = ['occupied', 'vacant'] as const;
export const WET_BIN = ['has_bin', 'communal', 'no_space', 'none'] as const;

/** The villages of the signed-in user's LGO, in code order. */
// ---------- the form ----------

export interface FormValues {
  village_code: string;
  house_number: string;
  head_name: string;
  phone: string;
  members: string;
  occupancy: string;
  wet_bin: string;
  lon: string;
  lat: string;
}

export function valuesOf(h: Partial<HouseholdDetail> | undefined, village = ''): FormValues {
  return {
    village_code: h?.village_code ?? village,
    house_number: h?.house_number ?? '',
    head_name: h?.head_name ?? '',
    phone: h?.phone ?? '',
    members: String(h?.members ?? 1),
    occupancy: h?.occupancy ?? 'occupied',
    wet_bin: h?.wet_bin ?? 'none',
    lon: h?.point ? String(h.point.coordinates[0]) : '',
    lat: h?.point ? String(h.point.coordinates[1]) : '',
  };
}

function bodyOf(v: FormValues, creating: boolean): Record<string, unknown> {
  const point = v.lon.trim() && v.lat.trim()
    ? { type: 'Point', coordinates: [Number(v.lon), Number(v.lat)] }
    : null;
  const body: Record<string, unknown> = {
    house_number: v.house_number.trim(),
    head_name: v.head_name.trim() || null,
    phone: v.phone.trim() || null,
    members: Number(v.members),
    occupancy: v.occupancy,
    wet_bin: v.wet_bin,
    point,
  };
  if (creating) body.village_code = v.village_code;
  return body;
}

/** The form to add or edit one household; the parent decides what saving means. */
export function HouseholdForm({ values, onChange, villages, creating, busy, onSubmit, onCancel, errors }: {
  values: FormValues;
  onChange: (v: FormValues) => void;
  villages: Village[];
  creating: boolean;
  busy: boolean;
  onSubmit: () => void;
  onCancel?: () => void;
  errors?: Record<string, unknown>;
}) {
  useT();
  const set = (name: keyof FormValues) => (e: Event) => onChange({ ...values, [name]: (e.target as HTMLInputElement).value });
  return (
    <form
      class="office-form"
      data-testid="household-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div class="form-grid">
        <label class="field">
          <span>{t('o_village')}</span>
          <select class="input" name="village_code" value={values.village_code} onChange={set('village_code')} disabled={!creating} required>
            <option value="">{t('reg_choose_village')}</option>
            {villages.map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
          </select>
        </label>
        <label class="field">
          <span>{t('reg_house_no')}</span>
          <input class="input" name="house_number" value={values.house_number} onInput={set('house_number')} required maxLength={20} />
        </label>
        <label class="field">
          <span>{t('reg_head')}</span>
          <input class="input" name="head_name" value={values.head_name} onInput={set('head_name')} maxLength={200} autoComplete="off" />
        </label>
        <label class="field">
          <span>{t('reg_phone')}</span>
          <input class="input" name="phone" type="tel" value={values.phone} onInput={set('phone')} autoComplete="off" />
        </label>
        <label class="field">
          <span>{t('reg_members')}</span>
          <input class="input" name="members" type="number" min={0} max={60} value={values.members} onInput={set('members')} />
        </label>
        <label class="field">
          <span>{t('reg_occupancy')}</span>
          <select class="input" name="occupancy" value={values.occupancy} onChange={set('occupancy')}>
            {OCCUPANCY.map((o) => <option key={o} value={o}>{t(`occ_${o}` as Key)}</option>)}
          </select>
        </label>
        <label class="field">
          <span>{t('reg_wet_bin')}</span>
          <select class="input" name="wet_bin" value={values.wet_bin} onChange={set('wet_bin')}>
            {WET_BIN.map((o) => <option key={o} value={o}>{t(`bin_${o}` as Key)}</option>)}
          </select>
        </label>
        <fieldset class="field point-field">
          <legend>{t('reg_point')}</legend>
          <input class="input" name="lon" inputMode="decimal" value={values.lon} onInput={set('lon')} aria-label="longitude" placeholder="99.01" />
          <input class="input" name="lat" inputMode="decimal" value={values.lat} onInput={set('lat')} aria-label="latitude" placeholder="18.58" />
        </fieldset>
      </div>
      {errors && Object.keys(errors).length > 0 && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
      <div class="button-row">
        <button type="submit" class="button button-primary" disabled={busy} data-testid="household-save">{t('o_save')}</button>
        {onCancel && <button type="button" class="button button-quiet" onClick={onCancel}>{t('o_cancel')}</button>}
      </div>
    </form>
  );
}

/** Register a household; resolves with it, or shows why not. */
export async function createHousehold(values: FormValues): Promise<HouseholdDetail> {
  return api<HouseholdDetail>('households', { method: 'POST', body: bodyOf(values, true) });
}

// ---------- the list ----------

function statusText(h: Household): string {
  return h.active ? t('reg_active') : t('reg_inactive');
}

export function Register() {
  useT();
  const villages = useLgoVillages();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [village, setVillage] = useState('');
  const [inactive, setInactive] = useState(false);
  const [page, setPage] = useState(1);
  const params = new URLSearchParams({ per_page: '50', page: String(page) });
  if (query) params.set('q', query);
  if (village) params.set('village', village);
  if (inactive) params.set('active', 'false');
  const list = useFetch<ApiPage<Household>>(`households?${params}`);
  const byCode = new Map((villages.data?.items ?? []).map((v) => [v.code, v]));

  return (
    <Page
      title={t('on_register')}
      tools={
        <>
          <Link href="/office/households/new" class="button button-primary button-small" data-testid="register-add">{t('reg_add')}</Link>
          <Link href="/office/households/import" class="button button-quiet button-small">{t('reg_import')}</Link>
          <Link href="/office/households/print" class="button button-quiet button-small" data-testid="register-print">{t('reg_print')}</Link>
        </>
      }
    >
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setQuery(q.trim());
        }}
      >
        <label class="field inline-field">
          <span>{t('o_search')}</span>
          <input class="input" type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} placeholder={t('reg_search_hint')} data-testid="register-search" />
        </label>
        <label class="field inline-field">
          <span>{t('o_village')}</span>
          <select class="input" value={village} onChange={(e) => { setPage(1); setVillage((e.target as HTMLSelectElement).value); }}>
            <option value="">{t('o_all')}</option>
            {(villages.data?.items ?? []).map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
          </select>
        </label>
        <label class="switch small">
          <input type="checkbox" checked={inactive} onChange={(e) => { setPage(1); setInactive((e.target as HTMLInputElement).checked); }} />
          {t('reg_show_inactive')}
        </label>
        <button type="submit" class="button button-secondary button-small">{t('o_search')}</button>
      </form>
      <Loaded fetched={list}>
        {(data) => (
          <>
            <p class="muted small" data-testid="register-total">{t('o_count', { n: data.meta.total })}</p>
            <div class="table-wrap">
              <table class="data-table" data-testid="register-table">
                <thead>
                  <tr>
                    <th scope="col">{t('reg_house_no')}</th>
                    <th scope="col">{t('o_village')}</th>
                    <th scope="col">{t('reg_head')}</th>
                    <th scope="col">{t('reg_phone')}</th>
                    <th scope="col" class="num">{t('reg_members')}</th>
                    <th scope="col">{t('reg_wet_bin')}</th>
                    <th scope="col">{t('reg_last_log')}</th>
                    <th scope="col">{t('reg_verified')}</th>
                    <th scope="col">{t('reg_status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((h) => (
                    <tr key={h.id} data-row={h.id}>
                      <td><Link href={`/office/households/${h.id}`}>{h.house_number}</Link></td>
                      <td>{villageName(byCode.get(h.village_code), h.village_code)}</td>
                      <td>{h.head_name ?? '–'}</td>
                      <td>{h.phone ? formatPhone(h.phone) : '–'}</td>
                      <td class="num">{h.members}</td>
                      <td>{t(`bin_${h.wet_bin}` as Key)}</td>
                      <td>{formatDate(h.last_log_on)}</td>
                      <td>{h.verified_on ? formatDate(h.verified_on) : '–'}</td>
                      <td>{statusText(h)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager meta={data.meta} onPage={setPage} />
          </>
        )}
      </Loaded>
    </Page>
  );
}

// ---------- add ----------

export function NewHousehold() {
  useT();
  const villages = useLgoVillages();
  const [values, setValues] = useState(valuesOf(undefined));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  return (
    <Page title={t('reg_new')}>
      <Loaded fetched={villages}>
        {(vs) => (
          <HouseholdForm
            values={values}
            onChange={setValues}
            villages={vs.items}
            creating
            busy={busy}
            errors={errors}
            onCancel={() => navigate('/office/households')}
            onSubmit={async () => {
              setBusy(true);
              try {
                const h = await createHousehold(values);
                showToast(t('reg_created', { house: h.house_number }));
                navigate(`/office/households/${h.id}`, true);
              } catch (error) {
                setErrors(formErrors(error));
              }
              setBusy(false);
            }}
          />
        )}
      </Loaded>
    </Page>
  );
}

// ---------- one household: edit, conflicts, deactivate ----------

const COMPARED: [keyof FormValues, Key][] = [
  ['house_number', 'reg_house_no'],
  ['head_name', 'reg_head'],
  ['phone', 'reg_phone'],
  ['members', 'reg_members'],
  ['occupancy', 'reg_occupancy'],
  ['wet_bin', 'reg_wet_bin'],
  ['lon', 'reg_point'],
  ['lat', 'reg_point'],
];

function shown(name: keyof FormValues, value: string): string {
  if (!value) return '–';
  if (name === 'occupancy') return t(`occ_${value}` as Key);
  if (name === 'wet_bin') return t(`bin_${value}` as Key);
  return value;
}

/** Both versions side by side, the fields that differ marked. */
function Conflict({ theirs, yours, onKeepTheirs, onKeepYours }: { theirs: FormValues; yours: FormValues; onKeepTheirs: () => void; onKeepYours: () => void }) {
  useT();
  return (
    <div class="conflict" data-testid="conflict">
      <Banner kind="warn" icon="alert"><strong>{t('reg_conflict')}</strong><br />{t('reg_conflict_help')}</Banner>
      <table class="data-table">
        <thead>
          <tr><th scope="col" /><th scope="col">{t('reg_conflict_theirs')}</th><th scope="col">{t('reg_conflict_yours')}</th></tr>
        </thead>
        <tbody>
          {COMPARED.map(([name, key]) => {
            const differs = theirs[name] !== yours[name];
            return (
              <tr key={name} class={differs ? 'differs' : ''} data-field={name}>
                <th scope="row">{t(key)}{name === 'lon' ? ' (lon)' : name === 'lat' ? ' (lat)' : ''}</th>
                <td data-testid={`theirs-${name}`}>{shown(name, theirs[name])}</td>
                <td data-testid={`yours-${name}`}>{shown(name, yours[name])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="button-row">
        <button type="button" class="button button-quiet" onClick={onKeepTheirs} data-testid="keep-theirs">{t('reg_conflict_keep_theirs')}</button>
        <button type="button" class="button button-primary" onClick={onKeepYours} data-testid="keep-yours">{t('reg_conflict_keep_yours')}</button>
      </div>
    </div>
  );
}

export function HouseholdOffice({ id, admin }: { id: number; admin: boolean }) {
  useT();
  const household = useFetch<HouseholdDetail>(`households/${id}`);
  const villages = useLgoVillages();
  const [values, setValues] = useState<FormValues | null>(null);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  const [conflict, setConflict] = useState<{ theirs: HouseholdDetail; yours: FormValues } | null>(null);
  const [reason, setReason] = useState('');

  useEffect(() => {
    if (household.data) {
      setValues(valuesOf(household.data));
      setVersion(household.data.version);
    }
  }, [household.data]);

  const save = async (v: FormValues, onVersion: number) => {
    setBusy(true);
    setErrors(undefined);
    try {
      const saved = await api<HouseholdDetail>(`households/${id}`, { method: 'PATCH', body: { ...bodyOf(v, false), version: onVersion } });
      setConflict(null);
      setValues(valuesOf(saved));
      setVersion(saved.version);
      showToast(t('o_saved'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.body.current) {
        setConflict({ theirs: error.body.current as HouseholdDetail, yours: v });
      } else setErrors(formErrors(error));
    }
    setBusy(false);
  };

  return (
    <Page title={t('reg_edit')} tools={<Link href="/office/households" class="button button-quiet button-small">{t('back')}</Link>}>
      <Loaded fetched={household}>
        {(h) => (
          <div class="office-split">
            <div>
              {!h.active && <Banner kind="warn" icon="alert">{t('reg_inactive')}: {h.deactivation_reason} ({formatDate(h.deactivated_on ?? null)})</Banner>}
              {conflict ? (
                <Conflict
                  theirs={valuesOf(conflict.theirs)}
                  yours={conflict.yours}
                  onKeepTheirs={() => {
                    setValues(valuesOf(conflict.theirs));
                    setVersion(conflict.theirs.version);
                    setConflict(null);
                  }}
                  onKeepYours={() => void save(conflict.yours, conflict.theirs.version)}
                />
              ) : values && (
                <HouseholdForm
                  values={values}
                  onChange={setValues}
                  villages={villages.data?.items ?? []}
                  creating={false}
                  busy={busy}
                  errors={errors}
                  onSubmit={() => void save(values, version)}
                />
              )}
            </div>
            <aside class="office-side">
              <dl class="facts">
                <dt>{t('reg_last_log')}</dt><dd>{formatDate(h.last_log_on)}</dd>
                <dt>{t('reg_last_inspected')}</dt><dd>{formatDate(h.last_inspected_on)}</dd>
                <dt>{t('reg_verified')}</dt><dd data-testid="office-verified">{h.verified_on ? formatDate(h.verified_on) : '–'}</dd>
              </dl>
              <HouseholdInspections id={id} onChange={household.reload} />
              <div class="button-col">
                <DownloadButton path={`households/${id}/export.pdf`} name={`household-${id}.pdf`} label={t('reg_export_pdpa')} />
                {admin && <Link href={`/office/audit?household=${id}`} class="button button-quiet button-small">{t('reg_history')}</Link>}
              </div>
              {h.active && (
                <form
                  class="deactivate"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    try {
                      await api(`households/${id}/deactivate`, { method: 'POST', body: { reason: reason.trim() } });
                      showToast(t('reg_deactivated'));
                      household.reload();
                    } catch (error) {
                      showToast(errorText(error), 'warn');
                    }
                  }}
                >
                  <h2>{t('reg_deactivate')}</h2>
                  <label class="field">
                    <span>{t('reg_deactivate_reason')}</span>
                    <input class="input" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} required maxLength={200} data-testid="deactivate-reason" />
                  </label>
                  <button type="submit" class="button button-danger button-small" data-testid="deactivate">{t('reg_deactivate')}</button>
                </form>
              )}
            </aside>
          </div>
        )}
      </Loaded>
    </Page>
  );
}

// ---------- CSV import ----------

/** The register's columns by the names the server reports problems under. */
const FIELD_LABELS: Record<string, Key> = {
  village_code: 'o_village',
  house_number: 'reg_house_no',
  head_name: 'reg_head',
  phone: 'reg_phone',
  members: 'reg_members',
  occupancy: 'reg_occupancy',
  wet_bin: 'reg_wet_bin',
  point: 'reg_point',
};

interface ImportReport {
  rows: number;
  created: number;
  rejected: { row: number; errors: Record<string, string[]> }[];
  dry_run: boolean;
}

export function ImportHouseholds() {
  useT();
  const [file, setFile] = useState<File | null>(null);
  const [dry, setDry] = useState(true);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  return (
    <Page title={t('reg_import')} tools={<Link href="/office/households" class="button button-quiet button-small">{t('back')}</Link>}>
      <form
        class="office-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file) return;
          setBusy(true);
          setFailure(null);
          const form = new FormData();
          form.append('file', file);
          try {
            setReport(await api<ImportReport>(`households/import?dry_run=${dry}`, { method: 'POST', form }));
          } catch (error) {
            setReport(null);
            setFailure(error instanceof ApiError ? error : new ApiError(0, 'failed', errorText(error)));
          }
          setBusy(false);
        }}
      >
        <label class="field">
          <span>{t('reg_import_file')}</span>
          <input class="input" type="file" accept=".csv,text/csv" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} data-testid="import-file" required />
        </label>
        <label class="switch small">
          <input type="checkbox" checked={dry} onChange={(e) => setDry((e.target as HTMLInputElement).checked)} data-testid="import-dry" />
          {t('reg_import_check')}
        </label>
        <button type="submit" class="button button-primary" disabled={busy || !file} data-testid="import-run">{t('reg_import_run')}</button>
      </form>
      {failure && <Banner kind="error" icon="alert">{failure.message}<Reasons errors={failure.errors} /></Banner>}
      {report && (
        <div data-testid="import-report">
          <Banner kind={report.rejected.length ? 'warn' : 'ok'} icon={report.rejected.length ? 'alert' : 'check'}>
            {t('reg_import_report', { rows: report.rows, created: report.created, rejected: report.rejected.length })}
            {report.dry_run && <> · {t('reg_import_dry')}</>}
          </Banner>
          {report.rejected.length > 0 && (
            <table class="data-table">
              <thead><tr><th scope="col">{t('reg_import_row')}</th><th scope="col">{t('reg_import_problem')}</th></tr></thead>
              <tbody>
                {report.rejected.map((r) => (
                  <tr key={r.row}>
                    <td class="num">{r.row}</td>
                    <td>{Object.entries(r.errors).map(([field, msgs]) => `${FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field}: ${msgs.join(' ')}`).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Page>
  );
}

// ---------- printing ----------

export function PrintCards() {
  useT();
  const villages = useLgoVillages();
  const [village, setVillage] = useState('');
  return (
    <Page title={t('reg_print')} tools={<Link href="/office/households" class="button button-quiet button-small">{t('back')}</Link>}>
      <Loaded fetched={villages}>
        {(vs) => (
          <>
            <label class="field inline-field">
              <span>{t('o_village')}</span>
              <select class="input" value={village} onChange={(e) => setVillage((e.target as HTMLSelectElement).value)} data-testid="print-village">
                <option value="">{t('reg_choose_village')}</option>
                {vs.items.map((v) => <option key={v.code} value={v.code}>{villageName(v, v.code)}</option>)}
              </select>
            </label>
            {village && (
              <div class="button-row">
                <DownloadButton path={`households/qr-cards.pdf?village=${village}`} name={`qr-cards-${village}.pdf`} label={t('reg_qr_sheet')} testid="print-qr" />
                <DownloadButton path={`households/signs.pdf?village=${village}`} name={`signs-${village}.pdf`} label={t('reg_signs')} testid="print-signs" />
              </div>
            )}
          </>
        )}
      </Loaded>
    </Page>
  );
}
