/**
 * What an STM32 board profile may say, and what it becomes: the `stm32` engine's protocol options, deadlines and
 * `expect:` keys, the identity it reports, and the `chip:` facts the emulator plays (with the rule that its memory
 * regions fit).
 */
import { z } from 'zod';
import type { ConfigIssue } from '../../config/issues.js';
import { asList, asMap } from '../../config/raw.js';
import { byteValue, hexInt, ms, toInt } from '../../config/schema-parts.js';
import type { ConfigSource, KeyPath } from '../../config/source.js';
import type { ChipFacts } from '../../config/types.js';

// ---------------------------------------------------------------- protocol

/** Keys of `protocol:` beyond the common ones. */
export const stm32ProtocolKeys = {
  read: z
    .strictObject({ address: hexInt.optional(), bytes: z.number().int().min(0).max(65536) })
    .optional()
    .describe('Read this many bytes (default 0 = no read) from address (default flash start) after identifying'),
};

export const stm32Deadlines = {
  syncMs: 'Wait for the ACK to 0x7F',
  readMs: 'Wait for a Read Memory block',
};

export interface Stm32Options {
  /** Read this many bytes from the start of flash after identification (0 = no read). */
  readBytes: number;
  readAddress: number;
}

export function toStm32Options(input: { read?: { address?: number | string; bytes: number } }, chip: Stm32ChipFacts | undefined): Stm32Options {
  const address = input.read?.address;
  return { readBytes: input.read?.bytes ?? 0, readAddress: address === undefined ? (chip?.flash.start ?? 0x08000000) : toInt(address) };
}

// ---------------------------------------------------------------- expect and identity

export const stm32ExpectKeys = {
  productId: hexInt.optional().describe('stm32: product id from Get ID, e.g. 0x410'),
  minBootloaderVersion: byteValue.optional().describe('stm32: lowest acceptable bootloader version, e.g. 0x22'),
};

export interface Stm32Expected {
  /** Product id from Get ID, e.g. 0x410. */
  productId?: number;
  /** Minimum bootloader version from Get/Get Version, e.g. 0x22 for v2.2. */
  minBootloaderVersion?: number;
}

export function toStm32Expected(e: { productId?: number | string; minBootloaderVersion?: number | string }): Stm32Expected {
  const out: Stm32Expected = {};
  if (e.productId !== undefined) out.productId = toInt(e.productId);
  if (e.minBootloaderVersion !== undefined) out.minBootloaderVersion = toInt(e.minBootloaderVersion);
  return out;
}

/** What an STM32 bootloader says about itself (the trial's identity). */
export type Stm32Identity = {
  productId?: number;
  bootloaderVersion?: number;
  /** Command codes answered by Get. */
  commands?: number[];
  /** Bytes read from memory, when the profile asks for a read. */
  readBytes?: number;
};

// ---------------------------------------------------------------- chip

const region = z
  .strictObject({ start: hexInt, end: hexInt.optional(), size: hexInt.optional() })
  .describe('start plus either end (exclusive) or size');

export const stm32ChipSchema = z
  .strictObject({
    productId: hexInt,
    bootloaderVersion: byteValue,
    optionBytes: z.tuple([byteValue, byteValue]).optional().describe('The two option bytes of Get Version (default [0, 0])'),
    commands: z.array(byteValue).min(1).describe('Command codes answered by Get, in order'),
    flash: region,
    pageSize: hexInt.optional().describe('Uniform flash page size in bytes (or give sectors)'),
    sectors: z.array(hexInt).min(1).optional().describe('Flash sector sizes in bytes (F4)'),
    ram: region.describe('RAM the host may write'),
    systemMemory: region,
    optionBytesAddress: hexInt,
    startupMs: ms.optional().describe('Reset release to bootloader listening (default 60)'),
    appBanner: z.string().optional().describe('What the application prints at start ("" = silent, the default)'),
    appBaud: z.number().int().positive().optional().describe('Baud of the application banner (default 115200)'),
  })
  .describe('STM32 chip facts for the emulator');

export type Stm32ChipInput = z.infer<typeof stm32ChipSchema>;

export interface MemoryRegion {
  start: number;
  /** Exclusive end address. */
  end: number;
}

