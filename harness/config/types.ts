/**
 * Typed configuration: what a validated board profile (boards/*.yaml) and rig (rigs/*.yaml) become.
 * The YAML schema (harness/config/schema*.ts) produces exactly these shapes; everything downstream
 * (emulators, runner, diagnosis, report) reads only these types, never raw YAML.
 *
 * Numbers that are naturally hex in datasheets (ids, addresses) may be written either way in YAML
 * (`0x410` or `1040`); here they are plain numbers.
 */

import type { DutHealth } from './health.js';

export type { DutHealth };
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

/**
 * The `protocol:` block: what every engine has, and the engine's own options. `engine` is a family's name (its
 * engine) or `script`; `options` is of the engine's own type (harness/protocols/engine.ts), made by the loader.
 */
export interface ProtocolConfig {
  engine: string;
  serial: SerialSettings;
  /** Keys beyond replyMs are the engine's own (its descriptor lists them). */
  deadlines: Deadlines;
  /** Restarts of a failed handshake within a trial. */
  retries: number;
  options: unknown;
}

/**
 * What every family's chip facts (the `chip:` block, what its emulator plays) have: the family's name and how long
 * the chip takes from reset release or power-on until its boot ROM listens. Each family extends it.
 */
export interface ChipFacts {
  family: string;
  startupMs: number;
}

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
  /** What the engine checks of the board's identity, of the engine's own type (made by the loader). */
  expect: unknown;
  /** Facts for the emulator, of the family's own type; every registered family has them. */
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
  /** Board stuck in a mode whatever its pins say: one of its family's simulated modes. */
  mode?: string;
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
  /** dtr-rts: the lines reach the board through the two-transistor auto-reset circuit (of most ESP32 boards). */
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
  /** Declared health (config/health.ts); absent: good, in service. Maintenance and retired DUTs are not run. */
  health?: DutHealth;
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
  /** Time budget of a nightly run in minutes (undefined: none). */
  maxMinutes?: number;
  /** A command run when a night ends with new flags, with the path of summary.json as its argument. */
  notify?: NotifyCommand;
  /** The budget of follow-up trials after the planned ones (nightly/follow-up.ts); absent: the defaults (followUpBudgetOf). */
  followUp?: FollowUpBudget;
}

export interface FollowUpBudget {
  /** Follow-up trials a night may spend in all (0: none). */
  maxTrials: number;
  /** Their time budget, minutes. */
  maxMinutes: number;
}

export interface NotifyCommand {
  /** A shell command line (run by /bin/sh); the summary.json path is appended as one more argument. */
  command: string;
  /** Killed after this long; its failure or timeout is logged, never fatal. */
  timeoutMs: number;
}

/** Where a rig stands in a lab of benches sharing one store. */
export interface LabIdentity {
  /** The rig's id across the lab (it replaces the file name stem as the rig's id). */
  id: string;
  /** Room, building or team, for grouping on the lab page. */
  site?: string;
}

export interface Rig {
  /** The lab id when the rig declares one (`lab.id`), else the file name stem. */
  id: string;
  /** Declared lab identity (absent: the file name stem is the id). */
  lab?: LabIdentity;
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
