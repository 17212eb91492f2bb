/**
 * Seeded scenarios for the diagnosis evaluation: a random simulated rig (8–24 DUTs of the given profiles, hubs of
 * 2–7 ports, supplies feeding 2–4 DUTs, relay boards), a small baseline of random failures everywhere (a tiny bit
 * error rate on every cable), and injected faults of random kinds and strengths on random components, written with
 * the simulation's own fault keys so the same scenario runs on the real runner over the simulated bench. The
 * strengths come from `FaultStrengths`: measured on the real runner, or the synthetic model.
 */
import type { Cable, Dut, Hub, RelayBoard, Rig, Supply, UsbPort } from '../../harness/config/types.js';
import { Rng } from '../../harness/core/rng.js';
import type { ComponentKind } from '../../harness/core/record.js';
import type { MidNightSwap, Pattern } from './patterns.js';
import { syntheticStrengths, valueForRate, type FaultProbe, type FaultStrengths } from './strengths.js';

/** A fault as injected: the component, the simulation key and its value. */
export interface InjectedFault {
  kind: ComponentKind;
  id: string;
  key: string;
  value: number | string;
  /** The per-trial failure probability the value was chosen for, over the component's trials (1 for a stuck mode). */
  targetRate: number;
  /** Per-trial failure probability of the baseline alone on the component's trials. */
  baselineRate: number;
}

/** What the evaluation needs to know of a profile: its id and the logical pins the rig wires to relays. */
export interface ProfileSketch {
  id: string;
  /** Pins wired to relay channels; the first is the one that restarts the board (reset or power). */
  pins: string[];
  /** A mode the board can be stuck in that is not the boot ROM (for the `mode` fault): its family's wrong mode. */
  wrongMode: string;
  /** Chip family, when known. */
  family?: string;
  /** The engine that runs its exchange (`stm32`, `mediatek`, `script`, …), when known. */
  engine?: string;
}

export interface Scenario {
  seed: number;
  rig: Rig;
  faults: InjectedFault[];
  /** Per-trial failure probability of the baseline, averaged over the rig's DUTs. */
  baselineRate: number;
  /** The failure pattern the scenario was built around (patterns.ts), when it was. */
  pattern?: Pattern;
  /** A technician's swap halfway through the night. */
  swap?: MidNightSwap;
}

export interface ScenarioOptions {
  /** Number of faults (default: 0–3 at random). */
  faults?: number;
  profiles?: ProfileSketch[];
  /** How wanted failure rates become fault values (default: the synthetic model, 0.5 % baseline). */
  strengths?: FaultStrengths;
  /** Range of per-trial failure probabilities of a faulty component (default 0.1–0.6: 20–120× a 0.5 % baseline). */
  faultRate?: [number, number];
}

export const DEFAULT_PROFILES: ProfileSketch[] = [
  { id: 'sim-stm32', pins: ['reset', 'boot0'], wrongMode: 'app' },
  { id: 'sim-mediatek', pins: ['power', 'kcol0'], wrongMode: 'preloader' },
];

export const DEFAULT_FAULT_RATE: [number, number] = [0.1, 0.6];

const FAULT_KINDS = ['cable', 'port', 'hub', 'supply', 'relay', 'dut'] as const;

export function generateScenario(seed: number, options: ScenarioOptions = {}): Scenario {
  const rng = new Rng(seed);
  const profiles = options.profiles ?? DEFAULT_PROFILES;
  const strengths = options.strengths ?? syntheticStrengths();
  const rig = generateRig(rng.fork('rig'), seed, profiles, strengths.baselineBitErrorRate);
  const count = options.faults ?? rng.int(0, 3);
  const faults = injectFaults(rng.fork('faults'), rig, profiles, strengths, count, options.faultRate ?? DEFAULT_FAULT_RATE);
  const baselineRate = mean(rig.duts.map((d) => strengths.baselineRate(d.board)));
  return { seed, rig, faults, baselineRate };
}

