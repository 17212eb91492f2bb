/**
 * One DUT on the simulated bench: its emulator, the two directions of its serial line (paced by baud, through
 * its cable), its USB port (which can vanish and re-enumerate), its supply (which can brown out), and the relay
 * contacts and adapter lines that drive its pins. A trial starts at each successful open() of its port: that is
 * when the trial's faults are drawn and handed to the board.
 */
import type { OpenOptions, PortInfo } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { BoardProfile, RelayBoard, RelayChannel } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { EmulatedDevice } from '../../firmware-stubs/device.js';
import { autoResetCircuit } from '../../firmware-stubs/common/auto-reset.js';
import type { Contacts } from './contacts.js';
import { noSuchPortError, portBusyError } from './errors.js';
import {
  drawTrialFaults,
  idleFaults,
  type DutComponents,
  type FaultStreams,
  type TrialFaults,
} from './faults.js';
import { baudsAgree, byteTimeMs, type FrameSettings } from './frame.js';
import { BaudMismatchNoise, CableNoise } from './line-noise.js';
import type { Stall } from '../core/host-lag.js';
import type { HostDelays } from './host-delays.js';
import { SimPortBinding, type PortWire } from './port.js';
import { TimedQueue } from './timed-queue.js';

/** What the OS accepts into its transmit buffer before write() waits. */
export const TX_BUFFER_BYTES = 4096;
/** How far a device may get ahead of its own UART before further output is lost (a full TX FIFO). */
export const DEVICE_BACKLOG_BYTES = 64 * 1024;
/** Delivery batches on a busy line are at most this far apart. */
export const BATCH_MS = 1;

const IDLE_FRAME: FrameSettings = { dataBits: 8, parity: 'none', stopBits: 1 };

/** USB identity of the simulated adapters (pid.codes test VID/PID). */
export const SIM_VENDOR_ID = '1209';
export const SIM_PRODUCT_ID = '0001';
export const SIM_MANUFACTURER = 'shakedown-sim';

interface WiredPin {
  name: string;
  /** A power pin gates the board's rail (with the supply); every other pin only reaches the emulator. */
  power: boolean;
  channel: string;
  /** Contact closed asserts the pin (wiring `closed: active`). */
  closedAsserts: boolean;
}

export interface StationOptions {
  parts: DutComponents;
  profile: BoardProfile;
  path: string;
  clock: Clock;
  streams: FaultStreams;
  contacts: Contacts;
  device: EmulatedDevice;
  /** DTR/RTS relay boards that use this DUT's adapter lines. */
  lineBoards: RelayBoard[];
  /** How late the host ran this DUT's world (its emulator's timers watched by it too). */
  delays: HostDelays;
}

export class DutStation implements PortWire {
  readonly path: string;
  readonly device: EmulatedDevice;
  /** Successful opens so far: trial n is the n-th. */
  trial = 0;
  faults: TrialFaults;
  /** Device output lost because the device got too far ahead of its UART. */
  deviceOverflowBytes = 0;

  private readonly clock: Clock;
  private readonly parts: DutComponents;
  private readonly pins: WiredPin[];
  private readonly pinState = new Map<string, boolean>();
  private port: SimPortBinding | null = null;
  private absentUntil = Number.NEGATIVE_INFINITY;
  private hostTxBusyUntil = 0;
  private deviceTxBusyUntil = 0;
  private readonly toDevice: TimedQueue;
  private readonly toHost: TimedQueue;
  private hostBytes = 0;
  private struck = { disconnect: false, brownout: false };
  private cableToDevice: CableNoise | null = null;
  private cableToHost: CableNoise | null = null;
  private baudNoise: BaudMismatchNoise | null = null;
  private supplyUp = true;
  private powered = false;
  private cancelDip: (() => void) | null = null;
  private disposed = false;

  constructor(private readonly options: StationOptions) {
    const { parts, profile, clock, device } = options;
    this.path = options.path;
    this.clock = clock;
    this.parts = parts;
    this.device = device;
    this.faults = idleFaults(parts);
    this.pins = Object.entries(parts.dut.pins).map(([name, wiring]) => ({
      name,
      power: profile.pins[name]?.role === 'power',
      channel: wiring.channel,
      closedAsserts: wiring.closed !== 'inactive',
    }));
    this.toDevice = new TimedQueue(clock, (bytes) => this.arriveAtDevice(bytes), BATCH_MS, options.delays);
    this.toHost = new TimedQueue(clock, (bytes) => this.port?.receive(bytes), BATCH_MS, options.delays);
    device.onTransmit((bytes, baud) => this.deviceTransmits(bytes, baud));
    // Pins settle before the rail comes up, so the board samples them at power-on.
    for (const pin of this.pins) this.drivePin(pin);
    this.updatePower();
  }

  get dutId(): string {
    return this.parts.dut.id;
  }

  /** The OS lists the port (it is not vanished or re-enumerating). */
  get present(): boolean {
    return this.clock.now() >= this.absentUntil;
  }

