/**
 * The one concrete next step for a flagged component, and the swap that would separate components that always ran
 * together. Written for the engineer at the bench the next morning: every part a swap names fits where it goes
 * and is itself healthy, or the advice says which spare to bring.
 */
import type { BoardProfile, RelayChannel, Rig } from '../config/types.js';
import type { Symptom } from '../core/record.js';
import { componentKey, type Cell, type ComponentRef } from './cells.js';
import { dominantSymptom } from './symptom-fit.js';
import type { Verdict } from './types.js';

/** What the advice needs of a board profile: its family and its logical pins. */
export type ProfileFacts = Pick<BoardProfile, 'family' | 'pins'>;

/** What a separating swap is chosen from. */
export interface SwapContext {
  cells: Cell[];
  /** Verdicts of this diagnosis by component key (`kind:id`); a part that did not run in the window has none. */
  verdicts: ReadonlyMap<string, Verdict>;
  /** The rig: spares, DUTs' wired pins, relay channels. */
  rig?: Rig;
  /** Board profiles by id: which boards can trade places. */
  profiles?: ReadonlyMap<string, ProfileFacts>;
}

/** A board as a swap sees it: its profile, family and the pins wired to it. */
export interface BoardSlot {
  profile: string;
  family?: string;
  pins?: string[];
}

/**
 * Whether two boards can trade places with the relay wiring left as it is: the same family and the same pins wired.
 * Unknown facts only match the same profile. (Pin roles — reset, power, boot strap — will replace pin names here.)
 */
