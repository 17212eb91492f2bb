/** Plain-text renderings shared by junit.xml (callers escape). */
import type { TrialRecord } from '../core/record.js';
import { deviates, expectedBytes, gotBytes } from './hexdump.js';
import { toHex } from '../core/bytes.js';

/** "expected 79 / got 68 65 (deviant: #0 68≠79, #1 65 extra)". */
export function mismatchText(m: NonNullable<TrialRecord['mismatch']>): string {
  const expected = expectedBytes(m);
  const got = gotBytes(m);
  const bad: string[] = [];
  for (let i = 0; i < got.length && bad.length < 8; i++) {
    if (!deviates(expected, got, i)) continue;
    const e = expected[i];
    bad.push(e === undefined ? `#${i} ${toHex([got[i]!])} extra` : `#${i} ${toHex([got[i]!])}≠${e === null ? '??' : toHex([e])}`);
  }
  return `expected ${m.expected} / got ${m.got}${bad.length ? ` (deviant: ${bad.join(', ')})` : ''}`;
}
