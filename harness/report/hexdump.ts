/**
 * A failing trial's transcript as hex + ASCII, with the bytes that deviate from the expected reply marked
 * (<mark class="deviant">) and the expected bytes shown beside them.
 */
import { parseHex, printable, toHex } from '../core/bytes.js';
import type { TranscriptEvent, TrialRecord } from '../core/record.js';
import { plural } from '../core/plural.js';
import { esc } from './escape.js';

/** Events shown per trial: the start, the end, and the neighbourhood of the mismatch. */
const HEAD_EVENTS = 60;
const TAIL_EVENTS = 120;
const AROUND_MISMATCH = 40;
/** Bytes shown per tx/rx event. */
const EVENT_BYTES = 256;
const LINE_BYTES = 16;
/** Bytes shown in the expected-vs-got comparison. */
const COMPARE_BYTES = 48;

type Mismatch = NonNullable<TrialRecord['mismatch']>;

/** Expected bytes of a mismatch; null for a wildcard ("??"). */
export function expectedBytes(m: Mismatch): Array<number | null> {
  return String(m.expected ?? '')
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((tok) => (/^(0x)?[0-9a-f]{2}$/i.test(tok) ? parseInt(tok.replace(/^0x/i, ''), 16) : null));
}

export function gotBytes(m: Mismatch): Uint8Array {
  return safeHex(m.got) ?? new Uint8Array(0);
}

/** Whether byte i of what came deviates from what was expected (extra bytes deviate too). */
export function deviates(expected: Array<number | null>, got: Uint8Array, i: number): boolean {
  if (i >= expected.length) return true;
  const e = expected[i];
  return e !== null && e !== got[i];
}

/** The expected-vs-got comparison, byte by byte. */
export function mismatchTable(m: Mismatch): string {
  const expected = expectedBytes(m);
  const got = gotBytes(m);
  const n = Math.min(COMPARE_BYTES, Math.max(expected.length, got.length));
  const head: string[] = [];
  const exp: string[] = [];
  const gotCells: string[] = [];
  const ascii: string[] = [];
  for (let i = 0; i < n; i++) {
    head.push(`<th>${i}</th>`);
    const e = i < expected.length ? expected[i] : undefined;
    exp.push(`<td>${e === undefined ? '<span class="muted">–</span>' : e === null ? '??' : hex(e)}</td>`);
    if (i < got.length) {
      const b = got[i]!;
      const cell = deviates(expected, got, i) ? markDeviant(b, e, false) : hex(b);
      gotCells.push(`<td>${cell}</td>`);
      ascii.push(`<td>${esc(asciiOf(b))}</td>`);
    } else {
      gotCells.push('<td><span class="missing" title="missing">--</span></td>');
      ascii.push('<td></td>');
    }
  }
  const more = Math.max(expected.length, got.length) > n ? `<p class="muted">… ${plural(Math.max(expected.length, got.length) - n, 'more byte')}</p>` : '';
  return (
    `<div class="scroll"><table class="compare"><tr><th>byte</th>${head.join('')}</tr>` +
    `<tr><th>expected</th>${exp.join('')}</tr><tr><th>got</th>${gotCells.join('')}</tr>` +
    `<tr><th>ascii</th>${ascii.join('')}</tr></table></div>${more}`
  );
}