function generateRig(rng: Rng, seed: number, profiles: ProfileSketch[], cableBer: number): Rig {
  const dutCount = rng.int(8, 24);
  const hubs: Hub[] = [];
  const ports: UsbPort[] = [];
  // Ports: hubs of 2–7 ports while DUTs remain, some DUTs straight on host ports.
  const dutPorts: string[] = [];
  while (dutPorts.length < dutCount) {
    const left = dutCount - dutPorts.length;
    if (left >= 2 && rng.chance(0.75)) {
      const hub = `hub${hubs.length + 1}`;
      hubs.push({ id: hub });
      const n = Math.min(left, rng.int(2, 7));
      for (let i = 1; i <= n; i++) {
        const id = `${hub}.p${i}`;
        ports.push({ id, hub });
        dutPorts.push(id);
      }
    } else {
      const id = `pc.usb${ports.filter((p) => !p.hub).length + 1}`;
      ports.push({ id });
      dutPorts.push(id);
    }
  }
  // Supplies feeding 2–4 DUTs each (a last lone DUT joins the previous supply).
  const supplies: Supply[] = [];
  const dutSupply: string[] = [];
  while (dutSupply.length < dutCount) {
    const left = dutCount - dutSupply.length;
    if (left === 1 && supplies.length > 0) {
      dutSupply.push(supplies[supplies.length - 1]!.id);
      continue;
    }
    const id = `psu${supplies.length + 1}`;
    supplies.push({ id });
    const n = Math.min(left, rng.int(2, 4));
    for (let i = 0; i < n; i++) dutSupply.push(id);
  }
  // Supplies are wired in a different order than ports, so hubs and supplies cross.
  shuffle(rng, dutSupply);

  const boards = Array.from({ length: dutCount }, () => rng.pick(profiles));
  return wireRig(seed, boards, { hubs, ports, supplies }, dutPorts, dutSupply, cableBer);
}

/**
 * The rest of a rig once its USB tree and supplies are laid out: DUT i runs `boards[i]` on `dutPorts[i]` and
 * `dutSupply[i]`, with a cable of its own carrying the baseline bit error rate, and its pins on the next free
 * relay channels.
 */
export function wireRig(
  seed: number,
  boards: ProfileSketch[],
  tree: { hubs: Hub[]; ports: UsbPort[]; supplies: Supply[] },
  dutPorts: string[],
  dutSupply: string[],
  cableBer: number,
): Rig {
  const cables: Cable[] = [];
  const relays: RelayBoard[] = [];
  const duts: Dut[] = [];
  let channelsLeft = 0;
  boards.forEach((profile, index) => {
    const i = index + 1;
    const cable = `c${i}`;
    cables.push({ id: cable, sim: { bitErrorRate: cableBer } });
    const pins: Dut['pins'] = {};
    for (const pin of profile.pins) {
      if (channelsLeft === 0) {
        const id = `rb${relays.length + 1}`;
        relays.push({
          id,
          driver: 'sim',
          polarity: 'active-high',
          channels: Array.from({ length: 8 }, (_, k) => ({ id: `${id}.${k + 1}`, board: id, channel: k + 1, safe: 'open' as const })),
        });
        channelsLeft = 8;
      }
      const board = relays[relays.length - 1]!;
      const channel = board.channels[8 - channelsLeft]!;
      channelsLeft--;
      pins[pin] = { channel: channel.id, closed: 'active' };
    }
    duts.push({ id: `d${i}`, board: profile.id, cable, port: dutPorts[index]!, supply: dutSupply[index]!, pins });
  });
  return {
    id: `eval-${seed}`,
    title: `Evaluation rig, seed ${seed}`,
    kind: 'simulated',
    host: 'host',
    sim: { seed },
    nightly: { trialsPerDut: 100, concurrency: 8, trialTimeoutMs: 5000, historyNights: 14 },
    relays,
    hubs: tree.hubs,
    ports: tree.ports,
    cables,
    supplies: tree.supplies,
    duts,
    digest: `eval-${seed}`,
    file: `eval/${seed}.yaml`,
  };
}

