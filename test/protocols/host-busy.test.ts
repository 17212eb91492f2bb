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
import { runMediatek } from '../../harness/families/mediatek/engine.js';
import type { MediatekExpected, MediatekOptions } from '../../harness/families/mediatek/schema.js';
import { runStm32 } from '../../harness/families/stm32/engine.js';
import type { Stm32Expected, Stm32Options } from '../../harness/families/stm32/schema.js';
import { Session, Stop } from '../../harness/protocols/session.js';
import { busyFor } from '../link/busy-loop.js';
import { mediatekProfile, stm32Profile } from './fixtures.js';

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

describe('session: an answer that never came while the host was held up', function () {
  this.timeout(10_000);

  /** A session on the real clock whose device never answers, its link measured (a round trip of 0). */
  async function unanswered(): Promise<Session> {
    const link = new MemoryLink({ clock: realClock, send: () => undefined });
    const s = new Session(link, mediatekProfile(), mediatekExplainer('brom'));
    s.latency.observe(0);
    await sleep(20); // the host watch has seen the process free
    await s.send(Uint8Array.of(0xfd));
    return s;
  }

  it('makes the symptom the trial then ends in a harness error (host-busy)', async () => {
    const s = await unanswered();
    const reply = s.read(1, DEADLINE_MS);
    busyFor(3 * DEADLINE_MS);
    expect(await reply).to.have.length(0);
    const thrown = (() => {
      try {
        s.fail({ symptom: 'silent', detail: 'no answer to GET_HW_CODE' });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).to.be.instanceOf(HarnessFault);
    expect((thrown as HarnessFault).reason).to.equal('host-busy');
    expect((thrown as HarnessFault).message).to.match(
      /^an answer awaited for [\d.]+ ms never came, but the host was held up for [\d.]+ ms of that time — what followed \(silent: no answer to GET_HW_CODE\) is the host's doing/,
    );
    s.close();
  });

  it("leaves the symptom the board's when the host ran throughout", async () => {
    const s = await unanswered();
    // A window long enough that no ordinary load holds the host up for all of it.
    expect(await s.read(1, 10 * DEADLINE_MS)).to.have.length(0);
    expect(() => s.fail({ symptom: 'silent', detail: 'no answer to GET_HW_CODE' })).to.throw(Stop, 'no answer to GET_HW_CODE');
    s.close();
  });

  it('STM32: an ACK that only the second 0x7F gets, the first kept away by a held-up host, is host-busy, not late', async () => {
    // The bootloader hears a byte 2 ms after it is sent and ACKs its first 0x7F 30 ms later: in time, had the host
    // run. The host is held up from 1 ms after the first 0x7F, for longer than the whole sync window.
    let heard = 0;
    const link: MemoryLink = new MemoryLink({
      clock: realClock,
      send: () => {
        if (heard++ === 0) realClock.setTimer(1, () => busyFor(1200));
        realClock.setTimer(2, () => heard === 1 || realClock.setTimer(30, () => link.deliver(Uint8Array.of(0x79))));
      },
    });
    const profile = stm32Profile();
    const s = new Session(link, profile);
    const ended = await hostBusyEnd(s, () => runStm32(s, profile.protocol.options as Stm32Options, profile.expect as Stm32Expected));
    expect(ended.message).to.match(/what followed \(late: .*\) is the host's doing/);
  });
});

describe('mediatek: the handshake budget spent by a held-up host', function () {
  this.timeout(10_000);

  it('is a harness error (host-busy), not silence, when the host was held up between two handshake bytes', async () => {
    // A ROM that answers every handshake byte with its inverse 1 ms later; the host is held up while it hands over
    // the second byte (its read of the echo starts after that), for longer than the whole handshake's 2 s.
    let sent = 0;
    const link: MemoryLink = new MemoryLink({
      clock: realClock,
      send: (bytes) => {
        if (++sent === 2) busyFor(2100);
        realClock.setTimer(1, () => link.deliver(Uint8Array.of(~bytes[0]! & 0xff)));
      },
    });
    const profile = mediatekProfile();
    const s = new Session(link, profile, mediatekExplainer('brom'));
    const ended = await hostBusyEnd(s, () => runMediatek(s, profile.protocol.options as MediatekOptions, profile.expect as MediatekExpected));
    expect(ended.message).to.match(/^the handshake \(2000 ms\) ran out after [\d.]+ ms, the host having been held up for [\d.]+ ms of them — the host's doing/);
  });
});

/** Runs an engine on s once the host watch has seen the process free; it must end in a host-busy harness error. */
async function hostBusyEnd(s: Session, run: () => Promise<unknown>): Promise<HarnessFault> {
  await sleep(20);
  const ended = await run().then(
    () => null,
    (e: unknown) => e,
  );
  s.close();
  expect(ended).to.be.instanceOf(HarnessFault);
  expect((ended as HarnessFault).reason).to.equal('host-busy');
  return ended as HarnessFault;
}
