export { diagnose, diagnoseCells, hasFlags } from './diagnose.js';
export type { Diagnosis, DiagnoseOptions } from './diagnose.js';
export { attribute, DEFAULT_THRESHOLDS } from './attribute.js';
export type { Attribution, AttributeOptions, ComponentReport, Thresholds } from './attribute.js';
export { cellsFromCounts, cellsFromRecords, CellBuilder } from './cells.js';
export type { Cell, ComponentRef } from './cells.js';
export { formatDiagnosis } from './format.js';
