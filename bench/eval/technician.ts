/**
 * The technician of the evaluation: what a lab engineer does with a flag whose advice is a swap, or a board to move
 * off a supply. The swap is the report's own: its plan is rebuilt with the diagnosis' `chooseSwap` over the same
 * cells, verdicts, rig and profiles, and kept only if `swapSentence` words it exactly as the report did; then it is
 * made on the rig the way the sentence says (the rig file follows the bench). A move is the report's
 * `confirmingMove` (the board and the supply its action names). Faults live in the parts' `sim:` blocks, so each
 * moves with its part. Advice that cannot be carried out on a simulated rig (bring a spare the rig does not have,
 * free a port) is said so and left undone.
 */
import type { Rig } from '../../harness/config/types.js';
import { componentKey, type Cell, type ComponentRef } from '../../harness/diagnose/cells.js';
import { swapSentence } from '../../harness/diagnose/sentences.js';
import { chooseSwaps, type ProfileFacts, type SwapPlan } from '../../harness/diagnose/swaps.js';
import type { ComponentDiagnosis, DiagnosisResult } from '../../harness/diagnose/types.js';

/** One flag's swap advice and what became of it. */
export interface SwapOutcome {
  /** The flag that gave the advice, e.g. "cable c3". */
  flag: string;
  /** A swap that separates a group, or a board moved off a supply (absent in records saved before moves: a swap). */
  kind?: 'swap' | 'move';
  /** The report's words. */
  advice: string;
  applied: boolean;
  /** Why it was not carried out. */
  why?: string;
}

/** What the report's swaps are rebuilt from: the same inputs the diagnosis had. */
export interface AdviceContext {
  cells: Cell[];
  /** The rig the diagnosis was given. */
  rig: Rig;
  profiles?: ReadonlyMap<string, ProfileFacts>;
}

const flagged = (c: ComponentDiagnosis) => c.verdict === 'suspect' || c.verdict === 'bad';

/** Flags (suspect or bad) whose advice includes a swap. */
export function swapFlags(result: DiagnosisResult): ComponentDiagnosis[] {
  return result.components.filter((c) => flagged(c) && c.kind !== 'profile' && Boolean(c.separatingSwap));
}

/** Flagged supplies whose advice is to move one of their boards to another supply for a night. */
export function moveFlags(result: DiagnosisResult): ComponentDiagnosis[] {
  return result.components.filter((c) => flagged(c) && c.kind === 'supply' && Boolean(c.confirmingMove));
}

/** How many pieces of advice that change the bench (swaps and moves) a report gives. */
export function benchAdvice(result: DiagnosisResult): number {
  return swapFlags(result).length + moveFlags(result).length;
}

/**
 * The plans behind the report's swaps, chosen by the diagnosis' own function in the order its flags were raised (each
 * swap takes partners no earlier one took); a flag's plan is undefined when it does not give back the report's exact
 * words (the evaluation then carries out nothing rather than a swap of its own).
 */
export function reportedPlans(result: DiagnosisResult, ctx: AdviceContext): Map<ComponentDiagnosis, SwapPlan | undefined> {
  const refs = new Map(ctx.cells.flatMap((c) => c.components.map((r) => [r.key, r] as const)));
  // The diagnosis' own reports carry the round that raised each flag (attribute.ts, ComponentReport).
  const roundOf = (flag: ComponentDiagnosis) => (flag as ComponentDiagnosis & { round?: number }).round ?? 0;
  const flags = swapFlags(result).sort((a, b) => roundOf(a) - roundOf(b));
  const wanted = flags.map((flag) => {
    const ref: ComponentRef = refs.get(componentKey(flag.kind, flag.id)) ?? { key: componentKey(flag.kind, flag.id), id: flag.id, kind: flag.kind };
    const group = (flag.confoundedWith ?? []).flatMap((id) => [...refs.values()].filter((r) => r.id === id && r.key !== ref.key));
    return { ref, group };
  });
  const verdicts = new Map(result.components.map((c) => [componentKey(c.kind, c.id), c.verdict] as const));
  const plans = chooseSwaps(wanted, { cells: ctx.cells, verdicts, rig: ctx.rig, profiles: ctx.profiles });
  return new Map(flags.map((flag, i) => [flag, swapSentence(plans[i]!) === flag.separatingSwap ? plans[i] : undefined]));
}

/**
 * Carries out every swap the report advises on a copy of `bench` (the rig as it stands), in the report's order,
 * then every board it says to move off a supply; a swap whose parts an earlier one moved is left undone, and so is
 * a move of a board a swap took off that supply.
 */
