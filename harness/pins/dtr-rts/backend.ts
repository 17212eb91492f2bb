/**
 * The DUT's own USB-serial adapter as a two-channel "relay board": its DTR and RTS lines (usually wired to
 * EN/NRST and BOOT0/IO0 through the two-transistor auto-reset circuit). It owns no port: it declares the DUT's
 * link (dutLink), which the runner attaches when a trial opens it and detaches before it closes.
 *
 * - Channels `<id>.dtr` / `<id>.rts`; closed = line asserted, inverted on an active-low board.
 * - All changes of one set() go out as ONE modem-line call: the auto-reset circuit ignores both lines asserted,
 *   so setting them one after the other would pass through a state the circuit acts on.
 * - The line not named in a set() keeps the value of the last call (serialport would otherwise reset an
 *   unnamed line to its default, asserted).
 * - Linux asserts both lines when a port opens (hupcl): merely opening the DUT's port can reset it. Nothing here
 *   can prevent that; safe() before attach applies the safe state as soon as the port is attached.
 */
import type { SerialPortStream } from '@serialport/stream';
import type { RelayBoard, RelayChannel } from '../../config/types.js';
import { InfrastructureError, InputError } from '../../core/exit-codes.js';
import { PortLostError } from '../../link/types.js';
import { boardChannel, inputLevel, safeClosed } from '../relay-channels.js';
import { LossSignal, messageOf } from '../support.js';
import type { ContactChange, DutLinkUse, ModemLinePort, RelayBackend } from '../types.js';
import type { ModemLines } from '../../link/serial-link.js';

type Line = 'dtr' | 'rts';

export class DtrRtsBackend implements RelayBackend {
  private port: ModemLinePort | null = null;
  /** Line levels last applied on the attached port; a line never set there is unknown (absent). */
  private lines: ModemLines = {};
  private safePending = false;
  private readonly loss = new LossSignal();
  readonly dutLink: DutLinkUse;

  constructor(readonly board: RelayBoard) {
    if (!board.dut) throw new InputError(`relay board ${board.id}: a dtr-rts board needs dut: the DUT whose adapter lines it uses`);
    this.dutLink = { dut: board.dut, attach: (port) => this.attach(port) };
    const seen = new Set<string>();
    for (const channel of board.channels) {
      if (channel.channel !== 'dtr' && channel.channel !== 'rts') {
        throw new InputError(`relay board ${board.id}: channel ${channel.id} must be the dtr or rts line`);
      }
      if (seen.has(channel.channel)) throw new InputError(`relay board ${board.id}: line ${channel.channel} is listed twice`);
      seen.add(channel.channel);
    }
  }

  /** Puts the lines in their safe state now if a port is attached, else as soon as one is. */
  async open(): Promise<void> {
    if (!this.port) {
      this.safePending = true;
      return;
    }
    await this.apply(this.safeChanges());
  }

  /**
   * The DUT's link opened (port) or closed (null). A safe state requested while no port was attached is applied
   * now; rejects with an InfrastructureError if the port cannot drive its lines.
   */
  async attach(port: ModemLinePort | null): Promise<void> {
    this.port = port;
    // Whatever the lines were, a newly opened port starts from the operating system's defaults.
    this.lines = {};
    if (!port || !this.safePending) return;
    this.safePending = false;
    await this.apply(this.safeChanges());
  }

  async set(changes: ContactChange[]): Promise<void> {
    if (!this.port) {
      throw new InfrastructureError(`relay board ${this.board.id}: DTR/RTS can only be driven while the DUT's serial port is open`);
    }
    await this.apply(changes);
  }

  /** The lines cannot be read back through serialport. */
  async read(channel: RelayChannel): Promise<boolean | undefined> {
    boardChannel(this.board, channel);
    return undefined;
  }

  /** The lines are the DUT's own port: there is no controller to ask (a vanished adapter is the link's loss). */
  async probe(): Promise<void> {}

  async safe(): Promise<void> {
    if (!this.port) {
      this.safePending = true;
      return;
    }
    try {
      await this.apply(this.safeChanges());
    } catch {
      // The port is going or gone; the DUT's link reports that itself.
    }
  }

  async close(): Promise<void> {
    this.port = null;
    this.lines = {};
    this.safePending = false;
  }

  /** The lines have no connection of their own to lose: a vanished adapter is the DUT link's loss. */
  onLost(listener: (error: Error) => void): void {
    this.loss.listen(listener);
  }

  private safeChanges(): ContactChange[] {
    return this.board.channels.map((channel) => ({ channel, closed: safeClosed(channel) }));
  }

  private async apply(changes: ContactChange[]): Promise<void> {
    const port = this.port!;
    const next: ModemLines = { ...this.lines };
    for (const change of changes) {
      const line = boardChannel(this.board, change.channel).channel as Line;
      next[line] = inputLevel(this.board, change.closed);
    }
    const call: ModemLines = {};
    if (next.dtr !== undefined) call.dtr = next.dtr;
    if (next.rts !== undefined) call.rts = next.rts;
    if (call.dtr === undefined && call.rts === undefined) return;
    try {
      await port.set(call);
    } catch (error) {
      // The adapter vanished: that is the DUT link's loss (port-lost), not a broken relay board.
      if (error instanceof PortLostError) throw error;
      throw this.lineError(error);
    }
    if (this.port === port) this.lines = next;
  }

  private lineError(error: unknown): InfrastructureError {
    const message = messageOf(error);
    const dut = this.board.dut ? `DUT ${this.board.dut}'s` : "the DUT's";
    if (/ENOTTY|Inappropriate ioctl/i.test(message) || (error as NodeJS.ErrnoException | undefined)?.code === 'ENOTTY') {
      return new InfrastructureError(
        `relay board ${this.board.id}: ${dut} serial port has no DTR/RTS lines to drive (a pseudo-terminal or an ` +
          `adapter without modem control answers "Inappropriate ioctl for device"); use a relay board for these pins`,
      );
    }
    return new InfrastructureError(`relay board ${this.board.id}: setting DTR/RTS on ${dut} serial port failed: ${message}`);
  }
}

/** Adapts an open serialport stream to the ModemLinePort the backend expects. */
export function modemLinesOf(stream: SerialPortStream): ModemLinePort {
  return {
    set: (lines) =>
      new Promise((resolve, reject) => {
        stream.set(lines, (error) => (error ? reject(error) : resolve()));
      }),
  };
}
