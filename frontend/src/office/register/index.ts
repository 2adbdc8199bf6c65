/** The household register: its screens for the LGO's routes, and the form the LGO map adds with. */
export { createHousehold, HouseholdForm, valuesOf, type FormValues } from './form';
export { HouseholdOffice } from './household';
export { ImportHouseholds } from './import';
export { Register } from './list';
export { NewHousehold } from './new';
export { PrintCards } from './print';
