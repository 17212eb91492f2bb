/**
 * Presents an already open serial stream to firmata-io. firmata-io only starts its handshake when its transport
 * emits 'open', which our stream did before firmata-io was listening; so the wrapper says it once, on the next
 * tick.
 */
import { EventEmitter } from 'node:events';
import type { SerialPortStream } from '@serialport/stream';

export class FirmataStreamTransport extends EventEmitter {
  private readonly forward = (data: Buffer): void => {
    this.emit('data', data);
  };

  constructor(private readonly port: SerialPortStream) {
    super();
    port.on('data', this.forward);
    process.nextTick(() => this.emit('open'));
  }

  write(data: Buffer, callback?: (error?: Error | null) => void): boolean {
    if (!this.port.isOpen) {
      // After a loss firmata-io may still write (its own timers); drop quietly, the loss is reported elsewhere.
      callback?.(new Error('port is not open'));
      return false;
    }
    return this.port.write(data, (error) => callback?.(error ?? null));
  }

  detach(): void {
    this.port.off('data', this.forward);
  }
}
