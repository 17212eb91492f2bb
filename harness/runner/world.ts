/**
 * What a run is given instead of building it, whether the bench is real or simulated: the clock, a serialport
 * binding, one relay backend per relay board, and a way to find each DUT's port. The CLI builds the hardware world
 * (harness/cli/world.ts), the simulator a simulated one (harness/sim/world.ts); the runner imports neither.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { Dut } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { RelayBackend } from '../pins/types.js';

export interface World {
  clock: Clock;
  /** Opens the DUTs' serial ports. */
  binding: BindingInterface;
  /**
   * One backend per relay board of the rig, by board id, not yet open: the runner opens them before the first
   * trial and leaves them safe and closed however the run ends. A test may replace one with a wrapper.
   */
  relays: Map<string, RelayBackend>;
  /** Finds the DUT's port path now (USB identities are re-resolved each time: adapters renumber). */
  portPathOf(dut: Dut): Promise<string>;
  /**
   * Whether the DUT's adapter is there now: one matched by USB identity when list() shows it; one given by path when
   * the path opens (a pty or a /dev/serial/by-id link is never listed under its own name).
   */
  portPresent(dut: Dut): Promise<boolean>;
  /** Releases what the world holds (the simulator's timers). A world serves one run: the runner calls this at its end; calling it again does nothing. */
  dispose(): void;
}
