/**
 * One open handle on a simulated serial port, as @serialport/bindings-interface defines it: the OS receive
 * buffer (bounded, like a tty's), reads that wait for data, and the same errors a Linux tty gives — canceled
 * operations on close, EIO with `disconnect` once the USB adapter has vanished.
 */
import type { BindingPortInterface, OpenOptions, PortStatus, SetOptions, UpdateOptions } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { Stall } from '../core/host-lag.js';
import { canceledError, unpluggedError, type SimPortError } from './errors.js';

/** What a port handle asks of the wire it is plugged into. */
export interface PortWire {
  write(port: SimPortBinding, bytes: Uint8Array): Promise<void>;
  drain(port: SimPortBinding): Promise<void>;
  flush(port: SimPortBinding): void;
  setLines(port: SimPortBinding, lines: { dtr: boolean; rts: boolean }): void;
  close(port: SimPortBinding): void;
  /** Stretches between t0 and t1 in which our own process delivered this line's bytes, or ran its device, late. */
  hostStalls(port: SimPortBinding, t0: number, t1: number): Stall[];
}

interface PendingRead {
  buffer: Buffer;
  offset: number;
  length: number;
  resolve: (result: { buffer: Buffer; bytesRead: number }) => void;
  reject: (error: Error) => void;
}

/** Receive buffer size: what a flooding device can pile up while nobody reads. */
export const RX_BUFFER_BYTES = 64 * 1024;

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

export class SimPortBinding implements BindingPortInterface {
  isOpen = true;
  private baud: number;
  private rx: Uint8Array[] = [];
  private rxBytes = 0;
  private reads: PendingRead[] = [];
  private lostError: SimPortError | null = null;
  /** Bytes that arrived while the receive buffer was full and were lost. */
  overflowBytes = 0;

  constructor(
    readonly openOptions: Required<OpenOptions>,
    private readonly wire: PortWire,
    private readonly maxRxBytes = RX_BUFFER_BYTES,
  ) {
    this.baud = openOptions.baudRate;
  }

  get baudRate(): number {
    return this.baud;
  }

  /** True once the adapter behind this handle has vanished. */
  get lost(): boolean {
    return this.lostError !== null;
  }

  /** Bytes that reached the host's UART. */
  receive(bytes: Uint8Array): void {
    if (!this.isOpen || this.lost) return;
    const room = this.maxRxBytes - this.rxBytes;
    if (bytes.length > room) {
      this.overflowBytes += bytes.length - room;
      bytes = bytes.subarray(0, room);
    }
    if (bytes.length === 0) return;
    this.rx.push(bytes);
    this.rxBytes += bytes.length;
    this.serveReads();
  }

  /** The USB adapter vanished: everything pending and everything after fails as a hung-up tty does. */
  unplug(): void {
    if (this.lost) return;
    this.lostError = unpluggedError(this.openOptions.path, 'read');
    this.rx = [];
    this.rxBytes = 0;
    const reads = this.reads.splice(0);
    for (const read of reads) read.reject(unpluggedError(this.openOptions.path, 'read'));
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('"buffer" is not a Buffer');
    if (typeof offset !== 'number' || Number.isNaN(offset)) throw new TypeError('"offset" is not an integer');
    if (typeof length !== 'number' || Number.isNaN(length)) throw new TypeError('"length" is not an integer');
    if (buffer.length < offset + length) throw new Error('buffer is too small');
    if (!this.isOpen) throw canceledError();
    if (this.lost) throw unpluggedError(this.openOptions.path, 'read');
    await nextTick();
    if (!this.isOpen) throw canceledError('Read canceled');
    return new Promise((resolve, reject) => {
      this.reads.push({ buffer, offset, length, resolve, reject });
      this.serveReads();
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('"buffer" is not a Buffer');
    if (!this.isOpen) throw canceledError();
    if (this.lost) throw unpluggedError(this.openOptions.path, 'write');
    await nextTick();
    if (!this.isOpen) throw canceledError('Write canceled');
    if (buffer.length === 0) return;
    await this.wire.write(this, new Uint8Array(buffer));
    if (this.lost) throw unpluggedError(this.openOptions.path, 'write');
  }

  async update(options: UpdateOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('"options" is not an object');
    if (typeof options.baudRate !== 'number' || !(options.baudRate > 0)) {
      throw new TypeError('"options.baudRate" is not a valid baudRate');
    }
    this.checkUsable();
    await nextTick();
    this.baud = options.baudRate;
  }

  /** Unset flags take the OS defaults, as on hardware: DTR and RTS asserted, no break. */
  async set(options: SetOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('"options" is not an object');
    this.checkUsable();
    await nextTick();
    this.wire.setLines(this, { dtr: options.dtr ?? true, rts: options.rts ?? true });
  }

  /** No modem inputs are wired on the simulated adapter. */
  async get(): Promise<PortStatus> {
    this.checkUsable();
    await nextTick();
    return { cts: false, dsr: false, dcd: false };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    this.checkUsable();
    await nextTick();
    return { baudRate: this.baud };
  }

  async flush(): Promise<void> {
    this.checkUsable();
    await nextTick();
    this.rx = [];
    this.rxBytes = 0;
    this.wire.flush(this);
  }

  async drain(): Promise<void> {
    this.checkUsable();
    await this.wire.drain(this);
    if (this.lost) throw unpluggedError(this.openOptions.path, 'write');
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new Error('Port is not open');
    this.isOpen = false;
    this.rx = [];
    this.rxBytes = 0;
    const reads = this.reads.splice(0);
    for (const read of reads) read.reject(canceledError('Read canceled'));
    this.wire.close(this);
  }

  /** Where the host, not the device, made this port's traffic late (see HostStalls in link/types.ts). */
  hostStalls(t0: number, t1: number): Stall[] {
    return this.wire.hostStalls(this, t0, t1);
  }

  private checkUsable(): void {
    if (!this.isOpen) throw canceledError();
    if (this.lost) throw unpluggedError(this.openOptions.path, 'ioctl');
  }

  private serveReads(): void {
    while (this.reads.length > 0 && this.rxBytes > 0) {
      const read = this.reads.shift()!;
      let copied = 0;
      while (copied < read.length && this.rx.length > 0) {
        const head = this.rx[0]!;
        const n = Math.min(head.length, read.length - copied);
        read.buffer.set(head.subarray(0, n), read.offset + copied);
        copied += n;
        if (n === head.length) this.rx.shift();
        else this.rx[0] = head.subarray(n);
      }
      this.rxBytes -= copied;
      read.resolve({ buffer: read.buffer, bytesRead: copied });
    }
  }
}
