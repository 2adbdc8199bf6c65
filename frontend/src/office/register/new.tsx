/** Adding a household to the register; saved, its own page opens. */
import { useState } from 'preact/hooks';
import { t, useT } from '../../i18n';
import { navigate } from '../../router';
import { showToast } from '../../ui/kit';
import { formErrors, Loaded, Page, useLgoVillages } from '../lib';
import { createHousehold, HouseholdForm, valuesOf } from './form';

export function NewHousehold() {
  useT();
  const villages = useLgoVillages();
  const [values, setValues] = useState(valuesOf(undefined));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, unknown> | undefined>();
  return (
    <Page title={t('reg_new')}>
      <Loaded fetched={villages}>
        {(vs) => (
          <HouseholdForm
            values={values}
            onChange={setValues}
            villages={vs.items}
            creating
            busy={busy}
            errors={errors}
            onCancel={() => navigate('/office/households')}
            onSubmit={async () => {
              setBusy(true);
              try {
                const h = await createHousehold(values);
                showToast(t('reg_created', { house: h.house_number }));
                navigate(`/office/households/${h.id}`, true);
              } catch (error) {
                setErrors(formErrors(error));
              }
              setBusy(false);
            }}
          />
        )}
      </Loaded>
    </Page>
  );
}
