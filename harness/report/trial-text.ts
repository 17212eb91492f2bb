/**
 * A stored trial as terminal text (`shakedown show`): what it was, its detail and timings, expected vs received,
 * then the whole transcript — microsecond times and the time since the event before, direction, hex and ASCII
 * (16 bytes a line), pin edges with their planned and actual times, and the engine's notes. Bytes that deviate from
 * the expected reply are marked by a line of ^ beneath them (and in red when colour is on): never by colour alone.
 */
import { printable, toHex } from '../core/bytes.js';
import type { TranscriptEvent, TrialRecord } from '../core/record.js';
import { deviates, locateMismatch, type Located } from './hexdump.js';
import { mismatchText } from './text.js';

const LINE_BYTES = 16;
const RED = '\u001b[31;1m';
const DIM = '\u001b[2m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

export interface TrialTextOptions {
  /** ANSI colour (only on a terminal, and never with NO_COLOR set). */
  colour: boolean;
}

export function trialText(t: TrialRecord, options: TrialTextOptions): string {
  const paint = (code: string, text: string) => (options.colour ? `${code}${text}${RESET}` : text);
  const outcome = t.result === 'error' ? `harness error: ${t.reason ?? 'exception'}` : t.result === 'pass' ? 'pass' : `fail: ${t.symptom ?? 'silent'}`;
  const c = t.components;
  const lines = [
    paint(BOLD, `trial ${t.trialId}`),
    `  ${outcome}`,
    `  rig ${t.rig} · night ${t.night} · DUT ${t.dut} · trial ${t.seq}${t.followUp ? ' (follow-up)' : ''} · profile ${t.profile}`,
    `  cable ${c.cable} · port ${c.port}${c.hub ? ` (hub ${c.hub})` : ''} · supply ${c.supply} · relays ${c.relays.join(' ') || '–'} · host ${c.host}`,
    `  started ${t.startedAt} · enter ${ms(t.phases?.enterMs)} · handshake ${ms(t.phases?.handshakeMs)} · identify ${ms(t.phases?.identifyMs)} · leave ${ms(t.phases?.leaveMs)} · total ${ms(t.phases?.totalMs)}`,
    `  reset → first byte ${ms(t.resetToFirstByteMs)}${t.latencyMs !== undefined ? ` · link round trip ${ms(t.latencyMs)}` : ''} · ${t.retries === 1 ? '1 retry' : `${t.retries} retries`}`,
    `  ${t.detail}`,
  ];
  if (t.mismatch) lines.push(`  ${mismatchText(t.mismatch)}`);
  const events = Array.isArray(t.transcript) ? t.transcript : [];
  lines.push('', paint(BOLD, `transcript: ${events.length === 1 ? '1 event' : `${events.length} events`}`), paint(DIM, `${'t (µs)'.padStart(12)} ${'+Δ (µs)'.padStart(10)}  dir   hex${' '.repeat(LINE_BYTES * 3 - 3)}  ascii`));
  const located = t.mismatch ? locateMismatch(events, t.mismatch) : null;
  let previous: number | undefined;
  events.forEach((e, i) => {
    const delta = previous === undefined ? '' : us(e.t - previous);
    previous = e.t;
    lines.push(...eventLines(e, i, `${us(e.t).padStart(12)} ${delta.padStart(10)}`, located, paint));
  });
  return lines.join('\n') + '\n';
}

function eventLines(e: TranscriptEvent, index: number, time: string, located: Located | null, paint: (code: string, text: string) => string): string[] {
  if (e.kind === 'note') return [`${time}  note  ${e.text}`];
  if (e.kind === 'edge') {
    const what = `${e.pin} ${e.active ? 'asserted' : 'released'}${e.channel ? ` via ${e.channel}` : ''}`;
    const planned = e.planned !== undefined ? ` · planned ${us(e.planned)} µs, actual ${us(e.t)} µs (${signed(e.t - e.planned)} µs)` : '';
    return [`${time}  pin   ${what}${planned}`];
  }
  const dir = e.kind === 'tx' ? '→ tx' : '← rx';
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(String(e.data).trim().split(/\s+/).filter(Boolean).map((h) => parseByte(h)));
  } catch {
    return [`${time}  ${dir}  ${e.data}`];
  }
  const marks = located?.marks.get(index);
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += LINE_BYTES) {
    const chunk = bytes.subarray(at, at + LINE_BYTES);
    const hex: string[] = [];
    const carets: string[] = [];
    let marked = false;
    chunk.forEach((b, k) => {
      const j = marks?.get(at + k);
      const bad = j !== undefined && located !== null && deviates(located.expected, located.got, j);
      marked ||= bad;
      hex.push(bad ? paint(RED, toHex([b])) : toHex([b]));
      carets.push(bad ? '^^' : '  ');
    });
    const ascii = [...chunk].map((b) => {
      const p = printable(b);
      return p !== null && p.length === 1 ? p : '.';
    });
    const pad = ' '.repeat((LINE_BYTES - chunk.length) * 3);
    const lead = at === 0 ? `${time}  ${dir} ` : `${' '.repeat(time.length)}       `;
    out.push(`${lead} ${hex.join(' ')}${pad}  |${ascii.join('')}|`);
    if (marked) {
      const expected = located!.expected.slice(Math.min(...marks!.values())).map((b) => (b === null ? '??' : toHex([b])));
      out.push(`${' '.repeat(lead.length + 1)}${carets.join(' ').trimEnd()}  deviant${expected.length ? ` (expected ${expected.join(' ')})` : ''}`);
    }
  }
  return out.length ? out : [`${time}  ${dir}  (no bytes)`];
}

function parseByte(hex: string): number {
  if (!/^[0-9a-f]{2}$/i.test(hex)) throw new Error(`not a byte: ${hex}`);
  return parseInt(hex, 16);
}

/** Microseconds as a whole number with thousands separated: 70 050. */
function us(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US').replace(/,/g, ' ') : '?';
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : '−'}${us(Math.abs(n))}`;
}

function ms(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? `${n.toFixed(2)} ms` : '–';
}
