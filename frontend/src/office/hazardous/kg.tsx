/** Hazardous waste by type, in kg: what a collection and a hand-over record, one cell per type. */
import { formatNumber } from '../../i18n';

export interface KgByType {
  kg_bulbs: number;
  kg_batteries: number;
  kg_spray_cans: number;
  kg_pesticide_containers: number;
  kg_e_waste: number;
  kg_other: number;
  kg_total: number;
}

export const HAZARDS = ['bulbs', 'batteries', 'spray_cans', 'pesticide_containers', 'e_waste', 'other'] as const;

export function KgCells({ row }: { row: KgByType }) {
  return (
    <>
      {HAZARDS.map((h) => <td key={h} class="num">{formatNumber(row[`kg_${h}`], 1)}</td>)}
      <td class="num"><strong>{formatNumber(row.kg_total, 1)}</strong></td>
    </>
  );
}
