/**
 * The one place that turns raw bytes and what was expected into a symptom and a sentence a person can act on.
 * Every engine hands its evidence here; nothing else interprets bytes. The order of the checks matters: the
 * most specific reading of the bytes wins (Preloader READY before flood, a single flipped bit before "text").
 */
import { hexByte, printable, textShare, toHex } from '../core/bytes.js';
import type { Symptom } from '../core/record.js';

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
  /** Mode the profile expects; READY is only wrong when BROM is wanted. */
  expectMode?: 'brom' | 'preloader';
  /** Engine family, for wording: an STM32 printing text runs its application. */
  family?: 'stm32' | 'mediatek' | 'script' | 'esp32';
}

const READY = [0x52, 0x45, 0x41, 0x44, 0x59];

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

export function containsReady(bytes: Uint8Array): boolean {
  outer: for (let i = 0; i + READY.length <= bytes.length; i++) {
    for (let j = 0; j < READY.length; j++) if (bytes[i + j] !== READY[j]) continue outer;
    return true;
  }
  return false;
}

/** A reply that did not match what the protocol prescribes. */
export function explainReply(x: Exchange): Explanation {
  const { got, expected, sent } = x;
  const want = expectedHex(expected);
  if (got.length === 0) return explainSilence(x.step, null, x.afterSync ?? false);

  if (containsReady(got) && x.expectMode !== 'preloader') {
    return x.afterSync
      ? { symptom: 'reset-mid', detail: `READY again at ${x.step}: the board restarted into its Preloader mid-session — brown-out? check the supply` }
      : { symptom: 'wrong-mode', detail: 'READY from Preloader, expected BROM' };
  }

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

  const at = firstDifference(expected, got);
  if (at >= 0 && at < got.length && expected[at] !== null && got.length === expected.length) {
    const flipped = expected[at]! ^ got[at]!;
    if (singleBit(flipped) && allDifferencesSingleBit(expected, got)) {
      return {
        symptom: 'corrupt',
        detail: `expected ${want}, got ${toHex(got)}: one bit differs (bit ${Math.log2(flipped)}) — noisy cable or port?`,
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
  if (text) {
    return x.family === 'stm32'
      ? { symptom: 'wrong-mode', detail: `${x.step}: the board prints ${text}: it runs its application, not the bootloader — BOOT0 not held high during reset?`, weak: true }
      : { symptom: 'unexpected-reply', detail: `${x.step}: the board prints ${text}: a log, not the protocol — boot mode, or wrong baud?`, weak: true };
  }

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

/** STM32: silence to the first 0x7F, then ACK (not NACK) to the second: the bootloader started after the first. */
export function explainLateBootloader(): Explanation {
  return {
    symptom: 'late',
    detail:
      'bootloader ACKed only the second 7F (the first was lost while it started; stm32flash: "Failed to init device after retry") — boot delay too short?',
  };
}

/**
 * STM32: a command went unanswered; a fresh 0x7F then told what the bootloader was doing.
 * 'ack' — it had lost its sync, so it restarted; 'nack' — it was still waiting for a byte of the command, so a
 * byte was lost on the way; 'none' — it stopped answering at all.
 */
export function explainStm32Probe(step: string, answer: 'ack' | 'nack' | 'none'): Explanation {
  if (answer === 'ack') {
    return {
      symptom: 'reset-mid',
      detail: `no answer to ${step}, then a fresh 7F was ACKed (not NACKed): the bootloader restarted mid-session — brown-out? check the supply`,
    };
  }
  if (answer === 'nack') {
    return {
      symptom: 'corrupt',
      detail: `no answer to ${step}, and a fresh 7F completed a pending command (NACK): a byte of the command was lost — cable, connector or port?`,
    };
  }
  return explainSilence(step, null, true);
}

/** MediaTek: GET_BL_VER tells BROM (echo FE) from Preloader (a version byte). */
export function explainMode(got: 'brom' | 'preloader', expected: 'brom' | 'preloader', reply: number): Explanation {
  return got === 'preloader'
    ? {
        symptom: 'wrong-mode',
        detail: `GET_BL_VER answered ${hex1(reply)} (a Preloader version byte, BROM echoes FE): Preloader, expected BROM — test point (KCOL0) not held at power-on?`,
      }
    : {
        symptom: 'wrong-mode',
        detail: `GET_BL_VER echoed FE: BROM, expected Preloader — test point held, or the preloader is missing or broken?`,
      };
}

/** MediaTek: a status word other than success. */
export function explainStatus(step: string, status: number): Explanation {
  const known: Record<number, string> = {
    0x1d0c: 'no auth needed',
    0x1d0d: 'SLA required (secure boot)',
    0x7017: 'DAA security error',
    0x1d1d: 'baud rate too high',
  };
  const why = known[status] ? ` (${known[status]})` : '';
  return { symptom: 'unexpected-reply', detail: `${step} returned status ${hexId(status, 4)}${why}` };
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
 * Bytes that came before the host asked anything. Null when they say nothing (no bytes, a stray byte).
 * READY means Preloader; lots of bytes mean a flood; a line of text on an STM32 means its application runs.
 */
export function explainUnasked(bytes: Uint8Array, family: Exchange['family'], expectMode?: 'brom' | 'preloader'): Explanation | null {
  if (bytes.length === 0) return null;
  if (containsReady(bytes)) {
    return expectMode === 'preloader' ? null : { symptom: 'wrong-mode', detail: 'READY from Preloader, expected BROM' };
  }
  if (bytes.length > FLOOD_BYTES) return explainFlood('start-up', bytes);
  if (bytes.length >= 4 && textShare(bytes) >= 0.8) {
    return family === 'stm32'
      ? { symptom: 'wrong-mode', detail: `before sync the board printed ${quoteText(bytes)}: it runs its application — BOOT0 not held high during reset?`, weak: true }
      : { symptom: 'unexpected-reply', detail: `before the handshake the board printed ${quoteText(bytes)}: a log, not the boot ROM — test point not held?`, weak: true };
  }
  return null;
}

/** An identity value other than the profile's. */
export function explainIdentity(what: string, got: number, expected: number, digits = 3): Explanation {
  return {
    symptom: 'unexpected-reply',
    detail: `${what} says ${hexId(got, digits)}, profile expects ${hexId(expected, digits)} — wrong profile or wrong board?`,
  };
}

/** A NACK (STM32 0x1F) where an ACK belonged. */
export function explainNack(step: string, afterSync: boolean): Explanation {
  return afterSync
    ? { symptom: 'corrupt', detail: `${step} was NACKed (1F): the bootloader saw a garbled command — noisy cable or port?` }
    : { symptom: 'unexpected-reply', detail: `${step} was NACKed (1F)` };
}

/** Versions as ST prints them: 0x22 → "2.2". */
export function bootloaderVersionText(v: number): string {
  return `${v >> 4}.${v & 0x0f}`;
}

// ---------------------------------------------------------------- helpers

function hex1(b: number): string {
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

function quoteText(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes.subarray(0, 40)) text += printable(b) ?? '.';
  return JSON.stringify(text.trim() + (bytes.length > 40 ? '…' : '')).replace(/\\\\/g, '\\');
}
