/**
 * The engines against the real boot-ROM emulators (firmware-stubs), wired by a small in-test link on a
 * ManualClock: host bytes go to device.receive(), device bytes come back through the link (bytes sent at a baud
 * other than the line's arrive as garbage, as on a real UART). Chip facts follow the fact sheets.
 */
import { expect } from 'chai';
import { loadProfile } from '../../harness/config/load.js';
import type { BoardProfile } from '../../harness/config/types.js';
import { ManualClock } from '../../harness/core/clock.js';
import { MemoryLink } from '../../harness/link/memory-link.js';
import { runEngine } from '../../harness/protocols/index.js';
import type { DeviceFaults, EmulatedDevice } from '../../firmware-stubs/device.js';
import { createDevice } from '../../firmware-stubs/index.js';
import { drive } from './fixtures.js';

/** A fresh copy of a shipped board profile (tests change `expect` on it). */
function shipped(id: string): BoardProfile {
  return loadProfile(`boards/${id}.yaml`);
}

/** Wires a device to a MemoryLink. Each direction is a serial line: chunks arrive in order, 10 bits a byte. */
function wire(device: EmulatedDevice, clock: ManualClock, baud: number): MemoryLink {
  let hostLineFreeAt = 0;
  let deviceLineFreeAt = 0;
  const link = new MemoryLink({
    clock,
    send: (bytes) => {
      hostLineFreeAt = Math.max(clock.now(), hostLineFreeAt) + (bytes.length * 10_000) / baud;
      clock.setTimer(hostLineFreeAt - clock.now(), () => device.receive(bytes));
    },
  });
  device.onTransmit((bytes, at) => {
    // Another baud rate reaches the UART as framing garbage, not as the bytes sent.
    const ratio = Math.max(1, Math.round(at / baud));
    const data = at === baud ? bytes : bytes.map((b, i) => (b * 7 + i) & 0xff).filter((_, i) => i % ratio === 0);
    deviceLineFreeAt = Math.max(clock.now(), deviceLineFreeAt) + (bytes.length * 10_000) / at;
    clock.setTimer(deviceLineFreeAt - clock.now(), () => link.deliver(data));
  });
  return link;
}

/** Brings the board into its boot ROM the way the profile's enter sequence would, then runs the engine. */
async function trial(profile: BoardProfile, faults: DeviceFaults = {}, enter?: (device: EmulatedDevice) => void) {
  const clock = new ManualClock();
  const device = createDevice(profile, clock, faults);
  const link = wire(device, clock, profile.protocol.serial.baudRate);
  const chip = profile.chip!;
  if (enter) enter(device);
  else if (chip.family === 'stm32') {
    device.setPower(true);
    device.setPin('boot0', true);
    device.setPin('boot1', false);
    device.setPin('reset', true);
    await clock.advanceAsync(20);
    device.setPin('reset', false);
  } else {
    device.setPin('kcol0', true);
    device.setPower(true);
  }
  await clock.advanceAsync(chip.startupMs + 20);
  try {
    return { outcome: await drive(clock, runEngine(profile, link)), link, device };
  } finally {
    device.dispose();
  }
}

describe('engines against the emulators', () => {
  const healthy: Array<[string, Record<string, unknown>]> = [
    ['stm32f103c8', { productId: 0x410, bootloaderVersion: 0x22 }],
    ['stm32f407vg', { productId: 0x413, bootloaderVersion: 0x31 }],
    ['stm32f030r8', { productId: 0x440 }],
    ['stm32g071rb', { productId: 0x460 }],
    ['mt6765', { hwCode: 0x0766, mode: 'brom' }],
    ['mt6580', { hwCode: 0x6580, mode: 'brom' }],
    ['mt6735', { hwCode: 0x0321, mode: 'brom' }],
  ];
  for (const [id, identity] of healthy) {
    it(`${id}: handshake and identity pass`, async () => {
      const { outcome } = await trial(shipped(id));
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(outcome.symptom).to.equal('ok');
      expect(outcome.identity).to.include(identity);
      expect(outcome.handshakeMs).to.be.greaterThan(0);
    });
  }

  it('stm32: a dead board is silent', async () => {
    const { outcome } = await trial(shipped('stm32f103c8'), { dead: true });
    expect(outcome.symptom).to.equal('silent');
  });

  it('stm32: BOOT0 ignored (forced into the application) shows the banner as wrong-mode', async () => {
    const { outcome } = await trial(shipped('stm32f103c8'), { forcedMode: 'app' });
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.contain('blinky v1.0 ready');
  });

  it('stm32: a bootlooping board floods', async () => {
    const { outcome } = await trial(shipped('stm32f103c8'), { bootloop: true });
    expect(outcome.symptom).to.equal('flood');
  });

  it('stm32: a bootloader that starts after the first 7F is late', async () => {
    const { outcome } = await trial(shipped('stm32f103c8'), { extraStartupMs: 300 });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.identity?.productId).to.equal(0x410);
  });

  it('stm32: the wrong profile (F407 expected, F103 on the bench) is an identity mismatch', async () => {
    const profile = shipped('stm32f103c8');
    profile.expect = { productId: 0x413 };
    const { outcome } = await trial(profile);
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('Get ID says 0x410, profile expects 0x413 — wrong profile or wrong board?');
  });

  it('mediatek: KCOL0 not held — the Preloader answers, wrong-mode', async () => {
    const { outcome } = await trial(shipped('mt6765'), {}, (device) => device.setPower(true));
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.match(/Preloader/);
    expect(outcome.identity?.mode).to.equal('preloader');
  });

  it('mediatek: a dead board is silent', async () => {
    const { outcome } = await trial(shipped('mt6580'), { dead: true });
    expect(outcome.symptom).to.equal('silent');
  });

  it('mediatek: a bootlooping board floods or shows as garbage, never as ok', async () => {
    const { outcome } = await trial(shipped('mt6735'), { bootloop: true });
    expect(outcome.ok).to.equal(false);
    expect(['flood', 'corrupt', 'unexpected-reply']).to.include(outcome.symptom);
  });
});
