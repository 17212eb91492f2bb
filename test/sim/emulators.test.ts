/**
 * The simulated bench with the real boot-ROM emulators (the default device factory): relay contacts move their
 * pins, the wire carries the boot ROM's answers to a real SerialPortStream.
 */
import { expect } from 'chai';
import { loadProfile } from '../../harness/config/load.js';
import type { BoardProfile, Rig } from '../../harness/config/types.js';
import type { MediatekChipFacts } from '../../harness/families/mediatek/schema.js';
import type { Stm32ChipFacts } from '../../harness/families/stm32/schema.js';
import { ManualClock } from '../../harness/core/clock.js';
import { SimBench } from '../../harness/sim/bench.js';
import { find, loaded, sampleRig } from './fixtures.js';
import { openStream } from './streams.js';

/** The shipped profiles; the sample rig wires the pins the test needs, the rest rest at their idle level. */
const STM32_BOARD: BoardProfile = loadProfile('boards/stm32f103c8.yaml');
const MEDIATEK_BOARD: BoardProfile = loadProfile('boards/mt6765.yaml');
const F103 = STM32_BOARD.chip as Stm32ChipFacts;
const MT6765 = MEDIATEK_BOARD.chip as MediatekChipFacts;

function realBench(edit?: (rig: Rig) => void) {
  const rig = sampleRig();
  rig.duts = rig.duts.filter((d) => d.id !== 'd2');
  rig.relays = rig.relays.filter((r) => r.id !== 'a1');
  find(rig.duts, 'd1').board = STM32_BOARD.id;
  find(rig.duts, 'd3').board = MEDIATEK_BOARD.id;
  edit?.(rig);
  const clock = new ManualClock();
  const sim = new SimBench(loaded(rig, [STM32_BOARD, MEDIATEK_BOARD]), { clock });
  const backend = sim.relayBackend(rig.relays[0]!);
  const channel = (n: number) => rig.relays[0]!.channels[n - 1]!;
  const contact = (n: number, closed: boolean) => backend.set([{ channel: channel(n), closed }]);
  return { sim, clock, backend, contact };
}

describe('sim bench with the boot-ROM emulators', () => {
  it('STM32: BOOT0 and a reset pulse through relays, then sync and Get ID over the wire', async () => {
    const { sim, clock, backend, contact } = realBench();
    await backend.open();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200, parity: 'even' });
    await contact(2, true); // boot0
    await contact(1, true); // reset asserted
    await clock.advanceAsync(20, 1);
    await contact(1, false);
    await clock.advanceAsync(F103.startupMs + 20, 1);
    expect(sim.device('d1').state).to.equal('bootloader');
    await s.write([0x7f]);
    await clock.advanceAsync(5, 0.5);
    expect(s.data).to.deep.equal([0x79]);
    await s.write([0x02, 0xfd]);
    await clock.advanceAsync(5, 0.5);
    expect(s.data.slice(1)).to.deep.equal([0x79, 0x01, 0x04, 0x10, 0x79]);
    await s.close();
    sim.dispose();
  });

  it('STM32 stuck in app mode (dut sim mode) prints its banner whatever BOOT0 says', async () => {
    const { sim, clock, backend, contact } = realBench((rig) => (find(rig.duts, 'd1').sim = { mode: 'app' }));
    await backend.open();
    const s = await openStream(sim.binding, sim.portPath('d1'), { baudRate: 115200, parity: 'even' });
    await contact(2, true);
    await contact(1, true);
    await clock.advanceAsync(20, 1);
    await contact(1, false);
    await clock.advanceAsync(F103.startupMs + 30, 1);
    expect(Buffer.from(s.data).toString('latin1')).to.contain('blinky v1.0 ready');
    await s.close();
    sim.dispose();
  });

  it('MediaTek: KCOL0 held through a power cycle of the power relay gives BROM, which answers the handshake', async () => {
    const { sim, clock, backend, contact } = realBench();
    await backend.open();
    const s = await openStream(sim.binding, sim.portPath('d3'), { baudRate: 115200 });
    await contact(4, true); // kcol0
    await contact(3, false); // power off
    await clock.advanceAsync(100, 1);
    await contact(3, true);
    await clock.advanceAsync(MT6765.startupMs + 10, 1);
    for (const byte of [0xa0, 0x0a, 0x50, 0x05]) {
      await s.write([byte]);
      await clock.advanceAsync(2, 0.25);
    }
    expect(s.data).to.deep.equal([0x5f, 0xf5, 0xaf, 0xfa]);
    await s.close();
    sim.dispose();
  });

  it('MediaTek stuck in Preloader: READY, then its 921600 log arrives as noise at 115200', async () => {
    const { sim, clock, backend, contact } = realBench((rig) => (find(rig.duts, 'd3').sim = { mode: 'preloader' }));
    await backend.open();
    const s = await openStream(sim.binding, sim.portPath('d3'), { baudRate: 115200 });
    await contact(4, true);
    await contact(3, false);
    await clock.advanceAsync(100, 1);
    await contact(3, true);
    await clock.advanceAsync(MT6765.startupMs + 30, 1);
    expect(Buffer.from(s.data).toString('latin1')).to.contain('READY');
    const before = s.data.length;
    await clock.advanceAsync(MT6765.preloader.windowMs + 200, 2);
    const after = Buffer.from(s.data.slice(before)).toString('latin1');
    expect(after.length).to.be.greaterThan(20);
    expect(after).to.not.contain('[PL]');
    await s.close();
    sim.dispose();
  });
});
