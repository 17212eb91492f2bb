/** The table printed at the end of `shakedown run`: per DUT pass/fail, symptoms and median handshake time. */
import type { TrialRecord } from '../core/record.js';
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
    const symptoms = new Map<string, number>();
    for (const r of mine) if (r.result !== 'pass') symptoms.set(r.symptom, (symptoms.get(r.symptom) ?? 0) + 1);
    const handshake = median(mine.filter((r) => r.result === 'pass').map((r) => r.phases.handshakeMs));
    return [
      dut,
      `${passed}/${mine.length}`,
      String(mine.length - passed),
      [...symptoms].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s}×${n}`).join(' ') || '-',
      handshake === null ? '-' : `${handshake.toFixed(1)} ms`,
    ];
  });
  return formatTable(['DUT', 'pass', 'fail', 'symptoms', 'median handshake'], rows);
}
