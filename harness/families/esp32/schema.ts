/**
 * What an ESP32 board profile may say, and what it becomes: the `esp32` engine's protocol options, the `chip:`
 * facts the emulator plays, the `expect:` identity keys, and the rules that relate them.
 */
import { z } from 'zod';
import type { ChipFacts } from '../../config/types.js';
import type { ConfigIssue } from '../../config/issues.js';
import { asMap, asString } from '../../config/raw.js';
import { hexInt, ms, toInt } from '../../config/schema-parts.js';
import type { ConfigSource } from '../../config/source.js';
import { CHIPS, VARIANTS, chipByChipId, chipByMagic, type Esp32Variant } from './chips.js';

// ---------------------------------------------------------------- protocol

/** Keys of `protocol:` beyond the common ones (engine, serial, deadlines, retries). */
export const esp32ProtocolKeys = {
  flash: z
    .strictObject({ size: hexInt.describe('Flash size in bytes, e.g. 0x400000 (4 MiB)') })
    .optional()
    .describe('After identifying: SPI_ATTACH and SPI_SET_PARAMS with this flash size (leave out to only identify)'),
};

export const esp32Deadlines = {
  syncMs: 'Wait for each SYNC answer (three times as long for the first, and once the ROM waits for download)',
};

/** The engine's options; `protocol.retries` counts SYNC attempts after the first. */
export interface Esp32Options {
  /** Attach the SPI flash of this size after identifying; null = identify only. */
  flashSize: number | null;
}

export function toEsp32Options(input: { flash?: { size: number | string } }): Esp32Options {
  return { flashSize: input.flash ? toInt(input.flash.size) : null };
}

// ---------------------------------------------------------------- expect

export const esp32ExpectShape = {
  chipId: hexInt.optional().describe('esp32: chip id from GET_SECURITY_INFO (ESP32-S3 9, ESP32-C3 5)'),
  magic: hexInt.optional().describe('esp32: the magic word at 0x40001000 (ESP32 0x00F01D83)'),
};

export interface Esp32Expected {
  /** GET_SECURITY_INFO chip id (ESP32-S3 9, ESP32-C3 5, …). */
  chipId?: number;
  /** The magic word at 0x40001000 (ESP32 0x00F01D83). */
  magic?: number;
}

export function toEsp32Expect(e: { chipId?: number | string; magic?: number | string } | undefined): Esp32Expected {
  const out: Esp32Expected = {};
  if (e?.chipId !== undefined) out.chipId = toInt(e.chipId);
  if (e?.magic !== undefined) out.magic = toInt(e.magic);
  return out;
}

/** What an ESP32 says about itself (the trial's identity). */
export type Esp32Identity = {
  chipId?: number;
  magic?: number;
  /** "24:0a:c4:00:00:01" */
  mac?: string;
};

// ---------------------------------------------------------------- chip

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

export const esp32ChipSchema = z
  .strictObject({
    variant: z.enum(VARIANTS).describe('esp32 | esp32-s3 | esp32-c3: identity, eFuse map and banners of that chip'),
    mac: z.string({ error: 'expected a MAC address in quotes, like "24:0a:c4:00:00:01"' }).regex(MAC, { error: 'expected a MAC address like "24:0a:c4:00:00:01"' }),
    magic: hexInt.optional().describe('Magic word at 0x40001000 (default: the variant\'s; an ESP32-C3 has one per revision)'),
    crystalMhz: z.union([z.literal(40), z.literal(26)]).optional().describe('ESP32 only: 26 makes the ROM print at 74880 baud (default 40)'),
    startupMs: ms.optional().describe('EN release (or power-on) to the boot banner (default 30)'),
    appLog: z.string().optional().describe('What the application prints after a boot from flash (default: a short ESP-IDF start-up log)'),
  })
  .describe('ESP32 chip facts for the emulator');

export type Esp32ChipInput = z.infer<typeof esp32ChipSchema>;

export interface Esp32ChipFacts extends ChipFacts {
  family: 'esp32';
  variant: Esp32Variant;
  mac: Uint8Array;
  magic: number;
  crystalMhz: 26 | 40;
  startupMs: number;
  appLog: string;
}

