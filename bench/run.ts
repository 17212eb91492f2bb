/**
 * `npm run bench [-- --only B3[,B5]] [--quick]`: the benchmarks B1–B9, one after another, then one
 * table (what, figure, target, verdict) and the details of each. Never part of `npm test`.
 * Exit 0 when every benchmark run met its target, 1 when one missed, 2 on bad arguments.
 */
import { Command } from 'commander';
import { formatTable } from '../harness/cli/table.js';
import { b1 } from './b1-overhead.js';
import { b2 } from './b2-timing.js';
import { b3 } from './b3-scaling.js';
import { b4 } from './b4-analysis.js';
import { b5 } from './b5-read.js';
import { b6 } from './b6-detection.js';
import { b7 } from './b7-healthy-bench.js';
import { b7StubLatency } from './b7-stub-latency.js';
import { b8 } from './b8-lab-writes.js';
import { b9 } from './b9-lab-month.js';
import type { BenchResult, Benchmark } from './lib/types.js';
import { describeMachine, machineLine } from './lib/machine.js';

const ALL: Benchmark[] = [b1, b2, b3, b4, b5, b6, b7, b7StubLatency, b8, b9];

const program = new Command('bench')
  .description('benchmarks B1–B9 (see docs/benchmarks.md)')
  .option('--only <ids>', 'run only these, comma-separated (e.g. B3 or B1,B5)')
  .option('--quick', 'small sizes: every benchmark together in about a minute')
  .option('--realtime', 'timing under load (B2) with the harness at a real-time priority, as a nightly unit with CPUSchedulingPolicy=rr')
  .parse(process.argv);
const flags = program.opts<{ only?: string; quick?: boolean; realtime?: boolean }>();

const wanted = flags.only ? flags.only.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : ALL.map((b) => b.id);
const unknown = wanted.filter((id) => !ALL.some((b) => b.id === id));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark ${unknown.join(', ')} (there are ${ALL.map((b) => b.id).join(', ')})\n`);
  process.exit(2);
}

const quick = Boolean(flags.quick);
const log = (line: string) => process.stderr.write(`${line}\n`);
const machine = `machine: ${machineLine(describeMachine())}${quick ? ' — quick sizes' : ''}`;
log(machine);

const rows: string[][] = [];
const details: string[] = [];
let missed = false;
for (const bench of ALL.filter((b) => wanted.includes(b.id))) {
  const started = performance.now();
  log(`${bench.id}: ${bench.what} …`);
  let result: BenchResult;
  try {
    result = await bench.run({ quick, log, realtime: Boolean(flags.realtime) });
  } catch (error) {
    result = { figure: `failed: ${(error as Error).message.split('\n')[0]}`, verdict: 'error', details: [(error as Error).stack ?? String(error)] };
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`${bench.id}: ${result.figure} (${seconds} s)`);
  if (result.verdict !== 'met') missed = true;
  rows.push([bench.id, bench.what, result.figure, bench.target, result.verdict]);
  details.push(`${bench.id} — ${bench.what} (${seconds} s)`, ...result.details.map((d) => `  ${d}`));
}

process.stdout.write('\n' + machine + '\n\n' + formatTable(['#', 'what', 'figure', 'target', 'verdict'], rows));
process.stdout.write('\n' + details.join('\n') + '\n');
process.exitCode = missed ? 1 : 0;
