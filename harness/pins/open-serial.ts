/**
 * Serial ports of relay boards: opening (real binding by default, any binding for the simulation), waiting for
 * output to leave, noticing when the board vanishes, closing without fuss. Output is never flushed (discarded):
 * on a pseudo-terminal that would throw away bytes the other side has not read yet.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { InfrastructureError } from '../core/exit-codes.js';

export interface RelayPortOptions {
  path: string;
  baudRate: number;
}

/** Opens a relay board's port; rejects with an InfrastructureError when it cannot. */
export type OpenPort = (options: RelayPortOptions) => Promise<SerialPortStream>;

/** The default: the hardware binding of `serialport` (works on pseudo-terminals too). */
export const openHardwarePort: OpenPort = (options) =>
  openStream(new SerialPort({ path: options.path, baudRate: options.baudRate, autoOpen: false }), options.path);

/** An opener over any binding (e.g. the simulated bench's). */
export function portOpener(binding: BindingInterface): OpenPort {
  return (options) =>
    openStream(new SerialPortStream({ binding, path: options.path, baudRate: options.baudRate, autoOpen: false }), options.path);
}

function openStream(stream: SerialPortStream, path: string): Promise<SerialPortStream> {
  // An 'error' event with no listener would crash the process; losses are watched separately.
  stream.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    stream.open((error) => {
      if (!error) resolve(stream);
      else reject(new InfrastructureError(`cannot open ${path}: ${error.message}`));
    });
  });
}

/**
 * Calls onLost once when the port disconnects (the device vanished) or reports an error. A port only notices a
 * vanished device while it is reading, so this keeps the stream flowing; received bytes go to `onData` if given.
 * Returns a function that stops watching.
 */
export function watchPort(port: SerialPortStream, onLost: (error: Error) => void, onData?: (bytes: Buffer) => void): () => void {
  let done = false;
  const lost = (error: Error): void => {
    if (done) return;
    done = true;
    onLost(error);
  };
  const onClose = (error?: Error | null): void => {
    if (error) lost(error);
  };
  const onError = (error: Error): void => lost(error);
  const data = onData ?? ((): void => undefined);
  port.on('close', onClose);
  port.on('error', onError);
  port.on('data', data);
  return () => {
    done = true;
    port.off('close', onClose);
    port.off('error', onError);
    port.off('data', data);
  };
}

/**
 * Resolves when everything written so far has left the host: first every write still queued in the stream (the
 * binding's drain knows only the write it was handed last), then the binding's drain. Rejects instead of waiting
 * forever when the port is closed or closes meanwhile (a stream that is not open queues a drain until it opens
 * again, i.e. never).
 */
export function drainPort(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.reject(new Error('port is not open'));
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error | null): void => {
      if (settled) return;
      settled = true;
      port.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onClose = (): void => finish(new Error('port closed'));
    port.once('close', onClose);
    const drainBinding = (): void => {
      if (!port.isOpen) finish(new Error('port closed'));
      else port.drain((error) => finish(error));
    };
    if (port.writableLength === 0) drainBinding();
    // A stream completes its writes in order: the callback of an empty one runs once every earlier write is done.
    else port.write(Buffer.alloc(0), (error) => (error ? finish(error) : drainBinding()));
  });
}

/** Closes the port if it is open; never rejects. */
export function closePort(port: SerialPortStream): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise((resolve) => port.close(() => resolve()));
}
