/**
 * Scenarios built around the ways a diagnosis goes wrong on a real mixed bench, each on a small rig (6–10 DUTs)
 * where STM32 and MediaTek boards are mixed on every hub and every supply, one cable per board:
 * - `hub-latency`: a hub adds USB latency; only the byte-by-byte MediaTek handshake feels it.
 * - `dying-board`: an STM32 board dies (silent) on a supply that browns out (reset-mid on STM32, silent on MediaTek);
 *   the board is one the STM32 engine runs, which reads a dip as a restart (a profile run by the script engine reads
 *   it as silence too, and then nothing on one night tells its own silence from the supply's).
 * - `noisy-cable`: a MediaTek board's cable flips bits of the replies.
 * - `local-under-hub`: three boards on one hub fail each its own way (late, silent, port-lost): three local faults.
 * - `swap`: a technician moves a cable that drops bytes to another board halfway through the night.
 * A scenario says which pattern it is, so the evaluation can report each as found or not.
 */
import type { Hub, Rig, Supply, UsbPort } from '../../harness/config/types.js';
import { Rng } from '../../harness/core/rng.js';
import { profileTraits } from '../../harness/diagnose/physics.js';
import { applyFault, dutsOf, shuffle, wireRig, type InjectedFault, type ProfileSketch, type Scenario } from './scenario.js';
import { valueForRate, type FaultProbe, type FaultStrengths } from './strengths.js';

export const PATTERNS = ['hub-latency', 'dying-board', 'noisy-cable', 'local-under-hub', 'swap'] as const;
export type Pattern = (typeof PATTERNS)[number];

/** A technician's swap mid-night: from trial `after` + 1 on, the DUTs run on `rig`. */
export interface MidNightSwap {
  after: number;
  rig: Rig;
  /** In words, for the report of the evaluation. */
  what: string;
}

/** Failure rates of the pattern faults (the observed benches ran 18–45 %). */
const PATTERN_RATE: [number, number] = [0.18, 0.45];

/**
 * Extra USB latency of the slow hub. The simulated MediaTek BROM shrugs off 30–60 ms (the benches that showed the
 * pattern broke at 30 ms); at 120 ms its byte-by-byte echo handshake falls apart while STM32 boards pass.
 */
export const SLOW_HUB_LATENCY_MS = 120;

export function patternScenario(seed: number, pattern: Pattern, profiles: ProfileSketch[], strengths: FaultStrengths, trialsPerDut: number): Scenario | undefined {
  const rng = new Rng(seed).fork(pattern);
  const stm = profiles.filter((p) => p.family === 'stm32');
  const mtk = profiles.filter((p) => p.family === 'mediatek');
  if (stm.length === 0 || mtk.length === 0) return undefined;
  const rig = mixedRig(rng.fork('rig'), seed, stm, mtk, strengths.baselineBitErrorRate);
  const sketchOf = (dut: string) => profiles.find((p) => p.id === rig.duts.find((d) => d.id === dut)!.board);
  const family = (dut: string) => sketchOf(dut)?.family;
  /** Whether the board's exchange reads a restarted boot ROM as one (its family's own engine does; a script does not). */
  const readsRestart = (dut: string) => {
    const sketch = sketchOf(dut);
    return sketch?.family !== undefined && profileTraits({ family: sketch.family, ...(sketch.engine ? { protocol: { engine: sketch.engine } } : {}) }).readsRestart;
  };
  const rate = () => PATTERN_RATE[0] + rng.next() * (PATTERN_RATE[1] - PATTERN_RATE[0]);
  const faults: InjectedFault[] = [];
  const inject = (kind: InjectedFault['kind'], id: string, probe: FaultProbe, wanted: number): boolean => {
    const boards = dutsOf(rig, kind, id).map((d) => d.board);
    const value = valueForRate(strengths, boards, probe, wanted);
    if (value === undefined) return false;
    const fault: InjectedFault = { kind, id, key: probe.key, value, targetRate: wanted, baselineRate: baselineOf(strengths, boards) };
    applyFault(rig, fault);
    faults.push(fault);
    return true;
  };
  const hubOf = (dut: string) => rig.ports.find((p) => p.id === rig.duts.find((d) => d.id === dut)!.port)?.hub;
  let swap: MidNightSwap | undefined;

  switch (pattern) {
    case 'hub-latency': {
      const hub = rng.pick(rig.hubs);
      const members = dutsOf(rig, 'hub', hub.id);
      const share = members.filter((d) => family(d.id) === 'mediatek').length / members.length;
      const fault: InjectedFault = { kind: 'hub', id: hub.id, key: 'latencyMs', value: SLOW_HUB_LATENCY_MS, targetRate: share, baselineRate: baselineOf(strengths, members.map((d) => d.board)) };
      applyFault(rig, fault);
      faults.push(fault);
      break;
    }
    case 'dying-board': {
      const dying = (dut: string) => family(dut) === 'stm32' && readsRestart(dut);
      const supplies = rig.supplies.filter((s) => dutsOf(rig, 'supply', s.id).some((d) => dying(d.id)));
      if (supplies.length === 0) return undefined;
      const supply = rng.pick(supplies);
      const board = rng.pick(dutsOf(rig, 'supply', supply.id).filter((d) => dying(d.id)));
      if (!inject('supply', supply.id, { kind: 'supply', key: 'brownoutRate' }, rate())) return undefined;
      if (!inject('dut', board.id, { kind: 'dut', key: 'deadRate' }, 0.4)) return undefined;
      break;
    }
    case 'noisy-cable': {
      const board = rng.pick(rig.duts.filter((d) => family(d.id) === 'mediatek'));
      if (!inject('cable', board.cable, { kind: 'cable', key: 'bitErrorRate' }, rate())) return undefined;
      break;
    }
    case 'local-under-hub': {
      const hub = rng.pick(rig.hubs.filter((h) => dutsOf(rig, 'hub', h.id).length >= 3));
      const members = dutsOf(rig, 'hub', hub.id);
      // A slow boot: every trial's answer comes after its deadline (an STM32 bootloader's; the simulated MediaTek
      // BROM waits for its host long enough to hide it).
      const late = members.find((d) => family(d.id) === 'stm32')!;
      const [silent, lost] = members.filter((d) => d !== late);
      const slow: InjectedFault = { kind: 'dut', id: late!.id, key: 'bootDelayMs', value: 400, targetRate: 1, baselineRate: strengths.baselineRate(late!.board) };
      applyFault(rig, slow);
      faults.push(slow);
      if (!inject('dut', silent!.id, { kind: 'dut', key: 'deadRate' }, rate())) return undefined;
      if (!inject('port', lost!.port, { kind: 'port', key: 'disconnectRate' }, rate())) return undefined;
      break;
    }
    case 'swap': {
      const [from, to] = rig.duts.filter((d) => hubOf(d.id) !== undefined);
      if (!from || !to) return undefined;
      if (!inject('cable', from.cable, { kind: 'cable', key: 'dropRate' }, rate())) return undefined;
      const after: Rig = structuredClone(rig);
      const a = after.duts.find((d) => d.id === from.id)!;
      const b = after.duts.find((d) => d.id === to.id)!;
      [a.cable, b.cable] = [b.cable, a.cable];
      swap = { after: Math.floor(trialsPerDut / 2), rig: after, what: `cable ${from.cable} moved from ${from.id} to ${to.id}` };
      break;
    }
  }
  const scenario: Scenario = { seed, rig, faults, baselineRate: baselineOf(strengths, rig.duts.map((d) => d.board)), pattern };
  if (swap) scenario.swap = swap;
  return scenario;
}

