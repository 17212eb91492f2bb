/**
 * The swap that would separate components that always ran together, as a choice of parts (sentences.ts words it):
 * every part it names fits where it goes and is itself healthy, or there is none and a spare must be brought.
 */
import type { BoardProfile, PinRole, RelayBoard, RelayChannel, Rig } from '../config/types.js';
import { componentKey, type Cell, type ComponentRef } from './cells.js';
import type { Verdict } from './types.js';

/** What the advice needs of a board profile: its family and its logical pins. */
/** What the diagnosis reads of a board profile: its family and pins, and (when at hand) the sequences that move them. */
export type ProfileFacts = Pick<BoardProfile, 'family' | 'pins'> &
  Partial<Pick<BoardProfile, 'enter' | 'leave'>> & {
    /** The engine that runs its exchange (what a fault can show through it: physics.ts, profileTraits). */
    protocol?: Pick<BoardProfile['protocol'], 'engine'>;
  };

/** What a separating swap is chosen from. */
export interface SwapContext {
  cells: Cell[];
  /** Verdicts of this diagnosis by component key (`kind:id`); a part that did not run in the window has none. */
  verdicts: ReadonlyMap<string, Verdict>;
  /** The rig: spares, DUTs' wired pins, relay channels. */
  rig?: Rig;
  /** Board profiles by id: which boards can trade places. */
  profiles?: ReadonlyMap<string, ProfileFacts>;
  /** Parts and DUTs (component keys) an earlier swap of the same report already takes: not offered again. */
  taken?: ReadonlySet<string>;
}

/** A board as a swap sees it: its profile, family and the pins wired to it, with their roles where known. */
export interface BoardSlot {
  profile: string;
  family?: string;
  pins?: Array<{ name: string; role?: PinRole }>;
}

/**
 * Whether two boards can trade places with the relay wiring left as it is: the same family, and wired pins that do
 * the same things — a reset for a reset, a power switch for a power switch whatever each profile calls them; a boot
 * strap or another pin only for the one of the same name (its name tells its family which strap it is).
 * Unknown facts only match the same profile.
 */
export function boardsInterchangeable(a: BoardSlot, b: BoardSlot): boolean {
  const sameFamily = a.family !== undefined && b.family !== undefined ? a.family === b.family : a.profile === b.profile;
  const samePins = a.pins && b.pins ? sameItems(a.pins.map(wiredAs), b.pins.map(wiredAs)) : a.profile === b.profile;
  return sameFamily && samePins;
}

/** What a wired pin is to the board, for comparing wirings. */
function wiredAs(pin: { name: string; role?: PinRole }): string {
  return pin.role === 'reset' || pin.role === 'power' ? pin.role : `${pin.role ?? 'unknown'} ${pin.name}`;
}

function sameItems(a: string[], b: string[]): boolean {
  const sorted = (items: string[]) => [...items].sort().join('\n');
  return a.length === b.length && sorted(a) === sorted(b);
}

/**
 * Whether two relay channels can trade the pins wired to them: neither is a line of a DUT's own adapter (dtr-rts),
 * and both rest in the same state (a power contact that rests closed cannot take a pin that must rest released).
 */
function channelsInterchangeable(a: ComponentRef, b: ComponentRef, rig: Rig | undefined): boolean {
  if (!rig) return true;
  const x = channelOf(a.id, rig);
  const y = channelOf(b.id, rig);
  return !!x && !!y && x.board.driver !== 'dtr-rts' && y.board.driver !== 'dtr-rts' && x.channel.safe === y.channel.safe;
}

function channelOf(id: string, rig: Rig): { board: RelayBoard; channel: RelayChannel } | undefined {
  for (const board of rig.relays) {
    const channel = board.channels.find((c) => c.id === id);
    if (channel) return { board, channel };
  }
  return undefined;
}

/** Whether `b` can take `a`'s place. Supplies, hubs and hosts never: their ratings and topology are not described. */
function interchangeable(a: ComponentRef, b: ComponentRef, ctx: SwapContext): boolean {
  switch (a.kind) {
    case 'cable':
    case 'port':
      return true;
    case 'relay':
      return channelsInterchangeable(a, b, ctx.rig);
    case 'dut':
      return boardsInterchangeable(slotOf(a.id, ctx), slotOf(b.id, ctx));
    default:
      return false;
  }
}

function slotOf(dut: string, ctx: SwapContext): BoardSlot {
  const profile = latestCellOf({ key: componentKey('dut', dut), id: dut, kind: 'dut' }, ctx.cells)?.profile ?? ctx.rig?.duts.find((d) => d.id === dut)?.board ?? '';
  const facts = ctx.profiles?.get(profile);
  const wired = ctx.rig?.duts.find((d) => d.id === dut)?.pins;
  const slot: BoardSlot = { profile };
  if (facts) slot.family = facts.family;
  const pins = wired ?? facts?.pins;
  if (pins) slot.pins = Object.keys(pins).map((name) => ({ name, ...(facts?.pins[name] ? { role: facts.pins[name].role } : {}) }));
  return slot;
}

