/** A waste bank's buying prices per material, and the form that sets a new price from a date. */
import { useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import type { Price } from '../../data';
import { formatDate, formatNumber, t, useT, type Key } from '../../i18n';
import { useLoad } from '../../load';
import { Banner, Reasons, showToast } from '../../ui/kit';
import { formErrors, Loaded } from '../lib';

const MATERIALS = ['pet', 'plastic_other', 'paper', 'carton', 'glass', 'aluminium', 'iron', 'other'] as const;

export function Prices({ bank }: { bank: number }) {
  useT();
  const prices = useLoad<{ on: string; prices: Price[] }>(`waste-banks/${bank}/prices`, { store: 'none' });
  const [price, setPrice] = useState({ material: 'pet', price_per_kg: '', valid_from: '' });
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  return (
    <>
      <h2>{t('bank_prices')}</h2>
      <Loaded fetched={prices}>
        {(data) => (
          <table class="data-table" data-testid="prices-table">
            <thead><tr><th scope="col">{t('bank_material')}</th><th scope="col" class="num">{t('bank_price')}</th><th scope="col">{t('bank_valid_from')}</th></tr></thead>
            <tbody>
              {data.prices.map((p) => (
                <tr key={p.material}><td>{t(`material_${p.material}` as Key)}</td><td class="num">{formatNumber(p.price_per_kg, 2)}</td><td>{formatDate(p.valid_from)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <form
        class="office-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api(`waste-banks/${bank}/prices`, { method: 'POST', body: { material: price.material, price_per_kg: price.price_per_kg, valid_from: price.valid_from } });
            setErrors(undefined);
            showToast(t('o_saved'));
            prices.reload();
          } catch (error) {
            setErrors(formErrors(error));
          }
        }}
      >
        <h2>{t('bank_new_price')}</h2>
        <label class="field">
          <span>{t('bank_material')}</span>
          <select class="input" value={price.material} onChange={(e) => setPrice({ ...price, material: (e.target as HTMLSelectElement).value })}>
            {MATERIALS.map((m) => <option key={m} value={m}>{t(`material_${m}` as Key)}</option>)}
          </select>
        </label>
        <label class="field"><span>{t('bank_price')}</span><input class="input" inputMode="decimal" value={price.price_per_kg} onInput={(e) => setPrice({ ...price, price_per_kg: (e.target as HTMLInputElement).value })} required /></label>
        <label class="field"><span>{t('bank_valid_from')}</span><input class="input" type="date" value={price.valid_from} onInput={(e) => setPrice({ ...price, valid_from: (e.target as HTMLInputElement).value })} required /></label>
        {errors && <Banner kind="error" icon="alert"><Reasons errors={errors} /></Banner>}
        <button type="submit" class="button button-primary button-small">{t('o_save')}</button>
      </form>
    </>
  );
}
