/**
 * A run: every selected DUT in its own lane, in parallel, each doing its trials one after another. Records leave
 * through `sink` the moment a trial ends, so a killed process loses at most the trials in flight. Relay boards
 * are opened (safe state) before the first trial and put back in their safe state at the end, however it ends —
 * and only after every lane has stopped, so no leave sequence races the safe state.
 * The run is handed its world (world.ts): the clock, the serial binding, the relay backends; it builds none of them.
 * A DUT whose adapter cannot be opened costs one trial, then a wait for the adapter to come back; if it does not,
 * the rest of its trials are not run (RunSummary.notRun says how many and why), never charged to its relays.
 */
import { setMaxListeners } from 'node:events';
import { dutsInService } from '../config/health.js';
import type { Dut, LoadedBench, RelayChannel, SerialSettings } from '../config/types.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { asHarnessError, type NotRun, type TrialComponents, type TrialRecord } from '../core/record.js';
import { newRunId, nightOf } from '../core/run-id.js';
import { openSerialLink } from '../link/serial-link.js';
import type { RelayBackend } from '../pins/types.js';
import { PinController } from './pin-controller.js';
import { RelayGate } from './relay-gate.js';
import { RelayWatch } from './relay-watch.js';
import { runTrial } from './trial.js';
import type { World } from './world.js';

/** Where finished trials go (the trial store, or a test's array); a lane awaits each before its next trial. */
export interface TrialSink {
  addTrial(record: TrialRecord): Promise<void> | void;
}

export interface RunOptions {
  /** The bench the run drives: clock, serial binding, relay backends, port lookup (see world.ts). */
  world: World;
  trialsPerDut?: number;
  /** Only these DUTs, whatever their declared health (default: every DUT in service: not in maintenance, not retired). */
  duts?: string[];
  concurrency?: number;
  trialTimeoutMs?: number;
  runId?: string;
  night?: string;
  sink?: TrialSink;
  /** Trials already done per DUT (resuming a crashed night): the lane starts after them. */
  doneTrials?: Map<string, number>;
  /** Stops the run: no new trials start, trials in flight are abandoned. */
  signal?: AbortSignal;
  /** How long a lane waits for a vanished or unopenable port to come back before its next trial. */
  portReturnMs?: number;
  onTrial?: (record: TrialRecord) => void;
  /**
   * Asked before each trial of a DUT: why its lane must stop here (a time budget running out), or undefined to go on.
   * The trials left are then not run, with that reason.
   */
  beforeTrial?: (dut: Dut, seq: number) => Pick<NotRun, 'reason' | 'detail'> | undefined;
  /** More trials once the planned ones have ended (the nightly's follow-up trials), marked `followUp` in their records. */
  followUp?: FollowUpTrials;
}

/**
 * Follow-up trials: asked once every lane has ended its planned trials (the run neither stopped nor failed, no DUT
 * left trials not run), then before each further trial of a DUT it names.
 */
export interface FollowUpTrials {
  /** The DUTs to run more trials of (none: the run ends). */
  begin(): Promise<readonly string[]>;
  /** Before each follow-up trial of `dut`: whether to run it; false ends that DUT's follow-up. */
  next(dut: Dut): boolean;
}

export interface RunSummary {
  runId: string;
  night: string;
  startedAt: string;
  endedAt: string;
  /** This process's finished trials, in the order they ended. */
  records: TrialRecord[];
  trials: number;
  /** Trials not attempted, per DUT whose adapter stayed missing (none: every planned trial ran or was stopped). */
  notRun: NotRun[];
  interrupted: boolean;
}

