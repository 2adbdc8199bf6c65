/** The household form, to add or edit one household, and what it sends to the register. */
import { api } from '../../../shared/api';
import type { HouseholdDetail, Village } from '../../data';
import { t, useT, villageName, type Key } from '../../i18n';
import { Banner, Reasons } from '../../ui/kit';

const OCCUPANCY = ['occupied', 'vacant'] as const;
const WET_BIN = ['has_bin', 'communal', 'no_space', 'none'] as const;

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

export function bodyOf(v: FormValues, creating: boolean): Record<string, unknown> {
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
