export { MissingStoreError, openStore, STORE_ENV, type OpenStoreOptions } from './open.js';
export { isPostgresUrl } from './postgres/connect.js';
export { spoolFileFor } from './spool.js';
export type {
  Ack, AckScope, NewAck, BeginRunOptions, LabRig, ResultCounts, RigLock, RunListing, RunRow, RunStatus, SpoolStatus, LatencySum, SymptomCount, SymptomCountQuery, TrialQuery, TrialStore,
} from './types.js';
export { RigClaimError, StoreError, type StoreProblem } from './errors.js';
export { countsOfNights, FINISHED_STATUSES, isFinished, nightRunOf, type NightRunChoice } from './night-runs.js';
