/**
 * Typed configuration: what a validated board profile (boards/*.yaml) and rig (rigs/*.yaml) become.
 * The YAML schema (harness/config/schema*.ts) produces exactly these shapes; everything downstream
 * (emulators, runner, diagnosis, report) reads only these types, never raw YAML.
 *
 * Numbers that are naturally hex in datasheets (ids, addresses) may be written either way in YAML
 * (`0x410` or `1040`); here they are plain numbers.
 */

import type { Esp32ChipFacts, Esp32Expected, Esp32Protocol } from '../families/esp32/schema.js';

export type EngineKind = 'stm32' | 'mediatek' | 'script' | 'esp32';
export type Parity = 'none' | 'even' | 'odd';

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: Parity;
  stopBits: 1 | 2;
}

/**
 * What a pin does to the board, which is all the harness goes by (never the pin's name):
 * - reset: held asserted, the chip is in reset; its release starts the boot (NRST, EN, RST);
 * - power: asserted, the board has power; its assertion starts the boot (a relay in the supply line);
 * - boot-strap: sampled as the chip leaves reset to pick the boot mode (BOOT0/BOOT1, KCOL0, GPIO0/GPIO9); its
 *   family says which strap names it knows;
 * - other: anything else the sequences switch.
 */
export const PIN_ROLES = ['reset', 'power', 'boot-strap', 'other'] as const;
export type PinRole = (typeof PIN_ROLES)[number];

/** A logical pin of a board: `active` is the electrical level that asserts it (NRST is active low). */
export interface PinDef {
  name: string;
  role: PinRole;
  active: 'high' | 'low';
  /** The state the pin rests in between trials and after an abort. */
  idle: 'active' | 'inactive';
  /** Free text shown in reports, e.g. "PB2 on the F407-Discovery floats: tie it low". */
  notes?: string;
}

/**
 * One step of an enter/leave sequence. Pins are logical: `true` = asserted (active).
 * - set: assert/deassert several pins at once;
 * - pulse: assert a pin for ms, then deassert it;
 * - wait: do nothing for ms;
 * - powerCycle: deassert `pin` (the power pin) for offMs, then assert it again.
 */
export type Step =
  | { kind: 'set'; pins: Record<string, boolean> }
  | { kind: 'pulse'; pin: string; ms: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'powerCycle'; pin: string; offMs: number };

/** Per-step deadlines in ms; engines look up their own keys and fall back to `replyMs`. */
export interface Deadlines {
  /** Default wait for any reply byte. */
  replyMs: number;
  [step: string]: number;
}

/** A script-engine step: send bytes, expect a pattern within a deadline. */
export type ScriptStep =
  | { kind: 'send'; bytes: Uint8Array; label?: string }
  | {
      kind: 'expect';
      /** Pattern: per byte either a literal value, a wildcard (null), or a capture name. */
      pattern: Array<{ value: number } | { wildcard: true } | { capture: string }>;
      withinMs: number;
      label?: string;
    };

export interface Stm32Protocol {
  engine: 'stm32';
  serial: SerialSettings;
  deadlines: Deadlines; // keys used: syncMs, replyMs, readMs
  retries: number;
  /** Read this many bytes from the start of flash after identification (0 = no read). */
  readBytes: number;
  readAddress: number;
}

export interface MtkProtocol {
  engine: 'mediatek';
  serial: SerialSettings;
  deadlines: Deadlines; // keys used: handshakeMs (whole handshake), byteMs (per echo), replyMs
  retries: number;
  /** Written with WRITE32 right after the handshake, or the SoC resets within seconds. */
  watchdog: { address: number; value: number };
}

export interface ScriptProtocol {
  engine: 'script';
  serial: SerialSettings;
  deadlines: Deadlines;
  retries: number;
  script: ScriptStep[];
}

export type ProtocolConfig = Stm32Protocol | MtkProtocol | ScriptProtocol | Esp32Protocol;

