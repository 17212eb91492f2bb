/**
 * A serialport binding that records modem-line calls with their times (performance.now()): a pseudo-terminal
 * rejects the ioctl and the mock binding records nothing. Reads wait until the port closes; writes are kept.
 */
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

export interface RecordedSet {
  at: number;
  options: SetOptions;
}

class CanceledError extends Error {
  readonly canceled = true;
}

export class RecordingPort implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  readonly sets: RecordedSet[] = [];
  readonly written: number[] = [];
  /** When set, set() rejects with this error (a failing adapter). */
  failSet: Error | null = null;
  private pendingRead: ((error: Error) => void) | null = null;

  constructor(options: OpenOptions) {
    this.openOptions = {
      dataBits: 8,
      lock: true,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: true,
      ...options,
    };
  }

  async close(): Promise<void> {
    this.isOpen = false;
    this.pendingRead?.(new CanceledError('port closed'));
    this.pendingRead = null;
  }

  read(): Promise<{ buffer: Buffer; bytesRead: number }> {
    return new Promise((_resolve, reject) => {
      if (!this.isOpen) reject(new CanceledError('port closed'));
      else this.pendingRead = reject;
    });
  }

  async write(buffer: Buffer): Promise<void> {
    this.written.push(...buffer);
  }

  async update(_options: UpdateOptions): Promise<void> {}

  async set(options: SetOptions): Promise<void> {
    if (this.failSet) throw this.failSet;
    this.sets.push({ at: performance.now(), options: { ...options } });
  }

  async get(): Promise<PortStatus> {
    return { cts: false, dsr: false, dcd: false };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }

  async flush(): Promise<void> {}

  async drain(): Promise<void> {}
}

export class RecordingBinding implements BindingInterface<RecordingPort> {
  readonly ports: RecordingPort[] = [];

  async list(): Promise<PortInfo[]> {
    return [];
  }

  async open(options: OpenOptions): Promise<RecordingPort> {
    const port = new RecordingPort(options);
    this.ports.push(port);
    return port;
  }
}