/** The transcript as a table of time, direction, hex and ASCII; deviant bytes marked where they arrived. */
export function transcriptTable(record: TrialRecord): string {
  const events = Array.isArray(record.transcript) ? record.transcript : [];
  const located = record.mismatch ? locateMismatch(events, record.mismatch) : null;
  const keep = chooseEvents(events.length, located?.firstEvent ?? null);
  const rows: string[] = [];
  let previous = -1;
  for (const i of keep) {
    if (i > previous + 1) rows.push(`<tr class="gap"><td colspan="4">… ${plural(i - previous - 1, 'event')} not shown …</td></tr>`);
    previous = i;
    rows.push(eventRow(events[i]!, i, located));
  }
  if (events.length > previous + 1) rows.push(`<tr class="gap"><td colspan="4">… ${plural(events.length - previous - 1, 'event')} not shown …</td></tr>`);
  return (
    `<div class="scroll"><table class="transcript"><thead><tr><th>t (ms)</th><th></th><th>hex</th><th>ascii</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

export interface Located {
  /** Event index → positions of its bytes that belong to the mismatching reply, with the reply's byte index. */
  marks: Map<number, Map<number, number>>;
  firstEvent: number;
  expected: Array<number | null>;
  got: Uint8Array;
}

/**
 * Finds the received bytes of the mismatch in the transcript: the rx bytes since the last tx before the
 * mismatch time, searched for the reply's bytes (a chunk may also hold bytes of an earlier answer).
 */
export function locateMismatch(events: readonly TranscriptEvent[], m: Mismatch): Located | null {
  const got = gotBytes(m);
  if (got.length === 0) return null;
  let endIdx = -1;
  for (let i = 0; i < events.length; i++) if (events[i]!.t <= m.at) endIdx = i;
  if (endIdx < 0) endIdx = events.length - 1;
  const window: Array<{ event: number; pos: number; byte: number }> = [];
  const chunks: number[] = [];
  let budget = got.length + 4096;
  for (let i = endIdx; i >= 0 && budget > 0; i--) {
    const e = events[i]!;
    if (e.kind === 'tx' && chunks.length > 0) break;
    if (e.kind !== 'rx') continue;
    chunks.push(i);
    budget -= e.data.length / 3;
  }
  for (const i of chunks.reverse()) {
    const bytes = safeHex((events[i] as { data: string }).data);
    if (bytes) for (let pos = 0; pos < bytes.length; pos++) window.push({ event: i, pos, byte: bytes[pos]! });
  }
  // The reply may run past the mismatch note (the engine listens on); extend the window forward.
  for (let i = endIdx + 1; i < events.length && window.length < got.length + 64; i++) {
    const e = events[i]!;
    if (e.kind === 'tx') break;
    if (e.kind !== 'rx') continue;
    const bytes = safeHex(e.data);
    if (bytes) for (let pos = 0; pos < bytes.length; pos++) window.push({ event: i, pos, byte: bytes[pos]! });
  }
  const probe = Math.min(got.length, 8);
  let start = -1;
  for (let k = 0; k + probe <= window.length && start < 0; k++) {
    let ok = true;
    for (let j = 0; j < probe && ok; j++) ok = window[k + j]!.byte === got[j];
    if (ok) start = k;
  }
  if (start < 0) return null;
  const marks = new Map<number, Map<number, number>>();
  for (let j = 0; j < got.length && start + j < window.length; j++) {
    const w = window[start + j]!;
    if (w.byte !== got[j]) break;
    let perEvent = marks.get(w.event);
    if (!perEvent) marks.set(w.event, (perEvent = new Map()));
    perEvent.set(w.pos, j);
  }
  return { marks, firstEvent: window[start]!.event, expected: expectedBytes(m), got };
}

function chooseEvents(count: number, focus: number | null): number[] {
  if (count <= HEAD_EVENTS + TAIL_EVENTS + AROUND_MISMATCH * 2) return Array.from({ length: count }, (_, i) => i);
  const keep = new Set<number>();
  for (let i = 0; i < HEAD_EVENTS; i++) keep.add(i);
  for (let i = count - TAIL_EVENTS; i < count; i++) keep.add(i);
  if (focus !== null) for (let i = focus - AROUND_MISMATCH; i <= focus + AROUND_MISMATCH; i++) if (i >= 0 && i < count) keep.add(i);
  return [...keep].sort((a, b) => a - b);
}

function eventRow(e: TranscriptEvent, index: number, located: Located | null): string {
  const t = `<td class="t">${esc(Number.isFinite(e.t) ? (e.t / 1000).toFixed(3) : '?')}</td>`;
  if (e.kind === 'note') return `<tr class="note">${t}<td>note</td><td colspan="2">${esc(e.text)}</td></tr>`;
  if (e.kind === 'edge') {
    const planned = e.planned !== undefined ? ` (planned ${(e.planned / 1000).toFixed(3)} ms)` : '';
    const relay = e.channel ? ` via ${e.channel}` : '';
    return `<tr class="edge">${t}<td>pin</td><td colspan="2">${esc(`${e.pin} ${e.active ? 'asserted' : 'released'}${relay}${planned}`)}</td></tr>`;
  }
  const bytes = safeHex(e.data);
  const dir = e.kind === 'tx' ? '→ tx' : '← rx';
  if (!bytes) return `<tr class="${e.kind}">${t}<td>${dir}</td><td colspan="2">${esc(e.data)}</td></tr>`;
  const marks = located?.marks.get(index);
  const shown = bytes.subarray(0, EVENT_BYTES);
  const hexLines: string[] = [];
  const asciiLines: string[] = [];
  for (let at = 0; at < shown.length; at += LINE_BYTES) {
    const h: string[] = [];
    const a: string[] = [];
    for (let p = at; p < Math.min(shown.length, at + LINE_BYTES); p++) {
      const b = shown[p]!;
      const j = marks?.get(p);
      if (j !== undefined && located && deviates(located.expected, located.got, j)) {
        h.push(markDeviant(b, located.expected[j]));
        a.push(`<mark class="deviant${located.expected[j] === undefined ? ' extra' : ''}">${esc(asciiOf(b))}</mark>`);
      } else if (j !== undefined) {
        h.push(`<span class="reply">${hex(b)}</span>`);
        a.push(esc(asciiOf(b)));
      } else {
        h.push(hex(b));
        a.push(esc(asciiOf(b)));
      }
    }
    hexLines.push(h.join(' '));
    asciiLines.push(a.join(''));
  }
  const more = bytes.length > shown.length ? `\n… ${plural(bytes.length - shown.length, 'more byte')}` : '';
  let expectedNote = '';
  if (marks && located) {
    const first = Math.min(...marks.values());
    const exp = located.expected.slice(first).map((b) => (b === null ? '??' : hex(b)));
    if (exp.length) expectedNote = `<div class="expected-note">expected ${exp.length ? exp.join(' ') : 'nothing more'}</div>`;
  }
  return (
    `<tr class="${e.kind}${marks ? ' has-deviant' : ''}">${t}<td>${dir}</td>` +
    `<td><pre class="hex">${hexLines.join('\n')}${more}</pre>${expectedNote}</td><td><pre class="ascii">${asciiLines.join('\n')}</pre></td></tr>`
  );
}

/** A deviant byte; with `label`, the expected byte follows it (the comparison table has its own row for that). */
function markDeviant(b: number, expected: number | null | undefined, label = true): string {
  if (expected === undefined) return `<mark class="deviant extra" title="not expected (extra byte)">${hex(b)}</mark>`;
  const what = expected === null ? 'any byte' : `expected ${hex(expected)}`;
  const side = label ? `<span class="exp" title="${esc(what)}">${esc(expected === null ? '??' : hex(expected))}</span>` : '';
  return `<mark class="deviant" title="${esc(what)}">${hex(b)}</mark>${side}`;
}

function hex(b: number): string {
  return toHex([b]);
}

function asciiOf(b: number): string {
  const p = printable(b);
  return p !== null && p.length === 1 ? p : '.';
}

function safeHex(text: unknown): Uint8Array | null {
  if (typeof text !== 'string') return null;
  try {
    return parseHex(text);
  } catch {
    return null;
  }
}