/** What the harness checks after the handshake. */
export interface ExpectedIdentity extends Esp32Expected {
  /** STM32 product id from Get ID, e.g. 0x410. */
  productId?: number;
  /** STM32 minimum bootloader version from Get/Get Version, e.g. 0x22 for v2.2. */
  minBootloaderVersion?: number;
  /** MediaTek hw_code from GET_HW_CODE, e.g. 0x0766. */
  hwCode?: number;
  /** MediaTek mode the board must be in. */
  mode?: 'brom' | 'preloader';
  /** Script engine: capture name → expected value. */
  captures?: Record<string, number>;
}

export interface MemoryRegion {
  start: number;
  /** Exclusive end address. */
  end: number;
}

/** Facts an STM32 system-memory bootloader emulator needs to play this chip. */
export interface Stm32ChipFacts {
  family: 'stm32';
  productId: number;
  bootloaderVersion: number;
  /** The two option bytes of Get Version. */
  optionBytes: [number, number];
  /** Command codes answered by Get, in order. */
  commands: number[];
  flash: MemoryRegion;
  /** Uniform page size in bytes, or a list of sector sizes in bytes (F4). */
  pages: { size: number } | { sectors: number[] };
  /** RAM the host may write (the bootloader reserves what lies below `start`). */
  ram: MemoryRegion;
  systemMemory: MemoryRegion;
  optionBytesAddress: number;
  /** Time from reset release to the bootloader listening; bytes before that are lost. */
  startupMs: number;
  /** What the user application prints at start when booted from flash ('' = silent). */
  appBanner: string;
  /** Baud at which the application prints its banner. */
  appBaud: number;
}

/** Facts a MediaTek BROM/Preloader emulator needs to play this chip. */
export interface MtkChipFacts {
  family: 'mediatek';
  hwCode: number;
  hwSubcode: number;
  hwVersion: number;
  swVersion: number;
  targetConfig: number;
  /** GET_VERSION answer in BROM. */
  bromVersion: number;
  /** GET_BL_VER answer in Preloader. */
  preloaderVersion: number;
  meId: Uint8Array;
  socId: Uint8Array;
  /** Time from power-on to BROM listening. */
  startupMs: number;
  /** The SoC resets if the watchdog is not disabled within this time after the handshake. */
  watchdogTimeoutMs: number;
  preloader: {
    /** Interval of the pushed `READY` strings. */
    readyIntervalMs: number;
    /** How long the preloader listens for a handshake before booting on. */
    windowMs: number;
    /** Baud of the log text printed after booting on. */
    logBaud: number;
    logText: string;
  };
}

export type ChipFacts = Stm32ChipFacts | MtkChipFacts | Esp32ChipFacts;

export interface BoardProfile {
  /** File name stem. */
  id: string;
  title: string;
  family: string;
  notes?: string;
  protocol: ProtocolConfig;
  /** Limits of the harness's own timing (the loader always sets it; absent in hand-built profiles: the defaults). */
  timing?: {
    /** How late (ms) a pin edge may leave the host after its planned time before the trial is a harness error. */
    edgeToleranceMs: number;
  };
  /** Logical pins by name. */
  pins: Record<string, PinDef>;
  enter: Step[];
  leave: Step[];
  expect: ExpectedIdentity;
  /** Facts for the emulator; required for families that have one (stm32, mediatek). */
  chip?: ChipFacts;
  /** sha256 of the file's bytes, recorded with every trial. */
  digest: string;
  /** Where the profile was loaded from. */
  file: string;
}

// ---------------------------------------------------------------- rig

/** How to find a serial port: by path, or by USB identity so /dev/ttyUSBn renumbering does not matter. */
export interface PortMatch {
  path?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  location?: string;
}

