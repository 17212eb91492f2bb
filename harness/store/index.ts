export { Store } from './store.js';
export type { BeginRunOptions, RunRow, RunStatus, SymptomCount, TrialQuery } from './store.js';
export { SCHEMA_VERSION } from './schema.js';