export async function runBench(bench: LoadedBench, options: RunOptions): Promise<RunSummary> {
  const { rig } = bench;
  const { world } = options;
  const { clock } = world;
  const start = new Date();
  const runId = options.runId ?? newRunId(rig.id, start);
  const night = options.night ?? nightOf(start);
  const trialsPerDut = options.trialsPerDut ?? rig.nightly.trialsPerDut;
  const concurrency = Math.max(1, options.concurrency ?? rig.nightly.concurrency);
  const timeoutMs = options.trialTimeoutMs ?? rig.nightly.trialTimeoutMs;
  const portReturnMs = options.portReturnMs ?? 30_000;
  const duts = selectDuts(bench, options.duts);
  const records: TrialRecord[] = [];
  const notRun: NotRun[] = [];

  const stop = new AbortController();
  // Every lane's trial listens for the stop: more lanes than Node's default listener warning expects.
  setMaxListeners(duts.length + 10, stop.signal);
  const stopWith = (reason: unknown) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  if (options.signal?.aborted) stopWith(options.signal.reason);
  options.signal?.addEventListener('abort', () => stopWith(options.signal?.reason), { once: true });
  /** The first failure that ends the run (a relay board lost, the store failing); signals are not failures. */
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    stopWith(error);
  };

  const channels = channelsOf(bench);
  const backends = [...world.relays.values()];
  for (const backend of backends) {
    backend.onLost((error) => fail(new InfrastructureError(`relay board ${backend.board.id} lost: ${error.message}`)));
  }

  const gate = new RelayGate();
  try {
    const opened = await Promise.allSettled(backends.map((b) => b.open()));
    const openFailure = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (openFailure) {
      const error = openFailure.reason as Error;
      throw error instanceof InfrastructureError ? error : new InfrastructureError(`cannot open relay boards: ${error.message}`);
    }
    const watch = new RelayWatch(gate, world.relays, channels);
    const silentAtStart = await watch.silentBoard(backends);
    if (silentAtStart) throw silentAtStart;

    /** Trials `first`… of a DUT: the planned ones up to trialsPerDut, or follow-up trials while `followUp` says so. */
    const lane = async (dut: Dut, first: number, followUp?: FollowUpTrials) => {
      const profile = bench.profiles.get(dut.board)!;
      const pins = new PinController(dut, world.relays, channels, gate);
      const components = componentsOf(bench, dut, pins.channelIds());
      const serial: SerialSettings = { ...profile.protocol.serial, ...dut.serialOverrides };
      const linkUsers = dutLinkUsers(backends, dut);
      const boards = watch.boardsOf(dut);
      let unopenedBefore = false;
      for (let seq = first; (followUp || seq <= trialsPerDut) && !stop.signal.aborted; seq++) {
        if (followUp && !followUp.next(dut)) break;
        const halt = followUp ? undefined : options.beforeTrial?.(dut, seq);
        if (halt) {
          notRun.push({ dut: dut.id, trials: trialsPerDut - seq + 1, ...halt });
          break;
        }
        let record = await runTrial({
          runId, rig: rig.id, night, seq, dut, profile, components, pins, clock, serial, timeoutMs,
          signal: stop.signal,
          openLink: async (transcript) => {
            const path = await world.portPathOf(dut);
            return openSerialLink({ binding: world.binding, path, serial, clock, transcript });
          },
          attachLink: async (link) => {
            for (const use of linkUsers) await use.attach(link ? { set: (lines) => link.setLines(lines) } : null);
          },
        });
        if (stop.signal.aborted) break; // abandoned mid-flight: not a finished trial
        if (followUp) record = { ...record, followUp: true };
        // Before the record counts: did this DUT's relay controllers follow the trial at all?
        const silent = await watch.silentBoard(boards);
        if (silent) record = asHarnessError(record, 'relay-not-answering', `${silent.message} — the relay controller, not the hardware under test: its contacts may not have followed this trial`);
        await options.sink?.addTrial(record);
        options.onTrial?.(record);
        records.push(record);
        if (silent) throw silent;
        const lost = record.symptom === 'port-lost';
        const unopened = record.symptom === 'port-open-failed';
        let giveUp: string | undefined;
        if (unopened && unopenedBefore) {
          // Listed yet unopenable twice in a row (permissions, another program): more trials would only repeat it.
          giveUp = 'it could not be opened twice in a row';
        } else if (lost || unopened) {
          // A vanished port comes back when the OS re-enumerates it; trials meanwhile would only repeat the loss.
          const back = await waitForPort(world, dut, portReturnMs, stop.signal);
          if (!back && unopened && !stop.signal.aborted) giveUp = `it was not back within ${Math.round(portReturnMs / 1000)} s`;
        }
        unopenedBefore = unopened;
        if (!giveUp) continue;
        if (seq < trialsPerDut) {
          notRun.push({ dut: dut.id, trials: trialsPerDut - seq, reason: portReason(record.detail), detail: `${record.detail}; ${giveUp}` });
        }
        break;
      }
    };

    const guarded = (run: (dut: Dut) => Promise<void>) => async (dut: Dut) => {
      try {
        await run(dut);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    };
    await runLanes(duts, concurrency, guarded((dut) => lane(dut, (options.doneTrials?.get(dut.id) ?? 0) + 1)));
    const followUp = options.followUp;
    if (followUp && !stop.signal.aborted && notRun.length === 0) {
      const wanted = new Set(await followUp.begin());
      // Every lane ran its planned trials (nothing was left not run); a resumed night may have stored follow-ups already.
      const next = (dut: Dut) => Math.max(options.doneTrials?.get(dut.id) ?? 0, trialsPerDut) + 1;
      if (!stop.signal.aborted) await runLanes(duts.filter((d) => wanted.has(d.id)), concurrency, guarded((dut) => lane(dut, next(dut), followUp)));
    }
  } finally {
    // Every lane has stopped: nothing else switches a relay now.
    await Promise.all(backends.map((b) => gate.run(b.board.id, () => b.safe()).catch(() => undefined)));
    await Promise.all(backends.map((b) => b.close().catch(() => undefined)));
    world.dispose();
  }
  if (failure) throw failure;
  return {
    runId,
    night,
    startedAt: start.toISOString(),
    endedAt: new Date().toISOString(),
    records,
    trials: records.length,
    notRun,
    interrupted: stop.signal.aborted,
  };
}