/** Facts an STM32 system-memory bootloader emulator needs to play this chip. */
export interface Stm32ChipFacts extends ChipFacts {
  family: 'stm32';
  productId: number;
  bootloaderVersion: number;
  /** The two option bytes of Get Version. */
  optionBytes: [number, number];
  /** Command codes answered by Get, in order. */
  commands: number[];
  flash: MemoryRegion;
  /** Uniform page size in bytes, or a list of sector sizes in bytes (F4). */
  pages: { size: number } | { sectors: number[] };
  /** RAM the host may write (the bootloader reserves what lies below `start`). */
  ram: MemoryRegion;
  systemMemory: MemoryRegion;
  optionBytesAddress: number;
  /** Time from reset release to the bootloader listening; bytes before that are lost. */
  startupMs: number;
  /** What the user application prints at start when booted from flash ('' = silent). */
  appBanner: string;
  /** Baud at which the application prints its banner. */
  appBaud: number;
}

type RegionInput = { start: number | string; end?: number | string; size?: number | string };

/** start + (end | size), end after start. */
function checkRegion(source: ConfigSource, raw: unknown, path: KeyPath): ConfigIssue[] {
  const region = asMap(raw);
  if (!region) return [];
  const hasEnd = region.end !== undefined;
  const hasSize = region.size !== undefined;
  if (hasEnd === hasSize) return [source.issue(path, hasEnd ? 'give end or size, not both' : 'missing end or size (one of them is required)')];
  const start = Number(region.start);
  const end = hasEnd ? Number(region.end) : start + Number(region.size);
  if (Number.isFinite(start) && Number.isFinite(end) && end <= start) {
    return [source.issue([...path, hasEnd ? 'end' : 'size'], `the region is empty: end ${hex(end)} is not after start ${hex(start)}`)];
  }
  return [];
}

/** Regions that are not empty, pages or sectors (not both), sectors that add up to the flash. */
export function checkStm32Chip(source: ConfigSource, raw: unknown): ConfigIssue[] {
  const chip = asMap(raw);
  if (!chip) return [];
  const issues = ['flash', 'ram', 'systemMemory'].flatMap((key) => checkRegion(source, chip[key], ['chip', key]));
  const hasPages = chip.pageSize !== undefined;
  const hasSectors = chip.sectors !== undefined;
  if (hasPages === hasSectors) {
    issues.push(source.issue(hasPages ? ['chip', 'sectors'] : ['chip'], hasPages ? 'give pageSize or sectors, not both' : 'missing pageSize (uniform pages) or sectors (list of sector sizes)'));
  }
  const flash = asMap(chip.flash);
  if (hasSectors && !hasPages && flash) {
    const total = asList(chip.sectors).reduce<number>((sum, s) => sum + Number(s), 0);
    const size = flash.size !== undefined ? Number(flash.size) : Number(flash.end) - Number(flash.start);
    if (Number.isFinite(total) && Number.isFinite(size) && total !== size) {
      issues.push(source.issue(['chip', 'sectors'], `the sectors add up to ${total} bytes, but flash is ${size} bytes`));
    }
  }
  return issues;
}

function toRegion(region: RegionInput): MemoryRegion {
  const start = toInt(region.start);
  return { start, end: region.end !== undefined ? toInt(region.end) : start + toInt(region.size ?? 0) };
}

export function toStm32Chip(c: Stm32ChipInput): Stm32ChipFacts {
  return {
    family: 'stm32',
    productId: toInt(c.productId),
    bootloaderVersion: toInt(c.bootloaderVersion),
    optionBytes: c.optionBytes ? [toInt(c.optionBytes[0]), toInt(c.optionBytes[1])] : [0, 0],
    commands: c.commands.map(toInt),
    flash: toRegion(c.flash),
    pages: c.sectors ? { sectors: c.sectors.map(toInt) } : { size: toInt(c.pageSize ?? 0) },
    ram: toRegion(c.ram),
    systemMemory: toRegion(c.systemMemory),
    optionBytesAddress: toInt(c.optionBytesAddress),
    startupMs: c.startupMs ?? 60,
    appBanner: c.appBanner ?? '',
    appBaud: c.appBaud ?? 115200,
  };
}

function hex(n: number): string {
  return '0x' + n.toString(16).toUpperCase();
}
