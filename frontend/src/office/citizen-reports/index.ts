/** Citizen reports: the LGO's queue, on a map and in a list. */
export { ReportQueue } from './queue';
