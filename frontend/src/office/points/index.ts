/** Collection points: what the LGO routes to. */
export { Points } from './points';
