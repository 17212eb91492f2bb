/**
 * An emulator's own timers run on the precise scheduler, whoever builds it (the simulated bench or `stub`): a
 * process held up past a chip's start-up still lets the start-up happen before a byte that arrives after it.
 */
import { expect } from 'chai';
import { createDevice } from '../../firmware-stubs/index.js';
import { loadProfile } from '../../harness/config/load.js';
import { realClock } from '../../harness/core/clock.js';
import { preciseTimer } from '../../harness/core/precise-timer.js';

const F103 = loadProfile('boards/stm32f103c8.yaml');

/** Holds the process (as a busy machine does) until the real clock reaches atMs. */
function holdUntil(atMs: number): void {
  while (realClock.now() < atMs);
}

describe('emulators: their timers keep time order with the bytes they receive', () => {
  it('an STM32 held up past its start-up ACKs the 0x7F that reaches it after the start-up', async () => {
    const startupMs = (F103.chip as { startupMs: number }).startupMs;
    const device = createDevice(F103, realClock);
    const sent: number[] = [];
    device.onTransmit((bytes) => sent.push(...bytes));
    device.setPin('boot0', true);
    device.setPower(true);
    // Read after power-on has set the start-up timer: a machine that takes this thread away in between must not
    // leave the start-up due after the byte.
    const poweredAt = realClock.now();
    // The process is busy from just after power-on until past the start-up; the 0x7F arrives in the same pass.
    await new Promise<void>((resolve) => {
      preciseTimer(realClock, poweredAt + 1, () => holdUntil(poweredAt + startupMs + 15));
      preciseTimer(realClock, poweredAt + startupMs + 10, () => {
        device.receive(Uint8Array.of(0x7f));
        resolve();
      });
    });
    expect(device.state).to.equal('bootloader');
    expect(sent).to.deep.equal([0x79]);
    device.dispose();
  });
});
