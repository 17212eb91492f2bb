/**
 * The link round trips the trials measured (TrialRecord.latencyMs), as evidence of where latency comes from. A hub
 * that adds latency slows every board on it, also those whose short exchanges it does not break: a MediaTek board
 * failing behind a hub while an STM32 beside it answers 120 ms late is one slow hub, not a bad port. Failures alone
 * cannot tell the two apart when only one board on the hub is sensitive; the round trips can, on the same night.
 */
import type { Cell } from './cells.js';

/** The mean round trip measured over some cells; undefined when none was measured. */
export function meanLatency(cells: Iterable<Cell>): number | undefined {
  let trials = 0;
  let sumMs = 0;
  for (const cell of cells) {
    trials += cell.latency?.trials ?? 0;
    sumMs += cell.latency?.sumMs ?? 0;
  }
  return trials > 0 ? sumMs / trials : undefined;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The usual link of the bench outside a part: the median board's mean round trip there. */
function usualLatency(cells: readonly Cell[], inside: ReadonlySet<number>): number | undefined {
  const byDut = new Map<string, Cell[]>();
  cells.forEach((cell, i) => {
    if (!inside.has(i)) byDut.set(cell.dut, [...(byDut.get(cell.dut) ?? []), cell]);
  });
  return median([...byDut.values()].flatMap((c) => meanLatency(c) ?? []));
}

/**
 * Whether every board of a shared part beside the struck one measured its link slow, as slow as the struck board
 * measured its own: at least `slowMs` above the bench's usual link, and at least half the struck board's rise when it
 * measured any (an adapter with a long latency timer next to a board whose own port adds 100 ms is not the same
 * slowness). The struck board's failures may cut its own round trips short.
 */
export function slowAlike(cells: readonly Cell[], inside: ReadonlySet<number>, struck: number[], others: number[][], slowMs: number): boolean {
  const usual = usualLatency(cells, inside);
  if (others.length === 0 || usual === undefined) return false;
  const struckRise = (meanLatency(struck.map((i) => cells[i]!)) ?? usual) - usual;
  return others.every((board) => {
    const mean = meanLatency(board.map((i) => cells[i]!));
    return mean !== undefined && mean - usual >= slowMs && mean - usual >= struckRise / 2;
  });
}

/** A part's trials' mean link round trip and the bench's usual one (the median board's outside the part). */
export interface LinkRound {
  meanMs: number;
  usualMs: number;
}

/** A part's link round trip against the bench's; undefined when either was not measured. */
export function linkRound(cells: readonly Cell[], inside: ReadonlySet<number>): LinkRound | undefined {
  const usualMs = usualLatency(cells, inside);
  const meanMs = meanLatency([...inside].map((i) => cells[i]!));
  return usualMs !== undefined && meanMs !== undefined ? { meanMs, usualMs } : undefined;
}
