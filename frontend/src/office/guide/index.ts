/** The LGO's own sorting guide: what the LGO routes to. */
export { GuideOffice } from './guide';
