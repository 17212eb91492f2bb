/**
 * What every boot-ROM emulator looks like from outside: bytes in at its RX pin, bytes out of its TX pin,
 * board pins and power. The simulated bench (harness/sim) and the pty stub (`shakedown stub`) both drive
 * emulators through this interface only. Timing comes from the Clock the emulator was built with.
 */
export interface EmulatedDevice {
  /** Bytes that reached the device's RX pin (already through the cable). */
  receive(bytes: Uint8Array): void;
  /**
   * A logical pin of the board profile (reset, boot0, boot1, kcol0, …) is asserted (true) or released.
   * Pins are sampled when the device comes out of reset or powers on, as on silicon.
   */
  setPin(name: string, asserted: boolean): void;
  /** Power from the supply (through the power relay, if any). Losing power resets everything. */
  setPower(on: boolean): void;
  /** Subscribes to bytes the device transmits; `baud` is the rate the device sends at. */
  onTransmit(listener: (bytes: Uint8Array, baud: number) => void): void;
  /** Board-level faults for the boots that follow (the simulation draws them per trial). */
  setFaults(faults: DeviceFaults): void;
  /** What the device is doing now, for tests and the simulation ('off', 'reset', 'booting', 'bootloader', 'app', 'brom', 'preloader', …). */
  readonly state: string;
  /** Stops every timer the device holds. */
  dispose(): void;
}

/** Faults that live in the board itself (the `sim:` block of a DUT), applied by the emulator at boot. */
export interface DeviceFaults {
  /** Boot into this mode whatever the pins say (e.g. 'app' on STM32, 'preloader' on MediaTek). */
  forcedMode?: string;
  /** Extra start-up time on top of the chip's. */
  extraStartupMs?: number;
  /** This boot: no life at all (sends nothing, answers nothing). */
  dead?: boolean;
  /** This boot: the board bootloops, flooding log text. */
  bootloop?: boolean;
}
