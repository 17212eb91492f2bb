/**
 * The Link over a real serialport stream (hardware binding, or the simulated bench's binding).
 *
 * Received bytes take two paths: straight into the bounded receive queue, so a reader gets them the moment they
 * arrive, and through an inter-byte-timeout parser that only shapes transcript entries (one rx event per burst,
 * stamped with the arrival time of the burst's first byte). A transmit closes the current burst.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { InterByteTimeoutParser } from '@serialport/parser-inter-byte-timeout';
import { SerialPortStream } from '@serialport/stream';
import type { SerialSettings } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Stall } from '../core/host-lag.js';
import type { Transcript } from '../core/transcript.js';
import { QueuedLink } from './queued-link.js';
import { PortLostError, type HostStalls, type Link } from './types.js';

/** The port could not be opened; `code` is ENOENT, EACCES, EBUSY (or what the OS said). */
export class PortOpenError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'PortOpenError';
  }
}

export interface ModemLines {
  dtr?: boolean;
  rts?: boolean;
}

export interface SerialLinkOptions {
  binding: BindingInterface;
  path: string;
  serial: SerialSettings;
  clock: Clock;
  transcript: Transcript;
  /** Receive buffer (and recorded rx bytes) bound. */
  maxBufferBytes?: number;
  /** Silence that ends a receive burst in the transcript. */
  burstGapMs?: number;
}

export interface SerialLink extends Link {
  readonly path: string;
  /** Bytes dropped by the bounded buffer. */
  readonly droppedCount: number;
  /** Sets the adapter's DTR/RTS lines (the lines not named keep their state). */
  setLines(lines: ModemLines): Promise<void>;
  /** Closes the port; safe to call more than once. */
  close(): Promise<void>;
}

/** Largest burst kept in one transcript event. */
const MAX_BURST_BYTES = 4096;

export async function openSerialLink(options: SerialLinkOptions): Promise<SerialLink> {
  const { binding, path, serial } = options;
  const stream = new SerialPortStream({
    binding,
    path,
    baudRate: serial.baudRate,
    dataBits: serial.dataBits,
    parity: serial.parity,
    stopBits: serial.stopBits,
    autoOpen: false,
  });
  // An 'error' with no listener would crash the process; the link listens from here on.
  stream.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    stream.open((error) => (error ? reject(toOpenError(error, path)) : resolve()));
  });
  return new StreamLink(stream, options);
}

class StreamLink extends QueuedLink implements SerialLink {
  readonly path: string;
  private readonly parser: InterByteTimeoutParser;
  /** Arrival times of bytes the parser holds, oldest first, to stamp each burst with its first byte's time. */
  private readonly arrivals: Array<{ at: number; bytes: number }> = [];
  private readonly lines = { dtr: true, rts: true };
  private closing: Promise<void> | null = null;
  private lostWaiters = new Set<(error: PortLostError) => void>();

  constructor(
    private readonly stream: SerialPortStream,
    private readonly options: SerialLinkOptions,
  ) {
    super(options.clock, options.transcript, options.maxBufferBytes);
    this.path = options.path;
    this.parser = new InterByteTimeoutParser({
      interval: Math.max(1, Math.round(options.burstGapMs ?? 5)),
      maxBufferSize: MAX_BURST_BYTES,
    });
    this.parser.on('data', (burst: Buffer) => this.recordBurst(burst));
    this.parser.on('error', () => undefined);

    stream.on('data', (chunk: Buffer) => {
      const at = this.clock.now();
      this.queue.push(chunk, at);
      this.arrivals.push({ at, bytes: chunk.length });
      this.parser.write(chunk);
    });
    stream.on('close', (error?: Error | null) => {
      if (!this.closing) this.lose(error?.message ? `port vanished: ${error.message}` : 'port closed by the OS');
    });
    stream.on('error', (error: Error) => {
      if (!this.closing) this.lose(`port error: ${error.message}`);
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.queue.lost) throw new PortLostError('port lost: cannot write');
    if (this.closing) throw new PortLostError('link closed');
    this.parser.emitPacket(); // what came before this transmit is one burst
    this.wire.tx(bytes, this.clock.now());
    await new Promise<void>((resolve, reject) => {
      const onLost = (error: PortLostError) => reject(error);
      this.lostWaiters.add(onLost);
      this.stream.write(Buffer.from(bytes), (error) => {
        this.lostWaiters.delete(onLost);
        if (!error) return resolve();
        this.lose(`write failed: ${error.message}`);
        reject(new PortLostError(`write failed: ${error.message}`));
      });
    });
  }

  /** The simulated bench's port knows where the host delivered its bytes late; a hardware port knows nothing. */
  override hostStalls(t0: number, t1: number): readonly Stall[] {
    const port = this.stream.port as Partial<HostStalls> | undefined;
    return port?.hostStalls?.(t0, t1) ?? [];
  }

  setLines(lines: ModemLines): Promise<void> {
    if (this.queue.lost) return Promise.reject(new PortLostError('port lost: cannot set lines'));
    Object.assign(this.lines, lines);
    return new Promise<void>((resolve, reject) => {
      this.stream.set({ dtr: this.lines.dtr, rts: this.lines.rts }, (error) => {
        if (!error) return resolve();
        reject(this.queue.lost ? new PortLostError(`port lost: cannot set lines (${error.message})`) : error);
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.parser.emitPacket();
    if (this.stream.isOpen) {
      await new Promise<void>((resolve) => this.stream.close(() => resolve()));
    }
    // Let the parser's last burst reach the transcript before the trial record is written.
    await new Promise((resolve) => setImmediate(resolve));
    this.parser.destroy();
    this.wire.finish();
  }

  private lose(reason: string): void {
    if (this.queue.lost) return;
    this.log.note(reason);
    this.queue.lose(reason);
    const error = new PortLostError(reason);
    for (const waiter of this.lostWaiters) waiter(error);
    this.lostWaiters.clear();
  }

  private recordBurst(burst: Buffer): void {
    let at = this.clock.now();
    let left = burst.length;
    if (this.arrivals.length > 0) at = this.arrivals[0]!.at;
    while (left > 0 && this.arrivals.length > 0) {
      const head = this.arrivals[0]!;
      const used = Math.min(head.bytes, left);
      head.bytes -= used;
      left -= used;
      if (head.bytes === 0) this.arrivals.shift();
    }
    this.wire.rx(burst, at);
  }
}

/** Turns what the binding threw at open into a PortOpenError with the errno-style code people search for. */
export function toOpenError(error: Error & { code?: string }, path: string): PortOpenError {
  const message = error.message.replace(/^Error:\s*/, '');
  const code = typeof error.code === 'string' && error.code ? error.code : codeFromMessage(message);
  return new PortOpenError(`cannot open ${path}: ${message}`, code, path);
}

function codeFromMessage(message: string): string {
  if (/ENOENT|no such file|does not exist/i.test(message)) return 'ENOENT';
  if (/EACCES|permission denied/i.test(message)) return 'EACCES';
  if (/EBUSY|busy|cannot lock|locked|temporarily unavailable/i.test(message)) return 'EBUSY';
  if (/ENODEV|no such device/i.test(message)) return 'ENODEV';
  return 'EIO';
}