export function carryOutSwaps(result: DiagnosisResult, ctx: AdviceContext, bench: Rig): { rig: Rig; swaps: SwapOutcome[] } {
  const rig = structuredClone(bench);
  const swaps: SwapOutcome[] = [];
  const plans = reportedPlans(result, ctx);
  /** Records what became of one piece of advice: done, or why not. */
  const settle = (outcome: Omit<SwapOutcome, 'applied' | 'why'>, why: string | undefined) =>
    swaps.push(why === undefined ? { ...outcome, applied: true } : { ...outcome, applied: false, why });
  for (const flag of swapFlags(result)) {
    const plan = plans.get(flag);
    settle({ flag: `${flag.kind} ${flag.id}`, advice: flag.separatingSwap! }, plan ? applySwap(rig, plan) : 'the diagnosis\' swap function does not give back the report\'s words');
  }
  for (const flag of moveFlags(result)) {
    const move = flag.confirmingMove!;
    const advice = `move ${move.dut} to ${move.supply ? `supply ${move.supply}` : 'another supply'}`;
    settle({ flag: `${flag.kind} ${flag.id}`, kind: 'move', advice }, moveBoard(rig, bench, move.dut, flag.id, move.supply));
  }
  return { rig, swaps };
}

/**
 * Moves a board from supply `from` to supply `to` on `rig` in place (`bench`: the rig as it stood before this
 * morning's swaps); the reason when it cannot be made.
 */
function moveBoard(rig: Rig, bench: Rig, dut: string, from: string, to: string | undefined): string | undefined {
  const board = rig.duts.find((d) => d.id === dut);
  if (!board) return `${dut} is not on the rig`;
  if (bench.duts.find((d) => d.id === dut)?.supply !== from) return `${dut} is not on supply ${from}`;
  if (board.supply !== from) return `an earlier swap took ${dut} off supply ${from}`;
  if (!to) return 'it needs another supply the rig does not have';
  if (!rig.supplies.some((s) => s.id === to)) return `supply ${to} is not described in the rig`;
  board.supply = to;
  return undefined;
}

/**
 * Makes one swap on `rig` in place, as its sentence words it — every move of it (a group's parts each to a board of
 * its own), or none; the reason when it cannot be made.
 */
export function applySwap(rig: Rig, plan: SwapPlan): string | undefined {
  const draft = structuredClone(rig);
  for (const move of [plan, ...(plan.also ?? [])]) {
    const why = applyMove(draft, move);
    if (why !== undefined) return why;
  }
  rig.duts.splice(0, rig.duts.length, ...draft.duts);
  return undefined;
}

/** One part's move on `rig` in place; the reason when it cannot be made. */
function applyMove(rig: Rig, plan: SwapPlan): string | undefined {
  const { ref, partner, spare } = plan;
  const dut = (id: string | undefined) => rig.duts.find((d) => d.id === id);
  const home = dut(plan.home);
  if (!home) return `${ref.kind} ${ref.id} serves no DUT of the rig`;
  const there = partner ? dut(partner.dut) : undefined;
  if (partner && !there) return `${partner.dut} is not on the rig`;
  switch (ref.kind) {
    case 'cable':
      if (home.cable !== ref.id) return `an earlier swap moved cable ${ref.id}`;
      if (spare) return rig.cables.some((c) => c.id === spare) ? void (home.cable = spare) : `the spare cable ${spare} is not described in the rig`;
      if (!there || there.cable !== partner!.id) return there ? `an earlier swap moved cable ${partner!.id}` : 'it brings a spare cable the rig does not have';
      [home.cable, there.cable] = [there.cable, home.cable];
      return undefined;
    case 'port':
      if (home.port !== ref.id) return `an earlier swap moved ${home.id}'s cable off port ${ref.id}`;
      if (spare) return rig.ports.some((p) => p.id === spare) ? void (home.port = spare) : `the spare port ${spare} is not described in the rig`;
      if (!there || there.port !== partner!.id) return there ? `an earlier swap moved ${there.id}'s port` : 'it frees a port the rig does not have';
      [home.port, there.port] = [there.port, home.port];
      return undefined;
    case 'relay': {
      const mine = plan.pin ? home.pins[plan.pin] : undefined;
      if (!mine || mine.channel !== ref.id) return `an earlier swap rewired relay channel ${ref.id}, or the advice names no pin`;
      if (spare) return rig.relays.some((b) => b.channels.some((c) => c.id === spare)) ? void (mine.channel = spare) : `the spare channel ${spare} is not described in the rig`;
      const theirs = there && plan.partnerPin ? there.pins[plan.partnerPin] : undefined;
      if (!theirs || theirs.channel !== partner!.id) return there ? `an earlier swap rewired relay channel ${partner!.id}` : 'it frees a relay channel the rig does not have';
      [mine.channel, theirs.channel] = [theirs.channel, mine.channel];
      return undefined;
    }
    case 'dut': {
      if (!there) return `it brings a spare board like ${ref.id} the rig does not have`;
      // The boards trade places: each DUT entry (the board and its own faults) takes the other's cable, port,
      // supply, serial and pins.
      const wiring = (d: typeof home) => ({ cable: d.cable, port: d.port, supply: d.supply, serial: d.serial, pins: d.pins });
      const [a, b] = [wiring(home), wiring(there)];
      Object.assign(home, b);
      Object.assign(there, a);
      if (home.serial === undefined) delete home.serial;
      if (there.serial === undefined) delete there.serial;
      return undefined;
    }
    default:
      return `a spare ${ref.kind} the rig does not have`;
  }
}
