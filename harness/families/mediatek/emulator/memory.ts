/** The few u32 registers/words a host touches with READ32/WRITE32; everything never written reads as 0. */
export class SparseMemory {
  private readonly words = new Map<number, number>();

  read(address: number): number {
    return this.words.get(address >>> 0) ?? 0;
  }

  write(address: number, value: number): void {
    this.words.set(address >>> 0, value >>> 0);
  }

  clear(): void {
    this.words.clear();
  }

  get size(): number {
    return this.words.size;
  }
}
