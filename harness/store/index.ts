export { MissingStoreError, openStore, type OpenStoreOptions } from './open.js';
export type { Ack, AckScope, NewAck, BeginRunOptions, RigLock, RunRow, RunStatus, SymptomCount, TrialQuery, TrialStore } from './types.js';
