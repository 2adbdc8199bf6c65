/** Collection schedules: what the LGO routes to. */
export { Schedules } from './schedules';
