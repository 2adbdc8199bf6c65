/**
 * The LGO's hazardous-waste chain: the year's totals (collected, handed over to the PAO, still on
 * hand), the collections and hand-overs, and the forms that record them.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Page as ApiPage } from '../../data';
import { formatDate, lang, t, useT, type Key } from '../../i18n';
import { useLoad, type LoadResult } from '../../load';
import { Loaded, Page } from '../lib';
import { HAZARDS, KgCells, type KgByType } from './kg';
import { HazardForm } from './record-form';

/** Totals come without the kg_ prefix the records carry. */
type KgTotals = { [K in keyof KgByType as K extends `kg_${infer R}` ? R : never]: number };

interface Totals {
  from: string;
  to: string;
  total: { collected: KgTotals; handed_over: KgTotals; pending: KgTotals };
}

function asRecord(totals: KgTotals): KgByType {
  return {
    kg_bulbs: totals.bulbs, kg_batteries: totals.batteries, kg_spray_cans: totals.spray_cans,
    kg_pesticide_containers: totals.pesticide_containers, kg_e_waste: totals.e_waste, kg_other: totals.other, kg_total: totals.total,
  };
}

interface Collection extends KgByType {
  id: number;
  point_name_th: string;
  collected_on: string;
  notes: string | null;
}

interface Handover extends KgByType {
  id: number;
  to_point_name_th: string;
  handed_over_on: string;
  receipt_number?: string | null;
}

/** Collections or hand-overs, newest first: the day, the place, then kg by type. */
function HazardRecords<T extends KgByType & { id: number }>({ fetched, head, row }: {
  fetched: LoadResult<ApiPage<T>>;
  head: ComponentChildren;
  row: (record: T) => [string, string];
}) {
  return (
    <Loaded fetched={fetched}>
      {(d) => (
        <div class="table-wrap">
          <table class="data-table">
            <thead><tr><th scope="col">{t('bank_date')}</th><th scope="col">{t('map_points')}</th>{head}</tr></thead>
            <tbody>
              {d.items.map((c) => {
                const [day, place] = row(c);
                return <tr key={c.id}><td>{formatDate(day)}</td><td>{place}</td><KgCells row={c} /></tr>;
              })}
            </tbody>
          </table>
        </div>
      )}
    </Loaded>
  );
}

export function Hazardous() {
  useT();
  const [recording, setRecording] = useState<'collection' | 'handover' | null>(null);
  const year = new Date().getFullYear();
  const totals = useLoad<Totals>(`hazardous/totals?from=${year}-01-01&to=${year}-12-31`, { store: 'none' });
  const collections = useLoad<ApiPage<Collection>>('hazardous/collections?per_page=50', { store: 'none' });
  const handovers = useLoad<ApiPage<Handover>>('hazardous/handovers?per_page=50', { store: 'none' });
  const head = (
    <>
      {HAZARDS.map((h) => <th key={h} scope="col" class="num">{t(`hazard_${h}` as Key)}</th>)}
      <th scope="col" class="num">kg</th>
    </>
  );
  return (
    <Page
      title={t('on_hazardous')}
      tools={
        <>
          <button type="button" class="button button-secondary button-small" aria-pressed={recording === 'collection'} onClick={() => setRecording(recording === 'collection' ? null : 'collection')} data-testid="hazard-record-collection">{t('hz_record_collection')}</button>
          <button type="button" class="button button-secondary button-small" aria-pressed={recording === 'handover'} onClick={() => setRecording(recording === 'handover' ? null : 'handover')} data-testid="hazard-record-handover">{t('hz_record_handover')}</button>
        </>
      }
    >
      {recording && (
        <HazardForm
          key={recording}
          kind={recording}
          onSaved={() => {
            totals.reload();
            collections.reload();
            handovers.reload();
          }}
        />
      )}
      <h2>{t('hz_totals')} ({year + (lang.get() === 'th' ? 543 : 0)})</h2>
      <Loaded fetched={totals}>
        {(d) => (
          <div class="table-wrap">
            <table class="data-table" data-testid="hazard-totals">
              <thead><tr><th scope="col" />{head}</tr></thead>
              <tbody>
                <tr><th scope="row">{t('hz_collections')}</th><KgCells row={asRecord(d.total.collected)} /></tr>
                <tr><th scope="row">{t('hz_handovers')}</th><KgCells row={asRecord(d.total.handed_over)} /></tr>
                <tr><th scope="row">{t('hz_on_hand')}</th><KgCells row={asRecord(d.total.pending)} /></tr>
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      <h2>{t('hz_collections')}</h2>
      <HazardRecords fetched={collections} head={head} row={(c) => [c.collected_on, c.point_name_th]} />
      <h2>{t('hz_handovers')}</h2>
      <HazardRecords fetched={handovers} head={head} row={(c) => [c.handed_over_on, c.receipt_number ? `${c.to_point_name_th} · ${c.receipt_number}` : c.to_point_name_th]} />
    </Page>
  );
}
