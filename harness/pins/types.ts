/**
 * The pins seam: one small interface per relay hardware (simulated, Firmata via johnny-five, LCUS serial
 * modules, the DUT adapter's DTR/RTS lines). Profiles speak of logical pins; the rig maps them to channels;
 * a backend only opens and closes contacts.
 */
import type { RelayBoard, RelayChannel } from '../config/types.js';

export interface ContactChange {
  channel: RelayChannel;
  closed: boolean;
}

export interface RelayBackend {
  readonly board: RelayBoard;
  /** Connects to the hardware and puts every channel in its safe state. */
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