function baselineOf(strengths: FaultStrengths, boards: string[]): number {
  return boards.length === 0 ? 0 : boards.reduce((s, b) => s + strengths.baselineRate(b), 0) / boards.length;
}

/**
 * 6–10 DUTs alternating STM32 and MediaTek; hubs of 3–4 ports over consecutive DUTs (so each hub mixes both), and
 * supplies of 2–3 DUTs taken alternately from each family (so each supply mixes both too).
 */
function mixedRig(rng: Rng, seed: number, stm: ProfileSketch[], mtk: ProfileSketch[], cableBer: number): Rig {
  const count = rng.int(6, 10);
  const boards = Array.from({ length: count }, (_, i) => rng.pick(i % 2 === 0 ? stm : mtk));
  const hubs: Hub[] = [];
  const ports: UsbPort[] = [];
  const dutPorts: string[] = [];
  while (dutPorts.length < count) {
    const left = count - dutPorts.length;
    const n = left <= 4 ? left : Math.min(left - 2, rng.int(3, 4));
    if (n < 2) {
      const id = `pc.usb${ports.filter((p) => !p.hub).length + 1}`;
      ports.push({ id });
      dutPorts.push(id);
      continue;
    }
    const hub = `hub${hubs.length + 1}`;
    hubs.push({ id: hub });
    for (let i = 1; i <= n; i++) {
      ports.push({ id: `${hub}.p${i}`, hub });
      dutPorts.push(`${hub}.p${i}`);
    }
  }
  // Supplies: each family's DUTs shuffled, then taken alternately, 2–3 per supply.
  const even = boards.map((_, i) => i).filter((i) => i % 2 === 0);
  const odd = boards.map((_, i) => i).filter((i) => i % 2 === 1);
  shuffle(rng, even);
  shuffle(rng, odd);
  const order: number[] = [];
  while (even.length + odd.length > 0) {
    if (even.length) order.push(even.shift()!);
    if (odd.length) order.push(odd.shift()!);
  }
  const supplies: Supply[] = [];
  const dutSupply: string[] = new Array<string>(count);
  for (let k = 0; k < order.length; ) {
    const left = order.length - k;
    const n = left <= 3 ? left : rng.int(2, Math.min(3, left - 2));
    const id = `psu${supplies.length + 1}`;
    supplies.push({ id });
    for (const i of order.slice(k, k + n)) dutSupply[i] = id;
    k += n;
  }
  return wireRig(seed, boards, { hubs, ports, supplies }, dutPorts, dutSupply, cableBer);
}
