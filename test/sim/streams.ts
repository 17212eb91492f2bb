/** Opening a real @serialport/stream SerialPortStream on the simulated binding, and collecting what it emits. */
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

export interface OpenedStream {
  port: SerialPortStream;
  /** Every byte the stream emitted, in order. */
  data: number[];
  /** Arguments of 'close' events (a DisconnectedError on unplug). */
  closes: Array<Error | null | undefined>;
  errors: Error[];
  write(bytes: number[] | Uint8Array): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function openStream(
  binding: BindingInterface,
  path: string,
  settings: { baudRate?: number; dataBits?: 5 | 6 | 7 | 8; parity?: 'none' | 'even' | 'odd'; stopBits?: 1 | 2 } = {},
): Promise<OpenedStream> {
  const port = new SerialPortStream({ binding, path, baudRate: 115200, autoOpen: false, ...settings });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const data: number[] = [];
  const closes: Array<Error | null | undefined> = [];
  const errors: Error[] = [];
  port.on('data', (chunk: Buffer) => data.push(...chunk));
  port.on('close', (error?: Error | null) => closes.push(error));
  port.on('error', (error: Error) => errors.push(error));
  return {
    port,
    data,
    closes,
    errors,
    write: (bytes) =>
      new Promise<void>((resolve, reject) => port.write(Buffer.from(bytes), (error) => (error ? reject(error) : resolve()))),
    drain: () => new Promise<void>((resolve, reject) => port.drain((error) => (error ? reject(error) : resolve()))),
    close: () => new Promise<void>((resolve, reject) => port.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Lets pending promise callbacks and nextTicks run (no clock time passes). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
