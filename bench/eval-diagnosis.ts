/**
 * `npm run eval -- [--scenarios N] [--fault-free N] [--trials N] [--seed S] [--fast] [--synthetic] [--profiles a,b]
 *                 [--save-records DIR] [--replay DIR]`
 * Evaluates the diagnosis on seeded simulated benches with injected faults, run by the real runner in simulated
 * time: recall, precision, flags on fault-free benches, and trials until the first correct flag against an SPRT
 * that knows the true rates. Fault strengths are first calibrated on the same runner.
 * --fast: a few scenarios on two profiles (about a minute). --synthetic: the synthetic generator instead of the
 * runner (statistics alone, seconds). --save-records DIR: every scenario's description and trials, one JSON file
 * each; --replay DIR: re-score those trials with the diagnosis as it is now (no runner, no calibration).
 * After each scenario's night, the swaps its report advises are carried out and up to two more nights run on the
 * changed rig (follow-on.ts): their figures are printed beside the one-night ones, which stay as they were.
 * Exit 1 when a target is missed, 2 on bad arguments.
 */
import { setMaxListeners } from 'node:events';
import { Command } from 'commander';
import { formatTable } from '../harness/cli/table.js';
import { calibrate, strengthsFromCalibration, type Calibration } from './eval/calibrate.js';
import { evaluate, replayEvaluation, type AfterSwapsSummary, type DiagnoseInput, type EvaluationSummary, type ScenarioResult } from './eval/evaluate.js';
import { FAMILY_PHYSICS } from '../harness/families/index.js';
import { loadRealRunner, runnerExecutor, syntheticExecutor, type Executor } from './eval/execute.js';
import { DEFAULT_FAULT_RATE, DEFAULT_PROFILES, type ProfileSketch } from './eval/scenario.js';
import { syntheticStrengths, valueForRate, type FaultStrengths } from './eval/strengths.js';
import { loadRun, saveRun, saveScenario, type SavedRun } from './eval/saved.js';

const FAST_PROFILES = ['stm32f103c8', 'mt6765'];

const program = new Command('eval-diagnosis')
  .option('--scenarios <n>', 'fault scenarios (target: ≥ 50)', '50')
  .option('--fault-free <n>', 'fault-free scenarios (target: ≥ 20)', '20')
  .option('--trials <n>', 'trials per DUT', '100')
  .option('--seed <s>', 'first seed', '1')
  .option('--patterns <n>', 'scenarios per failure pattern (hub latency, dying board, noisy cable, local faults under a hub, swap mid-night)', '2')
  .option('--profiles <ids>', 'board profiles to use, comma-separated (default: every emulated one in boards/)')
  .option('--calibration-trials <n>', 'trials per calibration point', '100')
  .option('--fast', `a few scenarios on ${FAST_PROFILES.join(' and ')}`)
  .option('--synthetic', 'the synthetic generator instead of the runner')
  .option('--verbose', 'one line per scenario')
  .option('--save-records <dir>', "save every scenario's description and trials there (one JSON file each)")
  .option('--replay <dir>', 're-score the trials saved there with the current diagnosis, without the runner')
  .parse(process.argv);

const o = program.opts<{
  scenarios: string; faultFree: string; patterns: string; trials: string; seed: string; profiles?: string; calibrationTrials: string;
  fast?: boolean; synthetic?: boolean; verbose?: boolean; saveRecords?: string; replay?: string;
}>();
const fast = Boolean(o.fast);
const faultScenarios = fast ? 6 : Number(o.scenarios);
const faultFreeScenarios = fast ? 3 : Number(o.faultFree);
const patternScenarios = fast ? 1 : Number(o.patterns);
const trialsPerDut = Number(o.trials);
const seed = Number(o.seed);
const calibrationTrials = fast ? 50 : Number(o.calibrationTrials);
const numbers = { scenarios: faultScenarios, 'fault-free': faultFreeScenarios, patterns: patternScenarios, trials: trialsPerDut, seed, 'calibration-trials': calibrationTrials };
for (const [name, value] of Object.entries(numbers)) {
  if (!Number.isInteger(value) || value < 0 || (name.includes('trials') && value < 1)) {
    process.stderr.write(`eval-diagnosis: --${name} must be a whole number${name.includes('trials') ? ' ≥ 1' : ' ≥ 0'}\n`);
    process.exit(2);
  }
}
// Every lane of a run listens on one abort signal: a rig of 24 DUTs is not a leak.
setMaxListeners(200);

