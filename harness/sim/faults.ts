/**
 * Per-trial fault draws. Every draw comes from its own seeded stream named by component, DUT, trial and fault
 * key, so the same seed and rig give the same faults trial for trial, whatever the timing, the lane order or the
 * other DUTs on the bench — and adding a fault key or a component shifts nobody else's draws.
 */
import type { Cable, Dut, Hub, Rig, Supply, UsbPort } from '../config/types.js';
import { Rng } from '../core/rng.js';
import type { DeviceFaults } from '../../firmware-stubs/device.js';

/** How long a vanished USB port stays away before it is listed again, unless the rig says otherwise. */
export const DEFAULT_REENUMERATE_MS = 1500;
/** A disconnect or brownout strikes after 1..this many bytes from the host: inside the handshake. */
export const MAX_BYTES_BEFORE_STRIKE = 12;
/** A brownout dips the rail for this many milliseconds (inclusive range). */
export const BROWNOUT_DIP_MS: readonly [number, number] = [2, 20];

export class FaultStreams {
  private readonly root: Rng;

  constructor(readonly seed: number) {
    this.root = new Rng(seed);
  }

  /**
   * The stream for one fault of one component in one DUT's trial. One fork of a joined label (rather than a chain
   * of forks, whose seeds combine by XOR and so would not depend on the order of the parts).
   */
  stream(component: string, dut: string, trial: number, key: string): Rng {
    return this.root.fork(`${component}\u0000${dut}\u0000${trial}\u0000${key}`);
  }
}

/** Faults that strike when the host has sent a given number of bytes in the trial. */
export interface Strike {
  afterHostBytes: number;
}

export interface DisconnectStrike extends Strike {
  /** The port or hub whose fault it is. */
  component: string;
  reenumerateMs: number;
}

export interface BrownoutStrike extends Strike {
  supply: string;
  dipMs: number;
}

/** Everything the simulation decided for one trial of one DUT (trial 0 = before the first open). */
export interface TrialFaults {
  dut: string;
  trial: number;
  /** The cable passes nothing either way. */
  cableOpen: boolean;
  disconnect?: DisconnectStrike;
  brownout?: BrownoutStrike;
  /** Extra receive latency, port plus hub. */
  latencyMs: number;
  /** What the board is told at open, for the boots that follow. */
  device: DeviceFaults;
}

/** The components one DUT's trials depend on, looked up once. */
export interface DutComponents {
  dut: Dut;
  cable?: Cable;
  port?: UsbPort;
  hub?: Hub;
  supply?: Supply;
}

export function componentsOfDut(rig: Rig, dut: Dut): DutComponents {
  const port = rig.ports.find((p) => p.id === dut.port);
  return {
    dut,
    cable: rig.cables.find((c) => c.id === dut.cable),
    port,
    hub: port?.hub ? rig.hubs.find((h) => h.id === port.hub) : undefined,
    supply: rig.supplies.find((s) => s.id === dut.supply),
  };
}

/** Faults that hold on every boot whatever the trial: a board stuck in a mode, slow rails, slow boots. */
export function standingDeviceFaults(parts: DutComponents): DeviceFaults {
  const faults: DeviceFaults = {};
  const mode = parts.dut.sim?.mode;
  if (mode) faults.forcedMode = mode;
  const extra = (parts.dut.sim?.bootDelayMs ?? 0) + (parts.supply?.sim?.slowStartMs ?? 0);
  if (extra > 0) faults.extraStartupMs = extra;
  return faults;
}

export function latencyOf(parts: DutComponents): number {
  return (parts.port?.sim?.latencyMs ?? 0) + (parts.hub?.sim?.latencyMs ?? 0);
}

/** The faults before any trial: only the standing ones. */
export function idleFaults(parts: DutComponents): TrialFaults {
  return { dut: parts.dut.id, trial: 0, cableOpen: false, latencyMs: latencyOf(parts), device: standingDeviceFaults(parts) };
}

/** Draws the faults of trial `trial` (1-based) of one DUT. */
export function drawTrialFaults(streams: FaultStreams, parts: DutComponents, trial: number): TrialFaults {
  const dutId = parts.dut.id;
  const draw = (component: string, key: string) => streams.stream(component, dutId, trial, key);

  const cableOpen = parts.cable ? draw(parts.cable.id, 'openRate').chance(parts.cable.sim?.openRate ?? 0) : false;

  // The port's own fault and its hub's are independent; the earlier strike wins.
  let disconnect: DisconnectStrike | undefined;
  for (const source of [parts.port, parts.hub]) {
    const rate = source?.sim?.disconnectRate ?? 0;
    if (!source || !(rate > 0)) continue;
    const rng = draw(source.id, 'disconnectRate');
    if (!rng.chance(rate)) continue;
    const strike: DisconnectStrike = {
      component: source.id,
      afterHostBytes: rng.int(1, MAX_BYTES_BEFORE_STRIKE),
      reenumerateMs: source.sim?.reenumerateMs ?? DEFAULT_REENUMERATE_MS,
    };
    if (!disconnect || strike.afterHostBytes < disconnect.afterHostBytes) disconnect = strike;
  }

  let brownout: BrownoutStrike | undefined;
  const brownoutRate = parts.supply?.sim?.brownoutRate ?? 0;
  if (parts.supply && brownoutRate > 0) {
    const rng = draw(parts.supply.id, 'brownoutRate');
    if (rng.chance(brownoutRate)) {
      brownout = {
        supply: parts.supply.id,
        afterHostBytes: rng.int(1, MAX_BYTES_BEFORE_STRIKE),
        dipMs: rng.int(BROWNOUT_DIP_MS[0], BROWNOUT_DIP_MS[1]),
      };
    }
  }

  const device: DeviceFaults = {
    ...standingDeviceFaults(parts),
    dead: draw(dutId, 'deadRate').chance(parts.dut.sim?.deadRate ?? 0),
    bootloop: draw(dutId, 'bootloopRate').chance(parts.dut.sim?.bootloopRate ?? 0),
  };

  const faults: TrialFaults = { dut: dutId, trial, cableOpen, latencyMs: latencyOf(parts), device };
  if (disconnect) faults.disconnect = disconnect;
  if (brownout) faults.brownout = brownout;
  return faults;
}
