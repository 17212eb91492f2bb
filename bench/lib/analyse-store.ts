/**
 * Child process of benchmark B4: the analysis a night ends with — diagnose over the history window, gather the
 * report data, write index.html, summary.json and junit.xml — timed on its own, with the process's peak RSS.
 * Usage: node --import tsx bench/lib/analyse-store.ts <store.db> <fleet size> <night> <out dir>
 * Prints one JSON line.
 */
import { statSync } from 'node:fs';
import { diagnose } from '../../harness/diagnose/index.js';
import { FAMILY_PHYSICS } from '../../harness/families/index.js';
import { buildReportInput } from '../../harness/nightly/report-data.js';
import { writeReport } from '../../harness/report/index.js';
import { openStore } from '../../harness/store/index.js';
import { stm32Fleet } from './rigs.js';

export interface AnalysisFigures {
  totalMs: number;
  diagnoseMs: number;
  reportDataMs: number;
  writeMs: number;
  /** Peak resident set of the whole process, bytes. */
  maxRssBytes: number;
  /** Resident set before the analysis started (Node, modules), bytes. */
  startRssBytes: number;
  htmlBytes: number;
  flagged: string[];
  windowNights: number;
  windowTrials: number;
}

const [file, size, night, outDir] = process.argv.slice(2);
if (!file || !size || !night || !outDir) {
  process.stderr.write('usage: analyse-store.ts <store.db> <fleet size> <night> <out dir>\n');
  process.exit(2);
}
const bench = stm32Fleet(Number(size));
const startRssBytes = process.memoryUsage.rss();
const t0 = performance.now();
const store = await openStore(file);
const diagnosis = await diagnose({ store, rig: bench.rig.id, night, windowNights: bench.rig.nightly.historyNights, rigConfig: bench.rig, profiles: bench.profiles, physics: FAMILY_PHYSICS });
const t1 = performance.now();
const run = await store.findRun({ rig: bench.rig.id, night });
if (!run) throw new Error(`no run of ${bench.rig.id} on ${night}`);
const input = await buildReportInput(store, bench, run, diagnosis);
const t2 = performance.now();
const files = await writeReport(outDir, input);
const t3 = performance.now();
await store.close();
const figures: AnalysisFigures = {
  totalMs: t3 - t0,
  diagnoseMs: t1 - t0,
  reportDataMs: t2 - t1,
  writeMs: t3 - t2,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
  startRssBytes,
  htmlBytes: statSync(files.html).size,
  flagged: diagnosis.components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id} (${c.verdict})`),
  windowNights: diagnosis.windowNights.length,
  windowTrials: diagnosis.trials,
};
process.stdout.write(JSON.stringify(figures) + '\n');
