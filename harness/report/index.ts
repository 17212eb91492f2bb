/** The report: pure functions from a night's aggregated data to HTML, JUnit XML and summary.json. */
export type { DutSummary, HistoryPoint, NightRunEntry, NonPassingTrial, ReportInput, RunInfo, StripCell, TimingHistogram, TranscriptSource } from './types.js';
export { summarizeDuts, collectReportData, ReportDataCollector, STRIP_CELLS, type CollectOptions, type CollectedReportData } from './summarize.js';
export { renderHtml, CONTENT_SECURITY_POLICY } from './html/page.js';
export { renderJunit } from './junit.js';
export { renderSummaryJson, buildRunCounts, buildSummary, SUMMARY_SCHEMA_VERSION, type Summary } from './summary-json.js';
export { exitCodeOf, overall, untrustworthy, UNTRUSTWORTHY_ERROR_SHARE, type Overall, type OverallLevel } from './verdict.js';
export { writeReport, type WrittenReport } from './write.js';
export { publishNights, nightsNav, renderNightsIndex, reportNights, type NightRow } from './nights.js';
export { foldsOf, ackApplies, beyondScope, materialSymptoms, type Folds, type SetAside } from './folds.js';
export { esc } from './escape.js';
