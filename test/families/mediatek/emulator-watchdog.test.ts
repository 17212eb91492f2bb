import { expect } from 'chai';
import { ManualClock } from '../../../harness/core/clock.js';
import { toHex, u32be } from '../../../harness/core/bytes.js';
import type { MediatekChipFacts } from '../../../harness/families/mediatek/schema.js';
import { MT6735, MT6765, powerUp, sendBytewise, sendChunk, type Bench } from './fixtures.js';

function synced(chip: MediatekChipFacts, mode: 'brom' | 'preloader' = 'brom'): Bench {
  const clock = new ManualClock();
  const bench = powerUp(clock, chip, { kcol0: mode === 'brom' });
  clock.advance(chip.startupMs);
  if (mode === 'preloader') sendBytewise(bench.device, bench.probe, 'A0');
  expect(toHex(sendBytewise(bench.device, bench.probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
  return bench;
}

/** WRITE32 of one word; returns the device's full answer. */
function write32(bench: Bench, address: number, value: number): string {
  return toHex(sendChunk(bench.device, bench.probe, Uint8Array.of(0xd4, ...u32be(address), 0, 0, 0, 1, ...u32be(value))));
}

describe('MediaTek emulator: watchdog', () => {
  it('resets the SoC when the watchdog is not disabled in time, and comes back cold in the KCOL0 mode', () => {
    const bench = synced(MT6765);
    const { device, probe, clock } = bench;
    expect(device.watchdogArmed).to.equal(true);
    clock.advance(MT6765.watchdogTimeoutMs - 1);
    expect(device.synced).to.equal(true);
    expect(device.boots).to.equal(1);
    clock.advance(1);
    expect(device.state).to.equal('booting');
    expect(device.synced).to.equal(false);
    expect(device.boots).to.equal(2);
    clock.advance(MT6765.startupMs);
    expect(device.state).to.equal('brom');
    expect(toHex(sendBytewise(device, probe, 'FD'))).to.equal('FE');
  });

  it('re-enters the mode KCOL0 selects at the moment of the reset', () => {
    const { device, probe, clock } = synced(MT6765);
    device.setPin('kcol0', false);
    clock.advance(MT6765.watchdogTimeoutMs + MT6765.startupMs);
    expect(device.state).to.equal('preloader');
    expect(toHex(probe.take())).to.equal('52 45 41 44 59');
  });

  it('also runs after a Preloader handshake', () => {
    const { device, clock } = synced(MT6765, 'preloader');
    clock.advance(MT6765.watchdogTimeoutMs);
    expect(device.state).to.equal('booting');
    expect(device.synced).to.equal(false);
  });

  it('does not start before the handshake', () => {
    const clock = new ManualClock();
    const { device } = powerUp(clock, MT6765, { kcol0: true });
    clock.advance(MT6765.startupMs + MT6765.watchdogTimeoutMs * 5);
    expect(device.state).to.equal('brom');
    expect(device.boots).to.equal(1);
  });

  it('stays in command mode once the profile’s disable value is written to the watchdog register', () => {
    const bench = synced(MT6765);
    const { device, probe, clock } = bench;
    clock.advance(MT6765.watchdogTimeoutMs - 10);
    expect(write32(bench, 0x10007000, 0x22000064)).to.equal('D4 10 00 70 00 00 00 00 01 00 01 22 00 00 64 00 00');
    expect(device.watchdogArmed).to.equal(false);
    clock.advance(MT6765.watchdogTimeoutMs * 10);
    expect(device.synced).to.equal(true);
    expect(device.boots).to.equal(1);
    expect(toHex(sendChunk(device, probe, 'D1 10 00 70 00 00 00 00 01'))).to.equal(
      'D1 10 00 70 00 00 00 00 01 00 00 22 00 00 64 00 00',
    );
  });

  it('is not disabled by a wrong value or a wrong address', () => {
    const bench = synced(MT6765);
    write32(bench, 0x10007000, 0x22000000);
    write32(bench, 0x10212000, 0x22000064);
    expect(bench.device.watchdogArmed).to.equal(true);
    bench.clock.advance(MT6765.watchdogTimeoutMs);
    expect(bench.device.synced).to.equal(false);
    expect(bench.device.state).to.equal('booting');
  });

  it('uses the register and value of the profile: MT6735 at 0x10212000 / 0x22000000', () => {
    const wrong = synced(MT6735);
    write32(wrong, 0x10007000, 0x22000064);
    wrong.clock.advance(MT6735.watchdogTimeoutMs);
    expect(wrong.device.synced).to.equal(false);

    const right = synced(MT6735);
    expect(write32(right, 0x10212000, 0x22000000)).to.equal('D4 10 21 20 00 00 00 00 01 00 01 22 00 00 00 00 00');
    right.clock.advance(MT6735.watchdogTimeoutMs * 3);
    expect(right.device.synced).to.equal(true);
    expect(right.device.peek(0x10212000)).to.equal(0x22000000);
  });

  it('forgets memory written before a reset', () => {
    const bench = synced(MT6765);
    write32(bench, 0x00100000, 0xcafef00d);
    expect(bench.device.peek(0x00100000)).to.equal(0xcafef00d);
    bench.clock.advance(MT6765.watchdogTimeoutMs + MT6765.startupMs);
    expect(toHex(sendBytewise(bench.device, bench.probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
    expect(toHex(sendChunk(bench.device, bench.probe, 'D1 00 10 00 00 00 00 00 01'))).to.equal(
      'D1 00 10 00 00 00 00 00 01 00 00 00 00 00 00 00 00',
    );
  });
});
