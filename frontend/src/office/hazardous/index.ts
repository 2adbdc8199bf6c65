/** The hazardous-waste chain: what the LGO routes to. */
export { Hazardous } from './hazardous';
