/** Waste banks: what the LGO routes to. */
export { BankOffice } from './bank';
export { Banks } from './list';
