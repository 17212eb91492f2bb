/**
 * The lab page diagnoses each rig as the rig's own report does: with the board families' physics, the profiles'
 * pins and the rig's wiring, which every run keeps with it — the lab page has the store, not the YAML files; so do
 * `diagnose` and `report` run where the rig file is not.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_FACTS_KEY, benchFacts, benchFactsOf } from '../../harness/config/bench-facts.js';
import { loadBench } from '../../harness/config/load.js';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { runNightly } from '../../harness/nightly/nightly.js';
import { buildLabPage } from '../../harness/report/lab/index.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { openStore, type TrialStore } from '../../harness/store/index.js';
import { cellsFromRecords } from '../../harness/diagnose/cells.js';
import { diagnoseCells } from '../../harness/diagnose/diagnose.js';
import { FAMILY_PHYSICS } from '../../harness/families/index.js';
import { recordsOn, type Faults } from '../diagnose/bench-data.js';

describe('lab: the diagnosis with the rig and its profiles', function () {
  this.timeout(60_000);
  const sim = loadBench('rigs/sim-bench.yaml');
  const NIGHT = '2026-11-20';
  // The MediaTek boards of hub2 (d6, d7) fail their byte-by-byte handshakes while its STM32 board (d5) passes: a
  // slow hub, as only the families' physics can tell; by rates alone, the boards themselves.
  const faults: Faults = { d5: {}, d6: { 'unexpected-reply': 40 }, d7: { 'unexpected-reply': 35, silent: 5 } };
  let dir: string;
  let store: TrialStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-lab-physics-'));
    store = await openStore(join(dir, 'shakedown.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const store100 = async (meta: Record<string, unknown>, rig = 'sim-bench') => {
    await store.beginRun({ runId: `run-${NIGHT}`, rig, night: NIGHT, meta: { command: 'nightly', ...meta }, startedAt: `${NIGHT}T01:30:00.000Z` });
    await store.addTrials(recordsOn(sim, faults, NIGHT).map((r) => ({ ...r, rig })));
  };
  const labFlags = async () => (await buildLabPage({ store, windowNights: 14, outDir: dir })).rigs[0]!.flags.map((f) => `${f.kind} ${f.id}`);
  // As the rig's own report diagnoses it (harness/nightly/report-data.ts).
  const ownFlags = () =>
    diagnoseCells(cellsFromRecords(recordsOn(sim, faults, NIGHT)), { rig: sim.rig.id, rigConfig: sim.rig, profiles: sim.profiles, physics: FAMILY_PHYSICS }).components.filter((c) => c.verdict === 'suspect' || c.verdict === 'bad').map((c) => `${c.kind} ${c.id}`);

  it('flags what the rig report flags when the run kept its bench', async () => {
    expect(ownFlags()).to.deep.equal(['hub hub2']);
    await store100({ [BENCH_FACTS_KEY]: benchFacts(sim) });
    expect(await labFlags()).to.deep.equal(ownFlags());
  });

  it('still diagnoses, by rates alone, a run stored without its bench', async () => {
    await store100({});
    const flags = await labFlags();
    expect(flags).to.include('dut d6');
    expect(flags).to.not.include('hub hub2');
  });

  it('diagnoses and reports from the store alone, with the bench the run kept, where the rig file is not', async () => {
    // A rig id with no rigs/<id>.yaml: only the store knows it.
    await store100({ [BENCH_FACTS_KEY]: benchFacts(sim) }, 'bench-in-another-room');
    await store.close();
    const db = join(dir, 'shakedown.db');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/shakedown.js', ...args, '--db', db], { encoding: 'utf8' });
    const diagnosed = cli('diagnose', '--json');
    expect(diagnosed.status, diagnosed.stderr).to.equal(1);
    const flags = (JSON.parse(diagnosed.stdout) as { components: Array<{ kind: string; id: string; verdict: string }> }).components
      .filter((c) => c.verdict === 'suspect' || c.verdict === 'bad')
      .map((c) => `${c.kind} ${c.id}`);
    expect(flags).to.deep.equal(ownFlags());
    const report = cli('report', '--out', join(dir, 'reports'));
    expect(report.stderr).to.equal('');
    expect(report.status).to.equal(1);
    expect(existsSync(join(dir, 'reports', 'bench-in-another-room', NIGHT, 'index.html'))).to.equal(true);
    store = await openStore(db);
  });

  it('counts each night by the run that stands for it, as the rig report does, not a killed run started after it', async () => {
    await store100({ [BENCH_FACTS_KEY]: benchFacts(sim) });
    await store.endRun(`run-${NIGHT}`, 'completed');
    // A second nightly of the same night, killed after a few trials (it never ended): it does not stand for the night.
    await store.beginRun({ runId: 'run-killed', rig: 'sim-bench', night: NIGHT, meta: { command: 'nightly', [BENCH_FACTS_KEY]: benchFacts(sim) }, startedAt: `${NIGHT}T03:00:00.000Z` });
    const killed = recordsOn(sim, {}, NIGHT, 3).map((r) => ({ ...r, rig: 'sim-bench', runId: 'run-killed', trialId: r.trialId.replace(`run-${NIGHT}`, 'run-killed') }));
    await store.addTrials(killed);
    const rig = (await buildLabPage({ store, windowNights: 14, outDir: dir })).rigs[0]!;
    expect(rig.trials).to.equal(sim.rig.duts.length * 100);
    expect(rig.flags.map((f) => `${f.kind} ${f.id}`)).to.deep.equal(ownFlags());
  });

  it('keeps the rig and the profiles its DUTs use with every nightly run', async () => {
    const bench = loadBench('rigs/sim-bench.yaml');
    bench.rig.duts = bench.rig.duts.filter((d) => d.id === 'd1' || d.id === 'd7');
    const result = await runNightly({
      bench, world: simulatedWorld(bench, { clock: new VirtualClock() }), store, outDir: join(dir, 'reports'), trialsPerDut: 2,
      followUp: false, now: () => new Date('2026-12-01T01:30:00'),
    });
    const kept = benchFactsOf((await store.run(result.run.id))!.meta)!;
    expect(kept.rig.duts.map((d) => d.id)).to.deep.equal(['d1', 'd7']);
    expect([...kept.profiles.keys()].sort()).to.deep.equal([...new Set(bench.rig.duts.map((d) => d.board))].sort());
    expect(kept.profiles.get(bench.rig.duts[0]!.board)!.family).to.equal(bench.profiles.get(bench.rig.duts[0]!.board)!.family);
  });
});
