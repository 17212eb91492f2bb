/**
 * A serialport binding that records modem-line calls with their times (performance.now()): a pseudo-terminal
 * rejects the ioctl and the mock binding records nothing. Reads wait until the port closes; writes are kept, and
 * may be made slow (each completes after writeMs, as on a busy USB adapter); drain() waits for the write in
 * flight, as the hardware binding does.
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
  private writing: Promise<void> = Promise.resolve();

  constructor(
    options: OpenOptions,
    private readonly writeMs = 0,
  ) {
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

  write(buffer: Buffer): Promise<void> {
    const bytes = [...buffer];
    const done = (): void => void this.written.push(...bytes);
    this.writing = this.writeMs > 0 ? new Promise((resolve) => setTimeout(() => resolve(done()), this.writeMs)) : Promise.resolve(done());
    return this.writing;
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

  async drain(): Promise<void> {
    await this.writing;
  }
}

export class RecordingBinding implements BindingInterface<RecordingPort> {
  readonly ports: RecordingPort[] = [];

  constructor(private readonly options: { writeMs?: number } = {}) {}

  async list(): Promise<PortInfo[]> {
    return [];
  }

  async open(options: OpenOptions): Promise<RecordingPort> {
    const port = new RecordingPort(options, this.options.writeMs);
    this.ports.push(port);
    return port;
  }
}
