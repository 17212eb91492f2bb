/**
 * The board to move off a flagged supply to confirm it. Residuals (residuals.ts) check a board's failures against
 * siblings that read the supply's dips alike (a dip restarts an STM32 bootloader the STM32 engine reads, silences a
 * MediaTek BROM and a script that only syncs); a board with no such sibling has the dips' faces of its failures
 * explained, unchecked. When those failures are what its own parts would show as well (silence: a dead board, an
 * open cable), the night cannot say whose they are, and the next step is concrete: move that board to another
 * supply for a night and see whether its failures stay. (Not for a hub: its disconnects lose a port the same way on
 * every family, so a board alone of its family on a hub is no reason to doubt the hub.)
 */
import type { Rig } from '../config/types.js';
import type { ComponentKind, Symptom } from '../core/record.js';
import { componentKey, type Cell, type ComponentRef } from './cells.js';
import type { Physics } from './physics.js';
import type { Unvouched } from './residuals.js';
import { latestCellOf } from './swaps.js';
import type { SymptomCounts } from './round-stats.js';
import type { Thresholds } from './thresholds.js';

export interface ConfirmingMove {
  dut: string;
  /** Its failures the shared flag explains, by symptom. */
  symptoms: SymptomCounts;
  failures: number;
  /** A healthy supply of the rig to move it to (absent: the rig has none, or is not known). */
  supply?: string;
}

/** The parts a board has to itself, which could fail it in the ways a shared cause does. */
const OWN_KINDS: ReadonlySet<ComponentKind> = new Set(['dut', 'cable', 'port', 'relay']);

export interface MoveContext {
  cells: Cell[];
  physics: Physics;
  t: Thresholds;
  /** Whether a component (by key) came out healthy. */
  healthy: (key: string) => boolean;
  rig?: Rig;
}

/**
 * Of the boards no sibling vouches for, the one whose failures the flag explained its own parts fit best (well, or
 * none), then the one with the most of them, and where to move it.
 */
export function confirmingMove(carrier: ComponentRef, unvouched: Unvouched[], ctx: MoveContext): ConfirmingMove | undefined {
  if (carrier.kind !== 'supply') return undefined;
  const scored = unvouched.filter((board) => stillOn(board.dut, carrier, ctx)).map((board) => {
    let failures = 0;
    let weighted = 0;
    for (const [s, n] of Object.entries(board.symptoms) as Array<[Symptom, number]>) {
      failures += n;
      weighted += n * ownFit(s, board.cells, ctx);
    }
    return { dut: board.dut, symptoms: board.symptoms, failures, fit: failures === 0 ? 0 : weighted / failures };
  });
  const best = scored
    .filter((b) => b.fit >= ctx.t.fitsWell)
    .sort((a, b) => b.fit - a.fit || b.failures - a.failures || a.dut.localeCompare(b.dut))[0];
  if (!best) return undefined;
  const move: ConfirmingMove = { dut: best.dut, symptoms: best.symptoms, failures: best.failures };
  const supply = otherSupply(carrier.id, ctx);
  if (supply) move.supply = supply;
  return move;
}

/** Whether the board is on the supply now (the rig says so, or without a rig its latest trials ran on it): moved, it is no advice. */
function stillOn(dut: string, supply: ComponentRef, ctx: MoveContext): boolean {
  if (ctx.rig) return ctx.rig.duts.find((d) => d.id === dut)?.supply === supply.id;
  const last = latestCellOf({ key: componentKey('dut', dut), id: dut, kind: 'dut' }, ctx.cells);
  return last?.components.some((c) => c.key === supply.key) ?? false;
}

/** How well a symptom fits the best of a board's own parts, on its profile (and a relay channel on its pin). */
function ownFit(symptom: Symptom, cells: number[], ctx: MoveContext): number {
  let best = 0;
  for (const i of cells) {
    const cell = ctx.cells[i]!;
    for (const part of cell.components) if (OWN_KINDS.has(part.kind)) best = Math.max(best, ctx.physics.affinity(part.kind, symptom, cell, part.id));
  }
  return best;
}

/** A healthy supply of the rig other than `from`, one that already feeds boards first. */
function otherSupply(from: string, ctx: MoveContext): string | undefined {
  const rig = ctx.rig;
  if (!rig) return undefined;
  const feeding = new Set(rig.duts.map((d) => d.supply));
  return rig.supplies
    .map((s) => s.id)
    .filter((id) => id !== from && ctx.healthy(componentKey('supply', id)))
    .sort((a, b) => Number(feeding.has(b)) - Number(feeding.has(a)) || a.localeCompare(b))[0];
}
