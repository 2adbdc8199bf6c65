/** Inspection reviews: the queue the LGO routes to, and a household's inspections for its page. */
export { HouseholdInspections } from './household';
export { Reviews } from './reviews';