export function boardsInterchangeable(a: BoardSlot, b: BoardSlot): boolean {
  const sameFamily = a.family !== undefined && b.family !== undefined ? a.family === b.family : a.profile === b.profile;
  const samePins = a.pins && b.pins ? a.pins.length === b.pins.length && a.pins.every((pin) => b.pins!.includes(pin)) : a.profile === b.profile;
  return sameFamily && samePins;
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

function channelOf(id: string, rig: Rig): { board: Rig['relays'][number]; channel: RelayChannel } | undefined {
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
  if (pins) slot.pins = Object.keys(pins);
  return slot;
}

function healthy(key: string, ctx: SwapContext): boolean {
  return (ctx.verdicts.get(key) ?? 'ok') === 'ok';
}

/** The most recent cell that `ref` ran in: its DUT is the one it served last (a cable may have moved between DUTs). */
function latestCellOf(ref: ComponentRef, cells: Cell[]): Cell | undefined {
  let found: Cell | undefined;
  for (const cell of cells) if (cell.components.some((c) => c.key === ref.key) && (!found || cell.night >= found.night)) found = cell;
  return found;
}

function dutOf(ref: ComponentRef, cells: Cell[]): string | undefined {
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
 * fewest unhealthy parts (so that the swap's outcome is not muddled by another fault), then by id.
 */
function partnerOf(ref: ComponentRef, exclude: Set<string>, home: string | undefined, ctx: SwapContext): { id: string; dut: string } | undefined {
  const candidates: Array<{ id: string; dut: string; unhealthy: number }> = [];
  for (const [dut, parts] of lastNight(ctx.cells)) {
    if (dut === home) continue;
    for (const part of parts) {
      if (part.kind !== ref.kind || exclude.has(part.key) || !healthy(part.key, ctx) || !interchangeable(ref, part, ctx)) continue;
      candidates.push({ id: part.id, dut, unhealthy: parts.filter((p) => !healthy(p.key, ctx)).length });
    }
  }
  candidates.sort((a, b) => a.unhealthy - b.unhealthy || a.id.localeCompare(b.id));
  return candidates[0];
}

/** A declared spare that can take `ref`'s place: not on the bench last night, not unhealthy in the window. */
function spareFor(ref: ComponentRef, ctx: SwapContext): string | undefined {
  const spares = ctx.rig?.spares;
  if (!spares) return undefined;
  const list = ref.kind === 'cable' ? spares.cables : ref.kind === 'port' ? spares.ports : ref.kind === 'relay' ? spares.relays : [];
  const onBench = new Set([...lastNight(ctx.cells).values()].flat().map((p) => p.key));
  return list.find((id) => {
    const spare: ComponentRef = { key: componentKey(ref.kind, id), id, kind: ref.kind };
    return !onBench.has(spare.key) && healthy(spare.key, ctx) && interchangeable(ref, spare, ctx);
  });
}

/** The logical pin of `dut` wired to relay channel `channel`, as the rig says. */
function pinOn(channel: string, dut: string, rig: Rig | undefined): string | undefined {
  const pins = rig?.duts.find((d) => d.id === dut)?.pins ?? {};
  return Object.entries(pins).find(([, wiring]) => wiring.channel === channel)?.[0];
}

/**
 * The swap that separates `ref` from the components it always ran with: a declared spare in its place, else a swap
 * with a healthy part that fits, else the spare to bring. Every swap is made on the bench and in the rig file (the
 * history follows the ids the rig gives).
 */
export function separatingSwap(ref: ComponentRef, group: ComponentRef[], ctx: SwapContext): string {
  const home = dutOf(ref, ctx.cells);
  const dut = home ?? 'its DUT';
  const noun = ref.kind === 'dut' ? 'board' : ref.kind === 'relay' ? 'relay channel' : ref.kind;
  const others = group.map((g) => `${g.kind} ${g.id}`).join(', ');
  const when = 'tomorrow, on the bench and in the rig file';
  const stays = `if they stay with ${dut}, look at ${others}`;
  const stops = `if the failures stop, it was the ${noun}; ${stays}`;
  const follows = (to: string) => `if the failures follow the ${noun} to ${to}, it is the ${noun}; ${stays}`;
  const spare = spareFor(ref, ctx);
  const partner = spare ? undefined : partnerOf(ref, new Set([ref.key, ...group.map((g) => g.key)]), home, ctx);
  const none = `${ref.kind === 'dut' ? '' : 'no spare declared, and '}no healthy ${noun} that fits to swap with`;
  switch (ref.kind) {
    case 'cable':
      if (spare) return `replace cable ${ref.id} on ${dut} with the spare cable ${spare} ${when}: ${stops}`;
      if (partner) return `swap cable ${ref.id} with cable ${partner.id} (on ${partner.dut}) ${when}: ${follows(partner.dut)}`;
      return `bring a spare USB-serial cable and put it in place of cable ${ref.id} on ${dut} ${when} (${none}): ${stops}`;
    case 'port':
      if (spare) return `move ${dut}'s cable from port ${ref.id} to the spare port ${spare} ${when}: ${stops}`;
      if (partner) return `swap the ports of ${dut} and ${partner.dut} (${ref.id} ↔ ${partner.id}) ${when}: ${follows(partner.dut)}`;
      return `free a USB port (on another hub or on the host) and move ${dut}'s cable from port ${ref.id} to it ${when} (${none}): ${stops}`;
    case 'relay': {
      const pin = home ? pinOn(ref.id, home, ctx.rig) : undefined;
      const wire = `${dut}'s ${pin ? `${pin} pin` : 'pin'}`;
      if (spare) return `rewire ${wire} from relay channel ${ref.id} to the spare channel ${spare} ${when}: ${stops}`;
      if (partner) {
        const theirs = pinOn(partner.id, partner.dut, ctx.rig);
        return `swap relay channels ${ref.id} (${wire}) and ${partner.id} (${partner.dut}'s ${theirs ? `${theirs} pin` : 'pin'}) ${when}: ${follows(partner.dut)}`;
      }
      const board = ctx.rig ? channelOf(ref.id, ctx.rig)?.board : undefined;
      if (board?.driver === 'dtr-rts') return `wire ${wire} to a free relay channel instead of the adapter line ${ref.id} ${when} (${none}): ${stops}`;
      return `free a relay channel on ${board?.id ?? 'a relay board'} and rewire ${wire} from ${ref.id} to it ${when} (${none}): ${stops}`;
    }
    case 'dut': {
      const stay = `if they stay at ${ref.id}'s old place, look at ${others}`;
      if (partner) {
        return `swap boards ${ref.id} and ${partner.id} tomorrow, leaving cables, ports and relay wiring in place (in the rig file, ${ref.id} and ${partner.id} trade cable, port, supply, serial and pins): if the failures follow board ${ref.id} to ${partner.id}'s place, it is the board; ${stay}`;
      }
      return `bring a spare board like ${ref.id} (${boardWanted(slotOf(ref.id, ctx))}) and put it in ${ref.id}'s place tomorrow, under a new DUT id in the rig file (${none}): if the failures stop, it was the board; ${stay}`;
    }
    case 'supply':
      return `power ${dut} from a spare supply of the same voltage ${when}: ${stops}`;
    default:
      return `put a spare ${ref.kind} in place of ${ref.kind} ${ref.id} ${when}: ${stops}`;
  }
}

/** The kind of board that can stand in for one: its profile, or another of its family with the same pins. */
function boardWanted(slot: BoardSlot): string {
  const pins = slot.pins?.length ? ` with pins ${slot.pins.join(', ')}` : '';
  return slot.family ? `another ${slot.profile}, or a ${slot.family} board${pins}` : `another ${slot.profile}${pins}`;
}

/** One concrete next step for a flagged component. */
export function actionFor(ref: ComponentRef, symptoms: Partial<Record<Symptom, number>>, cells: Cell[]): string {
  const dut = dutOf(ref, cells);
  const symptom = dominantSymptom(symptoms);
  switch (ref.kind) {
    case 'cable':
      return `Replace cable ${ref.id}${dut ? ` on ${dut}` : ''} (check its connectors and ground wire) and run tomorrow's trials with the new one.`;
    case 'port':
      return `Move ${dut ?? 'the DUT'}'s cable off USB port ${ref.id} and check the host log (dmesg) for resets on that port.`;
    case 'hub':
      return `Give hub ${ref.id} its own power supply or replace it; plug one of its DUTs straight into the host to confirm.`;
    case 'supply':
      return symptom === 'late'
        ? `Measure supply ${ref.id}'s rise time at the boards; a slow ramp delays every boot.`
        : `Measure supply ${ref.id} at the boards during the reset pulse (brown-out); move one of its DUTs to another supply to confirm.`;
    case 'relay':
      return `Check relay channel ${ref.id} (does it click, contact resistance) or rewire its pin to a spare channel.`;
    case 'host':
      return `Check host ${ref.id}'s USB controller and its log (dmesg) for resets and over-current.`;
    case 'dut':
      switch (symptom) {
        case 'wrong-mode':
          return `Check ${ref.id}'s boot strapping with a meter during the enter sequence (BOOT0/BOOT1 or test point) and its relay wiring.`;
        case 'silent':
          return `Check ${ref.id}'s power and its TX/RX wiring; if both are fine the board does not boot: take it off the bench.`;
        case 'flood':
          return `${ref.id} bootloops: reflash its application or check its supply at the board.`;
        default:
          return `Take ${ref.id} off the bench and check it by hand with the profile's handshake.`;
      }
    default:
      return `Check ${ref.kind} ${ref.id}.`;
  }
}
