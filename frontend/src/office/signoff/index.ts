/** Monthly sign-off: the LGO's panel and evidence for its report, the province's screen and state pill. */
export { EvidenceButton } from './evidence';
export { SignoffPanel } from './panel';
export { StatePill } from './parts';
export { SignoffScreen } from './screen';
