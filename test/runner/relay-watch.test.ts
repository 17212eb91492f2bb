/** A relay controller that stops answering while its port stays open, on the simulated bench. */
import { expect } from 'chai';
import { InfrastructureError } from '../../harness/core/exit-codes.js';
import type { TrialRecord } from '../../harness/core/record.js';
import { runBench } from '../../harness/runner/run.js';
import { simulatedWorld } from '../../harness/sim/world.js';
import type { SimRelayBackend } from '../../harness/sim/relay-backend.js';
import { cleanSimBench } from './sim-bench-fixture.js';

async function failureOf(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the run to fail');
}

describe('runner: a relay controller that stops answering', function () {
  this.timeout(60_000);

  it('ends the run before another trial: the trial it spoiled is an error, the trials before it are kept', async () => {
    const stored: TrialRecord[] = [];
    const bench = cleanSimBench();
    const world = simulatedWorld(bench);
    const rb1 = world.relays.get('rb1') as SimRelayBackend;
    const failure = await failureOf(
      runBench(bench, {
        world,
        duts: ['d1'],
        trialsPerDut: 10,
        sink: { addTrial: (record) => void stored.push(record) },
        onTrial: () => {
          if (stored.length === 2) rb1.stopAnswering();
        },
      }),
    );
    expect(failure).to.be.instanceOf(InfrastructureError);
    expect(failure.message).to.match(/^relay board rb1 \(simulated\) stopped answering/);
    expect(stored.map((r) => r.result)).to.deep.equal(['pass', 'pass', 'error']);
    const spoiled = stored[2]!;
    // No contact moved: the board stayed in its application, and what its bytes say is not charged to it.
    expect(spoiled.symptom).to.equal(null);
    expect(spoiled.reason).to.equal('relay-not-answering');
    expect(spoiled.detail).to.match(/^relay board rb1 \(simulated\) stopped answering.*not the hardware under test/);
    expect(spoiled.transcript.at(-1)).to.deep.include({ kind: 'note' });
    expect((spoiled.transcript.at(-1) as { text: string }).text).to.match(/^harness error \(relay-not-answering\): relay board rb1/);
  });

  it('a controller that misses one answer (a busy host read it late) is asked again, and the run goes on', async () => {
    const bench = cleanSimBench();
    const world = simulatedWorld(bench);
    const rb1 = world.relays.get('rb1') as SimRelayBackend;
    const probe = rb1.probe.bind(rb1);
    let missed = 0;
    rb1.probe = async () => {
      if (missed++ === 1) throw new Error('no answer to the status query within 500 ms');
      return probe();
    };
    const summary = await runBench(bench, { world, duts: ['d1'], trialsPerDut: 3 });
    expect(missed, 'probes, one of them missed').to.be.greaterThan(3);
    expect(summary.records.map((r) => r.result)).to.deep.equal(['pass', 'pass', 'pass']);
  });

  it('a controller silent from the start stops the run before the first trial', async () => {
    const stored: TrialRecord[] = [];
    const bench = cleanSimBench();
    const world = simulatedWorld(bench);
    (world.relays.get('rb2') as SimRelayBackend).stopAnswering();
    const failure = await failureOf(runBench(bench, { world, trialsPerDut: 3, sink: { addTrial: (record) => void stored.push(record) } }));
    expect(failure).to.be.instanceOf(InfrastructureError);
    expect(failure.message).to.match(/^relay board rb2 \(simulated\) stopped answering/);
    expect(stored).to.deep.equal([]);
  });
});
