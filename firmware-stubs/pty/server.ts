/**
 * Serves any EmulatedDevice on a pseudo-terminal so that real clients (stm32flash, mtkclient, our own harness on
 * the hardware serial binding) can talk to it. Bytes go both ways through an optional noisy wire and are paced
 * by the baud rate, so timings seen through the pty are those of a real UART.
 */
import type { Clock } from '../../harness/core/clock.js';
import { realClock } from '../../harness/core/clock.js';
import { Rng } from '../../harness/core/rng.js';
import type { EmulatedDevice } from '../device.js';
import { autoResetCircuit, type ModemLineLevels } from '../common/auto-reset.js';
import { NoisyWire, type CableFaultRates } from './cable.js';
import { LinePacer } from './pacer.js';
import { openSocatPty } from './socat.js';

/** Output waiting in the pipe to socat beyond this is dropped: nobody has the pty open to read it. */
const MAX_PIPE_BACKLOG = 64 * 1024;
export const DEFAULT_RESET_PULSE_MS = 20;

export interface PtyServerOptions {
  /** Path of the symlink clients open, e.g. /tmp/ttyUSB-stm32. */
  link: string;
  /** Line rate: paces the client's bytes to the device, and is the rate an autobauding bootloader locks to. */
  baud: number;
  /** Logical pins to set before power is applied (true = asserted). */
  pins?: Record<string, boolean>;
  /** The board's reset pin (the profile's pin with role reset), which pulseReset pulses; none: pulseReset does nothing. */
  resetPin?: string;
  /**
   * The board's DTR/RTS auto-reset circuit: RTS pulls the `en` pin, DTR the `strap` pin (a pty has no modem
   * lines, so clients move them with setLines, e.g. through the stub's `lines` control line).
   */
  autoReset?: { en: string; strap: string };
  /** Cable faults applied to bytes in both directions. */
  cable?: CableFaultRates & { seed?: number };
  clock?: Clock;
  socatPath?: string;
}

export interface PtyServer {
  /** The link path clients open. */
  readonly link: string;
  /** The pty slave behind the link. */
  readonly ptyPath: string;
  readonly device: EmulatedDevice;
  setPin(name: string, asserted: boolean): void;
  setPower(on: boolean): void;
  /** Asserts a pin for ms, then releases it; for reset, the device samples its boot pins at the release. */
  pulse(name: string, ms?: number): Promise<void>;
  /** Pulses the board's reset pin (options.resetPin). */
  pulseReset(ms?: number): Promise<void>;
  /** The adapter's DTR/RTS lines through the board's auto-reset circuit; false when the board has none. */
  setLines(lines: Partial<ModemLineLevels>): boolean;
  /** Resolves when the pty is gone: after close(), or if socat died. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
  /** Synchronous cleanup for process exit handlers. */
  closeNow(): void;
}

/** Devices whose UART follows the host's rate (autobaud) expose this; the server tells them the line rate. */
interface FollowsHostBaud {
  hostBaud: number;
}

function followsHostBaud(device: EmulatedDevice): device is EmulatedDevice & FollowsHostBaud {
  return typeof (device as Partial<FollowsHostBaud>).hostBaud === 'number';
}

export async function servePty(device: EmulatedDevice, options: PtyServerOptions): Promise<PtyServer> {
  const clock = options.clock ?? realClock;
  const pty = await openSocatPty(options.link, options.socatPath);
  const rng = new Rng(options.cable?.seed ?? 1);
  const toDevice = new NoisyWire(rng.fork('to-device'), options.cable ?? {});
  const toHost = new NoisyWire(rng.fork('to-host'), options.cable ?? {});

  const hostPacer = new LinePacer(clock, (bytes) => {
    if (pty.backlog < MAX_PIPE_BACKLOG) pty.write(bytes);
  });
  const devicePacer = new LinePacer(clock, (bytes) => device.receive(bytes));

  if (followsHostBaud(device)) device.hostBaud = options.baud;
  device.onTransmit((bytes, baud) => hostPacer.push(toHost.carry(bytes), baud));
  pty.onData((bytes) => devicePacer.push(toDevice.carry(bytes), options.baud));

  for (const [name, asserted] of Object.entries(options.pins ?? {})) device.setPin(name, asserted);
  device.setPower(true);

  let closed = false;
  const shutDown = (): void => {
    closed = true;
    device.dispose();
    hostPacer.clear();
    devicePacer.clear();
  };
  const ended = pty.exited.then(() => {
    shutDown();
  });

  const setPin = (name: string, asserted: boolean): void => {
    if (closed) return;
    // A chip held in reset stops its UART mid-byte: what was still on the line never arrives.
    if (name === options.resetPin && asserted) hostPacer.clear();
    device.setPin(name, asserted);
  };
  // Both lines rest released until a client moves them: nothing pulls EN or the strap.
  const lines: ModemLineLevels = { dtr: false, rts: false };
  const setLines = (change: Partial<ModemLineLevels>): boolean => {
    const wiring = options.autoReset;
    if (!wiring) return false;
    Object.assign(lines, change);
    const pulled = autoResetCircuit(lines);
    // The strap settles before EN moves, so a chip leaving reset latches the new strap level.
    setPin(wiring.strap, pulled.dtr);
    setPin(wiring.en, pulled.rts);
    return true;
  };
  const pulse = async (name: string, ms = DEFAULT_RESET_PULSE_MS): Promise<void> => {
    if (closed) return;
    setPin(name, true);
    await clock.sleep(ms);
    if (!closed) setPin(name, false);
  };

  return {
    link: pty.link,
    ptyPath: pty.ptyPath,
    device,
    ended,
    setPin,
    setPower: (on) => {
      if (closed) return;
      if (!on) hostPacer.clear();
      device.setPower(on);
    },
    pulse,
    pulseReset: async (ms) => {
      if (options.resetPin !== undefined) await pulse(options.resetPin, ms);
    },
    setLines,
    async close() {
      shutDown();
      await pty.close();
      await ended;
    },
    closeNow() {
      shutDown();
      pty.closeNow();
    },
  };
}
