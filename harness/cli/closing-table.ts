/**
 * The table printed at the end of `shakedown run` and `nightly`: per DUT passes, failures with their symptoms,
 * harness errors with their reasons (apart: they say nothing about the hardware), and median handshake time.
 */
import type { NotRun, TrialRecord } from '../core/record.js';
import { formatTable } from './table.js';

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function closingTable(records: TrialRecord[], dutOrder: string[]): string {
  const rows = dutOrder.map((dut) => {
    const mine = records.filter((r) => r.dut === dut);
    const passed = mine.filter((r) => r.result === 'pass').length;
    const failed = mine.filter((r) => r.result === 'fail');
    const errors = mine.filter((r) => r.result === 'error');
    const handshake = median(mine.filter((r) => r.result === 'pass').map((r) => r.phases.handshakeMs));
    return [
      dut,
      `${passed}/${mine.length}`,
      String(failed.length),
      tally(failed.map((r) => r.symptom ?? 'unknown')),
      tally(errors.map((r) => r.reason ?? 'exception')),
      handshake === null ? '-' : `${handshake.toFixed(1)} ms`,
    ];
  });
  return formatTable(['DUT', 'pass', 'fail', 'symptoms', 'harness errors', 'median handshake'], rows);
}

/**
 * The trials not run, saying how many and why ('' when every trial ran): one line per DUT, or one line for the DUTs
 * that share a reason and its detail (a relay board not found stops every DUT the same way).
 */
export function notRunLines(notRun: readonly NotRun[]): string {
  const groups = new Map<string, NotRun[]>();
  for (const n of notRun.filter((x) => x.trials > 0)) {
    const key = `${n.reason}\u0000${n.detail}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()]
    .map((group) => {
      const trials = group.reduce((sum, n) => sum + n.trials, 0);
      const { reason, detail } = group[0]!;
      return `${group.map((n) => n.dut).join(', ')}: ${trials} trial${trials === 1 ? '' : 's'} not run (${reason}) — ${detail}\n`;
    })
    .join('');
}

/** "corrupt×3 late×1", most frequent first; "-" for none. */
function tally(words: string[]): string {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([w, n]) => `${w}×${n}`).join(' ') || '-';
}
