/** The part of firmata-io 2.3 (the dependency-free Firmata core) the Firmata relay backend uses. */
declare module 'firmata-io' {
  import type { EventEmitter } from 'node:events';

  /** Binds a default transport class; with a transport object passed to the constructor it is not needed. */
  function firmataIo(transport: unknown): typeof firmataIo.Firmata;

  namespace firmataIo {
    interface FirmataOptions {
      /** ms to wait for the boot-time version report before asking for it (default 5000). */
      reportVersionTimeout?: number;
      skipCapabilities?: boolean;
      samplingInterval?: number;
    }

    /** What firmata-io needs of a transport: events 'open', 'data', 'close', 'error', and write(). */
    interface FirmataTransport extends EventEmitter {
      write(data: Buffer, callback?: (error?: Error | null) => void): unknown;
    }

    interface FirmataPin {
      supportedModes: number[];
      mode?: number;
      /** Last value written (outputs) or read (inputs). */
      value: number;
      /** From the last PIN_STATE_RESPONSE: an output's level, an input's pull-up. */
      state?: number;
      analogChannel?: number;
    }

    class Firmata extends EventEmitter {
      constructor(transport: FirmataTransport, options?: FirmataOptions, callback?: (error?: Error) => void);
      readonly isReady: boolean;
      readonly pins: FirmataPin[];
      readonly MODES: { INPUT: number; OUTPUT: number; ANALOG: number; PWM: number; SERVO: number; PULLUP: number };
      readonly HIGH: 1;
      readonly LOW: 0;
      readonly version: { major?: number; minor?: number };
      readonly firmware: { name?: string; version?: { major: number; minor: number } };
      /** Writes pending on the transport. */
      readonly pending: number;
      transport: FirmataTransport;
      pinMode(pin: number, mode: number): void;
      digitalWrite(pin: number, value: number, enqueue?: boolean): void;
      reportVersion(callback: () => void): void;
      queryFirmware(callback: () => void): void;
      /** Sends PIN_STATE_QUERY; the answer updates pins[pin].mode and .state, then calls back. */
      queryPinState(pin: number, callback: () => void): void;
    }
  }

  export = firmataIo;
}
