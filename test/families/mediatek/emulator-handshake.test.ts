import { expect } from 'chai';
import { ManualClock } from '../../../harness/core/clock.js';
import { toHex } from '../../../harness/core/bytes.js';
import { createMediatekDevice } from '../../../harness/families/mediatek/emulator/index.js';
import { MT6580, MT6765, mediatekProfile, powerUp, Probe, sendBytewise, sendChunk, type Bench } from './fixtures.js';

function bromBench(options: { powerPin?: boolean; resetPin?: boolean } = {}): Bench {
  const clock = new ManualClock();
  const bench = powerUp(clock, MT6765, { kcol0: true, ...options });
  clock.advance(MT6765.startupMs);
  expect(bench.device.state).to.equal('brom');
  return bench;
}

describe('MediaTek emulator: handshake', () => {
  it('answers each handshake byte with its inverse and enters command mode after the fourth', () => {
    const { device, probe } = bromBench();
    const answers = ['A0', '0A', '50', '05'].map((b) => {
      expect(device.synced).to.equal(false);
      return toHex(sendBytewise(device, probe, b));
    });
    expect(answers).to.deep.equal(['5F', 'F5', 'AF', 'FA']);
    expect(device.synced).to.equal(true);
    expect(device.state).to.equal('brom');
  });

  it('handles the four bytes arriving in one chunk the same way', () => {
    const { device, probe } = bromBench();
    expect(toHex(sendChunk(device, probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
    expect(device.synced).to.equal(true);
  });

  it('answers out-of-order bytes of a cold target with the byte plus one', () => {
    const { device, probe } = bromBench();
    expect(toHex(sendBytewise(device, probe, '0A 50 05'))).to.equal('0B 51 06');
    expect(device.synced).to.equal(false);
    expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
    expect(device.synced).to.equal(true);
  });

  it('gives the full +1 run A1 0B 51 06 to a host that carries on after a restart it did not notice', () => {
    const { device, probe } = bromBench();
    expect(toHex(sendBytewise(device, probe, 'A0'))).to.equal('5F');
    expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('A1 0B 51 06');
    expect(device.synced).to.equal(false);
  });

  it('goes back to expecting A0 after a wrong byte, so a host restarting from A0 gets through', () => {
    const { device, probe } = bromBench();
    expect(toHex(sendBytewise(device, probe, 'A0 0A 51'))).to.equal('5F F5 52');
    // The target forgot A0 0A: carrying on with 05 is out of sync.
    expect(toHex(sendBytewise(device, probe, '05'))).to.equal('06');
    expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
    expect(device.synced).to.equal(true);
  });

  it('answers a repeated A0 (host timed out waiting) with A1, then the next A0 with 5F', () => {
    const { device, probe } = bromBench();
    expect(toHex(sendBytewise(device, probe, 'A0 A0 A0 0A 50 05'))).to.equal('5F A1 5F F5 AF FA');
    expect(device.synced).to.equal(true);
  });

  it('echoes the handshake bytes unchanged once it is already in command mode', () => {
    const { device, probe } = bromBench();
    sendBytewise(device, probe, 'A0 0A 50 05');
    expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('A0 0A 50 05');
    expect(device.synced).to.equal(true);
  });

  it('loses bytes sent while the SoC is still starting', () => {
    const clock = new ManualClock();
    const { device, probe } = powerUp(clock, MT6765, { kcol0: true });
    clock.advance(MT6765.startupMs - 1);
    expect(device.state).to.equal('booting');
    expect(sendBytewise(device, probe, 'A0 0A 50 05')).to.have.length(0);
    clock.advance(1);
    expect(toHex(sendBytewise(device, probe, '0A'))).to.equal('0B');
  });

  it('sends handshake answers at 115200 baud', () => {
    const { device, probe } = bromBench();
    sendBytewise(device, probe, 'A0');
    device.receive(Uint8Array.of(0x0a));
    expect(probe.takeTransmissions().map((t) => t.baud)).to.deep.equal([115200]);
  });

  it('forgets a half-done handshake when the supply is cut, and starts cold after power returns', () => {
    const { device, probe, clock } = bromBench();
    expect(toHex(sendBytewise(device, probe, 'A0 0A'))).to.equal('5F F5');
    device.setPower(false);
    expect(device.state).to.equal('off');
    expect(sendBytewise(device, probe, '50')).to.have.length(0);
    device.setPower(true);
    clock.advance(MT6765.startupMs);
    expect(toHex(sendBytewise(device, probe, '50 05'))).to.equal('51 06');
    expect(toHex(sendBytewise(device, probe, 'A0 0A 50 05'))).to.equal('5F F5 AF FA');
  });

  it('loses sync when the power pin is released, even with the supply on', () => {
    const { device, probe, clock } = bromBench({ powerPin: true });
    sendBytewise(device, probe, 'A0 0A 50 05');
    expect(device.synced).to.equal(true);
    device.setPin('power', false);
    expect(device.state).to.equal('off');
    expect(device.synced).to.equal(false);
    device.setPin('power', true);
    expect(device.state).to.equal('booting');
    clock.advance(MT6765.startupMs);
    expect(toHex(sendBytewise(device, probe, 'FD'))).to.equal('FE');
  });

  it('needs both the supply and a declared power pin to run', () => {
    const clock = new ManualClock();
    const { device } = powerUp(clock, MT6580, { kcol0: true, powerPin: true });
    expect(device.state).to.equal('booting');
    device.setPower(false);
    expect(device.state).to.equal('off');
    device.setPin('power', false);
    device.setPower(true);
    expect(device.state).to.equal('off');
    device.setPin('power', true);
    expect(device.state).to.equal('booting');
  });

  it('holds in reset while a declared reset pin is asserted and restarts cold when it is released', () => {
    const { device, probe, clock } = bromBench({ resetPin: true });
    sendBytewise(device, probe, 'A0 0A');
    device.setPin('reset', true);
    expect(device.state).to.equal('reset');
    expect(sendBytewise(device, probe, '50')).to.have.length(0);
    clock.advance(10_000);
    expect(device.state).to.equal('reset');
    device.setPin('reset', false);
    expect(device.state).to.equal('booting');
    clock.advance(MT6765.startupMs);
    expect(toHex(sendBytewise(device, probe, '50 A0'))).to.equal('51 5F');
  });

  it('copes with a host that answers from inside the transmit callback (bytes stay in order)', () => {
    const clock = new ManualClock();
    const device = createMediatekDevice(MT6765, mediatekProfile(MT6765), clock);
    const probe = new Probe(device, clock);
    const next = new Map([
      [0x5f, 0x0a],
      [0xf5, 0x50],
      [0xaf, 0x05],
      [0xfa, 0xfd],
    ]);
    device.onTransmit((bytes) => {
      const reply = next.get(bytes[bytes.length - 1]!);
      if (reply !== undefined && bytes.length === 1) device.receive(Uint8Array.of(reply));
    });
    device.setPin('kcol0', true);
    device.setPower(true);
    clock.advance(MT6765.startupMs);
    device.receive(Uint8Array.of(0xa0));
    expect(toHex(probe.take())).to.equal('5F F5 AF FA FD 07 66 00 00');
    expect(device.state).to.equal('brom');
  });
});
