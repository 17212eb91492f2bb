/**
 * The simulated bench with the real boot-ROM emulators (the default device factory): relay contacts move their
 * pins, the wire carries the boot ROM's answers to a real SerialPortStream.
 */
import { expect } from 'chai';
import type { BoardProfile, MtkChipFacts, Rig, Stm32ChipFacts } from '../../harness/config/types.js';
import { ManualClock } from '../../harness/core/clock.js';
import { SimBench } from '../../harness/sim/bench.js';
import { find, loaded, sampleRig } from './fixtures.js';
import { openStream } from './streams.js';

const F103: Stm32ChipFacts = {
  family: 'stm32',
  productId: 0x410,
  bootloaderVersion: 0x22,
  optionBytes: [0, 0],
  commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92],
  flash: { start: 0x08000000, end: 0x08020000 },
  pages: { size: 1024 },
  ram: { start: 0x20000200, end: 0x20005000 },
  systemMemory: { start: 0x1ffff000, end: 0x1ffff800 },
  optionBytesAddress: 0x1ffff800,
  startupMs: 60,
  appBanner: 'blinky v1.0 ready\r\n',
  appBaud: 115200,
};

const MT6765: MtkChipFacts = {
  family: 'mediatek',
  hwCode: 0x0766,
  hwSubcode: 0x8a00,
  hwVersion: 0xca00,
  swVersion: 0,
  targetConfig: 0xe5,
  bromVersion: 0x05,
  preloaderVersion: 0x02,
  meId: new Uint8Array(16),
  socId: new Uint8Array(32),
  startupMs: 120,
  watchdogTimeoutMs: 2000,
  preloader: { readyIntervalMs: 20, windowMs: 300, logBaud: 921600, logText: '[PL] boot reason: power key\r\n' },
};

const STM32_BOARD: BoardProfile = {
  id: 'f103',
  title: 'F103',
  family: 'stm32',
  protocol: {
    engine: 'stm32',
    serial: { baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 },
    deadlines: { replyMs: 500 },
    retries: 2,
    readBytes: 0,
    readAddress: 0x08000000,
  },
  pins: {
    reset: { name: 'reset', active: 'low', idle: 'inactive' },
    boot0: { name: 'boot0', active: 'high', idle: 'inactive' },
  },
  enter: [],
  leave: [],
  expect: { productId: 0x410 },
  chip: F103,
  digest: 'test',
  file: 'boards/f103.yaml',
};

const MTK_BOARD: BoardProfile = {
  id: 'mt6765',
  title: 'MT6765',
  family: 'mediatek',
  protocol: {
    engine: 'mtk-brom',
    serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    deadlines: { replyMs: 50 },
    retries: 3,
    watchdog: { address: 0x10007000, value: 0x22000064 },
  },
  pins: {
    power: { name: 'power', active: 'high', idle: 'active' },
    kcol0: { name: 'kcol0', active: 'low', idle: 'inactive' },
  },
  enter: [],
  leave: [],
  expect: { hwCode: 0x0766 },
  chip: MT6765,
  digest: 'test',
  file: 'boards/mt6765.yaml',
};

function realBench(edit?: (rig: Rig) => void) {
  const rig = sampleRig();
  rig.duts = rig.duts.filter((d) => d.id !== 'd2');
  rig.relays = rig.relays.filter((r) => r.id !== 'a1');
  find(rig.duts, 'd1').board = STM32_BOARD.id;
  find(rig.duts, 'd3').board = MTK_BOARD.id;
  edit?.(rig);
  const clock = new ManualClock();
  const sim = new SimBench(loaded(rig, [STM32_BOARD, MTK_BOARD]), { clock });
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
