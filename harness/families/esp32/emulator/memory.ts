/**
 * The address space the ROM loader reaches with READ_REG, WRITE_REG and MEM_DATA: sparse 32-bit words,
 * little-endian, preset with what the chip leaves the factory with (magic word, eFuse MAC and revision words).
 * Unwritten addresses read as 0.
 */
import { CHIPS, MAGIC_ADDRESS, macToWords } from '../chips.js';
import type { Esp32ChipFacts } from '../schema.js';

export class RomMemory {
  private readonly words = new Map<number, number>();

  constructor(chip: Esp32ChipFacts) {
    const info = CHIPS[chip.variant];
    for (const [address, value] of Object.entries(info.registers)) this.words.set(Number(address), value >>> 0);
    this.words.set(MAGIC_ADDRESS, chip.magic >>> 0);
    const mac = macToWords(chip.mac);
    this.words.set(info.macLow, mac.low);
    this.words.set(info.macHigh, mac.high);
  }

  read(address: number): number {
    return this.words.get(align(address)) ?? 0;
  }

  /** WRITE_REG: only the bits set in mask change. */
  write(address: number, value: number, mask = 0xffffffff): void {
    const old = this.read(address);
    this.words.set(align(address), ((old & ~mask) | (value & mask)) >>> 0);
  }

  /** MEM_DATA: bytes at any alignment. */
  writeBytes(address: number, bytes: Uint8Array): void {
    bytes.forEach((b, i) => {
      const at = (address + i) >>> 0;
      const shift = (at & 3) * 8;
      this.write(at, b << shift, (0xff << shift) >>> 0);
    });
  }

  readBytes(address: number, length: number): Uint8Array {
    return Uint8Array.from({ length }, (_, i) => (this.read((address + i) >>> 0) >>> (((address + i) & 3) * 8)) & 0xff);
  }
}

function align(address: number): number {
  return (address & ~3) >>> 0;
}
