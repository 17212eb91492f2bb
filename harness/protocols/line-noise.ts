/**
 * Line noise on a constant: a reply that should be a fixed value (an echo, an ACK, a handshake's inverted byte, a
 * chip's identity, a magic word) and differs from it in one or two bits was damaged on the wire, not answered
 * differently by the board. Every family reads its constants through here; each family decides where a near value
 * is itself a legitimate answer (another chip's id) and keeps that reading.
 */
import type { ExpectedByte, Explanation } from './explain.js';

/** At most this many differing bits read as line noise; more is another value. */
export const NOISE_MAX_BITS = 2;

/** Bit positions (0 = least significant, highest first) in which two values of up to 32 bits differ. */
export function differingBits(a: number, b: number): number[] {
  const x = (a ^ b) >>> 0;
  const bits: number[] = [];
  for (let bit = 31; bit >= 0; bit--) if ((x >>> bit) & 1) bits.push(bit);
  return bits;
}

/** The differing bits named ("bit 15"), when got is expected with 1 or 2 bits flipped; null otherwise. */
export function noiseInValue(got: number, expected: number): string[] | null {
  const bits = differingBits(got, expected);
  return bits.length > 0 && bits.length <= NOISE_MAX_BITS ? bits.map((bit) => `bit ${bit}`) : null;
}

/**
 * The differing bits over the bytes a reply is checked on (its first expected.length bytes; "??" bytes are not
 * checked), named "bit 3" — "bit 3 of byte 2" when several bytes are checked — when 1 or 2 differ; null otherwise.
 */
export function noiseInBytes(expected: readonly ExpectedByte[], got: Uint8Array): string[] | null {
  if (got.length < expected.length) return null;
  const checked = expected.filter((b) => b !== null).length;
  const named: string[] = [];
  expected.forEach((want, i) => {
    if (want === null) return;
    for (const bit of differingBits(want, got[i]!)) named.push(checked > 1 ? `bit ${bit} of byte ${i + 1}` : `bit ${bit}`);
  });
  return named.length > 0 && named.length <= NOISE_MAX_BITS ? named : null;
}

/** `what` ("expected 5F, got 5E") with the bits line noise flipped: corrupt. */
export function explainLineNoise(what: string, bits: readonly string[]): Explanation {
  const differ = bits.length === 1 ? `one bit differs (${bits[0]})` : `${bits.length} bits differ (${bits.join(', ')})`;
  return { symptom: 'corrupt', detail: `${what}: ${differ} — line corruption: noisy cable or port?` };
}

/**
 * An identity (chip/HW code, product id, chip id, magic word) other than the profile's: line noise when it is one
 * or two bits from the expected one and no chip in `known` answers it (a near id of a real chip is that chip).
 * Null when it reads as another value; `show` prints ids as the family's datasheets do.
 */
export function explainNoisyIdentity(
  step: string,
  got: number,
  expected: number,
  known: readonly number[],
  show: (id: number) => string,
): Explanation | null {
  const bits = known.includes(got) ? null : noiseInValue(got, expected);
  return bits ? explainLineNoise(`${step} answered ${show(got)}, profile expects ${show(expected)}`, bits) : null;
}
