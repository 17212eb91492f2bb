/**
 * The pins seam: one small interface every relay hardware implements (each in its own folder, listed in
 * registry.ts). Profiles speak of logical pins; the rig maps them to channels; a backend only opens and closes
 * contacts. docs/relay-backends.md says how to add one.
 */
import type { RelayBoard, RelayChannel } from '../config/types.js';
import type { ModemLines } from '../link/serial-link.js';

export interface ContactChange {
  channel: RelayChannel;
  closed: boolean;
}

/** What a backend that drives the DUT's own adapter lines is handed: the DUT's open serial link. */
export interface ModemLinePort {
  set(lines: ModemLines): Promise<void>;
}

/** The DUT's serial link a backend drives (needs: 'dut-link'); the runner attaches it around each trial. */
export interface DutLinkUse {
  /** The DUT whose link it is. */
  readonly dut: string;
  /** The link was opened for a trial (port), or is about to close (null). */
  attach(port: ModemLinePort | null): Promise<void>;
}

export interface RelayBackend {
  readonly board: RelayBoard;
  /** Present on a backend that works through a DUT's serial link instead of a port of its own. */
  readonly dutLink?: DutLinkUse;
  /**
   * Connects to the hardware and puts every channel in its safe state. Connecting must not move a contact: a
   * channel already in its safe state stays there without a glitch.
   */
  open(): Promise<void>;
  /** Applies several contact changes at once (one call where the hardware can, e.g. DTR and RTS together). */
  set(changes: ContactChange[]): Promise<void>;
  /** The contact state read back from the hardware, or undefined where it cannot be read. */
  read(channel: RelayChannel): Promise<boolean | undefined>;
  /**
   * Asks the controller something it must answer. Rejects with an InfrastructureError naming the board and what
   * went unanswered when no answer comes within the backend's deadline (a controller whose firmware stopped while
   * its port stays open); resolves at once for hardware that cannot be asked (an LCUS-1, DTR/RTS lines).
   */
  probe(): Promise<void>;
  /** Every channel to its safe state. Must not throw when the board is already gone. */
  safe(): Promise<void>;
  close(): Promise<void>;
  /** Called when the board vanishes or errors while open (the runner then aborts what depends on it). */
  onLost(listener: (error: Error) => void): void;
}
