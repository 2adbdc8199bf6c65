/**
 * Two to five LGOs side by side: one column per LGO, one row per indicator, each cell the value
 * with its numerator and denominator and a bar scaled to the highest of the row.
 */
import { useState } from 'preact/hooks';
import { t, useT } from '../../i18n';
import { useLoad } from '../../load';
import { store, useStore } from '../../store';
import { formatValue, Loaded, Page, PeriodPicker, periodLabel, ToDate, unitLabel, type PeriodInfo } from '../lib';
import {
  choice,
  districtName,
  ExportButtons,
  formatCount,
  indicatorLabel,
  nameOf,
  query,
  setChoice,
  SmallBadge,
  useProvince,
  useProvinceLgos,
  type Figure,
  type Named,
} from './common';

const MAX = 5;
const MIN = 2;

/** The LGOs chosen, kept while the officer visits other screens. */
const chosen = store<string[]>([]);

interface Table {
  period: PeriodInfo;
  indicators: string[];
  areas: (Named & { indicators: Record<string, Figure> })[];
}

export function CompareScreen() {
  useT();
  const province = useProvince();
  const { period } = useStore(choice);
  const picked = useStore(chosen);
  const [filter, setFilter] = useState('');
  const { lgos, districts } = useProvinceLgos(province);
  const ready = picked.length >= MIN;
  const args = { level: 'lgo', areas: picked.join(','), period };
  const table = useLoad<Table>(ready ? `analytics/indicators?${query(args)}` : null, { store: 'none' });
  const needle = filter.trim().toLowerCase();
  const visible = (lgos ?? []).filter((l) => !needle || l.name_th.includes(filter.trim()) || l.name_en.toLowerCase().includes(needle));
  const full = picked.length >= MAX;

  const toggle = (code: string, on: boolean) => chosen.set(on ? [...picked, code].slice(0, MAX) : picked.filter((c) => c !== code));

  return (
    <Page figures title={t('op_compare')} tools={<PeriodPicker value={period} onChange={(p) => setChoice({ period: p })} />}>
      <div class="op-compare">
        <fieldset class="office-side op-picker op-no-print" data-testid="lgo-picker">
          <legend>{t('op_choose_lgos')}</legend>
          <label class="field inline-field">
            <span>{t('op_find_lgo')}</span>
            <input class="input" type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} data-testid="lgo-find" />
          </label>
          <p class="small" aria-live="polite">
            <strong>{t('op_chosen', { n: picked.length })}</strong>
            {full && <span class="muted"> · {t('op_max_five')}</span>}
            {picked.length > 0 && <button type="button" class="link-button small" onClick={() => chosen.set([])}>{t('op_clear')}</button>}
          </p>
          <div class="op-pick-list">
            {(districts ?? []).map((d) => {
              const inDistrict = visible.filter((l) => l.district_code === d.code);
              if (!inDistrict.length) return null;
              return (
                <div key={d.code} class="op-pick-group" role="group" aria-label={districtName(d)}>
                  <div class="op-pick-district">{districtName(d)}</div>
                  {inDistrict.map((l) => {
                    const on = picked.includes(l.code);
                    return (
                      <label key={l.code} class="op-check">
                        <input type="checkbox" checked={on} disabled={!on && full} onChange={(e) => toggle(l.code, (e.target as HTMLInputElement).checked)} data-lgo={l.code} />
                        {nameOf(l)}
                      </label>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </fieldset>
        <div class="op-compare-main">
          {!ready ? (
            <p class="op-hint" data-testid="compare-hint">{t('op_min_two')}</p>
          ) : (
            <>
              <ExportButtons path="analytics/indicators" args={args} name={`compare-${period}`} />
              <Loaded fetched={table}>{(data) => <CompareTable data={data} order={picked} />}</Loaded>
            </>
          )}
        </div>
      </div>
    </Page>
  );
}

function CompareTable({ data, order }: { data: Table; order: string[] }) {
  useT();
  const areas = order.map((code) => data.areas.find((a) => a.code === code)).filter((a): a is Table['areas'][number] => Boolean(a));
  return (
    <div class="table-wrap">
      <ToDate period={data.period} />
      <table class="data-table op-compare-table" data-testid="compare-table">
        <caption>{t('op_compare_caption', { period: periodLabel(data.period.label) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('o_indicator')}</th>
            {areas.map((a) => (
              <th key={a.code} scope="col" data-area={a.code}>
                <span class="op-col-name">{nameOf(a)}</span>
                <button type="button" class="op-remove" aria-label={t('op_remove', { name: nameOf(a) })} onClick={() => chosen.set(chosen.get().filter((c) => c !== a.code))}>×</button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.indicators.map((name) => {
            const figures = areas.map((a) => a.indicators[name]);
            const unit = figures.find((f) => f?.unit)?.unit ?? 'ratio';
            const top = unit === 'ratio' ? 1 : Math.max(0, ...figures.map((f) => f?.value ?? 0));
            return (
              <tr key={name} data-indicator={name}>
                <th scope="row">{indicatorLabel(name)}<div class="muted small">{unitLabel(unit)}</div></th>
                {figures.map((f, i) => (
                  <td key={areas[i].code} class="op-cell">
                    <div class="op-cell-value"><strong>{formatValue(f?.value, unit)}</strong>{f?.small_denominator && <> <SmallBadge /></>}</div>
                    <div class="muted small">{f ? t('op_of', { numerator: formatCount(f.numerator), denominator: formatCount(f.denominator) }) : '–'}</div>
                    <div class="op-bar" aria-hidden="true">
                      <span style={{ width: `${top > 0 && f?.value ? Math.min(100, (f.value / top) * 100) : 0}%` }} class={f?.small_denominator ? 'small' : ''} />
                    </div>
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
