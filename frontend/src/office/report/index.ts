/** The LGO's monthly report: what the LGO routes to. */
export { Report } from './report';