/** Fault injection keys; only allowed on a simulated rig. Rates are probabilities in [0, 1]. */
export interface CableSim {
  bitErrorRate?: number;
  dropRate?: number;
  openRate?: number;
}
export interface PortSim {
  disconnectRate?: number;
  reenumerateMs?: number;
  latencyMs?: number;
}
export type HubSim = PortSim;
export interface SupplySim {
  brownoutRate?: number;
  slowStartMs?: number;
}
export interface RelayChannelSim {
  stuckRate?: number;
}
export interface DutSim {
  /** Board stuck in a mode whatever its pins say. */
  mode?: 'app' | 'preloader' | 'brom' | 'bootloader';
  bootloopRate?: number;
  deadRate?: number;
  bootDelayMs?: number;
}

/** A registered relay backend's name (harness/pins/registry.ts): sim, firmata, lcus, dtr-rts, … */
export type RelayDriver = string;

export interface RelayChannel {
  /** Component id, `<board>.<n>` (e.g. `rb1.3`), or `<board>.dtr` / `<board>.rts`. */
  id: string;
  board: string;
  /** Channel number (1-based) or line name for dtr-rts. */
  channel: number | 'dtr' | 'rts';
  /** Firmata: the Arduino digital pin that drives this channel. */
  pin?: number;
  /** Contact state at rest and after an abort. */
  safe: 'open' | 'closed';
  sim?: RelayChannelSim;
}

export interface RelayBoard {
  id: string;
  driver: RelayDriver;
  /** Serial port of a board with a port of its own (firmata, lcus). */
  port?: PortMatch;
  /** The DUT whose serial link drives the board (dtr-rts: its adapter's lines). */
  dut?: string;
  /** Input level that closes a relay (most cheap relay shields are active-low). */
  polarity: 'active-high' | 'active-low';
  /** dtr-rts: the lines reach the board through the two-transistor auto-reset circuit (ESP32 boards). */
  circuit?: 'auto-reset';
  channels: RelayChannel[];
}

export interface Hub {
  id: string;
  /** The host or hub port the hub hangs on, if described. */
  upstream?: string;
  sim?: HubSim;
}

export interface UsbPort {
  id: string;
  /** Hub this port belongs to; absent for a port on the host itself. */
  hub?: string;
  sim?: PortSim;
}

export interface Cable {
  id: string;
  notes?: string;
  sim?: CableSim;
}

export interface Supply {
  id: string;
  notes?: string;
  sim?: SupplySim;
}

/** How a logical pin of a DUT is wired: relay channel, and whether a closed contact asserts the pin. */
export interface PinWiring {
  channel: string;
  /** `active` (default): contact closed = pin asserted. `inactive`: contact closed = pin released. */
  closed: 'active' | 'inactive';
}

export interface Dut {
  id: string;
  /** Board profile id. */
  board: string;
  /** Required on hardware rigs. */
  serial?: PortMatch;
  /** Overrides of the profile's serial settings for this DUT (e.g. parity none on a pty). */
  serialOverrides?: Partial<SerialSettings>;
  cable: string;
  port: string;
  supply: string;
  pins: Record<string, PinWiring>;
  sim?: DutSim;
  notes?: string;
}

/** Parts on hand that no DUT uses, by id: the diagnosis proposes them first for a separating swap. */
export interface Spares {
  cables: string[];
  ports: string[];
  /** Relay channel ids, e.g. `rb1.15`. */
  relays: string[];
}

export interface NightlyDefaults {
  trialsPerDut: number;
  /** Lanes running at once. */
  concurrency: number;
  trialTimeoutMs: number;
  /** Nights of history the diagnosis looks back over. */
  historyNights: number;
}

export interface Rig {
  /** File name stem. */
  id: string;
  title: string;
  kind: 'simulated' | 'hardware';
  /** Host component id (the PC the bench hangs on). */
  host: string;
  sim?: { seed: number };
  nightly: NightlyDefaults;
  relays: RelayBoard[];
  hubs: Hub[];
  ports: UsbPort[];
  cables: Cable[];
  supplies: Supply[];
  duts: Dut[];
  /** Declared spares (absent: none). */
  spares?: Spares;
  digest: string;
  file: string;
}

/** A rig with the profiles its DUTs name, as the runner receives it. */
export interface LoadedBench {
  rig: Rig;
  profiles: Map<string, BoardProfile>;
}
