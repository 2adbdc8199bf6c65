/** The LGO map: what the LGO routes to. */
export { LgoMap } from './lgo-map';
