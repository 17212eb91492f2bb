import { expect } from 'chai';
import { runEngine } from '../../../harness/protocols/index.js';
import { drive, mediatekProfile, mediatekResponder, rig, type MediatekResponderOptions } from '../../protocols/fixtures.js';

async function run(options: MediatekResponderOptions, profileOptions: Parameters<typeof mediatekProfile>[0] = {}) {
  const r = rig();
  mediatekResponder(r, options);
  await r.clock.advanceAsync(2);
  const outcome = await drive(r.clock, runEngine(mediatekProfile(profileOptions), r.link));
  return { outcome, r };
}

const sent = (r: ReturnType<typeof rig>) => r.link.transcript.filter((e) => e.kind === 'tx').map((e) => (e as { data: string }).data);
const notes = (r: ReturnType<typeof rig>) => r.link.transcript.flatMap((e) => (e.kind === 'note' ? [e.text] : []));

describe('mediatek engine against a scripted BROM', () => {
  it('handshakes byte by byte and identifies an MT6765 in BROM', async () => {
    const { outcome, r } = await run({});
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.identity).to.include({ hwCode: 0x0766, mode: 'brom', hwVersion: 0xca00, targetConfig: 0xe5 });
    expect(outcome.detail).to.equal('hw_code 0x0766 (BROM), hw 0xCA00 sw 0x0000, target config 0x000000E5');
    expect(sent(r).slice(0, 4)).to.deep.equal(['A0', '0A', '50', '05']);
    // The watchdog is disabled with WRITE32 at the profile's address and value.
    expect(sent(r)).to.include.members(['D4', '10 00 70 00', '00 00 00 01', '22 00 00 64']);
    expect(outcome.retries).to.equal(0);
  });

  it('silent: no echo at all, bounded by retries and the handshake deadline', async () => {
    const { outcome, r } = await run({ dead: true });
    expect(outcome.symptom).to.equal('silent');
    expect(outcome.detail).to.match(/^no answer to handshake \(A0\)/);
    expect(sent(r).every((b) => b === 'A0')).to.equal(true);
    expect(outcome.retries).to.be.within(1, 31);
  });

  it('unexpected-reply: the target answers byte+1, not in sync', async () => {
    const { outcome } = await run({ plusOne: true });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('got A1: target answers byte+1, not in sync');
    expect(outcome.mismatch).to.include({ expected: '5F', got: 'A1' });
  });

  it('corrupt: echoes with one flipped bit', async () => {
    const { outcome } = await run({ flipEchoBit: true });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.equal('expected 5F, got 5E: one bit differs (bit 0) — line corruption: noisy cable or port?');
  });

  it('wrong-mode: READY pushed by the Preloader when BROM is expected', async () => {
    const { outcome } = await run({ preloader: true, dead: false, flood: false, plusOne: false, hwCode: 0x0766 }, { mode: 'brom' });
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.match(/Preloader/);
  });

  it('accepts the Preloader when the profile expects it', async () => {
    const { outcome } = await run({ preloader: true }, { mode: 'preloader' });
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.identity?.mode).to.equal('preloader');
  });

  it('flood: a bootlooping board drowns the handshake in log text', async () => {
    const { outcome } = await run({ flood: true });
    expect(outcome.symptom).to.equal('flood');
    expect(outcome.detail).to.match(/unasked bytes of log text/);
  });

  it('reset-mid: echoes turn into byte+1 after the handshake', async () => {
    const { outcome } = await run({ resetAfterCommands: 2 });
    expect(outcome.symptom).to.equal('reset-mid');
    expect(outcome.detail).to.match(/GET_HW_CODE: echo came back FE \(byte\+1\): the SoC restarted mid-session/);
  });

  it('identity mismatch: hw_code of another chip', async () => {
    const { outcome } = await run({ hwCode: 0x0321 });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('GET_HW_CODE says 0x0321, profile expects 0x0766 — wrong profile or wrong board?');
  });

  describe('a known constant with one or two bits flipped on the line is corrupt', () => {
    it('GET_HW_CODE one bit off the expected hw_code', async () => {
      const { outcome } = await run({ hwCode: 0xe580 }, { hwCode: 0x6580 });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.equal('GET_HW_CODE answered 0xE580, profile expects 0x6580: one bit differs (bit 15) — line corruption: noisy cable or port?');
    });

    it('GET_HW_CODE two bits off the expected hw_code', async () => {
      const { outcome } = await run({ hwCode: 0x6680 }, { hwCode: 0x6580 });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.equal('GET_HW_CODE answered 0x6680, profile expects 0x6580: 2 bits differ (bit 9, bit 8) — line corruption: noisy cable or port?');
    });

    it('a near hw_code that another chip answers stays another chip', async () => {
      const { outcome } = await run({ hwCode: 0x0717 }, { hwCode: 0x0707 });
      expect(outcome.symptom).to.equal('unexpected-reply');
      expect(outcome.detail).to.equal('GET_HW_CODE says 0x0717, profile expects 0x0707 — wrong profile or wrong board?');
    });

    it('the echo of the WRITE32 value one bit off, its status word behind it', async () => {
      const { outcome } = await run({ valueEchoXor: [0, 0x08] });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.equal('expected 22 00 00 64, got 22 08 00 64 00 01: one bit differs (bit 3 of byte 2) — line corruption: noisy cable or port?');
    });

    it('the echo of the WRITE32 value two bits off', async () => {
      const { outcome } = await run({ valueEchoXor: [0x80, 0, 0, 0x01] });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.match(/^expected 22 00 00 64, got A2 00 00 65 00 01: 2 bits differ \(bit 7 of byte 1, bit 0 of byte 4\)/);
    });

    it('an echo far from the value stays an unexpected reply', async () => {
      const { outcome } = await run({ valueEchoXor: [0x5a, 0x5a, 0x5a, 0x5a] });
      expect(outcome.symptom).to.equal('unexpected-reply');
    });
  });

  it('late: command replies after their deadline but within the grace period', async () => {
    const { outcome } = await run({ latencyMs: 300 });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/^GET_BL_VER answered after 300 ms, deadline 200 ms/);
    expect(outcome.identity?.hwCode).to.equal(0x0766);
  });

  it('silent after a good handshake: replies later than the grace period', async () => {
    const { outcome } = await run({ latencyMs: 700 });
    expect(outcome.symptom).to.equal('silent');
    expect(outcome.detail).to.match(/^no answer to GET_BL_VER within 600 ms after a good start/);
  });

  describe('a slow USB link (adapter latency timer, hub)', () => {
    it('passes with 50 ms each way: waits for every echo instead of restarting out of step, and measures the link', async () => {
      const { outcome, r } = await run({ linkMs: 100 });
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(outcome.retries).to.equal(0);
      expect(sent(r).slice(0, 4)).to.deep.equal(['A0', '0A', '50', '05']);
      expect(outcome.latencyMs).to.be.within(100, 101);
      expect(notes(r).some((t) => /^link round trip 100(\.\d)? ms \(median of \d+ immediate answers/.test(t))).to.equal(true);
    });

    it('passes with an echo later than byteMs (a 16 ms latency timer behind a hub)', async () => {
      const { outcome } = await run({ linkMs: 24 });
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(outcome.retries).to.equal(0);
      expect(outcome.latencyMs).to.be.within(24, 25);
    });

    it('late is still late: a reply beyond its deadline and the measured round trip', async () => {
      const { outcome } = await run({ linkMs: 40, latencyMs: 300 });
      expect(outcome.symptom).to.equal('late');
      expect(outcome.detail).to.match(/^GET_BL_VER answered after 3\d\d ms, deadline 200 ms \+ 40(\.\d)? ms link round trip/);
    });
  });

  describe('resynchronising', () => {
    it('a target that completed the handshake but whose last echo was lost echoes A0 unchanged: in sync, not a failure', async () => {
      const { outcome, r } = await run({ loseFinalEcho: true });
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(outcome.identity?.hwCode).to.equal(0x0766);
      expect(notes(r)).to.include('A0 came back unchanged and GET_VERSION answered 05: the target was already past the handshake');
    });

    it('a target a previous session left synced is taken as it is', async () => {
      const { outcome, r } = await run({ alreadySynced: true });
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(sent(r).slice(0, 3)).to.deep.equal(['A0', 'FF', 'FE']);
    });

    it('a line that echoes everything (TX tied to RX) is not mistaken for a synced target', async () => {
      const { outcome } = await run({ echoAll: true });
      expect(outcome.symptom).to.equal('unexpected-reply');
      expect(outcome.detail).to.match(/^expected 5F, got A0 back unchanged: .*TX tied to RX\?/);
    });

    it('stale input from before the handshake is taken off the line, not read as an echo', async () => {
      const r = rig();
      mediatekResponder(r, {});
      r.link.deliver(Uint8Array.of(0x5f, 0x00));
      const outcome = await drive(r.clock, runEngine(mediatekProfile(), r.link));
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(outcome.retries).to.equal(0);
    });
  });

  it('port-lost mid-handshake', async () => {
    const r = rig();
    mediatekResponder(r, {});
    r.clock.setTimer(0.3, () => r.link.vanish('ENODEV'));
    const outcome = await drive(r.clock, runEngine(mediatekProfile(), r.link));
    expect(outcome.symptom).to.equal('port-lost');
  });
});