const started = Date.now();
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
if (o.replay) {
  await replay(o.replay);
  process.exit(process.exitCode ?? 0);
}
let execute: Executor;
let profiles: ProfileSketch[];
let strengths: FaultStrengths;
let calibration: Calibration | undefined;
// The profiles (family, pins) and the families' physics, as a bench hands them to the diagnosis.
let boards: DiagnoseInput = { physics: FAMILY_PHYSICS };
if (o.synthetic) {
  process.stdout.write('execution: synthetic generator (no runner)\n');
  execute = syntheticExecutor;
  profiles = DEFAULT_PROFILES;
  strengths = syntheticStrengths();
} else {
  const only = o.profiles ? o.profiles.split(',').map((s) => s.trim()).filter(Boolean) : fast ? FAST_PROFILES : undefined;
  let runner;
  try {
    runner = await loadRealRunner(only);
  } catch (error) {
    process.stderr.write(`eval-diagnosis: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const missing = (only ?? []).filter((id) => !runner.profiles.has(id));
  if (missing.length > 0) {
    process.stderr.write(`eval-diagnosis: no emulated board profile ${missing.join(', ')} in boards/\n`);
    process.exit(2);
  }
  execute = runnerExecutor(runner);
  boards = { physics: FAMILY_PHYSICS, profiles: runner.profiles };
  profiles = runner.sketches;
  process.stdout.write(`execution: real runner, simulated time; profiles ${profiles.map((p) => p.id).join(', ')}\n`);
  process.stdout.write(`calibrating fault strengths (${calibrationTrials} trials per point)…\n`);
  calibration = await calibrate((rig, opts) => runner.run(rig, opts), profiles, {
    trialsPerValue: calibrationTrials,
    baselineTrials: fast ? 400 : 1000,
    seed,
  });
  strengths = strengthsFromCalibration(calibration);
  process.stdout.write(`\n${calibrationTable(calibration, strengths, profiles)}`);
  process.stdout.write(`calibration: ${calibration.trials} trials in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (o.saveRecords) saveRun(o.saveRecords, { seed, trialsPerDut, profiles: profiles.map((p) => p.id), synthetic: Boolean(o.synthetic), followOn: true });
let saved = 0;
const summary = await evaluate({
  faultScenarios,
  faultFreeScenarios,
  patternScenarios,
  boards,
  trialsPerDut,
  seed,
  execute,
  profiles,
  strengths,
  onScenario: (r) => {
    if (o.verbose) process.stdout.write(line(r) + '\n');
  },
  onRecords: (s) => {
    if (o.saveRecords) saveScenario(o.saveRecords, saved++, s);
  },
});
report(summary, trialsPerDut);

/** Re-scores a saved run: the same summary, on the same trials, with the diagnosis as it is now. */
async function replay(dir: string): Promise<void> {
  let run: SavedRun;
  let scenarios;
  try {
    ({ run, scenarios } = loadRun(dir));
  } catch (error) {
    process.stderr.write(`eval-diagnosis: --replay ${dir}: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const diagnoseWith: DiagnoseInput = run.synthetic ? { physics: FAMILY_PHYSICS } : { physics: FAMILY_PHYSICS, profiles: (await loadRealRunner(run.profiles)).profiles };
  process.stdout.write(`replay of ${dir}: seed ${run.seed}, ${scenarios.length} scenarios, ${run.trialsPerDut} trials per DUT\n`);
  if (!run.followOn) process.stdout.write('these records were saved before follow-on nights were run: one-night figures only, none after the report\'s swaps\n');
  const summary = await replayEvaluation(scenarios, {
    trialsPerDut: run.trialsPerDut,
    boards: diagnoseWith,
    onScenario: (r) => {
      if (o.verbose) process.stdout.write(line(r) + '\n');
    },
  });
  report(summary, run.trialsPerDut);
}

function report(summary: EvaluationSummary, trialsPerDut: number): void {
  process.stdout.write('\n' + summaryTable(summary, trialsPerDut) + '\n');
  if (summary.afterSwaps) process.stdout.write(afterSwapsTable(summary, summary.afterSwaps) + '\n');
  process.stdout.write(kindTable(summary));
  if (summary.patterns.length > 0) process.stdout.write('\n' + patternTable(summary));
  const misses = summary.faultScenarios.filter((r) => r.score.missed.length > 0 || r.score.falseFlags.length > 0);
  const noisy = summary.faultFree.filter((r) => r.score.falseFlags.length + r.score.undecidedFlags.length > 0);
  if (misses.length + noisy.length > 0) process.stdout.write('\nmisses and false flags:\n');
  for (const r of [...misses, ...noisy]) process.stdout.write(line(r) + '\n');
  const afterMisses = [...summary.faultScenarios, ...summary.faultFree].filter((r) => r.afterSwaps && r.afterSwaps.score.missed.length + r.afterSwaps.score.falseFlags.length + r.afterSwaps.score.undecidedFlags.length > 0);
  if (afterMisses.length > 0) process.stdout.write("\nmisses and false flags after the report's swaps:\n");
  for (const r of afterMisses) process.stdout.write(line(r) + afterSwapsDetail(r) + '\n');
  process.stdout.write(`\nwall time ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exitCode = targetsMet(summary) ? 0 : 1;
}

function targetsMet(s: EvaluationSummary): boolean {
  return s.recall >= 0.97 && s.precision >= 0.97 && s.faultFreeFlagged === 0;
}

function summaryTable(s: EvaluationSummary, trialsPerDut: number): string {
  const trials = [...s.faultScenarios, ...s.faultFree].reduce((n, r) => n + r.trials, 0);
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  return formatTable(
    ['measure', 'value', 'target'],
    [
      ['fault scenarios', String(s.faultScenarios.length), '≥ 50'],
      ['faults injected', String(s.faults), ''],
      ['faults found (their own component flagged)', String(s.found), ''],
      ['  missed, but a flag names them in its group', String(s.foundThroughGroup), ''],
      ['  unidentifiable without a swap', String(s.unidentifiable), ''],
      ['recall', pct(s.recall), `≥ 97% ${mark(s.recall >= 0.97)}`],
      ['  over the faults a night can identify', pct(s.identifiableRecall), ''],
      ['flags (suspect/bad)', String(s.flags), ''],
      ['false flags', String(s.falseFlags), ''],
      ['group flags: "cannot tell, swap to tell", fault in the group', String(s.undecidedFlags), ''],
      ['precision (group flags apart)', pct(s.precision), `≥ 97% ${mark(s.precision >= 0.97)}`],
      ['  counting group flags as false', pct(s.precisionUndecidedFalse), ''],
      ['fault-free scenarios', String(s.faultFree.length), '≥ 20'],
      ['  … with any flag', String(s.faultFreeFlagged), `0 ${mark(s.faultFreeFlagged === 0)}`],
      ['baseline failure rate (fault-free)', pct(s.measuredBaselineRate, 2), ''],
      ['median trials/DUT to first flag', s.medianOurs === undefined ? '-' : String(s.medianOurs), ''],
      ['  SPRT with the true rates', s.medianSprt === undefined ? '-' : String(s.medianSprt), ''],
      ['trials per DUT', String(trialsPerDut), '100'],
      ['trials run', String(trials), ''],
    ],
  );
}

/** The figures after the report's swaps were carried out and the next nights run, scored on the last report. */
function afterSwapsTable(s: EvaluationSummary, a: AfterSwapsSummary): string {
  const unapplied = [...s.faultScenarios, ...s.faultFree].flatMap((r) => r.afterSwaps?.notApplied ?? []);
  const reasons = new Map<string, number>();
  for (const u of unapplied) reasons.set(u.why ?? '', (reasons.get(u.why ?? '') ?? 0) + 1);
  return formatTable(
    ["after the report's swaps (next nights, night one as history)", 'value', ''],
    [
      ['faults found (their own component flagged on the last report)', String(a.found), ''],
      ['  found on night one, no longer flagged', String(a.dropped), ''],
      ['  still unidentifiable without a swap', String(a.unidentifiable), ''],
      ["recall after the report's swaps", pct(a.recall), `one night ${pct(s.recall)}`],
      ['false flags', String(a.falseFlags), `one night ${s.falseFlags}`],
      ["precision after the report's swaps (group flags apart)", pct(a.precision), `one night ${pct(s.precision)}`],
      ['fault-free scenarios with any flag', String(a.faultFreeFlagged), `one night ${s.faultFreeFlagged}`],
      ['scenarios with follow-on nights', String(a.scenariosFollowedOn), `1 night: ${a.byNights[1] ?? 0}, 2 nights: ${a.byNights[2] ?? 0}`],
      ['follow-on nights run', String(a.nights), ''],
      ['swaps carried out', String(a.swapsApplied), ''],
      ['boards moved off a supply to confirm it', String(a.movesApplied), ''],
      ['swaps and moves advised but not carried out', String(a.swapsNotApplied), [...reasons].map(([why, n]) => `${n}× ${why}`).join('; ')],
      ['swaps and moves the last reports still advise', String(a.stillAdvised), ''],
      ...(a.unreplayable > 0 ? [['scenarios whose saved follow-on nights the current advice no longer matches', String(a.unreplayable), 'scored on the last matching night']] : []),
    ],
  );
}

function patternTable(s: EvaluationSummary): string {
  const rows = s.patterns.map((r) => [
    r.scenario.pattern ?? '',
    String(r.scenario.seed),
    r.scenario.faults.map((f) => `${f.kind} ${f.id}`).join(', ') + (r.scenario.swap ? ` (${r.scenario.swap.what})` : ''),
    `${r.score.found.length}/${r.score.faults}`,
    r.score.unidentifiable.map((f) => `${f.kind} ${f.id}`).join(', ') || '-',
    r.score.falseFlags.join(', ') || '-',
    afterSwapsCell(r),
  ]);
  return formatTable(['pattern', 'seed', 'faults', 'found', 'unidentifiable without a swap', 'false flags', 'after the swaps'], rows);
}

/** A pattern scenario on the last report after the report's swaps: found, and what is still wrong. */
function afterSwapsCell(r: ScenarioResult): string {
  const after = r.afterSwaps;
  if (!after) return '-';
  if (after.nights.length === 0) return 'no swap advised';
  const score = after.score;
  const wrong = [
    ...score.missed.map((f) => `${f.kind} ${f.id} ${score.unidentifiable.includes(f) ? 'in a group' : 'missed'}`),
    ...score.falseFlags.map((f) => `false flag ${f}`),
  ];
  return `${score.found.length}/${score.faults} after ${after.nights.length === 1 ? '1 night' : `${after.nights.length} nights`}${wrong.length > 0 ? ` (${wrong.join(', ')})` : ''}`;
}

function kindTable(s: EvaluationSummary): string {
  const byKind = new Map<string, { faults: number; found: number; unidentifiable: number; ours: number[]; sprt: number[] }>();
  for (const r of s.faultScenarios) {
    for (const t of r.timings) {
      const key = `${t.fault.kind}.${t.fault.key}`;
      const entry = byKind.get(key) ?? { faults: 0, found: 0, unidentifiable: 0, ours: [], sprt: [] };
      byKind.set(key, entry);
      entry.faults++;
      if (r.score.found.includes(t.fault)) entry.found++;
      if (r.score.unidentifiable.includes(t.fault)) entry.unidentifiable++;
      if (t.ours !== undefined) entry.ours.push(t.ours);
      if (t.sprt !== undefined) entry.sprt.push(t.sprt);
    }
  }
  const mean = (xs: number[]) => (xs.length === 0 ? '-' : (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1));
  return formatTable(
    ['fault', 'injected', 'found', 'unidentifiable without a swap', 'mean trials/DUT to flag', 'mean SPRT'],
    [...byKind.entries()].sort().map(([k, e]) => [k, String(e.faults), String(e.found), String(e.unidentifiable), mean(e.ours), mean(e.sprt)]),
  );
}

/** Per profile and key: the values that give the ends of the fault range, as measured on the runner. */
function calibrationTable(cal: Calibration, st: FaultStrengths, sketches: ProfileSketch[]): string {
  const [lo, hi] = DEFAULT_FAULT_RATE;
  const fmt = (v: number | undefined) => (v === undefined ? 'unreachable' : v.toPrecision(2));
  const rows: string[][] = [];
  for (const sketch of sketches) {
    const base = cal.baselines.find((b) => b.profile === sketch.id);
    rows.push([sketch.id, 'baseline', `bitErrorRate ${cal.baselineBitErrorRate.toPrecision(2)}`, base ? `${base.failures}/${base.trials} = ${pct(base.failures / base.trials, 2)}` : '-', '']);
    for (const curve of cal.curves.filter((c) => c.profile === sketch.id)) {
      const name = `${curve.kind}.${curve.key}${curve.pin ? ` (${curve.pin})` : ''}`;
      rows.push([
        '',
        name,
        curve.points.map((p) => `${p.value}:${p.failures}/${p.trials}`).join(' '),
        fmt(valueForRate(st, [sketch.id], curve, lo)),
        fmt(valueForRate(st, [sketch.id], curve, hi)),
      ]);
    }
  }
  return formatTable(['profile', 'fault key', 'measured (value:failed/trials)', `value for ${pct(lo, 0)}`, `for ${pct(hi, 0)}`], rows);
}

/** What the last report after the swaps still gets wrong, and the swaps it could not have made. */
function afterSwapsDetail(r: ScenarioResult): string {
  const a = r.afterSwaps!;
  const missed = a.score.missed.map((m) => `${m.kind} ${m.id}${a.score.unidentifiable.includes(m) ? ' (still in a group)' : ''}`);
  return (
    (missed.length ? `; after: missed ${missed.join(', ')}` : '') +
    (a.notApplied.length ? `; not carried out: ${a.notApplied.map((s) => `${s.flag} (${s.why})`).join(', ')}` : '') +
    (a.unreplayable ? `; ${a.unreplayable}` : '')
  );
}

function line(r: ScenarioResult): string {
  const f = r.scenario.faults
    .map((x) => `${x.kind} ${x.id} ${x.key}=${typeof x.value === 'number' ? x.value.toPrecision(2) : x.value} (~${(x.targetRate * 100).toFixed(0)}%)`)
    .join('; ');
  return (
    `seed ${r.scenario.seed} (${r.scenario.rig.duts.length} DUTs, ${pct(r.failures / Math.max(1, r.trials))} failed): ${f || 'no fault'} → found ${r.score.found.length}/${r.score.faults}` +
    (r.score.missed.length ? `, missed ${r.score.missed.map((m) => `${m.kind} ${m.id}${r.score.unidentifiable.includes(m) ? ' (unidentifiable without a swap)' : ''}`).join(', ')}` : '') +
    (r.score.undecidedFlags.length ? `, group flags ${r.score.undecidedFlags.join(', ')}` : '') +
    (r.score.falseFlags.length ? `, false flags ${r.score.falseFlags.join(', ')}` : '') +
    (r.afterSwaps?.nights.length ? `; after ${r.afterSwaps.nights.length} night${r.afterSwaps.nights.length > 1 ? 's' : ''} of swaps (${r.afterSwaps.nights.flatMap((n) => n.swaps.filter((s) => s.applied).map((s) => (s.kind === 'move' ? s.advice : s.flag))).join(', ')}): found ${r.afterSwaps.score.found.length}/${r.score.faults}` + (r.afterSwaps.score.falseFlags.length ? `, false flags ${r.afterSwaps.score.falseFlags.join(', ')}` : '') : '')
  );
}
