export { MissingStoreError, openStore, STORE_ENV, type OpenStoreOptions } from './open.js';
export { isPostgresUrl } from './postgres/connect.js';
export { spoolFileFor } from './spool.js';
export type { BeginRunOptions, LabRig, ResultCounts, RigLock, RunRow, RunStatus, SpoolStatus, SymptomCount, TrialQuery, TrialStore } from './types.js';
export { RigClaimError } from './errors.js';
