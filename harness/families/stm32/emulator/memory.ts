/**
 * The memory an STM32 bootloader can reach: main flash (erased = 0xFF, programming only clears bits), the RAM the
 * host may use (the bootloader's own RAM below `ram.start` is not modelled and never reachable), system memory
 * (read-only; on F1 it holds the flash-size register) and the option bytes (which carry readout protection).
 */
import type { MemoryRegion, Stm32ChipFacts } from '../schema.js';
import { hashString } from '../../../core/rng.js';

export type RegionKind = 'flash' | 'ram' | 'system' | 'option';

interface Area {
  kind: RegionKind;
  start: number;
  end: number;
  bytes: Uint8Array;
}

/** Option bytes are modelled as one 16-byte block at optionBytesAddress. */
export const OPTION_BYTES_LENGTH = 16;
/** F1 flash-size register (KiB, little-endian u16), inside F1 system memory. */
export const F1_FLASH_SIZE_REGISTER = 0x1ffff7e0;
const F1_OPTION_BYTES = 0x1ffff800;

/** Where the readout-protection byte sits in the option block and the value that means "not protected". */
interface RdpLayout {
  offset: number;
  unprotected: number;
  defaults: number[];
}

function rdpLayout(chip: Stm32ChipFacts): RdpLayout {
  // F1-style blocks start with RDP/nRDP pairs; F2/F4-style blocks carry USER at byte 0 and RDP at byte 1.
  if (chip.optionBytesAddress === F1_OPTION_BYTES) {
    return { offset: 0, unprotected: 0xa5, defaults: [0xa5, 0x5a, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00] };
  }
  return { offset: 1, unprotected: 0xaa, defaults: [0xed, 0xaa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] };
}

/** Page (or sector) boundaries as offsets from the flash start. */
export function pageLayout(chip: Stm32ChipFacts): Array<{ start: number; end: number }> {
  const size = chip.flash.end - chip.flash.start;
  const pages: Array<{ start: number; end: number }> = [];
  if ('size' in chip.pages) {
    for (let at = 0; at < size; at += chip.pages.size) pages.push({ start: at, end: Math.min(size, at + chip.pages.size) });
  } else {
    let at = 0;
    for (const sector of chip.pages.sectors) {
      if (at >= size) break;
      pages.push({ start: at, end: Math.min(size, at + sector) });
      at += sector;
    }
  }
  return pages;
}

export class Stm32Memory {
  private readonly areas: Area[];
  private readonly flash: Area;
  private readonly option: Area;
  private readonly rdp: RdpLayout;
  readonly pages: Array<{ start: number; end: number }>;
  /** Page indices protected against writing and erasing (Write Protect command). */
  readonly writeProtected = new Set<number>();

  constructor(private readonly chip: Stm32ChipFacts) {
    this.rdp = rdpLayout(chip);
    this.pages = pageLayout(chip);
    this.flash = makeArea('flash', chip.flash, 0xff);
    this.option = makeArea('option', { start: chip.optionBytesAddress, end: chip.optionBytesAddress + OPTION_BYTES_LENGTH }, 0xff);
    this.option.bytes.set(this.rdp.defaults);
    const ram = makeArea('ram', chip.ram, 0x00);
    const system = makeArea('system', chip.systemMemory, 0x00);
    fillSystemMemory(system, chip);
    this.areas = [this.flash, ram, system, this.option];
  }

  /** The region that holds [address, address + length), or null if the range is not wholly inside one. */
  regionOf(address: number, length = 1): RegionKind | null {
    const area = this.areaOf(address, length);
    return area ? area.kind : null;
  }

  read(address: number, length: number): Uint8Array {
    const area = this.areaOf(address, length);
    if (!area) throw new RangeError(`no memory at 0x${address.toString(16)}+${length}`);
    return area.bytes.slice(address - area.start, address - area.start + length);
  }

  /** Like read(), but for any address range: unmapped bytes read as 0 (for tests and dumps). */
  peek(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const area = this.areaOf(address + i, 1);
      if (area) out[i] = area.bytes[address + i - area.start]!;
    }
    return out;
  }

  /**
   * Stores bytes as the bootloader would: RAM and option bytes take them as they are; flash only clears bits
   * (a word that is not erased keeps its zeros, so writing without erasing does not give the data back).
   */
  write(address: number, data: Uint8Array): void {
    const area = this.areaOf(address, data.length);
    if (!area || area.kind === 'system') throw new RangeError(`cannot write 0x${address.toString(16)}+${data.length}`);
    const offset = address - area.start;
    if (area.kind === 'flash') {
      for (let i = 0; i < data.length; i++) area.bytes[offset + i] = area.bytes[offset + i]! & data[i]!;
    } else {
      area.bytes.set(data, offset);
    }
  }

  /** Page indices touched by a flash range. */
  pagesOf(address: number, length: number): number[] {
    const from = address - this.flash.start;
    const to = from + length;
    const touched: number[] = [];
    this.pages.forEach((page, index) => {
      if (page.start < to && page.end > from) touched.push(index);
    });
    return touched;
  }

  erasePage(index: number): void {
    const page = this.pages[index];
    if (!page) throw new RangeError(`no page ${index}`);
    this.flash.bytes.fill(0xff, page.start, page.end);
  }

  massErase(): void {
    this.flash.bytes.fill(0xff);
  }

  get readProtected(): boolean {
    return this.option.bytes[this.rdp.offset] !== this.rdp.unprotected;
  }

  /** Readout Protect: any RDP value other than the "unprotected" key turns protection on. */
  setReadProtection(on: boolean): void {
    if (on) {
      this.option.bytes[this.rdp.offset] = 0x00;
      this.option.bytes[this.rdp.offset ^ 1] = 0xff;
    } else {
      // Leaving protection erases the option bytes back to their defaults (and with them write protection).
      this.option.bytes.set(this.rdp.defaults);
      this.writeProtected.clear();
    }
  }

  private areaOf(address: number, length: number): Area | null {
    for (const area of this.areas) {
      if (address >= area.start && address + length <= area.end && length >= 0) return area;
    }
    return null;
  }
}

function makeArea(kind: RegionKind, region: MemoryRegion, fill: number): Area {
  return { kind, start: region.start, end: region.end, bytes: new Uint8Array(Math.max(0, region.end - region.start)).fill(fill) };
}

/** Deterministic stand-in for bootloader code, plus the F1 flash-size register where system memory covers it. */
function fillSystemMemory(area: Area, chip: Stm32ChipFacts): void {
  let h = hashString(`stm32-system-${chip.productId}`);
  for (let i = 0; i < area.bytes.length; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    area.bytes[i] = h & 0xff;
  }
  const reg = F1_FLASH_SIZE_REGISTER;
  if (reg >= area.start && reg + 2 <= area.end) {
    const kib = Math.floor((chip.flash.end - chip.flash.start) / 1024);
    area.bytes[reg - area.start] = kib & 0xff;
    area.bytes[reg - area.start + 1] = (kib >>> 8) & 0xff;
  }
}
