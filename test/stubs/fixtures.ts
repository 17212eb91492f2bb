/** Hand-built STM32 board profiles for emulator tests: an F103 (Erase 0x43) and an F407 (Extended Erase, sectors). */
import type { BoardProfile, PinDef, Stm32ChipFacts } from '../../harness/config/types.js';

const KiB = 1024;

function stm32Pins(): Record<string, PinDef> {
  return {
    reset: { name: 'reset', active: 'low', idle: 'inactive' },
    boot0: { name: 'boot0', active: 'high', idle: 'inactive' },
    boot1: { name: 'boot1', active: 'high', idle: 'inactive' },
  };
}

function stm32Profile(id: string, title: string, chip: Stm32ChipFacts): BoardProfile {
  return {
    id,
    title,
    family: 'stm32',
    protocol: {
      engine: 'stm32',
      serial: { baudRate: 115200, dataBits: 8, parity: 'even', stopBits: 1 },
      deadlines: { replyMs: 500, syncMs: 500, readMs: 1000 },
      retries: 2,
      readBytes: 256,
      readAddress: chip.flash.start,
    },
    pins: stm32Pins(),
    enter: [
      { kind: 'set', pins: { boot0: true, boot1: false } },
      { kind: 'pulse', pin: 'reset', ms: 20 },
      { kind: 'wait', ms: chip.startupMs + 50 },
    ],
    leave: [{ kind: 'set', pins: { boot0: false } }, { kind: 'pulse', pin: 'reset', ms: 20 }],
    expect: { productId: chip.productId, minBootloaderVersion: chip.bootloaderVersion },
    chip,
    digest: '0'.repeat(64),
    file: `boards/${id}.yaml`,
  };
}

export function f103Chip(): Stm32ChipFacts {
  return {
    family: 'stm32',
    productId: 0x410,
    bootloaderVersion: 0x22,
    optionBytes: [0x00, 0x00],
    commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x43, 0x63, 0x73, 0x82, 0x92],
    flash: { start: 0x08000000, end: 0x08000000 + 128 * KiB },
    pages: { size: 1 * KiB },
    ram: { start: 0x20000200, end: 0x20005000 },
    systemMemory: { start: 0x1ffff000, end: 0x1ffff800 },
    optionBytesAddress: 0x1ffff800,
    startupMs: 60,
    appBanner: 'blinky v1.0 ready\r\n',
    appBaud: 115200,
  };
}

export function f407Chip(): Stm32ChipFacts {
  return {
    family: 'stm32',
    productId: 0x413,
    bootloaderVersion: 0x31,
    optionBytes: [0x00, 0x00],
    commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92],
    flash: { start: 0x08000000, end: 0x08000000 + 1024 * KiB },
    pages: { sectors: [16, 16, 16, 16, 64, 128, 128, 128, 128, 128, 128, 128].map((k) => k * KiB) },
    ram: { start: 0x20003000, end: 0x20020000 },
    systemMemory: { start: 0x1fff0000, end: 0x1fff7800 },
    optionBytesAddress: 0x1fffc000,
    startupMs: 85,
    appBanner: '',
    appBaud: 115200,
  };
}

export function f103Profile(): BoardProfile {
  return stm32Profile('stm32f103-bluepill', 'STM32F103C8 "Blue Pill"', f103Chip());
}

export function f407Profile(): BoardProfile {
  return stm32Profile('stm32f407-disco', 'STM32F407 Discovery', f407Chip());
}
