/**
 * A Web-Serial-shaped port (what a browser's navigator.serial hands esptool-js) over the real `serialport`
 * binding: open/close, readable/writable web streams, setSignals, getInfo. A pty has no modem lines, so
 * setSignals goes where the board's DTR/RTS circuit lives: the `shakedown stub` control line `lines dtr=… rts=…`.
 */
import type { Writable } from 'node:stream';
import { SerialPort } from 'serialport';

export interface WebSerialSignals {
  dataTerminalReady?: boolean;
  requestToSend?: boolean;
  break?: boolean;
}

/** USB identity reported to the client: a CP2102, the bridge of most DevKitC boards (not Espressif's own USB). */
const CP2102 = { usbVendorId: 0x10c4, usbProductId: 0xea60 };

export class PtyWebSerialPort {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Every setSignals call, as the lines it set. */
  readonly signals: Array<{ dtr?: boolean; rts?: boolean }> = [];
  private port: SerialPort | null = null;

  constructor(
    private readonly path: string,
    /** The stub's stdin: where DTR/RTS changes go. */
    private readonly control: Writable,
  ) {}

  getInfo(): { usbVendorId: number; usbProductId: number } {
    return CP2102;
  }

  async open(options: { baudRate: number }): Promise<void> {
    const port = await openLocked(this.path, options.baudRate);
    this.port = port;
    let onData: ((chunk: Buffer) => void) | null = null;
    this.readable = new ReadableStream<Uint8Array>({
      start(controller) {
        onData = (chunk) => controller.enqueue(new Uint8Array(chunk));
        port.on('data', onData);
        port.once('close', () => {
          try {
            controller.close();
          } catch {
            // already cancelled by the reader
          }
        });
      },
      cancel() {
        if (onData) port.off('data', onData);
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(chunk), (error) => (error ? reject(error) : port.drain((e) => (e ? reject(e) : resolve()))));
        }),
    });
  }

  async setSignals(signals: WebSerialSignals): Promise<void> {
    const change: { dtr?: boolean; rts?: boolean } = {};
    if (signals.dataTerminalReady !== undefined) change.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) change.rts = signals.requestToSend;
    if (change.dtr === undefined && change.rts === undefined) return;
    this.signals.push(change);
    const words = Object.entries(change).map(([line, on]) => `${line}=${on ? 1 : 0}`);
    await new Promise<void>((resolve, reject) => this.control.write(`lines ${words.join(' ')}\n`, (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.readable = null;
    this.writable = null;
    if (port) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/**
 * Opens the port with its exclusive lock. A client that closes and at once reopens (esptool-js does, to retry
 * chip detection) can find the kernel still releasing the previous descriptor's lock: try again briefly.
 */
async function openLocked(path: string, baudRate: number): Promise<SerialPort> {
  for (let attempt = 0; ; attempt++) {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    const error = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    if (!error) return port;
    if (attempt >= 10 || !/Cannot lock port/.test(error.message)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
