/**
 * Child process of benchmark B8: one bench PC's nightly as the store sees it — a rig of N DUTs, one lane per DUT,
 * each lane storing its trial (addTrial: committed before the next trial starts) — as fast as the database allows,
 * for a fixed number of trials per DUT. Prints one JSON line: trials acknowledged, wall time.
 * Usage: node --import tsx bench/lib/b8-writer.ts <url> <rig id> <DUTs> <trials per DUT>
 */
import { Rng } from '../../harness/core/rng.js';
import { componentsOf } from '../../harness/runner/run.js';
import { openStore } from '../../harness/store/index.js';
import { stm32Fleet } from './rigs.js';
import { recordOf } from './synth-store.js';

const [url, rigId, duts, perDut] = process.argv.slice(2);
const bench = stm32Fleet(Number(duts));
bench.rig.id = rigId!;
const store = await openStore(url!);
const night = '2026-12-01';
const runId = `${rigId}-run`;
await store.beginRun({ runId, rig: bench.rig, night, meta: { command: 'bench' } });
const rng = new Rng(8);
const started = performance.now();
let acknowledged = 0;
await Promise.all(
  bench.rig.duts.map(async (dut) => {
    const profile = bench.profiles.get(dut.board)!;
    const components = componentsOf(bench, dut, Object.values(dut.pins).map((p) => p.channel));
    for (let seq = 1; seq <= Number(perDut); seq++) {
      const symptom = rng.chance(0.01) ? 'corrupt' : 'ok';
      await store.addTrial(recordOf({ runId, rigId: rigId!, night, dut, seq, profile: profile.id, digest: profile.digest, components, symptom, rng }));
      acknowledged++;
    }
  }),
);
const wallMs = performance.now() - started;
await store.endRun(runId);
await store.close();
process.stdout.write(JSON.stringify({ acknowledged, wallMs }) + '\n');
