/**
 * Seeded scenarios for the diagnosis evaluation: a random simulated rig (8–24 DUTs, hubs of 2–7 ports, supplies
 * feeding 2–4 DUTs, relay boards), a small baseline of random failures everywhere (a tiny bit error rate on every
 * cable), and 0–3 injected faults of random kinds and strengths on random components, written with the
 * simulation's own fault keys so the same scenario runs on the real runner over the simulated bench.
 */
import type { Cable, Dut, Hub, RelayBoard, Rig, Supply, UsbPort } from '../config/types.js';
import { Rng } from '../core/rng.js';
import type { ComponentKind } from '../core/record.js';

/** A fault as injected: the component, the simulation key and its value. */
export interface InjectedFault {
  kind: ComponentKind;
  id: string;
  key: string;
  value: number | string;
  /** The per-trial failure probability the value was chosen for (1 for a board stuck in a mode). */
  targetRate: number;
}

/** What the evaluation needs to know of a profile: its id and the logical pins the rig wires to relays. */
export interface ProfileSketch {
  id: string;
  /** Pins wired to relay channels; the first is the one that restarts the board (reset or power). */
  pins: string[];
  /** A mode the board can be stuck in that is not the boot ROM (for the `mode` fault). */
  wrongMode: string;
}

export interface Scenario {
  seed: number;
  rig: Rig;
  faults: InjectedFault[];
  /** Per-trial failure probability of the baseline (every trial, whatever its components). */
  baselineRate: number;
}

export interface ScenarioOptions {
  /** Number of faults (default: 0–3 at random). */
  faults?: number;
  profiles?: ProfileSketch[];
  baselineRate?: number;
  /** Range of per-trial failure probabilities of a faulty component (default 0.1–0.6, ≥ 20× the baseline). */
  faultRate?: [number, number];
}

export const DEFAULT_PROFILES: ProfileSketch[] = [
  { id: 'sim-stm32', pins: ['reset', 'boot0'], wrongMode: 'app' },
  { id: 'sim-mtk', pins: ['power', 'kcol0'], wrongMode: 'preloader' },
];

/** Data bits a trial exchanges, roughly (handshake, identify and a short read, both directions). */
export const BITS_PER_TRIAL = 800;
export const BYTES_PER_TRIAL = 100;
/** Relay switches per channel per trial (assert, release). */
export const SWITCHES_PER_TRIAL = 2;
export const DEFAULT_BASELINE_RATE = 0.005;

/** The per-event value that gives a per-trial probability `rate` over `events` independent events. */
export function perEvent(rate: number, events: number): number {
  return 1 - Math.pow(1 - rate, 1 / events);
}

export function perTrial(value: number, events: number): number {
  return 1 - Math.pow(1 - value, events);
}

const FAULT_KINDS = ['cable', 'port', 'hub', 'supply', 'relay', 'dut'] as const;

export function generateScenario(seed: number, options: ScenarioOptions = {}): Scenario {
  const rng = new Rng(seed);
  const profiles = options.profiles ?? DEFAULT_PROFILES;
  const baselineRate = options.baselineRate ?? DEFAULT_BASELINE_RATE;
  const rig = generateRig(rng.fork('rig'), seed, profiles, baselineRate);
  const count = options.faults ?? rng.int(0, 3);
  const faults = injectFaults(rng.fork('faults'), rig, profiles, count, options.faultRate ?? [0.1, 0.6]);
  return { seed, rig, faults, baselineRate };
}

function generateRig(rng: Rng, seed: number, profiles: ProfileSketch[], baselineRate: number): Rig {
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

  const cableBer = perEvent(baselineRate, BITS_PER_TRIAL);
  const cables: Cable[] = [];
  const relays: RelayBoard[] = [];
  const duts: Dut[] = [];
  let channelsLeft = 0;
  for (let i = 1; i <= dutCount; i++) {
    const profile = rng.pick(profiles);
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
    duts.push({ id: `d${i}`, board: profile.id, cable, port: dutPorts[i - 1]!, supply: dutSupply[i - 1]!, pins });
  }
  return {
    id: `eval-${seed}`,
    title: `Evaluation rig, seed ${seed}`,
    kind: 'simulated',
    host: 'host',
    sim: { seed },
    nightly: { trialsPerDut: 100, concurrency: 8, trialTimeoutMs: 5000, historyNights: 14 },
    relays,
    hubs,
    ports,
    cables,
    supplies,
    duts,
    digest: `eval-${seed}`,
    file: `eval/${seed}.yaml`,
  };
}

function injectFaults(rng: Rng, rig: Rig, profiles: ProfileSketch[], count: number, [lo, hi]: [number, number]): InjectedFault[] {
  const faults: InjectedFault[] = [];
  const used = new Set<string>();
  for (let attempt = 0; faults.length < count && attempt < 100; attempt++) {
    const kind = rng.pick(FAULT_KINDS.filter((k) => k !== 'hub' || rig.hubs.length > 0));
    // Log-uniform strength: as many weak faults as strong ones.
    const rate = Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
    const fault = makeFault(rng, rig, profiles, kind, rate);
    if (used.has(`${fault.kind}:${fault.id}`)) continue;
    used.add(`${fault.kind}:${fault.id}`);
    applyFault(rig, fault);
    faults.push(fault);
  }
  return faults;
}

function makeFault(rng: Rng, rig: Rig, profiles: ProfileSketch[], kind: (typeof FAULT_KINDS)[number], rate: number): InjectedFault {
  switch (kind) {
    case 'cable': {
      const id = rng.pick(rig.cables).id;
      const key = rng.pick(['bitErrorRate', 'dropRate', 'openRate']);
      const value = key === 'bitErrorRate' ? perEvent(rate, BITS_PER_TRIAL) : key === 'dropRate' ? perEvent(rate, BYTES_PER_TRIAL) : rate;
      return { kind, id, key, value, targetRate: rate };
    }
    case 'port':
      return { kind, id: rng.pick(rig.ports).id, key: 'disconnectRate', value: rate, targetRate: rate };
    case 'hub':
      return { kind, id: rng.pick(rig.hubs).id, key: 'disconnectRate', value: rate, targetRate: rate };
    case 'supply':
      return { kind, id: rng.pick(rig.supplies).id, key: 'brownoutRate', value: rate, targetRate: rate };
    case 'relay': {
      const channels = rig.duts.flatMap((d) => Object.values(d.pins).map((p) => p.channel));
      return { kind, id: rng.pick(channels), key: 'stuckRate', value: perEvent(rate, SWITCHES_PER_TRIAL), targetRate: rate };
    }
    case 'dut': {
      const dut = rng.pick(rig.duts);
      const key = rng.pick(['deadRate', 'bootloopRate', 'mode']);
      if (key === 'mode') {
        const profile = profiles.find((p) => p.id === dut.board);
        return { kind, id: dut.id, key, value: profile?.wrongMode ?? 'app', targetRate: 1 };
      }
      return { kind, id: dut.id, key, value: rate, targetRate: rate };
    }
  }
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

function shuffle<T>(rng: Rng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
