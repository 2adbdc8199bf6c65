/** Importing households from a CSV file, checked first if wished, with a report of refused rows. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../../shared/api';
import { t, useT, type Key } from '../../i18n';
import { Link } from '../../router';
import { FilePicker } from '../../ui/file-picker';
import { Banner, Reasons } from '../../ui/kit';
import { errorText, Page } from '../lib';

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
        <FilePicker label={t('reg_import_file')} accept=".csv,text/csv" onPick={setFile} testId="import-file" required />
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
