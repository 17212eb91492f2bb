/**
 * The one concrete next step for a flagged component, and the swap that would separate components that always ran
 * together. Written for the engineer at the bench the next morning.
 */
import type { Rig } from '../config/types.js';
import type { Symptom } from '../core/record.js';
import type { Cell, ComponentRef } from './cells.js';
import { dominantSymptom } from './symptom-fit.js';

/** The DUT a component served most recently (a cable may have moved between DUTs). */
function dutOf(ref: ComponentRef, cells: Cell[]): string | undefined {
  let found: Cell | undefined;
  for (const cell of cells) if (cell.components.some((c) => c.key === ref.key) && (!found || cell.night >= found.night)) found = cell;
  return found?.dut;
}

/** Another component of the same kind, on another DUT, for a swap (the last night's, so it is still on the bench). */
function peerOf(ref: ComponentRef, exclude: Set<string>, cells: Cell[]): { id: string; dut: string } | undefined {
  const lastNight = cells.reduce((n, c) => (c.night > n ? c.night : n), '');
  const peers = new Map<string, string>();
  for (const cell of cells) {
    if (cell.night !== lastNight) continue;
    for (const c of cell.components) if (c.kind === ref.kind && c.key !== ref.key && !exclude.has(c.key)) peers.set(c.id, cell.dut);
  }
  const id = [...peers.keys()].sort()[0];
  return id ? { id, dut: peers.get(id)! } : undefined;
}

function spare(ref: ComponentRef, cells: Cell[], rig: Rig | undefined): string | undefined {
  if (!rig) return undefined;
  const used = new Set(cells.flatMap((c) => c.components.map((x) => x.key)));
  if (ref.kind === 'port') return rig.ports.map((p) => p.id).find((id) => !used.has(`port:${id}`));
  if (ref.kind === 'relay') return rig.relays.flatMap((b) => (b.driver === 'dtr-rts' ? [] : b.channels.map((ch) => ch.id))).find((id) => !used.has(`relay:${id}`));
  if (ref.kind === 'cable') return rig.cables.map((c) => c.id).find((id) => !used.has(`cable:${id}`));
  return undefined;
}

/** The swap that separates `ref` from the components it always ran with. */
export function separatingSwap(ref: ComponentRef, group: ComponentRef[], cells: Cell[], rig?: Rig): string {
  const dut = dutOf(ref, cells) ?? 'its DUT';
  const exclude = new Set([ref.key, ...group.map((g) => g.key)]);
  const others = group.map((g) => `${g.kind} ${g.id}`).join(', ');
  const free = spare(ref, cells, rig);
  const peer = peerOf(ref, exclude, cells);
  const outcome = (what: string) => `if the failures follow ${what}, it is the ${ref.kind}; if they stay with ${dut}, look at ${others}`;
  switch (ref.kind) {
    case 'cable':
      if (free) return `replace cable ${ref.id} on ${dut} with the spare cable ${free} tomorrow: ${outcome(`nothing (they stop)`)}`;
      if (peer) return `swap cable ${ref.id} with cable ${peer.id} (on ${peer.dut}) tomorrow: ${outcome(`the cable to ${peer.dut}`)}`;
      break;
    case 'port':
      if (free) return `move ${dut}'s cable from port ${ref.id} to the free port ${free} tomorrow: ${outcome('nothing (they stop)')}`;
      if (peer) return `swap the ports of ${dut} and ${peer.dut} (${ref.id} ↔ ${peer.id}) tomorrow: ${outcome(`port ${ref.id} to ${peer.dut}`)}`;
      break;
    case 'relay':
      if (free) return `rewire ${dut}'s pin from relay channel ${ref.id} to the spare channel ${free} tomorrow: ${outcome('nothing (they stop)')}`;
      if (peer) return `swap relay channels ${ref.id} and ${peer.id} (of ${peer.dut}) tomorrow: ${outcome(`the channel to ${peer.dut}`)}`;
      break;
    case 'dut':
      if (peer) return `swap boards ${ref.id} and ${peer.id} tomorrow, leaving cables, ports and relay wiring in place: if the failures follow the board, it is the board; otherwise look at ${others}`;
      break;
    default:
      if (peer) return `swap ${ref.kind} ${ref.id} with ${ref.kind} ${peer.id} tomorrow: ${outcome(`${ref.kind} ${ref.id}`)}`;
  }
  return `move ${ref.kind} ${ref.id} to another position tomorrow so that it no longer runs with exactly ${others}`;
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
