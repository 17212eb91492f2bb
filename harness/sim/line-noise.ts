/**
 * What a cable and a baud mismatch do to bytes. Rare independent events (a flipped bit, a lost byte) are drawn by
 * geometric skipping: one random draw gives the distance to the next event, so a clean 10^6-byte stream costs a
 * handful of draws rather than one per bit.
 */
import type { Rng } from '../core/rng.js';

/** Distances between independent events of probability p (the number of clean trials before the next event). */
export class GeometricGaps {
  private readonly logQ: number;

  constructor(private readonly rng: Rng, private readonly p: number) {
    this.logQ = Math.log1p(-Math.min(p, 1));
  }

  next(): number {
    if (!(this.p > 0)) return Number.POSITIVE_INFINITY;
    if (this.p >= 1) return 0;
    // Inverse CDF of the geometric distribution; 1 - u lies in (0, 1], so the log is finite.
    return Math.floor(Math.log(1 - this.rng.next()) / this.logQ);
  }
}

export interface CableNoiseOptions {
  /** Probability that a data bit arrives flipped. */
  bitErrorRate: number;
  /** Probability that a byte is lost. */
  dropRate: number;
  /** Data bits per byte (the bits that can flip). */
  dataBits: number;
}

/**
 * One direction of a cable for one trial: loses bytes at dropRate and flips data bits at bitErrorRate.
 * Start, parity and stop bits are not flipped here: on real hardware such a hit shows as a framing or parity
 * error, i.e. a lost or garbled byte, which dropRate already covers.
 */
export class CableNoise {
  private readonly bitGaps: GeometricGaps;
  private readonly dropGaps: GeometricGaps;
  private cleanBits: number;
  private keptBytes: number;
  /** Bits flipped and bytes dropped so far (for tests and the docs' measurements). */
  flippedBits = 0;
  droppedBytes = 0;

  constructor(bitRng: Rng, dropRng: Rng, private readonly options: CableNoiseOptions) {
    this.bitGaps = new GeometricGaps(bitRng, options.bitErrorRate);
    this.dropGaps = new GeometricGaps(dropRng, options.dropRate);
    this.cleanBits = this.bitGaps.next();
    this.keptBytes = this.dropGaps.next();
  }

  /** True when this direction passes bytes untouched (the common case: no copy is made). */
  get clean(): boolean {
    return !(this.options.bitErrorRate > 0) && !(this.options.dropRate > 0);
  }

  apply(bytes: Uint8Array): Uint8Array {
    if (this.clean) return bytes;
    const out = new Uint8Array(bytes.length);
    const dataBits = this.options.dataBits;
    let n = 0;
    for (const original of bytes) {
      if (this.keptBytes === 0) {
        this.droppedBytes++;
        this.keptBytes = this.dropGaps.next();
        continue;
      }
      this.keptBytes--;
      let value = original;
      let bit = 0;
      while (this.cleanBits < dataBits - bit) {
        bit += this.cleanBits;
        value ^= 1 << bit;
        this.flippedBits++;
        bit++;
        this.cleanBits = this.bitGaps.next();
      }
      this.cleanBits -= dataBits - bit;
      out[n++] = value;
    }
    return out.subarray(0, n);
  }
}

/**
 * What a receiver at the wrong baud makes of `count` bytes sent at `senderBaud`: pseudo-random bytes, about
 * count × receiverBaud / senderBaud of them (a 921600 log read at 115200 yields one garbage byte per eight sent;
 * a slow sender read too fast yields more). The fractional part carries over between calls.
 */
export class BaudMismatchNoise {
  private carry = 0;

  constructor(private readonly rng: Rng) {}

  garble(count: number, senderBaud: number, receiverBaud: number): Uint8Array {
    const exact = (count * receiverBaud) / senderBaud + this.carry;
    const n = Math.floor(exact);
    this.carry = exact - n;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.rng.int(0, 255);
    return out;
  }
}