const DEFAULT_APP_LOG =
  'I (31) boot: ESP-IDF v5.1.2 2nd stage bootloader\r\n' +
  'I (31) boot: compile time Jan 10 2024 12:00:00\r\n' +
  'I (105) boot: Loaded app from partition at offset 0x10000\r\n' +
  'I (256) app: started\r\n';

export function toEsp32Chip(c: Esp32ChipInput): Esp32ChipFacts {
  return {
    family: 'esp32',
    variant: c.variant,
    mac: Uint8Array.from(c.mac.split(':').map((h) => parseInt(h, 16))),
    magic: c.magic !== undefined ? toInt(c.magic) : CHIPS[c.variant].magics[0]!,
    crystalMhz: c.crystalMhz ?? 40,
    startupMs: c.startupMs ?? 30,
    appLog: c.appLog ?? DEFAULT_APP_LOG,
  };
}

// ---------------------------------------------------------------- rules across keys

/** Rules of an esp32 profile that relate keys to each other, checked on the raw file. */
export function checkEsp32Profile(source: ConfigSource, raw: Readonly<Record<string, unknown>>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const expect = asMap(raw.expect);
  const chip = asMap(raw.chip);
  const pins = asMap(raw.pins);
  if (pins && !Object.values(pins).some((pin) => asMap(pin)?.role === 'boot-strap')) {
    issues.push(source.issue(['pins'], 'an esp32 board needs a pin with role: boot-strap: the strap (GPIO0; GPIO9 on the ESP32-C3) held low at reset for download mode'));
  }
  // The engine reads the MAC where the identified chip keeps it, so it must know the chip.
  const known = Object.values(CHIPS);
  if (expect && isNumber(expect.chipId) && !chipByChipId(Number(expect.chipId))) {
    const ids = known.filter((c) => c.chipId !== null).map((c) => `${c.name} ${c.chipId}`);
    issues.push(source.issue(['expect', 'chipId'], `no chip with id ${Number(expect.chipId)} is known to the esp32 engine (${ids.join(', ')})`, 'value'));
  }
  if (expect && isNumber(expect.magic) && !chipByMagic(Number(expect.magic))) {
    issues.push(source.issue(['expect', 'magic'], `no chip with magic ${hex8(Number(expect.magic))} is known to the esp32 engine (ESP32 ${hex8(CHIPS.esp32.magics[0]!)})`, 'value'));
  }
  const variant = asString(chip?.variant) as Esp32Variant | undefined;
  const info = variant && CHIPS[variant];
  if (!info || !chip) return issues;
  if (chip.crystalMhz === 26 && variant !== 'esp32') {
    issues.push(source.issue(['chip', 'crystalMhz'], `${info.name} runs on a 40 MHz crystal only: drop crystalMhz`, 'value'));
  }
  if (isNumber(chip.magic) && !info.magics.includes(Number(chip.magic))) {
    issues.push(source.issue(['chip', 'magic'], `not a magic word of the ${info.name} (${info.magics.map(hex8).join(', ')})`, 'value'));
  }
  const chipId = expect?.chipId;
  if (isNumber(chipId)) {
    if (info.chipId === null) {
      issues.push(source.issue(['expect', 'chipId'], `the ${info.name} ROM has no GET_SECURITY_INFO, so no chip id: expect magic: ${hex8(info.magics[0]!)}`));
    } else if (Number(chipId) !== info.chipId && chipByChipId(Number(chipId))) {
      const named = chipByChipId(Number(chipId))!;
      issues.push(source.issue(['expect', 'chipId'], `chip id ${Number(chipId)} is the ${named.name}, but chip.variant is ${variant} (chip id ${info.chipId})`, 'value'));
    }
  }
  return issues;
}

/** A hexInt as written (number or "0x…" string) that reads as a number. */
function isNumber(value: unknown): boolean {
  return (typeof value === 'number' || typeof value === 'string') && value !== '' && Number.isFinite(Number(value));
}

function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
