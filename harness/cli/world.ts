/**
 * The world a command hands the runner: for a hardware rig, the real serialport binding, every relay board's
 * registered backend on its real port, and the DUTs' ports found by path or USB identity; for a simulated rig, the
 * simulator's world.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { autoDetect } from '@serialport/bindings-cpp';
import type { LoadedBench, PortMatch, RelayBoard } from '../config/types.js';
import { realClock } from '../core/clock.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { resolvePort } from '../link/resolve.js';
import { portOpener } from '../pins/open-serial.js';
import { messageOf } from '../pins/support.js';
import { relayBackendFor } from '../pins/registry.js';
import type { RelayBackend } from '../pins/types.js';
import type { World } from '../runner/world.js';
import { simulatedWorld } from '../sim/world.js';

/** The world of the rig's kind; `seed` is the fault seed of a simulated rig (default: its sim.seed). */
export async function worldFor(bench: LoadedBench, options: { seed?: number } = {}): Promise<World> {
  return bench.rig.kind === 'simulated' ? simulatedWorld(bench, { seed: options.seed }) : hardwareWorld(bench);
}

/** The real bench, through `binding` (default: serialport's binding for this OS; pseudo-terminals work too). */
export async function hardwareWorld(bench: LoadedBench, binding: BindingInterface = autoDetect() as unknown as BindingInterface): Promise<World> {
  const relays = new Map<string, RelayBackend>();
  for (const board of bench.rig.relays) relays.set(board.id, await hardwareRelay(board, binding));
  return {
    clock: realClock,
    binding,
    relays,
    async portPathOf(dut) {
      if (!dut.serial) throw new InputError(`DUT ${dut.id} has no serial port in the rig`);
      return resolvePort(dut.serial, () => binding.list());
    },
    async portPresent(dut) {
      if (!dut.serial) return false;
      if (hasUsbIdentity(dut.serial)) return resolvePort(dut.serial, () => binding.list()).then(() => true, () => false);
      return opens(binding, dut.serial.path ?? '');
    },
    dispose: () => undefined,
  };
}

/** A relay board's registered backend, given what it declared it needs. */
async function hardwareRelay(board: RelayBoard, binding: BindingInterface): Promise<RelayBackend> {
  const backend = relayBackendFor(board);
  switch (backend.needs) {
    case 'dut-link':
      return backend.create(board);
    case 'own-port': {
      if (!board.port) throw new InputError(`relay board ${board.id} has no port in the rig`);
      const path = await resolvePort(board.port, () => binding.list()).catch((error: unknown) => {
        // The bench, not the input: the rig may be right and the board unplugged.
        throw new InfrastructureError(
          `relay board ${board.id} not found: ${messageOf(error)} — check that it is plugged in and powered; \`shakedown ports\` lists the ports the OS sees`,
        );
      });
      return backend.create(board, { path, openPort: portOpener(binding) });
    }
    case 'simulator':
      throw new InputError(`relay board ${board.id} is simulated, but the rig is a hardware rig`);
  }
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