/** Every relay channel of the rig by component id. */
function channelsOf(bench: LoadedBench): Map<string, RelayChannel> {
  const channels = new Map<string, RelayChannel>();
  for (const board of bench.rig.relays) for (const channel of board.channels) channels.set(channel.id, channel);
  return channels;
}

/** The backends that declared they drive this DUT's serial link: they are handed it around each of its trials. */
function dutLinkUsers(backends: readonly RelayBackend[], dut: Dut) {
  return backends.flatMap((backend) => (backend.dutLink?.dut === dut.id ? [backend.dutLink] : []));
}

function selectDuts(bench: LoadedBench, ids: string[] | undefined): Dut[] {
  if (!ids || ids.length === 0) return dutsInService(bench.rig);
  return ids.map((id) => {
    const dut = bench.rig.duts.find((d) => d.id === id);
    if (!dut) throw new InputError(`no DUT ${id} in rig ${bench.rig.id} (it has ${bench.rig.duts.map((d) => d.id).join(', ')})`);
    return dut;
  });
}

export function componentsOf(bench: LoadedBench, dut: Dut, relays: string[]): TrialComponents {
  const port = bench.rig.ports.find((p) => p.id === dut.port);
  const components: TrialComponents = {
    dut: dut.id,
    cable: dut.cable,
    port: dut.port,
    supply: dut.supply,
    relays,
    host: bench.rig.host,
  };
  if (port?.hub) components.hub = port.hub;
  return components;
}

/** Runs lane(item) for every item, at most `concurrency` at a time; resolves when every lane has ended. */
async function runLanes<T>(items: readonly T[], concurrency: number, lane: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await lane(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** How often a lane looks for its missing adapter. */
const PORT_POLL_MS = 100;

/** Waits (without holding up other lanes) until the DUT's port is back, or maxMs passes; whether it came back. */
async function waitForPort(world: World, dut: Dut, maxMs: number, signal: AbortSignal): Promise<boolean> {
  const { clock } = world;
  const until = clock.now() + maxMs;
  while (clock.now() < until && !signal.aborted) {
    if (await world.portPresent(dut).catch(() => false)) return true;
    await clock.sleep(PORT_POLL_MS);
  }
  return false;
}

/** The reason trials were not run after an open failure: the adapter missing, or there but not openable. */
function portReason(detail: string): NotRun['reason'] {
  return /ENOENT|no serial port matches|no such/i.test(detail) ? 'port-missing' : 'port-unopenable';
}
