/** Chip facts blocks: which schema a family uses, region rules, and conversion to each family's chip facts. */
import { createHash } from 'node:crypto';
import { parseHex } from '../core/bytes.js';
import type { ChipFacts, MemoryRegion, MtkChipFacts, Stm32ChipFacts } from './types.js';
import { esp32ChipSchema, toEsp32Chip, type Esp32ChipInput } from '../families/esp32/schema.js';
import { mtkChipSchema, stm32ChipSchema, type MtkChipInput, type Stm32ChipInput } from './board-schema.js';
import type { ConfigIssue } from './issues.js';
import { asList, asMap } from './raw.js';
import { toInt } from './schema-parts.js';
import type { ConfigSource, KeyPath } from './source.js';

/** Families that have an emulator, and so a chip block. */
export const CHIP_SCHEMAS = { stm32: stm32ChipSchema, mediatek: mtkChipSchema, esp32: esp32ChipSchema } as const;
export type ChipFamily = keyof typeof CHIP_SCHEMAS;
export const isChipFamily = (family: unknown): family is ChipFamily => typeof family === 'string' && Object.hasOwn(CHIP_SCHEMAS, family);

/** A validated chip block of a family as the facts its emulator plays. */
export function toChipFacts(family: ChipFamily, input: unknown): ChipFacts {
  switch (family) {
    case 'stm32':
      return toStm32Chip(input as Stm32ChipInput);
    case 'mediatek':
      return toMtkChip(input as MtkChipInput);
    case 'esp32':
      return toEsp32Chip(input as Esp32ChipInput);
  }
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

/** A stable made-up id when the profile gives none: the same board always reports the same id. */
function derivedId(hwCode: number, label: string, bytes: number): Uint8Array {
  return createHash('sha256').update(`${label}:${hwCode}`).digest().subarray(0, bytes);
}

export function toMtkChip(c: MtkChipInput): MtkChipFacts {
  const hwCode = toInt(c.hwCode);
  const opt = (v: number | string | undefined, fallback: number) => (v === undefined ? fallback : toInt(v));
  return {
    family: 'mediatek',
    hwCode,
    hwSubcode: opt(c.hwSubcode, 0x8a00),
    hwVersion: opt(c.hwVersion, 0xca00),
    swVersion: opt(c.swVersion, 0),
    targetConfig: opt(c.targetConfig, 0),
    bromVersion: opt(c.bromVersion, 0x05),
    preloaderVersion: opt(c.preloaderVersion, 0x01),
    meId: c.meId ? parseHex(c.meId) : derivedId(hwCode, 'meid', 16),
    socId: c.socId ? parseHex(c.socId) : derivedId(hwCode, 'socid', 32),
    startupMs: c.startupMs ?? 100,
    watchdogTimeoutMs: c.watchdogTimeoutMs ?? 2000,
    preloader: {
      windowMs: c.preloader?.windowMs ?? 1000,
      logBaud: c.preloader?.logBaud ?? 921600,
      logText: c.preloader?.logText ?? '[PL] boot reason: power key\r\n[PL] jump to LK\r\n',
    },
  };
}

function hex(n: number): string {
  return '0x' + n.toString(16).toUpperCase();
}
