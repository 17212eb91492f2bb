export { diagnose, diagnoseCells, hasFlags } from './diagnose.js';
export type { Diagnosis, DiagnoseOptions } from './diagnose.js';
export { attribute } from './attribute.js';
export type { Attribution, AttributeOptions, ComponentReport } from './attribute.js';
export { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
export { cellsFromCounts, cellsFromRecords, CellBuilder } from './cells.js';
export type { Cell, ComponentRef } from './cells.js';
export { formatDiagnosis } from './format.js';
