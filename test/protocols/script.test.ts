import { expect } from 'chai';
import { runEngine } from '../../harness/protocols/index.js';
import type { ScriptStep } from '../../harness/protocols/script-schema.js';
import { drive, profile, rig } from './fixtures.js';

const steps: ScriptStep[] = [
  { kind: 'send', bytes: Uint8Array.of(0x55, 0xaa), label: 'hello' },
  { kind: 'expect', pattern: [{ value: 0x5a }, { wildcard: true }], withinMs: 100, label: 'greeting' },
  { kind: 'send', bytes: Uint8Array.of(0x01), label: 'id?' },
  { kind: 'expect', pattern: [{ value: 0x01 }, { capture: 'id' }, { capture: 'id' }, { capture: 'rev' }], withinMs: 100, label: 'id' },
];

function scriptProfile(captures: Record<string, number>, retries = 1) {
  return profile(
    { engine: 'script', serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, deadlines: { replyMs: 100 }, retries, options: { script: steps } },
    { captures },
  );
}

/** A device that greets 5A ?? and answers its id; `greet` can be swapped per test. */
function device(r: ReturnType<typeof rig>, o: { greet?: number[]; id?: number[]; greetDelay?: number; idDelay?: number; deafFirst?: boolean }) {
  let deaf = o.deafFirst ?? false;
  r.onHost = (bytes) => {
    if (bytes[0] === 0x55) {
      if (deaf) {
        deaf = false;
        return;
      }
      r.reply(o.greet ?? [0x5a, 0x07], o.greetDelay ?? 1);
    }
    if (bytes[0] === 0x01) r.reply(o.id ?? [0x01, 0x12, 0x34, 0x02], o.idDelay ?? 1);
  };
}

async function run(o: Parameters<typeof device>[1], captures = { id: 0x1234, rev: 2 }, retries = 1) {
  const r = rig();
  device(r, o);
  return drive(r.clock, runEngine(scriptProfile(captures, retries), r.link));
}

describe('script engine', () => {
  it('sends, expects with wildcards, and compares captures (multi-byte captures join big-endian)', async () => {
    const outcome = await run({});
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.identity?.captures).to.deep.equal({ id: 0x1234, rev: 2 });
    expect(outcome.detail).to.equal('id=0x1234, rev=0x2');
  });

  it('a capture other than expected is an identity mismatch', async () => {
    const outcome = await run({ id: [0x01, 0x12, 0x35, 0x02] });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('capture id says 0x1235, profile expects 0x1234 — wrong profile or wrong board?');
  });

  it('a wrong literal byte is diagnosed by explain', async () => {
    const outcome = await run({ greet: [0x5b, 0x07] });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.match(/^expected 5A \?\?, got 5B 07: one bit differs \(bit 0\)/);
  });

  it('late: the greeting after withinMs and the most a link may add, but within the grace period', async () => {
    const outcome = await run({ greetDelay: 250 });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^greeting answered after 2\d\d ms, deadline 100 ms \+ 100 ms link round trip/);
  });

  it('late: once a prompt answer has measured the link, a later step is judged on that round trip', async () => {
    const outcome = await run({ idDelay: 150 });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^id answered after 1\d\d ms, deadline 100 ms —/);
    expect(outcome.latencyMs).to.equal(0);
  });

  it('ok: the greeting delayed by a slow link, within the most a link may add', async () => {
    const outcome = await run({ greetDelay: 150 });
    expect(outcome.ok, outcome.detail).to.equal(true);
  });

  it('silent, after the retries', async () => {
    const r = rig();
    const outcome = await drive(r.clock, runEngine(scriptProfile({}), r.link));
    expect(outcome.symptom).to.equal('silent');
    expect(outcome.retries).to.equal(1);
  });

  it('a failed first expect restarts the script (within retries)', async () => {
    const outcome = await run({ deafFirst: true });
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.retries).to.equal(1);
  });
});
