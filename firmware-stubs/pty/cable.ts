/** A noisy cable for the stub: flipped bits and lost bytes, drawn from a seeded Rng so a run can be replayed. */
import type { Rng } from '../../harness/core/rng.js';

export interface CableFaultRates {
  /** Probability that any one data bit arrives flipped. */
  bitErrorRate?: number;
  /** Probability that a whole byte is lost. */
  dropRate?: number;
}

export class NoisyWire {
  constructor(
    private readonly rng: Rng,
    private readonly rates: CableFaultRates,
  ) {}

  get clean(): boolean {
    return !this.rates.bitErrorRate && !this.rates.dropRate;
  }

  carry(bytes: Uint8Array): Uint8Array {
    if (this.clean) return bytes;
    const out: number[] = [];
    for (const byte of bytes) {
      if (this.rng.chance(this.rates.dropRate ?? 0)) continue;
      let value = byte;
      if (this.rates.bitErrorRate) {
        for (let bit = 0; bit < 8; bit++) if (this.rng.chance(this.rates.bitErrorRate)) value ^= 1 << bit;
      }
      out.push(value);
    }
    return Uint8Array.from(out);
  }
}
