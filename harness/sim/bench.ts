/**
 * The simulated bench: a rig with no hardware. Each DUT gets its boot-ROM emulator, a serial line paced by baud
 * through its cable, a USB port that can vanish, a supply that can brown out, and relay contacts that can stick;
 * the rig's `sim:` blocks say how often. Everything above (link, runner, diagnosis) sees only a serialport binding
 * and relay backends, exactly as on a real bench.
 */
import type { BindingInterface } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { BoardProfile, LoadedBench, RelayBoard, RelayChannel } from '../config/types.js';
import { realClock, type Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import type { DeviceFaults, EmulatedDevice } from '../../firmware-stubs/device.js';
import { createDevice } from '../../firmware-stubs/index.js';
import { relayBackendFor } from '../pins/registry.js';
import type { RelayBackend } from '../pins/types.js';
import { preciseClock } from '../core/precise-timer.js';
import { SimBinding } from './binding.js';
import { Contacts } from './contacts.js';
import { DutStation } from './dut-station.js';
import { HostDelays } from './host-delays.js';
import { componentsOfDut, FaultStreams, standingDeviceFaults, type TrialFaults } from './faults.js';
import { SimRelayBackend } from './relay-backend.js';

export type DeviceFactory = (profile: BoardProfile, clock: Clock, faults: DeviceFaults) => EmulatedDevice;

export interface SimBenchOptions {
  clock?: Clock;
  /** Fault seed (default: the rig's sim.seed, else 1). */
  seed?: number;
  /** Builds each DUT's emulator (default: the firmware stubs). */
  deviceFactory?: DeviceFactory;
}

export class SimBench {
  readonly binding: BindingInterface;
  readonly seed: number;
  private readonly clock: Clock;
  private readonly streams: FaultStreams;
  private readonly contacts: Contacts;
  private readonly stations = new Map<string, DutStation>();
  private readonly byPath = new Map<string, DutStation>();
  private readonly backends = new Map<string, SimRelayBackend>();
  /** The DUT whose trials a relay channel belongs to (its stuck draws follow that DUT's trial numbers). */
  private readonly channelOwner = new Map<string, string>();
  private readonly stuckStreams = new Map<string, { trial: number; rng: Rng }>();
  private disposed = false;

  constructor(private readonly bench: LoadedBench, options: SimBenchOptions = {}) {
    const { rig } = bench;
    this.clock = options.clock ?? realClock;
    this.seed = options.seed ?? rig.sim?.seed ?? 1;
    this.streams = new FaultStreams(this.seed);
    const factory = options.deviceFactory ?? createDevice;

    for (const board of rig.relays) {
      if (drivesDutLink(board) && board.dut) for (const ch of board.channels) this.channelOwner.set(ch.id, board.dut);
    }
    for (const dut of rig.duts) {
      for (const wiring of Object.values(dut.pins)) if (!this.channelOwner.has(wiring.channel)) this.channelOwner.set(wiring.channel, dut.id);
    }
    this.contacts = new Contacts(rig.relays, (channel) => this.stuckStream(channel));

    for (const dut of rig.duts) {
      const profile = bench.profiles.get(dut.board);
      if (!profile) throw new Error(`DUT ${dut.id}: no board profile ${dut.board} loaded`);
      const parts = componentsOfDut(rig, dut);
      const delays = new HostDelays(this.clock);
      const station = new DutStation({
        parts,
        profile,
        path: this.portPath(dut.id),
        clock: this.clock,
        streams: this.streams,
        contacts: this.contacts,
        // The emulator's timers are precise (as the wire's are) and watched for lateness.
        device: factory(profile, delays.watched(preciseClock(this.clock)), standingDeviceFaults(parts)),
        lineBoards: rig.relays.filter((b) => drivesDutLink(b) && b.dut === dut.id),
        delays,
      });
      this.stations.set(dut.id, station);
      this.byPath.set(station.path, station);
    }
    this.contacts.onChange((channel) => {
      for (const station of this.stations.values()) station.contactChanged(channel);
    });
    this.binding = new SimBinding(this.byPath);
  }

  /** The path list() reports for a DUT's adapter. */
  portPath(dutId: string): string {
    return `/dev/sim/${this.bench.rig.id}/${dutId}`;
  }

  /**
   * One backend per relay board of the rig, as the simulator plays them: a board whose backend drives a DUT's
   * serial link (DTR/RTS) is that backend itself, working on the simulated DUT's port; every other board, whatever
   * its driver, is simulated contacts.
   */
  relayBackends(): Map<string, RelayBackend> {
    const backends = new Map<string, RelayBackend>();
    for (const board of this.bench.rig.relays) {
      const backend = relayBackendFor(board);
      backends.set(board.id, backend.needs === 'dut-link' ? backend.create(board) : this.relayBackend(board));
    }
    return backends;
  }

  /** Simulated contacts for a relay board of this rig (not one that drives a DUT's lines: they follow its port). */
  relayBackend(board: RelayBoard): RelayBackend {
    if (drivesDutLink(board)) {
      throw new Error(`relay board ${board.id} drives the DTR/RTS lines of DUT ${board.dut}'s adapter: drive it through that DUT's port`);
    }
    let backend = this.backends.get(board.id);
    if (!backend) {
      if (!this.bench.rig.relays.some((b) => b.id === board.id)) throw new Error(`relay board ${board.id} is not on rig ${this.bench.rig.id}`);
      backend = new SimRelayBackend(board, this.contacts);
      this.backends.set(board.id, backend);
    }
    return backend;
  }

  /** The emulator behind a DUT (for tests). */
  device(dutId: string): EmulatedDevice {
    return this.station(dutId).device;
  }

  /** The faults drawn for the DUT's current trial (trial 0: before its port was first opened). */
  trialFaults(dutId: string): TrialFaults {
    return this.station(dutId).faults;
  }

  /** Whether a relay contact is closed now (what the DUT pins see, stuck or not). */
  contactClosed(channelId: string): boolean {
    return this.contacts.closed(channelId);
  }

  /** Switches of a channel that stuck, and that were attempted. */
  switchCounts(channelId: string): { attempted: number; stuck: number } {
    return {
      attempted: this.contacts.attemptedSwitches.get(channelId) ?? 0,
      stuck: this.contacts.stuckSwitches.get(channelId) ?? 0,
    };
  }

  /** Whether the DUT's board has power now. */
  powered(dutId: string): boolean {
    return this.station(dutId).poweredOn;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const station of this.stations.values()) station.dispose();
  }

  private station(dutId: string): DutStation {
    const station = this.stations.get(dutId);
    if (!station) throw new Error(`no DUT ${dutId} on rig ${this.bench.rig.id}`);
    return station;
  }

  /** One stream per channel and trial of its DUT, drawn from switch after switch. */
  private stuckStream(channel: RelayChannel): Rng {
    const owner = this.channelOwner.get(channel.id) ?? '';
    const trial = owner ? (this.stations.get(owner)?.trial ?? 0) : 0;
    const cached = this.stuckStreams.get(channel.id);
    if (cached && cached.trial === trial) return cached.rng;
    const rng = this.streams.stream(channel.id, owner, trial, 'stuckRate');
    this.stuckStreams.set(channel.id, { trial, rng });
    return rng;
  }
}

/** A board whose backend works through a DUT's serial link (its adapter's DTR/RTS lines) rather than contacts. */
function drivesDutLink(board: RelayBoard): boolean {
  return relayBackendFor(board).needs === 'dut-link';
}
