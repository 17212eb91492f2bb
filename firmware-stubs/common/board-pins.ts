/**
 * Logical pins of a board as an emulator sees them: `power` and `reset` (each only if the profile declares it)
 * and the boot straps (MediaTek KCOL0, ESP32 GPIO0, …). Every pin starts in its profile `idle` state, which is
 * where the relays leave it between trials; pins the profile does not declare start released.
 */
import type { BoardProfile } from '../../harness/config/types.js';

export class BoardPins {
  private readonly asserted = new Map<string, boolean>();
  private readonly declared: ReadonlySet<string>;

  constructor(profile: BoardProfile) {
    this.declared = new Set(Object.keys(profile.pins));
    for (const [name, pin] of Object.entries(profile.pins)) this.asserted.set(name, pin.idle === 'active');
  }

  set(name: string, asserted: boolean): void {
    this.asserted.set(name, asserted);
  }

  isAsserted(name: string): boolean {
    return this.asserted.get(name) ?? false;
  }

  /** Power reaches the SoC: the supply is on and, if the board has a power pin, that pin is asserted. */
  powered(supplied: boolean): boolean {
    return supplied && (!this.declared.has('power') || this.isAsserted('power'));
  }

  /** The SoC runs: powered and not held in reset by a declared reset pin. */
  running(supplied: boolean): boolean {
    return this.powered(supplied) && !(this.declared.has('reset') && this.isAsserted('reset'));
  }
}