  /** Whether the board has power now. */
  get poweredOn(): boolean {
    return this.powered;
  }

  info(): PortInfo {
    return {
      path: this.path,
      manufacturer: SIM_MANUFACTURER,
      serialNumber: this.parts.dut.id,
      pnpId: `usb-${SIM_MANUFACTURER}_${this.parts.dut.id}-if00-port0`,
      locationId: this.parts.dut.port,
      vendorId: SIM_VENDOR_ID,
      productId: SIM_PRODUCT_ID,
    };
  }

  // ------------------------------------------------------------------ the host side (binding)

  open(options: Required<OpenOptions>): SimPortBinding {
    if (this.disposed || !this.present) throw noSuchPortError(this.path);
    if (this.port && !this.port.lost) throw portBusyError(this.path);
    this.trial++;
    this.faults = drawTrialFaults(this.options.streams, this.parts, this.trial);
    this.startTrialNoise(options.dataBits);
    this.device.setFaults(this.faults.device);
    this.port = new SimPortBinding(options, this);
    // Linux raises DTR and RTS whenever a tty is opened.
    this.driveLines({ dtr: true, rts: true });
    return this.port;
  }

  async write(port: SimPortBinding, bytes: Uint8Array): Promise<void> {
    if (port !== this.port) return;
    const byteMs = byteTimeMs(port.openOptions, port.baudRate);
    const now = this.clock.now();
    const start = Math.max(now, this.hostTxBusyUntil);
    this.hostTxBusyUntil = start + bytes.length * byteMs;
    this.toDevice.push(bytes, start + byteMs, byteMs);
    // write() resolves once the bytes fit in the OS transmit buffer.
    const acceptedAt = this.hostTxBusyUntil - TX_BUFFER_BYTES * byteMs;
    if (acceptedAt > now) await this.clock.sleep(acceptedAt - now);
  }

  async drain(port: SimPortBinding): Promise<void> {
    if (port !== this.port) return;
    const wait = this.hostTxBusyUntil - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  flush(port: SimPortBinding): void {
    if (port !== this.port) return;
    this.toDevice.discardUnsent();
    this.hostTxBusyUntil = Math.min(this.hostTxBusyUntil, this.clock.now());
  }

  hostStalls(port: SimPortBinding, t0: number, t1: number): Stall[] {
    return port === this.port ? this.options.delays.between(t0, t1) : [];
  }

  setLines(port: SimPortBinding, lines: { dtr: boolean; rts: boolean }): void {
    if (port === this.port) this.driveLines(lines);
  }

  close(port: SimPortBinding): void {
    if (port !== this.port) return;
    this.port = null;
    this.toHost.clear();
    // Bytes already handed to the OS still go out; HUPCL drops the lines on the last close.
    if (port.openOptions.hupcl) this.driveLines({ dtr: false, rts: false });
  }

  // ------------------------------------------------------------------ the wire

  private startTrialNoise(dataBits: number): void {
    const { streams } = this.options;
    const dut = this.parts.dut.id;
    const cable = this.parts.cable;
    const bitErrorRate = cable?.sim?.bitErrorRate ?? 0;
    const dropRate = cable?.sim?.dropRate ?? 0;
    const cableId = cable?.id ?? `${dut}.cable`;
    const direction = (name: string) =>
      new CableNoise(
        streams.stream(cableId, dut, this.trial, `bitErrorRate/${name}`),
        streams.stream(cableId, dut, this.trial, `dropRate/${name}`),
        { bitErrorRate, dropRate, dataBits },
      );
    this.cableToDevice = direction('to-device');
    this.cableToHost = direction('to-host');
    this.baudNoise = new BaudMismatchNoise(streams.stream(dut, dut, this.trial, 'baud-mismatch'));
    this.hostBytes = 0;
    this.struck = { disconnect: false, brownout: false };
  }

  /** Host bytes reaching the device end of the cable; disconnects and brownouts strike at their byte count. */
  private arriveAtDevice(batch: Uint8Array): void {
    let offset = 0;
    while (offset < batch.length) {
      const strikeAt = this.nextStrikeAt();
      const take = strikeAt === undefined ? batch.length - offset : Math.min(batch.length - offset, strikeAt - this.hostBytes);
      this.passToDevice(batch.subarray(offset, offset + take));
      offset += take;
      this.hostBytes += take;
      const { brownout, disconnect } = this.faults;
      if (brownout && !this.struck.brownout && this.hostBytes >= brownout.afterHostBytes) {
        this.struck.brownout = true;
        this.dipSupply(brownout.dipMs);
      }
      if (disconnect && !this.struck.disconnect && this.hostBytes >= disconnect.afterHostBytes) {
        this.struck.disconnect = true;
        this.vanish(disconnect.reenumerateMs);
        return; // the rest never left the vanished adapter
      }
    }
  }

  private nextStrikeAt(): number | undefined {
    const counts: number[] = [];
    const { brownout, disconnect } = this.faults;
    if (brownout && !this.struck.brownout) counts.push(brownout.afterHostBytes);
    if (disconnect && !this.struck.disconnect) counts.push(disconnect.afterHostBytes);
    const ahead = counts.filter((n) => n > this.hostBytes);
    return ahead.length > 0 ? Math.min(...ahead) : undefined;
  }

  private passToDevice(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.faults.cableOpen || this.disposed) return;
    const out = this.cableToDevice ? this.cableToDevice.apply(bytes) : bytes;
    if (out.length > 0) this.device.receive(out);
  }

