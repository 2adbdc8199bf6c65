/** Recording what a drop-off point collected, or what was handed over to the PAO with its receipt. */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { uuid4 } from '../../../shared/util';
import type { Page as ApiPage } from '../../data';
import { nameOf, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors } from '../lib';
import { HAZARDS } from './kg';

/** A collection point as the form lists it. */
interface PointName {
  id: number;
  name_th: string;
  name_en: string | null;
}

/** Record a drop-off point's collection, or a hand-over to the PAO with its receipt. */
export function HazardForm({ kind, onSaved }: { kind: 'collection' | 'handover'; onSaved: () => void }) {
  useT();
  const wanted = kind === 'collection' ? 'hazardous_dropoff' : 'pao_handover';
  // Hand-over points belong to the PAO, so every one in reach is listed, not only the LGO's.
  const points = useLoad<ApiPage<PointName>>(`collection-points?kind=${wanted}&per_page=200`, { store: 'none' });
  const [values, setValues] = useState<Record<string, string>>({ point: '', date: '', receipt: '' });
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  const [clientId, setClientId] = useState(() => uuid4());
  const set = (name: string) => (e: Event) => setValues({ ...values, [name]: (e.target as HTMLInputElement).value });
  return (
    <form
      class="office-form hazard-form"
      data-testid={`hazard-${kind}-form`}
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, unknown> = { client_id: clientId };
        for (const h of HAZARDS) if (values[h]) body[`kg_${h}`] = values[h];
        if (kind === 'collection') Object.assign(body, { point_id: Number(values.point), collected_on: values.date });
        else Object.assign(body, { to_point_id: Number(values.point), handed_over_on: values.date, receipt_number: values.receipt });
        try {
          await api(kind === 'collection' ? 'hazardous/collections' : 'hazardous/handovers', { method: 'POST', body });
          showToast(t('o_saved'));
          setValues({ point: '', date: '', receipt: '' });
          setErrors(undefined);
          // A new record gets a new id; a retry of this one keeps it, so it is never saved twice.
          setClientId(uuid4());
          onSaved();
        } catch (error) {
          setErrors(formErrors(error));
        }
      }}
    >
      <div class="hazard-grid">
        <label class="field">
          <span>{t('map_points')}</span>
          <select class="input" value={values.point} onChange={set('point')} required name="point">
            <option value="">–</option>
            {(points.data?.items ?? []).map((p) => <option key={p.id} value={p.id}>{nameOf(p)}</option>)}
          </select>
        </label>
        <label class="field"><span>{t('bank_date')}</span><input class="input" type="date" value={values.date} onInput={set('date')} required name="date" /></label>
        {kind === 'handover' && (
          <label class="field"><span>{t('hz_receipt')}</span><input class="input" value={values.receipt} onInput={set('receipt')} required maxLength={60} name="receipt" /></label>
        )}
        {HAZARDS.map((h) => (
          <label class="field" key={h}>
            <span>{t(`hazard_${h}` as Key)} (kg)</span>
            <input class="input" inputMode="decimal" value={values[h] ?? ''} onInput={set(h)} name={h} />
          </label>
        ))}
      </div>
      {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
      <button type="submit" class="button button-primary button-small">{t('o_save')}</button>
    </form>
  );
}
