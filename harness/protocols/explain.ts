/**
 * The one place that turns raw bytes and what was expected into a symptom and a sentence a person can act on —
 * the readings every boot ROM shares (silence, a late answer, a flood, lost bytes, one-bit flips, echoes, text).
 * Every engine hands its evidence here; what a family's bytes mean beyond that (MediaTek's READY is its Preloader,
 * text from an STM32 is its application) comes from the family's ByteExplainer, handed in by its engine. The order
 * of the checks matters: the most specific reading of the bytes wins (another mode before flood, a single flipped
 * bit before "text").
 */
import { hexByte, printable, textShare, toHex } from '../core/bytes.js';
import type { Symptom } from '../core/record.js';
import { explainLineNoise, noiseInBytes } from './line-noise.js';

export interface Explanation {
  symptom: Symptom;
  detail: string;
  /** A reading from a few bytes of text or noise: a flood of unasked bytes outweighs it. */
  weak?: boolean;
}

/**
 * Beyond this many bytes nobody asked for, the device is flooding (bootloop, log output). Well above the largest
 * legitimate reply (a 256-byte read plus its ACKs), so a read answered after a garbled command is not a flood.
 */
export const FLOOD_BYTES = 600;

/** An expected byte, or null where anything is accepted (a value the device reports). */
export type ExpectedByte = number | null;

export interface Exchange {
  /** Step name as people know it: "sync", "Get ID", "GET_HW_CODE", "handshake". */
  step: string;
  /** What the host sent to provoke the reply (for echo and byte+1 checks). */
  sent?: Uint8Array;
  expected: readonly ExpectedByte[];
  got: Uint8Array;
  /** The session was established before this step (a restart then means reset-mid). */
  afterSync?: boolean;
}

/**
 * What a family's bytes mean beyond the generic readings: its engine hands one to the session. A family without
 * one (and the script engine) gets GENERIC_EXPLAINER.
 */
export interface ByteExplainer {
  /**
   * Bytes that are, unmistakably, another mode of this family's chip, read before anything else (MediaTek: READY is
   * its Preloader). `when`: before the host asked anything, in reply, or in reply once the session was under way
   * (the chip has restarted since), to `step`. Returns 'expected' for the mode the profile wants (nothing to
   * explain), null for bytes that are not another mode.
   */
  otherMode?(bytes: Uint8Array, when: 'unasked' | 'reply' | 'after-sync', step: string): Explanation | 'expected' | null;
  /** Printable text (its start quoted) where `step` expected the protocol. */
  text(step: string, quoted: string): Explanation;
  /** Printable text before the host asked anything. */
  textBeforeHandshake(quoted: string): Explanation;
}

/** Text is a log: the board is not where the protocol expects it. */
export const GENERIC_EXPLAINER: ByteExplainer = {
  text: (step, quoted) => ({ symptom: 'unexpected-reply', detail: `${step}: the board prints ${quoted}: a log, not the protocol — boot mode, or wrong baud?`, weak: true }),
  textBeforeHandshake: (quoted) => ({
    symptom: 'unexpected-reply',
    detail: `before the handshake the board printed ${quoted}: a log, not the boot ROM — boot pins or strap not held?`,
    weak: true,
  }),
};

/** "68 ('h')", or "9A" when the byte is not text. */
export function describeByte(b: number): string {
  const text = printable(b);
  return text === null ? hex1(b) : `${hex1(b)} ('${text}')`;
}

/** "0x410", "0x0766": ids as datasheets print them. */
export function hexId(value: number, digits = 3): string {
  return '0x' + value.toString(16).toUpperCase().padStart(digits, '0');
}

/** Expected bytes as hex, "??" where anything goes. */
export function expectedHex(expected: readonly ExpectedByte[]): string {
  return expected.map((b) => (b === null ? '??' : hex1(b))).join(' ');
}

/** Whether got satisfies the expectation byte for byte. */
export function matches(expected: readonly ExpectedByte[], got: Uint8Array): boolean {
  return got.length === expected.length && expected.every((b, i) => b === null || b === got[i]);
}

