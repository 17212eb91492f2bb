/**
 * The engines against the real boot-ROM emulators (firmware-stubs), wired by a small in-test link on a
 * ManualClock: host bytes go to device.receive(), device bytes come back through the link (bytes sent at a baud
 * other than the line's arrive as garbage, as on a real UART). Chip facts follow the fact sheets.
 */
import { expect } from 'chai';
import type { BoardProfile, ChipFacts, MtkChipFacts, ProtocolConfig, Stm32ChipFacts } from '../../harness/config/types.js';
import { ManualClock } from '../../harness/core/clock.js';
import { MemoryLink } from '../../harness/link/memory-link.js';
import { runEngine } from '../../harness/protocols/index.js';
import type { DeviceFaults, EmulatedDevice } from '../../firmware-stubs/device.js';
import { createDevice } from '../../firmware-stubs/index.js';
import { drive } from './fixtures.js';

const KiB = 1024;
const STM32_COMMON = {
  family: 'stm32' as const,
  optionBytes: [0x00, 0x00] as [number, number],
  flash: { start: 0x08000000, end: 0x08000000 + 128 * KiB },
  appBaud: 115200,
};

const F103: Stm32ChipFacts = {
  ...STM32_COMMON,
  productId: 0x410,
  bootloaderVersion: 0x22,
  commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92],
  pages: { size: KiB },
  ram: { start: 0x20000200, end: 0x20005000 },
  systemMemory: { start: 0x1ffff000, end: 0x1ffff800 },
  optionBytesAddress: 0x1ffff800,
  startupMs: 60,
  appBanner: 'blinky v1.0 ready\r\n',
};

const F407: Stm32ChipFacts = {
  ...STM32_COMMON,
  productId: 0x413,
  bootloaderVersion: 0x31,
  commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92],
  flash: { start: 0x08000000, end: 0x08000000 + 1024 * KiB },
  pages: { sectors: [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128].map((k) => k * KiB) },
  ram: { start: 0x20003000, end: 0x20020000 },
  systemMemory: { start: 0x1fff0000, end: 0x1fff7800 },
  optionBytesAddress: 0x1fffc000,
  startupMs: 85,
  appBanner: '',
};

function mtkChip(hwCode: number, windowMs: number, startupMs: number): MtkChipFacts {
  return {
    family: 'mediatek',
    hwCode,
    hwSubcode: 0x8a00,
    hwVersion: 0xca00,
    swVersion: 0x0000,
    targetConfig: 0x000000e5,
    bromVersion: 0x05,
    preloaderVersion: 0x02,
    meId: new Uint8Array(16).fill(0x11),
    socId: new Uint8Array(32).fill(0x42),
    startupMs,
    watchdogTimeoutMs: 2000,
    preloader: { readyIntervalMs: 20, windowMs, logBaud: 921600, logText: '[PL] boot reason: power key\r\n' },
  };
}

const MT6765 = mtkChip(0x0766, 1000, 120);
const MT6580 = mtkChip(0x6580, 150, 80);
const MT6735 = mtkChip(0x0321, 1500, 150);