/** Whether a component came out `ok` (one that did not run in the window has no verdict: healthy). */
export function healthy(key: string, ctx: Pick<SwapContext, 'verdicts'>): boolean {
  return (ctx.verdicts.get(key) ?? 'ok') === 'ok';
}

/** The most recent cell that `ref` ran in: its DUT is the one it served last (a cable may have moved between DUTs). */
export function latestCellOf(ref: ComponentRef, cells: Cell[]): Cell | undefined {
  let found: Cell | undefined;
  for (const cell of cells) if (cell.components.some((c) => c.key === ref.key) && (!found || cell.night >= found.night)) found = cell;
  return found;
}

/** The DUT `ref` served last. */
export function dutOf(ref: ComponentRef, cells: Cell[]): string | undefined {
  return latestCellOf(ref, cells)?.dut;
}

/** Each DUT's parts on the last night of the window: what is on the bench now. */
function lastNight(cells: Cell[]): Map<string, ComponentRef[]> {
  const night = cells.reduce((n, c) => (c.night > n ? c.night : n), '');
  const parts = new Map<string, ComponentRef[]>();
  for (const cell of cells) if (cell.night === night) parts.set(cell.dut, cell.components);
  return parts;
}

/**
 * A healthy part of the same kind on another DUT that can take `ref`'s place; among them, the one whose DUT has the
 * fewest unhealthy parts (so that the swap's outcome is not muddled by another fault), then for a relay channel one
 * on a pin that does the same thing (a reset channel that sticks leaves the partner board as silent as it left its
 * own), then one on a board most like its own (`unlikeness`), then by id.
 */
function partnerOf(ref: ComponentRef, exclude: Set<string>, home: string | undefined, ctx: SwapContext): { id: string; dut: string } | undefined {
  const candidates: Array<{ id: string; dut: string; unhealthy: number; otherRole: boolean; unlike: number }> = [];
  const role = ref.kind === 'relay' && home ? channelRole(ref.id, home, ctx) : undefined;
  const mine = home ? slotOf(home, ctx) : undefined;
  for (const [dut, parts] of lastNight(ctx.cells)) {
    if (dut === home || ctx.taken?.has(componentKey('dut', dut))) continue;
    for (const part of parts) {
      if (part.kind !== ref.kind || exclude.has(part.key) || ctx.taken?.has(part.key) || !healthy(part.key, ctx) || !interchangeable(ref, part, ctx)) continue;
      const otherRole = role !== undefined && channelRole(part.id, dut, ctx) !== role;
      candidates.push({ id: part.id, dut, unhealthy: parts.filter((p) => !healthy(p.key, ctx)).length, otherRole, unlike: mine ? unlikeness(mine, slotOf(dut, ctx)) : 0 });
    }
  }
  candidates.sort((a, b) => a.unhealthy - b.unhealthy || Number(a.otherRole) - Number(b.otherRole) || a.unlike - b.unlike || a.id.localeCompare(b.id));
  return candidates[0];
}

/**
 * How unlike two boards are, for a part moved between them: 0 the same profile, 1 the same family, 2 another family.
 * A part moved to a board like its own fails there the same way (bytes dropped by a cable break a MediaTek handshake
 * far more often than an STM32 one); on a board that does not feel it, the failures would seem to stop.
 */
function unlikeness(a: BoardSlot, b: BoardSlot): number {
  if (a.profile === b.profile) return 0;
  return a.family !== undefined && a.family === b.family ? 1 : 2;
}

/** What the pin a relay channel drives on `dut` does (`wiredAs`), when the rig says which pin it is. */
function channelRole(channel: string, dut: string, ctx: SwapContext): string | undefined {
  const pin = pinOn(channel, dut, ctx.rig);
  const wired = pin === undefined ? undefined : slotOf(dut, ctx).pins?.find((p) => p.name === pin);
  return wired ? wiredAs(wired) : undefined;
}

/** A declared spare that can take `ref`'s place: not on the bench last night, not unhealthy in the window. */
function spareFor(ref: ComponentRef, ctx: SwapContext): string | undefined {
  const spares = ctx.rig?.spares;
  if (!spares) return undefined;
  const list = ref.kind === 'cable' ? spares.cables : ref.kind === 'port' ? spares.ports : ref.kind === 'relay' ? spares.relays : [];
  const onBench = new Set([...lastNight(ctx.cells).values()].flat().map((p) => p.key));
  return list.find((id) => {
    const spare: ComponentRef = { key: componentKey(ref.kind, id), id, kind: ref.kind };
    return !onBench.has(spare.key) && !ctx.taken?.has(spare.key) && healthy(spare.key, ctx) && interchangeable(ref, spare, ctx);
  });
}