/** A reply that did not match what the protocol prescribes, read generically and then as `explainer` says. */
export function explainReply(x: Exchange, explainer: ByteExplainer = GENERIC_EXPLAINER): Explanation {
  const { got, expected, sent } = x;
  const want = expectedHex(expected);
  if (got.length === 0) return explainSilence(x.step, null, x.afterSync ?? false);

  const mode = explainer.otherMode?.(got, x.afterSync ? 'after-sync' : 'reply', x.step);
  if (mode && mode !== 'expected') return mode;

  if (got.length > FLOOD_BYTES) return explainFlood(x.step, got);

  if (sent && sent.length > 0 && isPlusOne(sent, got)) {
    const head = toHex(got.subarray(0, Math.min(got.length, sent.length)));
    return x.afterSync
      ? { symptom: 'reset-mid', detail: `${x.step}: echo came back ${head} (byte+1): the SoC restarted mid-session — brown-out? check the supply` }
      : { symptom: 'unexpected-reply', detail: `got ${head}: target answers byte+1, not in sync` };
  }

  if (sent && sent.length > 0 && got.length >= 1 && got[0] === sent[0] && expected[0] !== null && expected[0] !== sent[0]) {
    return {
      symptom: 'unexpected-reply',
      detail: `expected ${want}, got ${hex1(got[0]!)} back unchanged: the target is already in command mode, or the line echoes (TX tied to RX?)`,
    };
  }

  const noise = explainNoisyReply(x);
  if (noise) return noise;

  const at = firstDifference(expected, got);
  if (at >= 0 && at < got.length && expected[at] !== null && got.length === expected.length) {
    const flipped = expected[at]! ^ got[at]!;
    if (singleBit(flipped) && allDifferencesSingleBit(expected, got)) {
      return {
        symptom: 'corrupt',
        detail: `expected ${want}, got ${toHex(got)}: every differing byte is one bit off — noisy cable or port?`,
      };
    }
  }

  if (got.length < expected.length && isLossOf(expected, got)) {
    const lost = expected.length - got.length;
    return {
      symptom: 'corrupt',
      detail: `expected ${want}, got ${toHex(got)}: ${lost} byte${lost > 1 ? 's' : ''} lost — cable, connector or port?`,
    };
  }

  const text = textShare(got) >= 0.8 && got.length >= 4 ? quoteText(got) : null;
  if (text) return explainer.text(x.step, text);

  const bad = at >= 0 && at < got.length ? got[at]! : got[0]!;
  if (printable(bad) !== null) {
    const wantAt = at >= 0 && at < expected.length ? expected[at] : expected[0];
    const wantText = expected.length === 1 || wantAt === null || wantAt === undefined ? want : hex1(wantAt);
    return {
      symptom: 'unexpected-reply',
      detail: `expected ${wantText}, got ${hex1(bad)} ('${printable(bad)}', printable: the board prints text — boot pins?)`,
    };
  }

  if (got.length > expected.length + 8 && textShare(got) < 0.5) {
    return {
      symptom: 'corrupt',
      detail: `expected ${want}, got ${got.length} bytes of garbage (${toHex(got.subarray(0, 8))} …) — wrong baud, or noise on the line?`,
    };
  }

  return { symptom: 'unexpected-reply', detail: `expected ${want}, got ${toHex(got.subarray(0, 16))}${got.length > 16 ? ' …' : ''}` };
}

/**
 * The expected bytes with one or two bits flipped (line noise), checked on the reply's first expected.length
 * bytes. What came after them counts only when it is not text: a log line that happens to start near the
 * expected byte is the board printing, not noise.
 */
function explainNoisyReply({ expected, got }: Exchange): Explanation | null {
  const bits = noiseInBytes(expected, got);
  if (!bits || (got.length > expected.length && textShare(got) >= 0.8)) return null;
  const shown = toHex(got.subarray(0, Math.min(got.length, 16))) + (got.length > 16 ? ' …' : '');
  return explainLineNoise(`expected ${expectedHex(expected)}, got ${shown}`, bits);
}

/** Nothing came. `deadlineMs` null when the caller already waited its grace period. */
export function explainSilence(step: string, deadlineMs: number | null, afterSync: boolean): Explanation {
  const within = deadlineMs === null ? '' : ` within ${fmtMs(deadlineMs)}`;
  return afterSync
    ? { symptom: 'silent', detail: `no answer to ${step}${within} after a good start: the stream stopped — board reset or lost power?` }
    : { symptom: 'silent', detail: `no answer to ${step}${within}: nothing at all — boot pins, power, TX/RX swapped, or wrong port?` };
}

/** The right answer, after its deadline (extended by `latencyMs`, the link's measured round trip). */
export function explainLate(step: string, afterMs: number, deadlineMs: number, latencyMs = 0): Explanation {
  const allowed = latencyMs >= 1 ? ` + ${fmtMs(latencyMs)} link round trip` : '';
  return {
    symptom: 'late',
    detail: `${step} answered after ${fmtMs(afterMs)}, deadline ${fmtMs(deadlineMs)}${allowed} — slow power-up, boot delay too short, or USB latency?`,
  };
}

/**
 * Why an answer after its deadline is not charged to the board: the host was held up for `heldUpMs` while it was
 * awaited, at least as long as the answer was late — it may well have reached the port in time.
 */
