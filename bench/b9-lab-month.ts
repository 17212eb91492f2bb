/**
 * B9 — a month of a 10-bench lab in PostgreSQL: 10 rigs × 64 DUTs × 30 nights (10^7 trials; 10^6 with --quick),
 * each rig with B4's planted faults, written with addTrials. Then, each in a child process of its own: one rig's
 * nightly analysis (B4's: diagnose over 14 nights, report data, the three files) and the lab page.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresServer } from '../test/store/postgres-server.js';
import type { AnalysisFigures } from './lib/analyse-store.js';
import { stm32Fleet } from './lib/rigs.js';
import { synthesiseStore } from './lib/synth-store.js';
import type { Benchmark } from './lib/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RIGS = 10;
const DUTS = 64;
const NIGHTS = 30;
const TARGET_ANALYSIS_MS = 10_000;
const TARGET_LAB_MS = 30_000;
const TARGET_RSS = 2 ** 30;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

interface LabFigures {
  totalMs: number;
  maxRssBytes: number;
  startRssBytes: number;
  rigs: number;
  findings: string[];
  flagged: number;
}

function child<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'lib', script), ...args], { cwd: resolve(HERE, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`${script} exited ${code}: ${err.slice(-400)}`))));
  });
}

/** The fleet for rig i: rig 0 is B4's fleet-64 as it is; the others get ids of their own for the rig and its parts. */
function rigOf(i: number) {
  const bench = stm32Fleet(DUTS);
  if (i === 0) return bench;
  const prefix = `r${i + 1}-`;
  bench.rig.id = `fleet-${DUTS}-bench${i + 1}`;
  for (const dut of bench.rig.duts) {
    dut.cable = prefix + dut.cable;
    dut.supply = prefix + dut.supply;
  }
  bench.rig.cables = bench.rig.cables.map((c) => ({ ...c, id: prefix + c.id }));
  bench.rig.supplies = bench.rig.supplies.map((s) => ({ ...s, id: prefix + s.id }));
  return bench;
}

export const b9: Benchmark = {
  id: 'B9',
  what: 'a month of a 10-bench lab (PostgreSQL)',
  target: 'rig analysis ≤ 10 s, lab page ≤ 30 s, RSS ≤ 1 GiB',
  async run(ctx) {
    const perRig = ctx.quick ? 100_000 : 1_000_000;
    const server = new PostgresServer();
    const out = mkdtempSync(join(tmpdir(), 'shakedown-bench-b9-'));
    try {
      server.start();
      const url = await server.createDatabase('b9');
      const started = performance.now();
      for (let i = 0; i < RIGS; i++) {
        await synthesiseStore({ file: url, bench: rigOf(i), nights: NIGHTS, records: perRig, seed: 7 + i });
        ctx.log(`B9 store: rig ${i + 1} of ${RIGS} written (${(((performance.now() - started) / 1000) | 0)} s)`);
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // What autovacuum does after a load: statistics for the planner, the visibility map for index-only scans.
      await client.query('VACUUM ANALYZE');
      const size = Number((await client.query<{ s: string }>('SELECT pg_database_size(current_database()) AS s')).rows[0]!.s);
      const trials = (await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM trials')).rows[0]!.n;
      await client.end();
      const loadS = (performance.now() - started) / 1000;
      ctx.log(`B9 store: ${trials} trials, ${mib(size)}, ${loadS.toFixed(0)} s`);

      const night = '2026-01-30';
      const rig = await child<AnalysisFigures>('analyse-store.ts', [url, String(DUTS), night, join(out, 'rig')]);
      const lab = await child<LabFigures>('lab-page-child.ts', [url, join(out, 'lab')]);
      const rss = Math.max(rig.maxRssBytes, lab.maxRssBytes);
      const met = rig.totalMs <= TARGET_ANALYSIS_MS && lab.totalMs <= TARGET_LAB_MS && rss <= TARGET_RSS;
      return {
        figure: `rig ${(rig.totalMs / 1000).toFixed(2)} s, lab page ${(lab.totalMs / 1000).toFixed(2)} s, RSS ${mib(rss)}`,
        verdict: met ? 'met' : 'missed',
        details: [
          `store: ${trials} trials (${RIGS} rigs × ${DUTS} DUTs × ${NIGHTS} nights), ${mib(size)} in PostgreSQL 15, written and vacuumed in ${loadS.toFixed(0)} s`,
          `rig fleet-${DUTS}: diagnose ${(rig.diagnoseMs / 1000).toFixed(2)} s over ${rig.windowNights} nights (${rig.windowTrials} trials); report data ${(rig.reportDataMs / 1000).toFixed(2)} s; writing ${(rig.writeMs / 1000).toFixed(2)} s; peak RSS ${mib(rig.maxRssBytes)}; flagged ${rig.flagged.join(', ') || 'nothing'}`,
          `lab page: ${lab.rigs} rigs, ${lab.flagged} flags, findings: ${lab.findings.join(', ') || 'none'}; peak RSS ${mib(lab.maxRssBytes)} (${mib(lab.startRssBytes)} before)`,
        ],
      };
    } finally {
      server.destroy();
      rmSync(out, { recursive: true, force: true });
    }
  },
};