/** The logical pin of `dut` wired to relay channel `channel`, as the rig says. */
function pinOn(channel: string, dut: string, rig: Rig | undefined): string | undefined {
  const pins = rig?.duts.find((d) => d.id === dut)?.pins ?? {};
  return Object.entries(pins).find(([, wiring]) => wiring.channel === channel)?.[0];
}

/** The parts of a swap that separates `ref` from the components it always ran with. */
export interface SwapPlan {
  ref: ComponentRef;
  /** The components it always ran with. */
  group: ComponentRef[];
  /** The DUT it served last, if known. */
  home?: string;
  /** A declared spare to put in its place (cables, ports, relay channels). */
  spare?: string;
  /** Without a spare: a healthy part of the same kind on another DUT that can take its place. */
  partner?: { id: string; dut: string };
  /** A relay channel's pin on its DUT, the partner channel's pin on the partner's DUT, and the relay board it is on. */
  pin?: string;
  partnerPin?: string;
  board?: RelayBoard;
  /** A board: what can stand in for it. */
  slot?: BoardSlot;
  /**
   * The group's other parts that move the same morning, each to a board of its own (a cable and two relay channels
   * of one silent board): the next night tells the whole group apart at once, instead of one part a night.
   */
  also?: SwapPlan[];
}

/** Parts a technician can move to another board: the board itself stays, and what stays with it is what is left. */
const MOVABLE: ReadonlySet<string> = new Set(['cable', 'port', 'relay']);

/**
 * The swap that separates `ref` from the components it always ran with: a declared spare in its place, else a swap
 * with a healthy part that fits, else the spare to bring. Every swap is made on the bench and in the rig file (the
 * history follows the ids the rig gives).
 */
export function chooseSwap(ref: ComponentRef, group: ComponentRef[], ctx: SwapContext): SwapPlan {
  const plan = planMove(ref, group, ctx, true);
  if (ref.kind === 'dut' || !(plan.spare || plan.partner)) return plan;
  // The rest of the group that can go to a board of its own goes too, each to a healthy partner no other move of the
  // report takes (never to a spare: failures that stop would not say which moved part it replaced); the board stays,
  // with whatever finds no partner.
  const taken = new Set(ctx.taken ?? []);
  takeParts(plan, taken);
  const also: SwapPlan[] = [];
  for (const member of group) {
    if (!MOVABLE.has(member.kind)) continue;
    const move = planMove(member, [ref, ...group.filter((g) => g.key !== member.key)], { ...ctx, taken }, false);
    if (!move.partner) continue;
    takeParts(move, taken);
    also.push(move);
  }
  if (also.length > 0) plan.also = also;
  return plan;
}

/** One part's move: to a declared spare (when `spares`), else to a healthy partner, else the spare to bring. */
function planMove(ref: ComponentRef, group: ComponentRef[], ctx: SwapContext, spares: boolean): SwapPlan {
  const plan: SwapPlan = { ref, group };
  const home = dutOf(ref, ctx.cells);
  if (home) plan.home = home;
  const spare = spares ? spareFor(ref, ctx) : undefined;
  const partner = spare ? undefined : partnerOf(ref, new Set([ref.key, ...group.map((g) => g.key)]), home, ctx);
  if (spare) plan.spare = spare;
  if (partner) plan.partner = partner;
  if (ref.kind === 'relay') {
    const pin = home ? pinOn(ref.id, home, ctx.rig) : undefined;
    if (pin) plan.pin = pin;
    const partnerPin = partner ? pinOn(partner.id, partner.dut, ctx.rig) : undefined;
    if (partnerPin) plan.partnerPin = partnerPin;
    const board = ctx.rig ? channelOf(ref.id, ctx.rig)?.board : undefined;
    if (board) plan.board = board;
  }
  if (ref.kind === 'dut') plan.slot = slotOf(ref.id, ctx);
  return plan;
}

/** Marks what a plan's moves take (its DUT, its partners and their DUTs, its spares): no later move of the report takes them. */
function takeParts(plan: SwapPlan, taken: Set<string>): void {
  for (const move of [plan, ...(plan.also ?? [])]) {
    if (move.home) taken.add(componentKey('dut', move.home));
    if (move.partner) taken.add(componentKey(move.ref.kind, move.partner.id)).add(componentKey('dut', move.partner.dut));
    if (move.spare) taken.add(componentKey(move.ref.kind, move.spare));
  }
}

/** A flag whose components always ran together: what its swap must separate. */
export interface SwapWanted {
  ref: ComponentRef;
  group: ComponentRef[];
}

/**
 * The swaps of one report, in its order (the order the flags were raised): each takes a partner, a partner's DUT or
 * a spare that no earlier swap of the report takes, so that the engineer can make them all the same morning and the
 * next night tells each one apart from the others.
 */
export function chooseSwaps(wanted: readonly SwapWanted[], ctx: SwapContext): SwapPlan[] {
  const taken = new Set(ctx.taken ?? []);
  return wanted.map(({ ref, group }) => {
    const plan = chooseSwap(ref, group, { ...ctx, taken });
    takeParts(plan, taken);
    return plan;
  });
}
