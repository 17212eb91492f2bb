/**
 * `npm run eval -- [--scenarios N] [--fault-free N] [--trials N] [--seed S] [--fast] [--synthetic]`
 * Evaluates the diagnosis on seeded simulated benches with injected faults: recall, precision, flags on fault-free
 * benches, and trials until the first correct flag against an SPRT that knows the true rates.
 * --fast: a few small scenarios on the synthetic generator (seconds). Exit 1 when a target is missed.
 */
import { Command } from 'commander';
import { formatTable } from '../harness/cli/table.js';
import { chooseExecution } from '../harness/eval/execute.js';
import { evaluate, type ScenarioResult } from '../harness/eval/evaluate.js';

const program = new Command('eval-diagnosis')
  .option('--scenarios <n>', 'fault scenarios (target: ≥ 50)', '50')
  .option('--fault-free <n>', 'fault-free scenarios (target: ≥ 20)', '20')
  .option('--trials <n>', 'trials per DUT', '100')
  .option('--seed <s>', 'first seed', '1')
  .option('--fast', 'a few scenarios on the synthetic generator')
  .option('--synthetic', 'use the synthetic generator even when the runner is there')
  .option('--verbose', 'one line per scenario')
  .parse(process.argv);

const o = program.opts<{ scenarios: string; faultFree: string; trials: string; seed: string; fast?: boolean; synthetic?: boolean; verbose?: boolean }>();
const fast = Boolean(o.fast);
const faultScenarios = fast ? 8 : Number(o.scenarios);
const faultFreeScenarios = fast ? 4 : Number(o.faultFree);
const trialsPerDut = Number(o.trials);
const seed = Number(o.seed);
for (const [name, value] of Object.entries({ scenarios: faultScenarios, 'fault-free': faultFreeScenarios, trials: trialsPerDut, seed })) {
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`eval-diagnosis: --${name} must be a whole number ≥ 0\n`);
    process.exit(2);
  }
}

const mode = await chooseExecution(fast || o.synthetic ? 'synthetic' : 'runner');
process.stdout.write(`execution: ${mode.name}${mode.note ? ` (${mode.note})` : ''}\n`);
const started = Date.now();
const summary = await evaluate({
  faultScenarios,
  faultFreeScenarios,
  trialsPerDut,
  seed,
  execute: mode.execute,
  profiles: mode.profiles,
  onScenario: (r) => {
    if (o.verbose) process.stdout.write(line(r) + '\n');
  },
});

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const faultFreeTarget = summary.faultFreeFlagged === 0;
const recallTarget = summary.recall >= 0.95;
const precisionTarget = summary.precision >= 0.95;
process.stdout.write(
  '\n' +
    formatTable(
      ['measure', 'value', 'target'],
      [
        ['fault scenarios', String(summary.faultScenarios.length), '≥ 50'],
        ['faults injected', String(summary.faults), ''],
        ['faults found', `${summary.found} (${summary.foundThroughGroup} through a named group)`, ''],
        ['recall', pct(summary.recall), `≥ 95% ${recallTarget ? 'ok' : 'MISSED'}`],
        ['flags (suspect/bad)', String(summary.flags), ''],
        ['false flags', String(summary.falseFlags), ''],
        ['precision', pct(summary.precision), `≥ 95% ${precisionTarget ? 'ok' : 'MISSED'}`],
        ['fault-free scenarios', String(summary.faultFree.length), '≥ 20'],
        ['  … with any flag', String(summary.faultFreeFlagged), `0 ${faultFreeTarget ? 'ok' : 'MISSED'}`],
        ['median trials/DUT to first flag', summary.medianOurs === undefined ? '-' : String(summary.medianOurs), ''],
        ['  SPRT with the true rates', summary.medianSprt === undefined ? '-' : String(summary.medianSprt), ''],
        ['trials per DUT', String(trialsPerDut), '100'],
        ['wall time', `${((Date.now() - started) / 1000).toFixed(1)} s`, ''],
      ],
    ),
);

const byKind = new Map<string, { faults: number; found: number; ours: number[]; sprt: number[] }>();
for (const r of summary.faultScenarios) {
  for (const t of r.timings) {
    const key = `${t.fault.kind}.${t.fault.key}`;
    const entry = byKind.get(key) ?? { faults: 0, found: 0, ours: [], sprt: [] };
    byKind.set(key, entry);
    entry.faults++;
    if (r.score.found.includes(t.fault)) entry.found++;
    if (t.ours !== undefined) entry.ours.push(t.ours);
    if (t.sprt !== undefined) entry.sprt.push(t.sprt);
  }
}
const mean = (xs: number[]) => (xs.length === 0 ? '-' : (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1));
process.stdout.write(
  '\n' +
    formatTable(
      ['fault', 'injected', 'found', 'mean trials/DUT to flag', 'mean SPRT'],
      [...byKind.entries()].sort().map(([k, e]) => [k, String(e.faults), String(e.found), mean(e.ours), mean(e.sprt)]),
    ),
);
const misses = summary.faultScenarios.filter((r) => r.score.missed.length > 0 || r.score.falseFlags.length > 0);
const noisy = summary.faultFree.filter((r) => r.score.falseFlags.length > 0);
for (const r of [...misses, ...noisy]) process.stdout.write(line(r) + '\n');
process.exitCode = recallTarget && precisionTarget && faultFreeTarget ? 0 : 1;

function line(r: ScenarioResult): string {
  const f = r.scenario.faults.map((x) => `${x.kind} ${x.id} ${x.key}=${typeof x.value === 'number' ? x.value.toPrecision(2) : x.value} (~${(x.targetRate * 100).toFixed(0)}%)`).join('; ');
  return `seed ${r.scenario.seed} (${r.scenario.rig.duts.length} DUTs): ${f || 'no fault'} → found ${r.score.found.length}/${r.score.faults}` +
    (r.score.missed.length ? `, missed ${r.score.missed.map((m) => `${m.kind} ${m.id}`).join(', ')}` : '') +
    (r.score.falseFlags.length ? `, false flags ${r.score.falseFlags.join(', ')}` : '');
}
