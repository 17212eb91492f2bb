/**
 * A reply judged against its deadline on the real clock, while the host itself is held up (a synchronous busy loop,
 * as on a loaded machine) or free. The device answers through a timer of this process, as the simulated bench's
 * emulators do: a host that does not run delays the answer's stamp, not the device.
 */
import { expect } from 'chai';
import { realClock } from '../../harness/core/clock.js';
import { HarnessFault } from '../../harness/core/harness-fault.js';
import { MemoryLink } from '../../harness/link/memory-link.js';
import { mediatekExplainer } from '../../harness/families/mediatek/explain.js';
import { Session } from '../../harness/protocols/session.js';
import { busyFor } from '../link/busy-loop.js';
import { mediatekProfile } from './fixtures.js';

const DEADLINE_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A session whose device answers FD `answerMs` after a command reaches it (2 ms after it was sent). */
async function deviceAnswering(answerMs: number): Promise<Session> {
  const link: MemoryLink = new MemoryLink({
    clock: realClock,
    send: () => realClock.setTimer(2, () => realClock.setTimer(answerMs, () => link.deliver(Uint8Array.of(0xfd)))),
  });
  const s = new Session(link, mediatekProfile(), mediatekExplainer('brom'));
  s.latency.observe(0); // a direct link: the window is the deadline and the wire time
  await sleep(20); // the host watch has seen the process free
  await s.send(Uint8Array.of(0xfd));
  return s;
}

describe('session: a late answer on a held-up host', function () {
  this.timeout(10_000);

  it('is a harness error (host-busy) when the host was held up for longer than the answer was late', async () => {
    const s = await deviceAnswering(60); // in time: 62 ms of a 100 ms deadline
    const reply = s.expect('GET_HW_CODE', [0xfd], DEADLINE_MS);
    busyFor(3 * DEADLINE_MS); // the host is held: the device's timers, and the answer's stamp, wait for it
    const error = await reply.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(HarnessFault);
    expect((error as HarnessFault).reason).to.equal('host-busy');
    expect((error as HarnessFault).message).to.match(/^GET_HW_CODE answered after [\d.]+ ms, deadline 100 ms, but the host was held up for [\d.]+ ms meanwhile/);
    expect(s.outcome(undefined, 'fine').symptom).to.equal('ok');
    s.close();
  });

  it('stays late when the device answers late and the host is free', async () => {
    const s = await deviceAnswering(DEADLINE_MS + 150); // late by far more than a loaded machine holds a process up
    expect(Array.from(await s.expect('GET_HW_CODE', [0xfd], DEADLINE_MS))).to.deep.equal([0xfd]);
    const outcome = s.outcome(undefined, 'fine');
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^GET_HW_CODE answered after [\d.]+ ms, deadline 100 ms — slow power-up/);
    s.close();
  });
});
