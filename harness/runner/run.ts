/**
 * A run: every selected DUT in its own lane, in parallel, each doing its trials one after another. Records leave
 * through `sink` the moment a trial ends, so a killed process loses at most the trials in flight. Relay boards
 * are opened (safe state) before the first trial and put back in their safe state at the end, however it ends.
 */
import type { Dut, LoadedBench, SerialSettings } from '../config/types.js';
import { realClock, type Clock } from '../core/clock.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import type { TrialComponents, TrialRecord } from '../core/record.js';
import { openSerialLink } from '../link/serial-link.js';
import { createBenchEnvironment, type BenchEnvironment } from './bench-environment.js';
import { PinController } from './pin-controller.js';
import { RelayGate } from './relay-gate.js';
import { runTrial } from './trial.js';

/** Where finished trials go (the SQLite store, or a test's array). */
export interface TrialSink {
  addTrial(record: TrialRecord): void;
}

export interface RunOptions {
  trialsPerDut?: number;
  /** Only these DUTs (default: all of the rig). */
  duts?: string[];
  concurrency?: number;
  trialTimeoutMs?: number;
  runId?: string;
  night?: string;
  sink?: TrialSink;
  /** Keep every record in the summary (default true; a huge run may turn it off and read the store). */
  keepRecords?: boolean;
  /** Trials already done per DUT (resuming a crashed night): the lane starts after them. */
  doneTrials?: Map<string, number>;
  clock?: Clock;
  /** Fault seed of a simulated rig (default: the rig's sim.seed). */
  seed?: number;
  /** Stops the run: no new trials start, trials in flight are abandoned. */
  signal?: AbortSignal;
  /** How long a lane waits for a vanished port to come back before going on. */
  portReturnMs?: number;
  onTrial?: (record: TrialRecord) => void;
  /** Called once relay backends exist, so a signal handler can put them in their safe state. */
  onEnvironment?: (env: BenchEnvironment) => void;
}

export interface RunSummary {
  runId: string;
  night: string;
  startedAt: string;
  endedAt: string;
  records: TrialRecord[];
  trials: number;
  interrupted: boolean;
}

export function nightOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function newRunId(rig: string, date: Date): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${rig}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function runBench(bench: LoadedBench, options: RunOptions = {}): Promise<RunSummary> {
  const { rig } = bench;
  const clock = options.clock ?? realClock;
  const start = new Date();
  const runId = options.runId ?? newRunId(rig.id, start);
  const night = options.night ?? nightOf(start);
  const trialsPerDut = options.trialsPerDut ?? rig.nightly.trialsPerDut;
  const concurrency = Math.max(1, options.concurrency ?? rig.nightly.concurrency);
  const timeoutMs = options.trialTimeoutMs ?? rig.nightly.trialTimeoutMs;
  const duts = selectDuts(bench, options.duts);
  const keep = options.keepRecords ?? true;
  const records: TrialRecord[] = [];
  let trials = 0;

  const env = await createBenchEnvironment(bench, clock, options.seed);
  options.onEnvironment?.(env);
  const stop = new AbortController();
  const relayLost = new Promise<never>((_, reject) => {
    for (const backend of env.backends.values()) {
      backend.onLost((error) => {
        const failure = new InfrastructureError(`relay board ${backend.board.id} lost: ${error.message}`);
        stop.abort(failure);
        reject(failure);
      });
    }
  });
  relayLost.catch(() => undefined);
  options.signal?.addEventListener('abort', () => stop.abort(options.signal?.reason), { once: true });

  const gate = new RelayGate();
  try {
    await Promise.race([Promise.all([...env.backends.values()].map((b) => b.open())), relayLost]).catch((error) => {
      throw error instanceof InfrastructureError ? error : new InfrastructureError(`cannot open relay boards: ${(error as Error).message}`);
    });

    const lane = async (dut: Dut) => {
      const profile = bench.profiles.get(dut.board)!;
      const pins = new PinController(dut, profile, env.backends, env.channels, gate);
      const components = componentsOf(bench, dut, pins.channelIds());
      const serial: SerialSettings = { ...profile.protocol.serial, ...dut.serialOverrides };
      const lineBackends = env.lineBackendsOf(dut);
      const first = (options.doneTrials?.get(dut.id) ?? 0) + 1;
      for (let seq = first; seq <= trialsPerDut && !stop.signal.aborted; seq++) {
        const record = await runTrial({
          runId, rig: rig.id, night, seq, dut, profile, components, pins, clock, serial, timeoutMs,
          signal: stop.signal,
          openLink: async (transcript) => {
            const path = await env.portPathOf(dut);
            return openSerialLink({ binding: env.binding, path, serial, clock, transcript });
          },
          attachLink: async (link) => {
            for (const backend of lineBackends) await backend.attach(link ? { set: (lines) => link.setLines(lines) } : null);
          },
        });
        if (stop.signal.aborted) break; // abandoned mid-flight: not a finished trial
        options.sink?.addTrial(record);
        options.onTrial?.(record);
        if (keep) records.push(record);
        trials++;
        if (record.symptom === 'port-lost') await waitForPort(env, dut, clock, options.portReturnMs ?? 30_000, stop.signal);
      }
    };

    await Promise.race([runLanes(duts, concurrency, lane), relayLost]);
  } finally {
    await Promise.all([...env.backends.values()].map((b) => b.safe().catch(() => undefined)));
    await Promise.all([...env.backends.values()].map((b) => b.close().catch(() => undefined)));
    env.dispose();
  }
  return {
    runId,
    night,
    startedAt: start.toISOString(),
    endedAt: new Date().toISOString(),
    records,
    trials,
    interrupted: stop.signal.aborted,
  };
}

function selectDuts(bench: LoadedBench, ids: string[] | undefined): Dut[] {
  if (!ids || ids.length === 0) return bench.rig.duts;
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

/** Runs lane(item) for every item, at most `concurrency` at a time. */
async function runLanes<T>(items: readonly T[], concurrency: number, lane: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await lane(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** After the OS port vanished: wait (without holding up other lanes) until the DUT's port is listed again. */
async function waitForPort(env: BenchEnvironment, dut: Dut, clock: Clock, maxMs: number, signal: AbortSignal): Promise<void> {
  const until = clock.now() + maxMs;
  while (clock.now() < until && !signal.aborted) {
    try {
      const path = await env.portPathOf(dut);
      const listed = await env.binding.list();
      if (listed.some((p) => p.path === path)) return;
    } catch {
      // Not back yet.
    }
    await clock.sleep(100);
  }
}
