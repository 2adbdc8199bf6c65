/**
 * Onboarding a province (system admins): its districts and tambons come from the DOPA list the
 * server carries, its LGOs and villages from the provincial office's CSV or GeoPackage files.
 * A dry run first by default; the report says what would be made, what is missing and what
 * conflicts (a conflict refuses the whole load).
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../../shared/api';
import { formatNumber, lang, t, useT } from '../../i18n';
import { FilePicker } from '../../ui/file-picker';
import { Banner } from '../../ui/kit';
import { errorText, Page } from '../lib';

const LEVELS = ['provinces', 'districts', 'tambons', 'lgos', 'villages'] as const;
type Level = (typeof LEVELS)[number];
type Counted = Record<Level, { count: number; codes: string[] }>;

interface Problem {
  kind: string;
  code: string;
  message: string;
  message_th: string;
  file: string | null;
  row: number | null;
}

interface LoadReport {
  province: string;
  name_th: string;
  name_en: string;
  data_version: string;
  dry_run: boolean;
  ok: boolean;
  created: Counted;
  updated: Counted;
  unchanged: Counted;
  names_differ: { level: string; code: string; name_th: string; package_name_th: string }[];
  missing: Problem[];
  conflicts: Problem[];
}

function said(p: Problem): string {
  return lang.get() === 'en' ? p.message : p.message_th;
}

export function OnboardScreen() {
  useT();
  const [code, setCode] = useState('');
  const [lgos, setLgos] = useState<File | null>(null);
  const [villages, setVillages] = useState<File | null>(null);
  const [dry, setDry] = useState(true);
  const [rename, setRename] = useState(false);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<LoadReport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setFailure(null);
    const form = new FormData();
    if (lgos) form.append('lgos', lgos);
    if (villages) form.append('villages', villages);
    form.append('dry_run', String(dry));
    form.append('update_names', String(rename));
    try {
      setReport(await api<LoadReport>(`areas/provinces/${encodeURIComponent(code)}/load`, { method: 'POST', form }));
    } catch (error) {
      const refused = error instanceof ApiError ? (error.body.report as LoadReport | undefined) : undefined;
      setReport(refused ?? null);
      setFailure(error instanceof ApiError ? error.message : errorText(error));
    }
    setBusy(false);
  };

  return (
    <Page title={t('ob_title')}>
      <p class="muted small">{t('ob_intro')}</p>
      <form class="office-form" onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <label class="field">
          <span>{t('ob_code')}</span>
          <input class="input" inputMode="numeric" pattern="[0-9]{2}" maxLength={2} required value={code}
            onInput={(e) => setCode((e.target as HTMLInputElement).value.trim())} data-testid="ob-code" />
        </label>
        <FilePicker label={t('ob_lgos')} accept=".csv,.gpkg,text/csv" onPick={setLgos} testId="ob-lgos" />
        <FilePicker label={t('ob_villages')} accept=".csv,.gpkg,text/csv" onPick={setVillages} testId="ob-villages" />
        <label class="switch small">
          <input type="checkbox" checked={dry} onChange={(e) => setDry((e.target as HTMLInputElement).checked)} data-testid="ob-dry" />
          {t('ob_dry')}
        </label>
        <label class="switch small">
          <input type="checkbox" checked={rename} onChange={(e) => setRename((e.target as HTMLInputElement).checked)} />
          {t('ob_rename')}
        </label>
        <button type="submit" class="button button-primary" disabled={busy || !/^\d{2}$/.test(code)} data-testid="ob-run">{t('ob_run')}</button>
      </form>
      {failure && <Banner kind="error" icon="alert">{failure}</Banner>}
      {report && <Report report={report} />}
    </Page>
  );
}

function Report({ report }: { report: LoadReport }) {
  useT();
  const name = lang.get() === 'en' ? report.name_en : report.name_th;
  const heading = !report.ok ? 'ob_refused' : report.dry_run ? 'ob_would' : 'ob_done';
  const gaps = new Map<string, string[]>();
  for (const p of report.missing) gaps.set(p.kind, [...(gaps.get(p.kind) ?? []), p.code]);
  return (
    <div data-testid="ob-report">
      <Banner kind={report.ok ? 'ok' : 'warn'} icon={report.ok ? 'check' : 'alert'}>
        {t(heading, { name, code: report.province })} · {t('ob_source', { version: report.data_version })}
      </Banner>
      <table class="data-table" data-testid="ob-counts">
        <caption>{t('ob_counts')}</caption>
        <thead><tr><th scope="col">{t('ob_level')}</th><th scope="col" class="num">{t('ob_created')}</th><th scope="col" class="num">{t('ob_updated')}</th><th scope="col" class="num">{t('ob_unchanged')}</th></tr></thead>
        <tbody>
          {LEVELS.map((level) => (
            <tr key={level} data-level={level}>
              <th scope="row">{t(`ob_level_${level}`)}</th>
              <td class="num">{formatNumber(report.created[level]?.count ?? 0)}</td>
              <td class="num">{formatNumber(report.updated[level]?.count ?? 0)}</td>
              <td class="num">{formatNumber(report.unchanged[level]?.count ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.conflicts.length > 0 && (
        <table class="data-table" data-testid="ob-conflicts">
          <caption>{t('ob_conflicts', { n: report.conflicts.length })}</caption>
          <thead><tr><th scope="col">{t('ob_file')}</th><th scope="col" class="num">{t('ob_row')}</th><th scope="col">{t('ob_problem')}</th></tr></thead>
          <tbody>
            {report.conflicts.map((p, i) => (
              <tr key={i}><td>{p.file ? t(`ob_file_${p.file}` as 'ob_file_lgos') : '–'}</td><td class="num">{p.row ?? '–'}</td><td>{said(p)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {gaps.size > 0 && (
        <div data-testid="ob-missing">
          <h2>{t('ob_missing')}</h2>
          <ul>
            {[...gaps].map(([kind, codes]) => (
              <li key={kind}>{t(`ob_gap_${kind}` as 'ob_gap_no_pao', { n: codes.length })}{kind !== 'no_pao' && <span class="muted small"> ({codes.slice(0, 12).join(', ')}{codes.length > 12 ? ', …' : ''})</span>}</li>
            ))}
          </ul>
        </div>
      )}
      {report.names_differ.length > 0 && (
        <p class="muted small">{t('ob_names_differ', { n: report.names_differ.length })}</p>
      )}
    </div>
  );
}
