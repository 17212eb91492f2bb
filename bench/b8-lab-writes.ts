/**
 * B8 — a lab writing at once: 8 bench processes, each a simulated rig of 16 DUTs storing every trial the way a
 * nightly does (one lane per DUT, each trial committed before the lane's next), into one PostgreSQL started for
 * the benchmark. Sustained trials/s against what 8 such benches produce, and a count of lost or repeated trials.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresServer } from '../test/store/postgres-server.js';
import { openStore } from '../harness/store/index.js';
import type { Benchmark } from './lib/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCHES = 8;
const DUTS = 16;
/** A simulated STM32 trial of the fleet takes 170 ms (B3: 50 trials in 8.5 s, every lane at once). */
const TRIAL_S = 0.17;
const PRODUCED_PER_S = (BENCHES * DUTS) / TRIAL_S;
const TARGET_FACTOR = 50;

function writer(url: string, rig: string, perDut: number): Promise<{ acknowledged: number; wallMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'lib', 'b8-writer.ts'), url, rig, String(DUTS), String(perDut)], {
      cwd: resolve(HERE, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`writer ${rig} exited ${code}: ${err.slice(-300)}`))));
  });
}

export const b8: Benchmark = {
  id: 'B8',
  what: 'lab writes (8 benches × 16 DUTs → PostgreSQL)',
  target: `≥ ${TARGET_FACTOR}× the 8 benches' ${Math.round(PRODUCED_PER_S)} trials/s, 0 lost or repeated`,
  async run(ctx) {
    const perDut = ctx.quick ? 100 : 1000;
    const server = new PostgresServer();
    try {
      server.start();
      const url = await server.createDatabase('b8');
      await (await openStore(url)).close(); // the schema, before the benches race for it
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: BENCHES }, (_, i) => writer(url, `b8-bench${i + 1}`, perDut)));
      const wallS = (performance.now() - started) / 1000;
      const acknowledged = results.reduce((a, r) => a + r.acknowledged, 0);
      const writingS = Math.max(...results.map((r) => r.wallMs)) / 1000;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ n: number; distinct: number; complete: number }>(
        `SELECT COUNT(*)::int AS n, COUNT(DISTINCT (rig, dut, seq))::int AS distinct,
                (SELECT COUNT(*)::int FROM (SELECT rig, dut FROM trials GROUP BY rig, dut HAVING MIN(seq) = 1 AND MAX(seq) = $1 AND COUNT(*) = $1) AS full_lanes) AS complete
           FROM trials`,
        [perDut],
      );
      await client.end();
      const stored = rows[0]!;
      const expected = BENCHES * DUTS * perDut;
      const lost = expected - stored.distinct;
      const repeated = stored.n - stored.distinct;
      const rate = acknowledged / writingS;
      const factor = rate / PRODUCED_PER_S;
      const met = factor >= TARGET_FACTOR && lost === 0 && repeated === 0 && acknowledged === expected;
      return {
        figure: `${Math.round(rate)} trials/s (×${factor.toFixed(1)}), ${lost} lost, ${repeated} repeated`,
        verdict: met ? 'met' : 'missed',
        details: [
          `${BENCHES} processes × ${DUTS} lanes × ${perDut} trials = ${expected} trials; acknowledged ${acknowledged}, stored ${stored.n} (${stored.complete} of ${BENCHES * DUTS} lanes with seq 1…${perDut} complete)`,
          `writing ${writingS.toFixed(1)} s (slowest bench), ${wallS.toFixed(1)} s with process start; the benches produce ${Math.round(PRODUCED_PER_S)} trials/s (${BENCHES} × ${DUTS} lanes, ${TRIAL_S * 1000} ms a trial)`,
          'one PostgreSQL 15 on a unix socket in a temporary folder, fsync off (the benchmark measures the store, not the disk); each trial its own commit unless lanes finish together (group commit)',
        ],
      };
    } finally {
      server.destroy();
    }
  },
};
