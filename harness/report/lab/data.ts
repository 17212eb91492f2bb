/**
 * Gathers the lab page from the store: per rig, the window of nights aggregated by the database (one query), the
 * diagnosis over it, the latest night's numbers; then the lab-wide findings across rigs. Nothing but counts is
 * read, so a month of a lab's trials is as cheap as a rig's nightly analysis per rig.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cellsFromCounts, type Cell } from '../../diagnose/cells.js';
import { diagnoseCells } from '../../diagnose/diagnose.js';
import { countsOfNights, nightRunOf, type LabRig, type RunRow, type TrialStore } from '../../store/index.js';
import { benchFactsOf } from '../../config/bench-facts.js';
import { FAMILY_PHYSICS } from '../../families/index.js';
import { plural } from '../../core/plural.js';
import { ackApplies, beyondScope } from '../folds.js';
import { isFlagged, passRate, untrustworthy, type OverallLevel } from '../verdict.js';
import { labFindings, type RigCells } from './findings.js';
import type { LabFlag, LabPage, LabRigSummary } from './types.js';

export interface LabOptions {
  store: TrialStore;
  /** Nights of history per rig (the trend and the diagnosis). */
  windowNights: number;
  /** The folder the page is written to: a rig's report is linked when it is there. */
  outDir: string;
}

export async function buildLabPage(options: LabOptions): Promise<LabPage> {
  const { store } = options;
  const known = new Map<string, LabRig>((await store.labRigs()).map((r) => [r.id, r]));
  const ids = await store.rigs();
  const rigCells: RigCells[] = [];
  const rigs: LabRigSummary[] = [];
  for (const rig of ids) {
    const nights = await store.nights(rig);
    const night = nights[nights.length - 1]!;
    const windowNights = nights.slice(-options.windowNights);
    // Each night counts the run that stands for it, as on the rig's own report (a night run again by hand, or a
    // killed run beside the finished one, is not counted twice).
    const runs = await store.runs({ rig, nights: windowNights });
    const cells = cellsFromCounts(await countsOfNights(store, { rig, nights: windowNights, runs }));
    const run = nightRunOf(runs.filter((r) => r.night === night));
    // The bench as the night ran it gives the diagnosis each family's physics, as on the rig's own report.
    const bench = run && benchFactsOf(run.meta);
    const diagnosis = diagnoseCells(cells, { rig, night, windowNights, ...(bench && { rigConfig: bench.rig, profiles: bench.profiles, physics: FAMILY_PHYSICS }) });
    rigCells.push({ rig, cells, diagnosis });
    rigs.push(await summaryOf(store, rig, night, run, cells, diagnosis, known.get(rig), options.outDir));
  }
  const latestNight = rigs.map((r) => r.night).sort().at(-1) ?? null;
  for (const r of rigs) r.stale = latestNight !== null && r.night < latestNight;
  return {
    generatedAt: new Date().toISOString(),
    store: store.location,
    windowNights: options.windowNights,
    latestNight,
    rigs,
    findings: labFindings(rigCells),
  };
}

async function summaryOf(
  store: TrialStore,
  rig: string,
  night: string,
  run: RunRow | undefined,
  cells: Cell[],
  diagnosis: ReturnType<typeof diagnoseCells>,
  known: LabRig | undefined,
  outDir: string,
): Promise<LabRigSummary> {
  const counts = run ? await store.resultCounts(run.id) : { pass: 0, fail: 0, error: 0 };
  const trials = counts.pass + counts.fail + counts.error;
  // Known problems as the rig's own report counts them: a flag an ack covers on the night is not counted.
  const acks = (await store.acks(rig)).filter((a) => ackApplies(a, night));
  const flags: LabFlag[] = diagnosis.components.filter(isFlagged).map((c) => {
    const ack = acks.filter((a) => a.kind === c.kind && a.component === c.id).at(-1);
    return {
      kind: c.kind,
      id: c.id,
      verdict: c.verdict,
      summary: c.evidence.summary,
      acknowledged: ack !== undefined && beyondScope(c, ack) === undefined,
      ack: ack ? { by: ack.by, note: ack.note, since: ack.since, until: ack.until } : null,
    };
  });
  const open = flags.filter((f) => !f.acknowledged).length + diagnosis.profiles.filter((p) => isFlagged(p) && !flags.some((f) => f.kind === 'profile' && f.id === p.id)).length;
  const acked = flags.filter((f) => f.acknowledged).length;
  let verdict: OverallLevel;
  let headline: string;
  if (untrustworthy(trials, counts.error)) {
    verdict = 'untrustworthy';
    headline = `Not trustworthy — ${counts.error} of ${trials} trials were harness errors`;
  } else if (open > 0) {
    verdict = 'flagged';
    headline = `${open} flagged${acked ? ` (${acked} more acknowledged)` : ''} — ${counts.fail} of ${trials} trials failed`;
  } else if (acked > 0) {
    verdict = 'acknowledged';
    headline = `Known problems only — ${plural(acked, 'flag')} acknowledged — ${counts.fail} of ${trials} trials failed`;
  } else if (counts.fail > 0 || trials === 0) {
    verdict = 'failures';
    headline = trials === 0 ? 'No trials ran' : `${counts.fail} of ${trials} trials failed — no single component stands out`;
  } else {
    verdict = 'healthy';
    headline = `Healthy — ${counts.pass} of ${trials} trials passed`;
  }
  const perNight = new Map<string, { trials: number; failures: number }>();
  for (const cell of cells) {
    const n = perNight.get(cell.night) ?? { trials: 0, failures: 0 };
    n.trials += cell.trials;
    n.failures += cell.failures;
    perNight.set(cell.night, n);
  }
  const trend = [...perNight].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, t]) => ({ night: n, trials: t.trials, passRate: t.trials ? 1 - t.failures / t.trials : 0 }));
  const report = [join(rig, night, 'index.html'), join(rig, 'latest', 'index.html')].find((p) => existsSync(join(outDir, p))) ?? null;
  return {
    rig,
    title: known?.title ?? null,
    site: known?.site ?? null,
    host: known?.host ?? run?.host ?? null,
    night,
    runId: run?.id ?? null,
    status: run?.status ?? null,
    verdict,
    headline,
    trials,
    passes: counts.pass,
    failures: counts.fail,
    errors: counts.error,
    passRate: passRate(counts.pass, counts.fail),
    stale: false,
    flags,
    trend,
    report,
  };
}
