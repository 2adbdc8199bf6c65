/** Fee discounts for verified sorters: what the LGO routes to. */
export { Discounts } from './discounts';