export function describeHostBusy(step: string, afterMs: number, deadlineMs: number, heldUpMs: number): string {
  return `${step} answered after ${fmtMs(afterMs)}, deadline ${fmtMs(deadlineMs)}, but the host was held up for ${fmtMs(heldUpMs)} meanwhile — the lateness is the host's (machine too busy), not the board's`;
}

/** An answer that never came while the host was held up, and the symptom the trial would otherwise have ended in. */
export function describeHostMiss(windowMs: number, heldUpMs: number, symptom: Symptom, detail: string): string {
  return `an answer awaited for ${fmtMs(windowMs)} never came, but the host was held up for ${fmtMs(heldUpMs)} of that time — what followed (${symptom}: ${detail}) is the host's doing (machine too busy), not the board's`;
}

/** A time budget (`what`) that ran out only because the host was held up; `seen`: what the trial would otherwise have ended in. */
export function describeHostSpentBudget(what: string, budgetMs: number, elapsedMs: number, heldUpMs: number, seen?: string): string {
  return `${what} (${fmtMs(budgetMs)}) ran out after ${fmtMs(elapsedMs)}, the host having been held up for ${fmtMs(heldUpMs)} of them${seen ? `: ${seen}` : ''} — the host's doing (machine too busy), not the board's`;
}

/** Many bytes nobody asked for; `sample` shows what they look like, `total` counts them all. */
export function explainFlood(step: string, sample: Uint8Array, total = sample.length): Explanation {
  const kind =
    sample.length === 0 ? 'bytes' : textShare(sample) >= 0.8 ? `bytes of log text ${quoteText(sample)}` : `bytes (${toHex(sample.subarray(0, 8))} …)`;
  return {
    symptom: 'flood',
    detail: `${total} unasked ${kind} during ${step}: the board floods the line — bootloop, or wrong mode printing logs?`,
  };
}

/**
 * Bytes that came before the host asked anything. Null when they say nothing (no bytes, a stray byte, the mode
 * the profile wants). Another mode of the family's chip first; lots of bytes mean a flood; a line of text, what
 * the explainer says text means.
 */
export function explainUnasked(bytes: Uint8Array, explainer: ByteExplainer = GENERIC_EXPLAINER): Explanation | null {
  if (bytes.length === 0) return null;
  const mode = explainer.otherMode?.(bytes, 'unasked', 'start-up');
  if (mode === 'expected') return null;
  if (mode) return mode;
  if (bytes.length > FLOOD_BYTES) return explainFlood('start-up', bytes);
  if (bytes.length >= 4 && textShare(bytes) >= 0.8) return explainer.textBeforeHandshake(quoteText(bytes));
  return null;
}

/** An identity value other than the profile's. */
export function explainIdentity(what: string, got: number, expected: number, digits = 3): Explanation {
  return {
    symptom: 'unexpected-reply',
    detail: `${what} says ${hexId(got, digits)}, profile expects ${hexId(expected, digits)} — wrong profile or wrong board?`,
  };
}

// ---------------------------------------------------------------- helpers

/** A byte as two hex digits, "7F". */
export function hex1(b: number): string {
  return hexByte(b).slice(2);
}

function fmtMs(ms: number): string {
  return `${Math.round(ms * 10) / 10} ms`;
}

function isPlusOne(sent: Uint8Array, got: Uint8Array): boolean {
  const n = Math.min(sent.length, got.length);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (got[i] !== ((sent[i]! + 1) & 0xff)) return false;
  return true;
}

function firstDifference(expected: readonly ExpectedByte[], got: Uint8Array): number {
  const n = Math.max(expected.length, got.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    if (i >= got.length || i >= expected.length) return i;
    if (e !== null && e !== got[i]) return i;
  }
  return -1;
}

function singleBit(x: number): boolean {
  return x !== 0 && (x & (x - 1)) === 0;
}

function allDifferencesSingleBit(expected: readonly ExpectedByte[], got: Uint8Array): boolean {
  return expected.every((e, i) => e === null || e === got[i] || singleBit(e ^ got[i]!));
}

/** got is expected with some bytes missing (order kept). */
function isLossOf(expected: readonly ExpectedByte[], got: Uint8Array): boolean {
  let j = 0;
  for (let i = 0; i < expected.length && j < got.length; i++) {
    if (expected[i] === null || expected[i] === got[j]) j++;
  }
  return j === got.length && got.length > 0;
}

/** The start of some text, quoted, with unprintable bytes as dots: "blinky v1.0 ready". */
export function quoteText(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes.subarray(0, 40)) text += printable(b) ?? '.';
  return JSON.stringify(text.trim() + (bytes.length > 40 ? '…' : '')).replace(/\\\\/g, '\\');
}
