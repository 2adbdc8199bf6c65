/**
 * Registering a household where staff clicked on the LGO map: the form starts at the spot, in
 * the village the server says it is in (staff can change it), and closes once it is saved.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../../shared/api';
import { t, useT } from '../../i18n';
import { showToast } from '../../ui/kit';
import { formErrors, useLgoVillages } from '../lib';
import { createHousehold, HouseholdForm, valuesOf, type FormValues } from '../register';

/** Whether clicks on the map place a household, the one placed, and its save. */
export function useNewHousehold() {
  const villages = useLgoVillages();
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState<FormValues | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();

  useEffect(() => {
    if (!adding) setDraft(null);
  }, [adding]);

  /** A spot clicked while adding. */
  const place = (lon: string, lat: string) => {
    setErrors(undefined);
    setDraft({ ...valuesOf(undefined), lon, lat });
    // Which village is this? The form starts there; staff can change it.
    void api<{ village?: { code: string } | null }>(`areas/locate?lon=${lon}&lat=${lat}`).then(
      (where) => where.village && setDraft((d) => (d ? { ...d, village_code: d.village_code || where.village!.code } : d)),
      () => undefined,
    );
  };

  /** Register the placed household; ``saved`` runs before the form closes. */
  const save = async (values: FormValues, saved: () => void) => {
    setBusy(true);
    try {
      const h = await createHousehold(values);
      saved();
      showToast(t('reg_created', { house: h.house_number }));
      setAdding(false);
    } catch (error) {
      setErrors(formErrors(error));
    }
    setBusy(false);
  };

  return { villages: villages.data?.items ?? [], adding, setAdding, draft, setDraft, busy, errors, place, save };
}

export function AddHousehold({ household, draft, onSaved }: {
  household: ReturnType<typeof useNewHousehold>;
  draft: FormValues;
  onSaved: () => void;
}) {
  useT();
  return (
    <>
      <h2>{t('reg_new')}</h2>
      <HouseholdForm
        values={draft}
        onChange={household.setDraft}
        villages={household.villages}
        creating
        busy={household.busy}
        errors={household.errors}
        onCancel={() => household.setAdding(false)}
        onSubmit={() => void household.save(draft, onSaved)}
      />
    </>
  );
}
