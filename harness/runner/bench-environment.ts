/**
 * What a run needs from the bench, whether it is simulated or real: a serialport binding, one relay backend per
 * relay board, and a way to find each DUT's port. Everything above this module is the same for both.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { autoDetect } from '@serialport/bindings-cpp';
import type { Dut, LoadedBench, PortMatch, RelayBoard, RelayChannel } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { InputError } from '../core/exit-codes.js';
import { resolvePort } from '../link/resolve.js';
import { DtrRtsBackend } from '../pins/dtr-rts.js';
import { FirmataRelayBackend } from '../pins/firmata.js';
import { LcusRelayBackend } from '../pins/lcus.js';
import type { RelayBackend } from '../pins/types.js';
import { SimBench } from '../sim/bench.js';

export interface BenchEnvironment {
  binding: BindingInterface;
  backends: Map<string, RelayBackend>;
  /** Every relay channel of the rig by component id. */
  channels: Map<string, RelayChannel>;
  /** Finds the DUT's port path now (USB identities are re-resolved each time: adapters renumber). */
  portPathOf(dut: Dut): Promise<string>;
  /**
   * Whether the DUT's adapter is there now: one matched by USB identity when list() shows it; one given by path when
   * the path opens (a pty or a /dev/serial/by-id link is never listed under its own name).
   */
  portPresent(dut: Dut): Promise<boolean>;
  /** DTR/RTS backends by the DUT whose adapter lines they drive. */
  lineBackendsOf(dut: Dut): DtrRtsBackend[];
  /** The simulated bench, when there is one (tests look inside). */
  sim?: SimBench;
  dispose(): void;
}

export async function createBenchEnvironment(bench: LoadedBench, clock: Clock, seed?: number): Promise<BenchEnvironment> {
  const { rig } = bench;
  const sim = rig.kind === 'simulated' ? new SimBench(bench, { clock, seed: seed ?? rig.sim?.seed ?? 1 }) : undefined;
  const binding: BindingInterface = sim ? sim.binding : (autoDetect() as unknown as BindingInterface);

  const channels = new Map<string, RelayChannel>();
  for (const board of rig.relays) for (const channel of board.channels) channels.set(channel.id, channel);

  const lineBackends = new Map<string, DtrRtsBackend[]>();
  const backends = new Map<string, RelayBackend>();
  for (const board of rig.relays) {
    const backend = await createBackend(board, binding, sim);
    backends.set(board.id, backend);
    if (backend instanceof DtrRtsBackend && board.dut) {
      lineBackends.set(board.dut, [...(lineBackends.get(board.dut) ?? []), backend]);
    }
  }

  return {
    binding,
    backends,
    channels,
    sim,
    async portPathOf(dut) {
      if (sim) return sim.portPath(dut.id);
      if (!dut.serial) throw new InputError(`DUT ${dut.id} has no serial port in the rig`);
      return resolvePort(dut.serial, () => binding.list());
    },
    async portPresent(dut) {
      // A simulated adapter is listed while plugged in; opening it would count as a trial of its station.
      if (sim) return (await binding.list()).some((p) => p.path === sim.portPath(dut.id));
      if (!dut.serial) return false;
      if (hasUsbIdentity(dut.serial)) return resolvePort(dut.serial, () => binding.list()).then(() => true, () => false);
      return opens(binding, dut.serial.path ?? '');
    },
    lineBackendsOf: (dut) => lineBackends.get(dut.id) ?? [],
    dispose: () => sim?.dispose(),
  };
}

function hasUsbIdentity(match: PortMatch): boolean {
  return Boolean(match.serialNumber || match.vendorId || match.productId || match.location);
}

/** Opens the path through the binding and closes it at once: whether the adapter is back. */
async function opens(binding: BindingInterface, path: string): Promise<boolean> {
  if (!path) return false;
  try {
    const port = await binding.open({ path, baudRate: 9600 });
    await port.close().catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

async function createBackend(board: RelayBoard, binding: BindingInterface, sim: SimBench | undefined): Promise<RelayBackend> {
  // The adapter's own lines go through the DUT's port, so they work the same on the simulated bench.
  if (board.driver === 'dtr-rts') return new DtrRtsBackend(board);
  if (sim) return sim.relayBackend(board);
  if (board.driver === 'sim') throw new InputError(`relay board ${board.id} is simulated, but the rig is a hardware rig`);
  if (!board.port) throw new InputError(`relay board ${board.id} has no port in the rig`);
  const path = await resolvePort(board.port, () => binding.list());
  return board.driver === 'firmata' ? new FirmataRelayBackend(board, { path }) : new LcusRelayBackend(board, { path });
}
