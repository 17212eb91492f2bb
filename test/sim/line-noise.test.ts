import { expect } from 'chai';
import { Rng } from '../../harness/core/rng.js';
import { BaudMismatchNoise, CableNoise, GeometricGaps } from '../../harness/sim/line-noise.js';
import { withinInterval } from './fixtures.js';

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

describe('sim line noise', () => {
  it('geometric gaps have mean (1 − p) / p', () => {
    const gaps = new GeometricGaps(new Rng(1), 0.01);
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) sum += gaps.next();
    const mean = sum / n;
    // sd of one gap = sqrt(1 − p) / p ≈ 99.5; of the mean ≈ 0.70.
    expect(mean).to.be.closeTo(99, 3.29 * 0.71);
    expect(new GeometricGaps(new Rng(1), 0).next()).to.equal(Number.POSITIVE_INFINITY);
    expect(new GeometricGaps(new Rng(1), 1).next()).to.equal(0);
  });

  it('flips data bits at bitErrorRate 1e-3 over 10^6 bytes, inside the 99.9 % interval', () => {
    const cable = new CableNoise(new Rng(11), new Rng(12), { bitErrorRate: 1e-3, dropRate: 0, dataBits: 8 });
    const input = new Uint8Array(1_000_000);
    for (let i = 0; i < input.length; i++) input[i] = (i * 37) & 0xff;
    const output = cable.apply(input);
    expect(output.length).to.equal(input.length);
    let flipped = 0;
    let bytesHit = 0;
    for (let i = 0; i < input.length; i++) {
      const diff = input[i]! ^ output[i]!;
      flipped += popcount(diff);
      if (diff) bytesHit++;
    }
    expect(flipped).to.equal(cable.flippedBits);
    expect(withinInterval(flipped, 8_000_000, 1e-3)).to.equal(true, `flipped ${flipped} of 8e6 bits`);
    // Mostly single-bit hits, the signature the diagnosis looks for.
    expect(bytesHit).to.be.greaterThan(flipped * 0.99);
  });

  it('flips only data bits of 7-bit bytes', () => {
    const cable = new CableNoise(new Rng(3), new Rng(4), { bitErrorRate: 0.05, dropRate: 0, dataBits: 7 });
    const output = cable.apply(new Uint8Array(10_000));
    expect(output.every((b) => b < 0x80)).to.equal(true);
    expect(withinInterval(cable.flippedBits, 70_000, 0.05)).to.equal(true);
  });

  it('drops bytes at dropRate over 10^6 bytes, inside the 99.9 % interval, keeping the order of the rest', () => {
    const cable = new CableNoise(new Rng(21), new Rng(22), { bitErrorRate: 0, dropRate: 0.01, dataBits: 8 });
    const input = new Uint8Array(1_000_000);
    for (let i = 0; i < input.length; i++) input[i] = i & 0xff;
    const output = cable.apply(input);
    const dropped = input.length - output.length;
    expect(dropped).to.equal(cable.droppedBytes);
    expect(withinInterval(dropped, 1_000_000, 0.01)).to.equal(true, `dropped ${dropped}`);
    // Every kept byte is the next expected one or a few ahead (drops leave gaps, never reorderings).
    let expected = 0;
    for (const b of output.subarray(0, 5000)) {
      const ahead = (b - expected + 256) & 0xff;
      expect(ahead).to.be.lessThan(5);
      expected = (b + 1) & 0xff;
    }
  });

  it('works across chunk boundaries exactly as on one big chunk', () => {
    const input = new Uint8Array(50_000).map((_, i) => (i * 13) & 0xff);
    const whole = new CableNoise(new Rng(5), new Rng(6), { bitErrorRate: 1e-3, dropRate: 1e-3, dataBits: 8 }).apply(input);
    const chunked = new CableNoise(new Rng(5), new Rng(6), { bitErrorRate: 1e-3, dropRate: 1e-3, dataBits: 8 });
    const parts: number[] = [];
    for (let i = 0; i < input.length; i += 7) parts.push(...chunked.apply(input.subarray(i, i + 7)));
    expect(parts).to.deep.equal([...whole]);
  });

  it('passes bytes untouched when the cable is clean', () => {
    const cable = new CableNoise(new Rng(1), new Rng(2), { bitErrorRate: 0, dropRate: 0, dataBits: 8 });
    const input = Uint8Array.from([1, 2, 3]);
    expect(cable.apply(input)).to.equal(input);
  });

  it('garbles a baud mismatch into count × receiver/sender bytes, carrying the fraction', () => {
    const noise = new BaudMismatchNoise(new Rng(9));
    let total = 0;
    for (let i = 0; i < 100; i++) total += noise.garble(3, 921600, 115200).length;
    expect(total).to.equal(37); // 300 / 8 = 37.5
  });
});
