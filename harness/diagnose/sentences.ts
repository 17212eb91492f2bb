/**
 * The words of the diagnosis: the evidence sentence of each component, the one concrete next step, the swap that
 * separates a confounded group, the profile mistakes and the night a component changed. Written for the engineer
 * at the bench the next morning. The only part of the diagnosis that writes English; it decides nothing.
 */
import { plural } from '../core/plural.js';
import { fmtMs } from '../core/format.js';
import type { ComponentKind, Symptom } from '../core/record.js';
import type { Cell, ComponentRef } from './cells.js';
import type { ConfirmingMove } from './confirming-move.js';
import type { Change } from './history.js';
import type { LinkRound } from './link-latency.js';
import type { ProfileMistake } from './profiles.js';
import { rate, type SymptomCounts, type Tally } from './round-stats.js';
import { formatP } from './stats.js';
import { dominantSymptom } from './symptom-fit.js';
import { dutOf, type BoardSlot, type SwapPlan } from './swaps.js';
import type { Thresholds } from './thresholds.js';
import type { ComponentDiagnosis } from './types.js';

function percent(x: number): string {
  if (x === 0) return '0%';
  if (x < 0.001) return '<0.1%';
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

function mix(symptoms: SymptomCounts): string {
  const entries = (Object.entries(symptoms) as Array<[Symptom, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return entries.slice(0, 3).map(([s, n]) => `${s} ${n}`).join(', ');
}

function fitWord(fit: number, t: Thresholds): string {
  return fit >= t.fitsWell ? 'well' : fit >= t.fits ? 'fairly' : 'poorly';
}

/** What the evidence sentence of a component is told from. */
export interface SummaryFacts {
  report: Pick<ComponentDiagnosis, 'id' | 'kind' | 'verdict' | 'evidence'> & {
    explainedBy?: Array<{ id: string; kind: ComponentKind; failures: number }>;
    logPValue: number;
  };
  /** The pool of the test behind the verdict. */
  pool: Tally;
  /** Components tested (the size of the Holm correction). */
  tested: number;
  /** The flagged member of its group that carries the group's flag, when it is not flagged itself. */
  carrier?: ComponentRef;
  /** A flag's group members that explain its failures exactly as well. */
  alike?: ComponentRef[];
  /** Its trials' mean link round trip and the bench's usual one, when it is slow. */
  slowLink?: LinkRound;
}

/** One sentence with the numbers behind a component's verdict. */
export function componentSummary({ report: r, pool, tested, carrier, alike, slowLink }: SummaryFacts, t: Thresholds): string {
  const e = r.evidence;
  const name = `${r.kind} ${r.id}`;
  const failed = `${e.failures} of ${e.trials} trials failed (${percent(e.failureRate)}${e.failures > 0 ? `: ${mix(e.symptoms)}` : ''})`;
  const explained = (r.explainedBy ?? []).reduce((sum, x) => sum + x.failures, 0);
  if (r.verdict === 'suspect' || r.verdict === 'bad') {
    return `${name}: ${failed} against ${percent(rate(pool))} for the other ${plural(pool.trials, 'trial')} still unexplained; p ${formatP(r.logPValue).startsWith('<') ? '' : '= '}${formatP(r.logPValue)} after Holm over ${plural(tested, 'component')}; the symptoms fit a ${r.kind} ${fitWord(e.symptomFit, t)} (${e.symptomFit.toFixed(2)})${alike?.length ? `, and ${names(alike)} exactly as well: only a swap tells which one it is` : ''}${slowLink ? `; its boards measured a ${fmtMs(slowLink.meanMs)} link round trip, against ${fmtMs(slowLink.usualMs)} for the bench's other boards` : ''}.`;
  }
  if (carrier) {
    return `${name}: ${failed}; it ran on exactly the same trials as ${carrier.id}, so rates cannot tell them apart.`;
  }
  if (r.verdict === 'watch') {
    return `${name}: ${failed} against ${percent(rate(pool))} for the rest; p = ${formatP(r.logPValue)} after Holm: marginal, not yet beyond chance.`;
  }
  if (explained > 0) {
    const by = (r.explainedBy ?? []).map((x) => `${x.kind} ${x.id}`).join(', ');
    return `${name}: ${failed}; ${explained} of them explained by ${by}, the rest within the bench's baseline.`;
  }
  return `${name}: ${failed}, within the bench's baseline.`;
}

/** The evidence sentence without the "cable c1: " it starts with, for a place that already names the component. */
export function evidenceWithoutName(c: { id: string; kind: string; evidence?: { summary?: string } }): string {
  const summary = c.evidence?.summary ?? '';
  const name = `${c.kind} ${c.id}: `;
  return summary.startsWith(name) ? summary.slice(name.length) : summary;
}

/** The next step of a member of a confounded group whose flag another member carries. */
export function carriedAction(carrier: ComponentRef): string {
  return `Cannot be told apart from ${carrier.kind} ${carrier.id} by rates: the swap proposed for ${carrier.id} tells them apart.`;
}

/** The next step of a flag its group's members explain exactly as well: the swap, not a replacement. */
export function undecidedAction(ref: ComponentRef, alike: ComponentRef[], swap: string): string {
  return `Nothing tonight tells ${ref.kind} ${ref.id} from ${names(alike)}: they fail the same way on the same trials. To tell, ${swap}.`;
}

function names(refs: ComponentRef[]): string {
  const all = refs.map((r) => `${r.kind} ${r.id}`);
  return all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

/** What a flagged component's next step adds when it always ran with others. */
export function alwaysRanWith(confoundedWith: string[], swap: string): string {
  return ` It always ran with ${confoundedWith.join(', ')}: ${swap}.`;
}

/**
 * The board to move off a supply for a night, and why: its failures are what the supply's fault (`cause`) and its
 * own parts would both show, and no sibling reads that fault as it does.
 */
function confirmingMoveWords(supply: string, cause: string, move: ConfirmingMove): string {
  const where = move.supply ? `supply ${move.supply}` : 'another supply';
  return `move ${move.dut} to ${where} for a night to confirm: no other board on ${supply} reads ${cause} as ${move.dut} does, and its ${plural(move.failures, 'failure')} (${mix(move.symptoms)}) could as well come from its own parts; if they stay with ${move.dut}, they are its own.`;
}

/** One concrete next step for a flagged component; `confirmBy`, for a supply, the board to move off it. */
export function actionFor(ref: ComponentRef, symptoms: SymptomCounts, cells: Cell[], slowLink?: LinkRound, confirmBy?: ConfirmingMove): string {
  const dut = dutOf(ref, cells);
  const symptom = dominantSymptom(symptoms);
  if (slowLink && ref.kind === 'hub') {
    return `Hub ${ref.id} delays its boards' answers (${fmtMs(slowLink.meanMs)} round trip): replace it or take it out of a chain of hubs; plug one of its DUTs straight into the host to confirm.`;
  }
  if (slowLink && ref.kind === 'port') {
    return `USB port ${ref.id} delays ${dut ?? 'its DUT'}'s answers (${fmtMs(slowLink.meanMs)} round trip): check the adapter's latency timer (an FTDI's is 16 ms unless lowered: /sys/bus/usb-serial/devices/*/latency_timer) and move the cable to another port to confirm.`;
  }
  switch (ref.kind) {
    case 'cable':
      return `Replace cable ${ref.id}${dut ? ` on ${dut}` : ''} (check its connectors and ground wire) and run tomorrow's trials with the new one.`;
    case 'port':
      return `Move ${dut ?? 'the DUT'}'s cable off USB port ${ref.id} and check the host log (dmesg) for resets on that port.`;
    case 'hub':
      return `Give hub ${ref.id} its own power supply or replace it; plug one of its DUTs straight into the host to confirm.`;
    case 'supply': {
      if (symptom === 'late') {
        const measure = `Measure supply ${ref.id}'s rise time at the boards; a slow ramp delays every boot.`;
        // The board's failures may be another face of the supply than lateness (silence beside a late sibling).
        return confirmBy ? `${measure} Then ${confirmingMoveWords(ref.id, "the supply's fault", confirmBy)}` : measure;
      }
      const confirm = confirmBy ? confirmingMoveWords(ref.id, 'a dip', confirmBy) : 'move one of its DUTs to another supply to confirm.';
      return `Measure supply ${ref.id} at the boards during the reset pulse (brown-out); ${confirm}`;
    }
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

/** The swap, as the engineer carries it out: what goes where, and what each outcome means. */
export function swapSentence(plan: SwapPlan): string {
  const { ref, spare, partner } = plan;
  if (plan.also?.length) return groupSwapSentence(plan, plan.also);
  const dut = plan.home ?? 'its DUT';
  const noun = nounOf(ref.kind);
  const others = plan.group.map((g) => `${g.kind} ${g.id}`).join(', ');
  const stays = `if they stay with ${dut}, look at ${others}`;
  const stops = `if the failures stop, it was the ${noun}; ${stays}`;
  const follows = (to: string) => `if the failures follow the ${noun} to ${to}, it is the ${noun}; ${stays}`;
  const none = `${ref.kind === 'dut' ? '' : 'no spare declared, and '}no healthy ${noun} that fits to swap with`;
  const move = moveWords(plan);
  switch (ref.kind) {
    case 'cable':
    case 'port':
    case 'relay':
      if (move) return `${move} ${WHEN}: ${partner ? follows(partner.dut) : stops}`;
      if (ref.kind === 'cable') return `bring a spare USB-serial cable and put it in place of cable ${ref.id} on ${dut} ${WHEN} (${none}): ${stops}`;
      if (ref.kind === 'port') return `free a USB port (on another hub or on the host) and move ${dut}'s cable from port ${ref.id} to it ${WHEN} (${none}): ${stops}`;
      if (plan.board?.driver === 'dtr-rts') return `wire ${wiredPin(plan)} to a free relay channel instead of the adapter line ${ref.id} ${WHEN} (${none}): ${stops}`;
      return `free a relay channel on ${plan.board?.id ?? 'a relay board'} and rewire ${wiredPin(plan)} from ${ref.id} to it ${WHEN} (${none}): ${stops}`;
    case 'dut': {
      const stay = `if they stay at ${ref.id}'s old place, look at ${others}`;
      if (partner) {
        return `swap boards ${ref.id} and ${partner.id} tomorrow, leaving cables, ports and relay wiring in place (in the rig file, ${ref.id} and ${partner.id} trade cable, port, supply, serial and pins): if the failures follow board ${ref.id} to ${partner.id}'s place, it is the board; ${stay}`;
      }
      return `bring a spare board like ${ref.id} (${boardWanted(plan.slot ?? { profile: '' })}) and put it in ${ref.id}'s place tomorrow, under a new DUT id in the rig file (${none}): if the failures stop, it was the board; ${stay}`;
    }
    case 'supply':
      return `power ${dut} from a spare supply of the same voltage ${WHEN}: ${stops}`;
    default:
      return `put a spare ${ref.kind} in place of ${ref.kind} ${ref.id} ${WHEN}: ${stops}`;
  }
}

const WHEN = 'tomorrow, on the bench and in the rig file';

function nounOf(kind: ComponentKind): string {
  return kind === 'dut' ? 'board' : kind === 'relay' ? 'relay channel' : kind;
}

/** "d8's reset pin" */
function wiredPin(plan: SwapPlan): string {
  return `${plan.home ?? 'its DUT'}'s ${plan.pin ? `${plan.pin} pin` : 'pin'}`;
}

/** What one move of a cable, port or relay channel to a spare or a partner is, as the engineer makes it; none without either. */
function moveWords(plan: SwapPlan): string | undefined {
  const { ref, spare, partner } = plan;
  const dut = plan.home ?? 'its DUT';
  switch (ref.kind) {
    case 'cable':
      if (spare) return `replace cable ${ref.id} on ${dut} with the spare cable ${spare}`;
      return partner && `swap cable ${ref.id} with cable ${partner.id} (on ${partner.dut})`;
    case 'port':
      if (spare) return `move ${dut}'s cable from port ${ref.id} to the spare port ${spare}`;
      return partner && `swap the ports of ${dut} and ${partner.dut} (${ref.id} ↔ ${partner.id})`;
    case 'relay':
      if (spare) return `rewire ${wiredPin(plan)} from relay channel ${ref.id} to the spare channel ${spare}`;
      return partner && `swap relay channels ${ref.id} (${wiredPin(plan)}) and ${partner.id} (${partner.dut}'s ${plan.partnerPin ? `${plan.partnerPin} pin` : 'pin'})`;
    default:
      return undefined;
  }
}

/**
 * Several parts of one group moved the same morning, each to a board of its own: where the failures go the next
 * night names the part, and where they stay, what was left with the board.
 */
function groupSwapSentence(plan: SwapPlan, also: SwapPlan[]): string {
  const moves = [plan, ...also];
  const moved = new Set(moves.map((m) => m.ref.key));
  const left = plan.group.filter((g) => !moved.has(g.key)).map((g) => `${g.kind} ${g.id}`);
  const goes = moves.flatMap((m) => (m.partner ? [`to ${m.partner.dut}, it is ${nounOf(m.ref.kind)} ${m.ref.id}`] : []));
  const stops = moves.flatMap((m) => (m.spare ? [`if they stop, it was ${nounOf(m.ref.kind)} ${m.ref.id}`] : []));
  const outcomes = [...(goes.length > 0 ? [`if the failures go ${goes.join('; ')}`] : []), ...stops];
  const stay = `if they stay with ${plan.home ?? 'its DUT'}, ${left.length > 0 ? `look at ${left.join(', ')}` : 'it is none of the moved parts'}`;
  return `${moves.map((m) => moveWords(m)!).join('; and ')} ${WHEN} (one night tells them all apart): ${outcomes.join('; ')}; ${stay}`;
}

/** The kind of board that can stand in for one: its profile, or another of its family with the same pins. */
function boardWanted(slot: BoardSlot): string {
  const pins = slot.pins?.length ? ` with pins ${slot.pins.map((pin) => pin.name).join(', ')}` : '';
  return slot.family ? `another ${slot.profile}, or a ${slot.family} board${pins}` : `another ${slot.profile}${pins}`;
}

/** Why a profile, not its boards, is blamed: every DUT of it fails the same way. */
export function profileSummary(m: ProfileMistake, trials: number, pool: Tally): string {
  return `profile ${m.profile}: all ${m.duts.length} DUTs (${m.duts.join(', ')}) fail the same way — ${m.symptom} in ${m.symptomFailures} of ${trials} trials (${percent(m.symptomFailures / Math.max(1, trials))}, every DUT ≥ ${percent(m.minShare)}), against ${percent(rate(pool))} failures elsewhere: a mistake in the profile, not the hardware.`;
}

export function profileAction(profile: string, symptom: Symptom): string {
  switch (symptom) {
    case 'wrong-mode':
      return `Check the enter sequence and boot pins of profile ${profile} (which pins, which level, how long held) against the board's datasheet.`;
    case 'unexpected-reply':
      return `Check the protocol of profile ${profile} (engine, baud, parity) and its expected identity against what the boards answer.`;
    case 'late':
      return `Lengthen the deadlines or the boot delay of profile ${profile}; the boards answer, but after its deadline.`;
    case 'silent':
      return `Check profile ${profile}'s serial settings and enter sequence: none of its boards answer.`;
    case 'corrupt':
      return `Check the baud rate and parity of profile ${profile}: every board's bytes arrive garbled.`;
    default:
      return `Review profile ${profile}: every board using it fails with ${symptom}.`;
  }
}

/** "failing since 2026-11-20, the first night with cable c7" */
export function changedSinceSentence(change: Change): string {
  return change.newPart ? `failing since ${change.night}, the first night with ${change.newPart.kind} ${change.newPart.id}` : `failing since ${change.night}`;
}
