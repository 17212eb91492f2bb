/**
 * What a relay backend declares to be registered (registry.ts): its driver name, the shape of its rig entry,
 * what it needs from the run, and how to create it. The rig loader builds the `relays:` schema from these, the
 * worlds (hardware, simulated) create backends from them; nothing else names a driver.
 */
import type { z } from 'zod';
import type { RelayBoard } from '../config/types.js';
import type { OpenPort } from './open-serial.js';
import type { DutLinkUse, RelayBackend } from './types.js';

/**
 * What a backend needs from the run:
 * - `own-port`: a serial port of its own (the entry's `port:`), found and opened through the run's binding;
 * - `dut-link`: the DUT's open serial link (the entry's `dut:`), attached by the runner around each trial;
 * - `simulator`: nothing real at all: it exists on simulated rigs only.
 * A simulated rig plays every `own-port` and `simulator` board with simulated contacts, and runs every
 * `dut-link` backend as it is, on the simulated DUT's serial link.
 */
export type RelayNeeds = 'own-port' | 'dut-link' | 'simulator';

/** The serial port an own-port backend is handed: its resolved path, and how to open it. */
export interface RelayPortAccess {
  path: string;
  openPort: OpenPort;
}

/** A problem a backend finds in its rig entry beyond the shape; `path` is relative to the entry. */
export interface EntryProblem {
  path: Array<string | number>;
  message: string;
  /** Point at the key (default) or at its value. */
  at?: 'key' | 'value';
}

/** A rig entry's schema: a strict object whose `driver` is the backend's name. */
export type RelayEntrySchema = z.ZodObject;

interface Common {
  /** The `driver:` value in a rig. */
  driver: string;
  /** The rig entry, `driver` included; strict, so a key of another backend is an error. */
  schema: RelayEntrySchema;
  /** Channels named by line (`<id>.dtr`, `<id>.rts`) instead of the entry's `channels:` count or list. */
  lines?: readonly string[];
  /** Checks of the entry as written that its shape cannot say (it may be invalid; look before use). */
  check?(entry: Readonly<Record<string, unknown>>): EntryProblem[];
}

export interface OwnPortRelay extends Common {
  needs: 'own-port';
  /** The backend for a board, not yet open (the runner opens it, and leaves it safe and closed). */
  create(board: RelayBoard, port: RelayPortAccess): RelayBackend;
}

export interface DutLinkRelay extends Common {
  needs: 'dut-link';
  create(board: RelayBoard): RelayBackend & { readonly dutLink: DutLinkUse };
}

export interface SimulatedRelay extends Common {
  needs: 'simulator';
}

export type RelayBackendDescriptor = OwnPortRelay | DutLinkRelay | SimulatedRelay;