function injectFaults(rng: Rng, rig: Rig, profiles: ProfileSketch[], strengths: FaultStrengths, count: number, [lo, hi]: [number, number]): InjectedFault[] {
  const faults: InjectedFault[] = [];
  const used = new Set<string>();
  for (let attempt = 0; faults.length < count && attempt < 200; attempt++) {
    const kind = rng.pick(FAULT_KINDS.filter((k) => k !== 'hub' || rig.hubs.length > 0));
    // Log-uniform strength: as many weak faults as strong ones.
    const rate = Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
    const fault = makeFault(rng, rig, profiles, strengths, kind, rate);
    // A value no setting reaches (a relay on a pin no sequence switches), or a component already faulty: draw again.
    if (!fault || used.has(`${fault.kind}:${fault.id}`)) continue;
    used.add(`${fault.kind}:${fault.id}`);
    applyFault(rig, fault);
    faults.push(fault);
  }
  return faults;
}

/** The DUTs whose trials a component takes part in. */
export function dutsOf(rig: Rig, kind: ComponentKind, id: string): Dut[] {
  const hubOf = (dut: Dut) => rig.ports.find((p) => p.id === dut.port)?.hub;
  switch (kind) {
    case 'cable':
      return rig.duts.filter((d) => d.cable === id);
    case 'port':
      return rig.duts.filter((d) => d.port === id);
    case 'hub':
      return rig.duts.filter((d) => hubOf(d) === id);
    case 'supply':
      return rig.duts.filter((d) => d.supply === id);
    case 'relay':
      return rig.duts.filter((d) => Object.values(d.pins).some((p) => p.channel === id));
    case 'dut':
      return rig.duts.filter((d) => d.id === id);
    default:
      return rig.duts;
  }
}

function makeFault(
  rng: Rng,
  rig: Rig,
  profiles: ProfileSketch[],
  strengths: FaultStrengths,
  kind: (typeof FAULT_KINDS)[number],
  rate: number,
): InjectedFault | undefined {
  let id: string;
  let probe: FaultProbe;
  switch (kind) {
    case 'cable':
      id = rng.pick(rig.cables).id;
      probe = { kind, key: rng.pick(['bitErrorRate', 'dropRate', 'openRate']) };
      break;
    case 'port':
    case 'hub':
      id = rng.pick(kind === 'port' ? rig.ports : rig.hubs).id;
      // A hub's disconnects act on each of its ports as a port's own would.
      probe = { kind: 'port', key: 'disconnectRate' };
      break;
    case 'supply':
      id = rng.pick(rig.supplies).id;
      probe = { kind, key: 'brownoutRate' };
      break;
    case 'relay': {
      const wired = rig.duts.flatMap((d) => Object.entries(d.pins).map(([pin, w]) => ({ pin, channel: w.channel })));
      const pick = rng.pick(wired);
      id = pick.channel;
      probe = { kind, key: 'stuckRate', pin: pick.pin };
      break;
    }
    case 'dut': {
      const dut = rng.pick(rig.duts);
      id = dut.id;
      const key = rng.pick(['deadRate', 'bootloopRate', 'mode']);
      if (key === 'mode') {
        const profile = profiles.find((p) => p.id === dut.board);
        return { kind, id, key, value: profile?.wrongMode ?? 'app', targetRate: 1, baselineRate: strengths.baselineRate(dut.board) };
      }
      probe = { kind, key };
      break;
    }
  }
  const boards = dutsOf(rig, kind, id).map((d) => d.board);
  const value = valueForRate(strengths, boards, probe, rate);
  if (value === undefined) return undefined;
  return { kind, id, key: probe.key, value, targetRate: rate, baselineRate: mean(boards.map((b) => strengths.baselineRate(b))) };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Writes the fault into the rig's sim blocks. */
export function applyFault(rig: Rig, fault: InjectedFault): void {
  const set = (target: { sim?: object }) => {
    target.sim = { ...(target.sim ?? {}), [fault.key]: fault.value };
  };
  switch (fault.kind) {
    case 'cable':
      return set(rig.cables.find((c) => c.id === fault.id)!);
    case 'port':
      return set(rig.ports.find((p) => p.id === fault.id)!);
    case 'hub':
      return set(rig.hubs.find((h) => h.id === fault.id)!);
    case 'supply':
      return set(rig.supplies.find((s) => s.id === fault.id)!);
    case 'relay':
      return set(rig.relays.flatMap((b) => b.channels).find((c) => c.id === fault.id)!);
    case 'dut':
      return set(rig.duts.find((d) => d.id === fault.id)!);
  }
}

export function shuffle<T>(rng: Rng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