function boardProfile(id: string, chip: ChipFacts): BoardProfile {
  const stm32 = chip.family === 'stm32';
  const protocol: ProtocolConfig = stm32
    ? {
        engine: 'stm32',
        serial: { baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 },
        deadlines: { replyMs: 500, syncMs: 500, readMs: 1000 },
        retries: 2,
        readBytes: 512,
        readAddress: chip.flash.start,
      }
    : {
        engine: 'mtk-brom',
        serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
        deadlines: { replyMs: 50, handshakeMs: 2000, byteMs: 20 },
        retries: 5,
        watchdog: chip.hwCode === 0x0321 ? { address: 0x10212000, value: 0x22000000 } : { address: 0x10007000, value: 0x22000064 },
      };
  return {
    id,
    title: id,
    family: chip.family,
    protocol,
    pins: stm32
      ? {
          reset: { name: 'reset', active: 'low', idle: 'inactive' },
          boot0: { name: 'boot0', active: 'high', idle: 'inactive' },
          boot1: { name: 'boot1', active: 'high', idle: 'inactive' },
        }
      : { kcol0: { name: 'kcol0', active: 'low', idle: 'inactive' } },
    enter: [],
    leave: [],
    expect: stm32 ? { productId: chip.productId, minBootloaderVersion: chip.bootloaderVersion } : { hwCode: chip.hwCode, mode: 'brom' },
    chip,
    digest: '0'.repeat(64),
    file: `boards/${id}.yaml`,
  };
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
  const healthy: Array<[string, ChipFacts, Record<string, unknown>]> = [
    ['stm32f103', F103, { productId: 0x410, bootloaderVersion: 0x22, readBytes: 512 }],
    ['stm32f407', F407, { productId: 0x413, bootloaderVersion: 0x31, readBytes: 512 }],
    ['mt6765', MT6765, { hwCode: 0x0766, mode: 'brom' }],
    ['mt6580', MT6580, { hwCode: 0x6580, mode: 'brom' }],
    ['mt6735', MT6735, { hwCode: 0x0321, mode: 'brom' }],
  ];
  for (const [id, chip, identity] of healthy) {
    it(`${id}: handshake and identity pass`, async () => {
      const { outcome } = await trial(boardProfile(id, chip));
      expect(outcome.ok, outcome.detail).to.equal(true);
      expect(outcome.symptom).to.equal('ok');
      expect(outcome.identity).to.include(identity);
      expect(outcome.handshakeMs).to.be.greaterThan(0);
    });
  }

  it('stm32: a dead board is silent', async () => {
    const { outcome } = await trial(boardProfile('f103', F103), { dead: true });
    expect(outcome.symptom).to.equal('silent');
  });

  it('stm32: BOOT0 ignored (forced into the application) shows the banner as wrong-mode', async () => {
    const { outcome } = await trial(boardProfile('f103', F103), { forcedMode: 'app' });
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.contain('blinky v1.0 ready');
  });

  it('stm32: a bootlooping board floods', async () => {
    const { outcome } = await trial(boardProfile('f103', F103), { bootloop: true });
    expect(outcome.symptom).to.equal('flood');
  });

  it('stm32: a bootloader that starts after the first 7F is late', async () => {
    const { outcome } = await trial(boardProfile('f103', F103), { extraStartupMs: 300 });
    expect(outcome.symptom).to.equal('late');
    expect(outcome.identity?.productId).to.equal(0x410);
  });

  it('stm32: the wrong profile (F407 expected, F103 on the bench) is an identity mismatch', async () => {
    const profile = boardProfile('f407', F103);
    profile.expect = { productId: 0x413 };
    const { outcome } = await trial(profile);
    expect(outcome.symptom).to.equal('unexpected-reply');
    expect(outcome.detail).to.equal('Get ID says 0x410, profile expects 0x413 — wrong profile or wrong board?');
  });

  it('mtk: KCOL0 not held — the Preloader answers, wrong-mode', async () => {
    const { outcome } = await trial(boardProfile('mt6765', MT6765), {}, (device) => device.setPower(true));
    expect(outcome.symptom).to.equal('wrong-mode');
    expect(outcome.detail).to.match(/Preloader/);
    expect(outcome.identity?.mode).to.equal('preloader');
  });

  it('mtk: a dead board is silent', async () => {
    const { outcome } = await trial(boardProfile('mt6580', MT6580), { dead: true });
    expect(outcome.symptom).to.equal('silent');
  });

  it('mtk: a bootlooping board floods or shows as garbage, never as ok', async () => {
    const { outcome } = await trial(boardProfile('mt6735', MT6735), { bootloop: true });
    expect(outcome.ok).to.equal(false);
    expect(['flood', 'corrupt', 'unexpected-reply']).to.include(outcome.symptom);
  });
});
