/** Volunteers and the audit log: what the LGO routes to. */
export { Audit } from './audit';
export { Volunteers } from './volunteers';
