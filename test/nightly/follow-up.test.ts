/**
 * Follow-up trials on the simulated bench, in virtual time: a cable that drops bits now and then ends the planned
 * trials at watch, its DUT runs follow-up trials until the sequential test decides; off, capped by either budget,
 * stopped by a signal, and on a fault-free bench.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedBench } from '../../harness/config/types.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { VirtualClock } from '../../harness/core/virtual-clock.js';
import { runNightly, type NightlyOptions } from '../../harness/nightly/nightly.js';
import { trialText } from '../../harness/report/trial-text.js';
import type { FollowUpSummary } from '../../harness/report/types.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import { openStore, type TrialStore } from '../../harness/store/index.js';
import { cleanSimBench, simBenchWithFault } from '../runner/sim-bench-fixture.js';

const PLANNED = 10;
const STM32_DUTS = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];

/** Six STM32 DUTs of the sim bench; d3's cable c3 flips a bit now and then. */
function noisyCableBench(): LoadedBench {
  const bench = simBenchWithFault('cables', 'c3', { bitErrorRate: 0.002 });
  bench.rig.duts = bench.rig.duts.filter((d) => STM32_DUTS.includes(d.id));
  return bench;
}

describe('nightly: follow-up trials', function () {
  this.timeout(180_000);
  let dir: string;
  let store: TrialStore;
  let night = 0;
  const nightly = (bench: LoadedBench, options: Partial<NightlyOptions> = {}) => {
    // Each test its own night, so that no history leaks between them.
    const date = `2026-12-${String(++night).padStart(2, '0')}`;
    return runNightly({
      bench, world: simulatedWorld(bench, { clock: new VirtualClock() }), store, outDir: join(dir, 'reports'), trialsPerDut: PLANNED,
      now: () => new Date(`${date}T01:30:00`), ...options,
    });
  };
  const trialsOf = async (runId: string, rig: string) => {
    const out: TrialRecord[] = [];
    for await (const t of store.trialsFor({ rig, runId })) out.push(t);
    return out;
  };
  const followUpOf = async (runId: string) => (await store.run(runId))!.meta.followUp as FollowUpSummary | undefined;
  const ofCable = (f: FollowUpSummary) => f.units.find((u) => u.components.some((c) => c.kind === 'cable' && c.id === 'c3'));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shakedown-follow-up-'));
    store = await openStore(join(dir, 'shakedown.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows up a part left at watch on its own DUT until the sequential test decides, and the report says so', async () => {
    const result = await nightly(noisyCableBench());
    const followUp = (await followUpOf(result.run.id))!;
    expect(followUp.status).to.equal('done');
    const unit = ofCable(followUp)!;
    expect(unit, 'the noisy cable is followed up').to.exist;
    expect(unit.components.map((c) => c.verdict), 'after the planned trials it is not flagged yet').to.not.include.members(['suspect', 'bad']);
    expect(unit.duts).to.deep.equal(['d3']);
    expect(unit.decision).to.equal('flagged');
    expect(followUp.endedBy).to.equal('decided');

    const trials = await trialsOf(result.run.id, 'sim-bench');
    const extra = trials.filter((t) => t.followUp);
    expect(extra.length).to.be.greaterThan(0);
    expect(extra.length).to.equal(followUp.trials);
    // The clean DUTs ran beside d3, so that the pool it was compared with kept growing.
    expect(followUp.poolDuts).to.deep.equal(['d1', 'd2', 'd4', 'd5', 'd6']);
    expect(new Set(extra.map((t) => t.dut))).to.deep.equal(new Set(['d3', ...followUp.poolDuts!]));
    expect(extra.filter((t) => t.dut === 'd3')).to.have.length(unit.trials);
    expect(unit.pool.trials, 'the pool grew').to.be.greaterThan(5 * PLANNED);
    expect(extra.every((t) => t.seq > PLANNED), 'follow-ups come after the planned trials').to.equal(true);
    expect(trials.filter((t) => !t.followUp).every((t) => t.seq <= PLANNED)).to.equal(true);

    const summary = JSON.parse(readFileSync(result.report!.files.summary, 'utf8'));
    expect(summary.followUp).to.include({ status: 'done', trials: followUp.trials, endedBy: 'decided' });
    expect(summary.followUp.poolDuts).to.deep.equal(followUp.poolDuts);
    expect(summary.followUp.components.find((c: { duts: string[] }) => c.duts.join() === 'd3').decision).to.equal('flagged');
    expect(summary.duts.find((d: { id: string }) => d.id === 'd3').followUpTrials).to.equal(unit.trials);
    expect(summary.duts.find((d: { id: string }) => d.id === 'd1').followUpTrials).to.equal(extra.filter((t) => t.dut === 'd1').length);
    // The final diagnosis counts every trial, follow-ups included.
    expect(summary.diagnosis.trials).to.equal(trials.filter((t) => t.result !== 'error').length);
    const c3 = summary.components.find((c: { kind: string; id: string }) => c.kind === 'cable' && c.id === 'c3');
    expect(c3.evidence.trials).to.equal(PLANNED + unit.trials);

    const html = readFileSync(result.report!.files.html, 'utf8');
    expect(html).to.include('id="follow-up"');
    expect(html).to.match(new RegExp(`${followUp.trials} follow-up trials? on d3, and on d1, d2, d4, d5, d6 so that the rest of the bench`));
    expect(html).to.include('flagged: fails more than the rest of the bench');
    // `shakedown show` says which trials were follow-ups.
    expect(trialText(extra[0]!, { colour: false })).to.include(`trial ${extra[0]!.seq} (follow-up)`);
    expect(trialText(trials[0]!, { colour: false })).to.not.include('(follow-up)');
  });

  it('spends none with follow-up off (--no-follow-up)', async () => {
    const result = await nightly(noisyCableBench(), { followUp: false });
    expect(await followUpOf(result.run.id)).to.equal(undefined);
    const trials = await trialsOf(result.run.id, 'sim-bench');
    expect(trials).to.have.length(STM32_DUTS.length * PLANNED);
    expect(trials.some((t) => t.followUp)).to.equal(false);
    const summary = JSON.parse(readFileSync(result.report!.files.summary, 'utf8'));
    expect(summary.followUp).to.equal(null);
    expect(readFileSync(result.report!.files.html, 'utf8')).to.not.include('id="follow-up"');
  });

  it('stops at the budget of trials, the part undecided', async () => {
    const bench = noisyCableBench();
    bench.rig.nightly.followUp = { maxTrials: 2, maxMinutes: 30 };
    const result = await nightly(bench);
    const followUp = (await followUpOf(result.run.id))!;
    expect(followUp.trials).to.equal(2);
    expect(followUp.endedBy).to.equal('max-trials');
    expect(ofCable(followUp)!.decision).to.equal('undecided');
    expect((await trialsOf(result.run.id, 'sim-bench')).filter((t) => t.followUp)).to.have.length(2);
    expect(readFileSync(result.report!.files.html, 'utf8')).to.include('undecided: the budget ran out first');
  });

  it('stops at the time budget: no follow-up trial starts that would end after it', async () => {
    const bench = noisyCableBench();
    bench.rig.nightly.followUp = { maxTrials: 1000, maxMinutes: 0.02 };
    const result = await nightly(bench);
    const followUp = (await followUpOf(result.run.id))!;
    expect(followUp.endedBy).to.equal('max-minutes');
    expect(ofCable(followUp)!.decision).to.equal('undecided');
    const extra = (await trialsOf(result.run.id, 'sim-bench')).filter((t) => t.followUp);
    expect(extra).to.have.length(followUp.trials);
    expect(extra.length).to.be.greaterThan(0);
    // Each lane within the 1.2 s of virtual time, give or take its last trial (each is expected to take what the ones before took).
    for (const dut of new Set(extra.map((t) => t.dut))) {
      const mine = extra.filter((t) => t.dut === dut);
      const spentMs = mine.reduce((ms, t) => ms + t.phases.totalMs, 0);
      expect(spentMs, dut).to.be.at.most(1200 + Math.max(...mine.map((t) => t.phases.totalMs)));
    }
  });

  it('stops cleanly when the run is stopped during follow-up: the finished trials are stored', async () => {
    const stop = new AbortController();
    let seen = 0;
    const result = await nightly(noisyCableBench(), {
      signal: stop.signal,
      onTrial: (t) => {
        if (t.followUp && ++seen === 2) stop.abort();
      },
    });
    expect(result.interrupted).to.equal(true);
    expect(result.run.status).to.equal('interrupted');
    const followUp = (await followUpOf(result.run.id))!;
    expect(followUp.endedBy).to.equal('stopped');
    const extra = (await trialsOf(result.run.id, 'sim-bench')).filter((t) => t.followUp);
    expect(extra).to.have.length(2);
    expect(followUp.trials).to.equal(2);
  });

  it('spends none on a fault-free bench, or clears what it follows', async () => {
    const bench = cleanSimBench();
    bench.rig.duts = bench.rig.duts.filter((d) => STM32_DUTS.includes(d.id));
    const result = await nightly(bench);
    const followUp = (await followUpOf(result.run.id))!;
    expect(followUp.status).to.equal('done');
    expect(followUp.units.filter((u) => u.decision === 'flagged')).to.deep.equal([]);
    const extra = (await trialsOf(result.run.id, 'sim-bench')).filter((t) => t.followUp);
    expect(extra).to.have.length(followUp.trials);
    if (followUp.units.length === 0) expect(followUp.trials).to.equal(0);
    else expect(followUp.units.every((u) => u.decision === 'cleared')).to.equal(true);
  });
});
