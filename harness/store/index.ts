export { MissingStoreError, openStore, type OpenStoreOptions } from './open.js';
export type { BeginRunOptions, RigLock, RunListing, RunRow, RunStatus, SymptomCount, SymptomCountQuery, TrialQuery, TrialStore } from './types.js';
export { StoreError, type StoreProblem } from './errors.js';
export { countsOfNights, FINISHED_STATUSES, isFinished, nightRunOf, type NightRunChoice } from './night-runs.js';