  private deviceTransmits(bytes: Uint8Array, baud: number): void {
    if (this.disposed || bytes.length === 0 || !(baud > 0)) return;
    const port = this.port && !this.port.lost ? this.port : null;
    const byteMs = byteTimeMs(port?.openOptions ?? IDLE_FRAME, baud);
    const now = this.clock.now();
    const start = Math.max(now, this.deviceTxBusyUntil);
    if ((start - now) / byteMs > DEVICE_BACKLOG_BYTES) {
      this.deviceOverflowBytes += bytes.length;
      return;
    }
    this.deviceTxBusyUntil = start + bytes.length * byteMs;
    // The bytes occupy the line even when nobody listens; they reach the host only through an open port.
    if (!port || this.faults.cableOpen) return;
    const copy = bytes.slice();
    const passed = this.cableToHost ? this.cableToHost.apply(copy) : copy;
    if (passed.length === 0) return;
    const firstAt = start + this.faults.latencyMs;
    if (baudsAgree(baud, port.baudRate)) {
      this.toHost.push(passed, firstAt + byteMs, byteMs);
      return;
    }
    const noise = this.baudNoise!.garble(passed.length, baud, port.baudRate);
    if (noise.length === 0) return;
    // The garbage arrives spread over the time the real bytes took.
    const step = (passed.length * byteMs) / noise.length;
    this.toHost.push(noise, firstAt + step, step);
  }

  /** The USB port vanishes: the open handle fails as unplugged, and the OS forgets the path for a while. */
  private vanish(reenumerateMs: number): void {
    this.absentUntil = this.clock.now() + reenumerateMs;
    this.toDevice.clear();
    this.toHost.clear();
    this.hostTxBusyUntil = this.clock.now();
    const port = this.port;
    this.port = null;
    // An adapter without USB power drives no modem lines.
    this.driveLines({ dtr: false, rts: false });
    port?.unplug();
  }

  private dipSupply(ms: number): void {
    this.cancelDip?.();
    this.supplyUp = false;
    this.updatePower();
    this.cancelDip = this.clock.setTimer(ms, () => {
      this.cancelDip = null;
      this.supplyUp = true;
      this.updatePower();
    });
  }

  // ------------------------------------------------------------------ pins and power

  /** A relay contact moved: re-drive the pins wired to it. */
  contactChanged(channel: RelayChannel): void {
    if (this.disposed) return;
    for (const pin of this.pins) {
      if (pin.channel !== channel.id) continue;
      if (!pin.power) this.drivePin(pin);
      else if (this.asserted(pin)) {
        // The emulator hears of the power pin too (some model it); the rail follows it up, and drops first.
        this.drivePin(pin);
        this.updatePower();
      } else {
        this.updatePower();
        this.drivePin(pin);
      }
    }
  }

  private asserted(pin: WiredPin): boolean {
    return this.options.contacts.closed(pin.channel) === pin.closedAsserts;
  }

  private drivePin(pin: WiredPin): void {
    const asserted = this.asserted(pin);
    if (this.pinState.get(pin.name) === asserted) return;
    this.pinState.set(pin.name, asserted);
    this.device.setPin(pin.name, asserted);
  }

  private updatePower(): void {
    // The rail needs the supply and every power relay of the board closed.
    const on = this.supplyUp && this.pins.every((pin) => !pin.power || this.asserted(pin));
    if (on === this.powered) return;
    this.powered = on;
    this.device.setPower(on);
  }

  /**
   * The adapter's DTR/RTS lines, through the DTR/RTS relay boards wired to them (asserted = closed contact), or
   * through the board's auto-reset circuit where the rig says it has one. DTR (the strap) moves before RTS (EN).
   */
  private driveLines(lines: { dtr: boolean; rts: boolean }): void {
    for (const board of this.options.lineBoards) {
      const levels = board.circuit === 'auto-reset' ? autoResetCircuit(lines) : lines;
      for (const channel of board.channels) {
        const asserted = channel.channel === 'dtr' ? levels.dtr : channel.channel === 'rts' ? levels.rts : undefined;
        if (asserted === undefined) continue;
        this.options.contacts.command(channel.id, asserted !== (board.polarity === 'active-low'));
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.toDevice.clear();
    this.toHost.clear();
    this.cancelDip?.();
    const port = this.port;
    this.port = null;
    if (port?.isOpen) port.close().catch(() => undefined);
    this.device.dispose();
  }
}
