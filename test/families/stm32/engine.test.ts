import { expect } from 'chai';
import { runEngine } from '../../../harness/protocols/index.js';
import { drive, rig, stm32Profile, stm32Responder, type Stm32Options } from '../../protocols/fixtures.js';

async function run(options: Stm32Options, profileOptions: Parameters<typeof stm32Profile>[0] = {}) {
  const r = rig();
  stm32Responder(r, options);
  // Let start-up output (banners, floods) arrive before the engine starts, as after the enter sequence.
  await r.clock.advanceAsync(5);
  const outcome = await drive(r.clock, runEngine(stm32Profile(profileOptions), r.link));
  return { outcome, r };
}

describe('stm32 engine against a scripted bootloader', () => {
  it('syncs and identifies a healthy F103', async () => {
    const { outcome, r } = await run({});
    expect(outcome.ok).to.equal(true);
    expect(outcome.symptom).to.equal('ok');
    expect(outcome.identity?.productId).to.equal(0x410);
    expect(outcome.identity?.bootloaderVersion).to.equal(0x22);
    expect(outcome.identity?.commands).to.have.length(11);
    expect(outcome.detail).to.equal('PID 0x410, bootloader v2.2');
    expect(outcome.retries).to.equal(0);
    expect(outcome.handshakeMs).to.be.greaterThan(0);
    expect(outcome.identifyMs).to.be.greaterThan(0);
    const tx = r.link.transcript.filter((e) => e.kind === 'tx').map((e) => (e as { data: string }).data);
    expect(tx).to.deep.equal(['7F', '01 FE', '00 FF', '02 FD']);
  });

  it('reads the start of flash in 256-byte blocks when the profile asks', async () => {
    const { outcome, r } = await run({}, { readBytes: 600 });
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.identity?.readBytes).to.equal(600);
    const lengths = r.link.transcript.filter((e) => e.kind === 'tx' && /^(FF 00|57 A8)$/.test(e.data));
    expect(lengths.map((e) => (e as { data: string }).data)).to.deep.equal(['FF 00', 'FF 00', '57 A8']);
  });

  it('reports readout protection when Read Memory is NACKed', async () => {
    const { outcome } = await run({ protectedFlash: true }, { readBytes: 16 });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.match(/readout protection/);
  });

  it('silent: nothing at all, after resending 7F and a grace period', async () => {
    const { outcome, r } = await run({ dead: true });
    expect(outcome.symptom).to.equal('silent');
    expect(outcome.detail).to.match(/^no answer to sync \(7F\) within 2500 ms: nothing at all — boot pins/);
    expect(outcome.retries).to.equal(2);
    expect(r.link.transcript.filter((e) => e.kind === 'tx')).to.have.length(3);
  });

  it('a slow link (50 ms each way): sync and every command pass, and the round trip is measured', async () => {
    const { outcome, r } = await run({ latencyMs: 100 });
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.retries).to.equal(0);
    expect(outcome.latencyMs).to.be.within(99, 101);
    expect(r.link.transcript.some((e) => e.kind === 'note' && /^link round trip 99\.\d ms \(median of 4 immediate answers/.test(e.text))).to.equal(true);
  });

  it('already synced: NACK to the second 7F is accepted and noted', async () => {
    const { outcome, r } = await run({ alreadySynced: true });
    expect(outcome.ok, outcome.detail).to.equal(true);
    expect(outcome.retries).to.equal(1);
    expect(r.link.transcript.some((e) => e.kind === 'note' && /already synced/.test(e.text))).to.equal(true);
  });

  it('late: the bootloader ACKs only the retry — recorded as late, identity still read', async () => {
    // Starts listening after the first 7F went by.
    const { outcome } = await run({ listenAt: 100 });
    expect(outcome.ok).to.equal(false);
    expect(outcome.symptom).to.equal('late');
    expect(outcome.detail).to.match(/Failed to init device after retry/);
    expect(outcome.identity?.productId).to.equal(0x410);
  });

  it('late: a command answered after its deadline but within the grace period', async () => {
    const { outcome } = await run({ slowCommand: { code: 0x02, ms: 700 } });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.identity?.productId).to.equal(0x410);
  });

  it('reset-mid: Get ID unanswered, then a fresh 7F is ACKed', async () => {
    const { outcome } = await run({ resetOn: 0x02 });
    expect(outcome.symptom).to.equal('reset-mid');
    expect(outcome.detail).to.match(/^no answer to Get ID, then a fresh 7F was ACKed/);
  });

  it('corrupt: a lost command byte shows as a NACK to the probing 7F', async () => {
    const { outcome } = await run({ dropSecondByteOf: 0x00 });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.match(/a byte of the command was lost/);
  });

  it('unexpected-reply: a printable byte instead of ACK', async () => {
    const { outcome } = await run({ mangle: () => 0x41 });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal("expected 79, got 41 ('A', printable: the board prints text — boot pins?)");
    expect(outcome.mismatch?.expected).to.equal('79');
    expect(outcome.mismatch?.got).to.equal('41');
    expect(outcome.mismatch?.at).to.be.greaterThan(0);
  });

  it('corrupt: one flipped bit in the ACK', async () => {
    const { outcome } = await run({ mangle: (b) => b ^ 0x01 });
    expect(outcome.symptom).to.equal('corrupt');
    expect(outcome.detail).to.equal('expected 79, got 78: one bit differs (bit 0) — line corruption: noisy cable or port?');
  });

  it('wrong-mode: the application prints its banner (BOOT0 low)', async () => {
    const { outcome } = await run({ appText: 'Blinky v1.3 ready\r\n' });
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.match(/Blinky v1.3 ready/);
    expect(outcome.detail).to.match(/BOOT0/);
  });

  it('flood: a bootlooping board floods the line', async () => {
    const { outcome } = await run({ floodBytes: 2000, dead: true });
    expect(outcome.symptom).to.equal('flood');
    expect(outcome.detail).to.match(/^2000 unasked bytes of log text/);
  });

  it('identity mismatch: Get ID 0x413 where 0x410 is expected', async () => {
    const { outcome } = await run({ pid: 0x413 });
    expect(outcome.ok).to.equal(false);
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('Get ID says 0x413, profile expects 0x410 — wrong profile or wrong board?');
    expect(outcome.identity?.productId).to.equal(0x413);
  });

  describe('a known constant with one or two bits flipped on the line is corrupt', () => {
    it('Get ID one bit off the expected product id', async () => {
      const { outcome } = await run({ pid: 0xc10 });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.equal('Get ID answered 0xC10, profile expects 0x410: one bit differs (bit 11) — line corruption: noisy cable or port?');
    });

    it('Get ID two bits off the expected product id', async () => {
      const { outcome } = await run({ pid: 0x8490 });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.equal('Get ID answered 0x8490, profile expects 0x410: 2 bits differ (bit 15, bit 7) — line corruption: noisy cable or port?');
    });

    it('a product id far from the expected one stays another chip', async () => {
      const { outcome } = await run({ pid: 0x6a5 });
      expect(outcome.symptom).to.equal('unexpected-reply');
      expect(outcome.detail).to.equal('Get ID says 0x6A5, profile expects 0x410 — wrong profile or wrong board?');
    });

    it('the ACK two bits off (68 for 79)', async () => {
      const { outcome } = await run({ mangle: () => 0x68 });
      expect(outcome.symptom).to.equal('corrupt');
      expect(outcome.detail).to.equal('expected 79, got 68: 2 bits differ (bit 4, bit 0) — line corruption: noisy cable or port?');
    });
  });

  it('bootloader older than the profile minimum', async () => {
    const { outcome } = await run({ version: 0x20 }, { minBootloaderVersion: 0x22 });
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.match(/v2\.0 is older than the profile's minimum v2\.2/);
  });

  it('port-lost: the port vanishes mid-session and the engine stops at once', async () => {
    const r = rig();
    stm32Responder(r, {});
    r.clock.setTimer(0.5, () => r.link.vanish('adapter unplugged'));
    const outcome = await drive(r.clock, runEngine(stm32Profile(), r.link));
    expect(outcome.symptom).to.equal('port-lost');
    expect(outcome.detail).to.match(/adapter unplugged/);
  });
});
