/**
 * One household of the register: edit it (a clash with someone else's edit is shown as both
 * versions, to keep either), see its inspections, export what is held about it, deactivate it.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../../shared/api';
import type { HouseholdDetail } from '../../data';
import { formatDate, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Link } from '../../router';
import { Banner, showToast } from '../../ui/kit';
import { HouseholdInspections } from '../inspections';
import { DownloadButton, errorText, formErrors, Loaded, Page, useLgoVillages } from '../lib';
import { bodyOf, HouseholdForm, valuesOf, type FormValues } from './form';

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
  const household = useLoad<HouseholdDetail>(`households/${id}`, { store: 'none' });
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
