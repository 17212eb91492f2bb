/**
 * Logical pins of a board as an emulator sees them, by role: the power pins (a relay in the supply line) and
 * reset pins the profile declares, and the boot straps (STM32 BOOT0/BOOT1, MediaTek KCOL0, ESP32 GPIO0/GPIO9),
 * which a family reads by the strap names it knows. Every pin starts in its profile `idle` state, which is where the
 * relays leave it between trials; pins the profile does not declare start released.
 */
import type { BoardProfile, PinRole } from '../../harness/config/types.js';

export class BoardPins {
  private readonly asserted = new Map<string, boolean>();
  private readonly roles = new Map<string, PinRole>();

  constructor(profile: BoardProfile) {
    for (const [name, pin] of Object.entries(profile.pins)) {
      this.asserted.set(name, pin.idle === 'active');
      this.roles.set(name, pin.role);
    }
  }

  set(name: string, asserted: boolean): void {
    this.asserted.set(name, asserted);
  }

  isAsserted(name: string): boolean {
    return this.asserted.get(name) ?? false;
  }

  /** The role the profile gives a pin; undefined for a pin it does not declare. */
  roleOf(name: string): PinRole | undefined {
    return this.roles.get(name);
  }

  /** Whether the board's boot strap (its only one, whatever the profile calls it) is asserted. */
  strapAsserted(): boolean {
    return this.withRole('boot-strap').some((name) => this.isAsserted(name));
  }

  /** Power reaches the SoC: the supply is on and every power pin the profile declares is asserted. */
  powered(supplied: boolean): boolean {
    return supplied && this.withRole('power').every((name) => this.isAsserted(name));
  }

  /** The SoC runs: powered and not held in reset by a declared reset pin. */
  running(supplied: boolean): boolean {
    return this.powered(supplied) && !this.withRole('reset').some((name) => this.isAsserted(name));
  }

  private withRole(role: PinRole): string[] {
    return [...this.roles].filter(([, r]) => r === role).map(([name]) => name);
  }
}
