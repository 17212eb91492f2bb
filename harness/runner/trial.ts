/**
 * One trial of one DUT: open the port → enter sequence → handshake and identify → leave sequence → close, every
 * edge and byte on one timeline. Whatever the device or the port does, the trial ends in a record, not a throw;
 * only an InfrastructureError (a relay board failing) escapes, because the whole bench depends on it.
 * A trial ends `pass`, `fail` with a hardware symptom, or `error` with a reason when the harness could not run it as
 * the profile says (an exception, a late edge, a relay controller that does not confirm, a configuration that
 * cannot run): an error is never charged to the hardware.
 */
import { DEFAULT_EDGE_TOLERANCE_MS } from '../config/board-schema.js';
import { sequenceFloorMs } from '../config/steps.js';
import type { BoardProfile, Dut, SerialSettings } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { InfrastructureError, InputError } from '../core/exit-codes.js';
import { HarnessFault } from '../core/harness-fault.js';
import type { HarnessErrorReason, Symptom, TrialComponents, TrialRecord, TrialResult } from '../core/record.js';
import { untimedWorkMay } from '../core/step-gaps.js';
import { Transcript } from '../core/transcript.js';
import { PortOpenError, type SerialLink } from '../link/serial-link.js';
import type { EngineOutcome } from '../protocols/types.js';
import { runEngine } from '../protocols/index.js';
import type { PinController } from './pin-controller.js';
import { runSequence } from './sequence.js';

export interface TrialContext {
  runId: string;
  rig: string;
  night: string;
  seq: number;
  dut: Dut;
  profile: BoardProfile;
  components: TrialComponents;
  pins: PinController;
  clock: Clock;
  serial: SerialSettings;
  /** Deadline for enter + handshake + identify; the leave sequence always runs after it. */
  timeoutMs: number;
  /** Opens the DUT's port for this trial; rejects with an error carrying `code` (ENOENT, EACCES, EBUSY) when it cannot. */
  openLink(transcript: Transcript): Promise<SerialLink>;
  /** Called with the open link (and null after close), for backends that use the adapter's own lines. */
  attachLink(link: SerialLink | null): Promise<void>;
  /** Aborts the trial early (SIGINT, a lost relay board). */
  signal?: AbortSignal;
}

export async function runTrial(ctx: TrialContext): Promise<TrialRecord> {
  const { clock, profile } = ctx;
  // Opening the port is a millisecond or more of the one thread: not while another lane's edge is due.
  await untimedWorkMay(clock);
  const startedAt = new Date().toISOString();
  const transcript = new Transcript(clock);
  const t0 = transcript.t0;
  const base = {
    runId: ctx.runId,
    trialId: `${ctx.runId}/${ctx.dut.id}/${ctx.seq}`,
    rig: ctx.rig,
    dut: ctx.dut.id,
    seq: ctx.seq,
    night: ctx.night,
    components: ctx.components,
    profile: profile.id,
    profileDigest: profile.digest,
    startedAt,
  };

  let link: SerialLink;
  try {
    link = await ctx.openLink(transcript);
  } catch (error) {
    const unopened = {
      ...base,
      phases: { enterMs: 0, handshakeMs: 0, identifyMs: 0, leaveMs: 0, totalMs: round3(clock.now() - t0) },
      resetToFirstByteMs: null,
      retries: 0,
    };
    if (isConfigurationError(error)) {
      const detail = `the rig’s description of the serial port cannot be used: ${(error as Error).message}`;
      transcript.note(detail);
      return { ...unopened, transcript: transcript.events, result: 'error', symptom: null, reason: 'config', detail };
    }
    const detail = `cannot open the serial port: ${describeOpenError(error)}`;
    transcript.note(detail);
    // No relay was switched: the relay channels are not part of what this trial tells about the hardware.
    return {
      ...unopened,
      components: { ...ctx.components, relays: [] },
      transcript: transcript.events,
      result: 'fail',
      symptom: 'port-open-failed',
      detail,
    };
  }

  let enterMs = 0;
  let leaveMs = 0;
  let bootStartedAt: number | null = null;
  let outcome: EngineOutcome | undefined;
  let harnessError: Error | undefined;
  let entered = false;
  /** How long a relay write had been waiting for its confirmation when the trial ended early (null: none was). */
  let writePendingMs: number | null = null;
  const enterStop = new AbortController();
  try {
    await ctx.attachLink(link);
    const enterStart = clock.now();
    const edgeToleranceMs = profile.timing?.edgeToleranceMs ?? DEFAULT_EDGE_TOLERANCE_MS;
    const enterAndEngine = (async () => {
      bootStartedAt = (await runSequence(profile.enter, ctx.pins, transcript, { edgeToleranceMs, signal: enterStop.signal, boardPins: profile.pins })).bootStartedAt;
      enterMs = clock.now() - enterStart;
      entered = true;
      return runEngine(profile, link);
    })();
    outcome = await withDeadline(enterAndEngine, ctx.timeoutMs, clock, ctx.signal);
  } catch (error) {
    harnessError = error as Error;
    const since = ctx.pins.pendingWriteSince;
    writePendingMs = since === null ? null : clock.now() - since;
  } finally {
    // The leave sequence runs whatever happened, so the board is left as the profile wants it; an enter sequence
    // still under way (the deadline came first) applies no further edge.
    enterStop.abort();
    const leaveStart = clock.now();
    try {
      await runSequence(profile.leave, ctx.pins, transcript);
    } catch (error) {
      harnessError ??= error as Error;
    }
    leaveMs = clock.now() - leaveStart;
    // So are closing it and building the record.
    await untimedWorkMay(clock);
    await ctx.attachLink(null).catch(() => undefined);
    await link.close().catch(() => undefined);
  }
  if (harnessError instanceof InfrastructureError) throw harnessError;

  const firstByteAt = link.firstByteAt;
  const resetToFirstByteMs =
    firstByteAt !== null && bootStartedAt !== null && firstByteAt >= bootStartedAt ? round3(firstByteAt - bootStartedAt) : null;

  let result: TrialResult;
  let symptom: Symptom | null = null;
  let reason: HarnessErrorReason | undefined;
  let detail: string;
  if (outcome) {
    result = outcome.ok ? 'pass' : 'fail';
    symptom = outcome.ok ? 'ok' : outcome.symptom;
    detail = outcome.detail;
  } else if (link.lost) {
    result = 'fail';
    symptom = 'port-lost';
    detail = `the serial port vanished mid-trial (${harnessError?.message ?? 'port lost'}) — USB port, hub or cable?`;
  } else if (harnessError instanceof TrialTimeout && entered) {
    result = 'fail';
    symptom = link.receivedCount > 0 ? 'unexpected-reply' : 'silent';
    detail = `${harnessError.message} (${link.receivedCount} bytes received)`;
  } else {
    result = 'error';
    [reason, detail] = harnessFaultOf(harnessError, ctx, profile, writePendingMs);
  }
  transcript.note(result === 'error' ? `error (${reason}): ${detail}` : `${result}: ${symptom}${detail ? ' — ' + detail : ''}`);

  const record: TrialRecord = {
    ...base,
    phases: {
      enterMs: round3(enterMs),
      handshakeMs: round3(outcome?.handshakeMs ?? 0),
      identifyMs: round3(outcome?.identifyMs ?? 0),
      leaveMs: round3(leaveMs),
      totalMs: round3(clock.now() - t0),
    },
    resetToFirstByteMs,
    retries: outcome?.retries ?? 0,
    transcript: transcript.events,
    result,
    symptom,
    detail,
  };
  if (reason) record.reason = reason;
  if (outcome?.latencyMs !== undefined) record.latencyMs = outcome.latencyMs;
  if (outcome?.identity) record.identity = outcome.identity;
  if (outcome?.mismatch) record.mismatch = outcome.mismatch;
  return record;
}

export class TrialTimeout extends Error {
  constructor(ms: number) {
    super(`trial timed out: no outcome within the rig's trialTimeoutMs of ${Math.round(ms)} ms`);
    this.name = 'TrialTimeout';
  }
}

export class TrialAborted extends Error {
  constructor() {
    super('run interrupted');
    this.name = 'TrialAborted';
  }
}

/** Races work against the trial deadline and the run's abort signal. */
function withDeadline<T>(work: Promise<T>, ms: number, clock: Clock, signal?: AbortSignal): Promise<T> {
  work.catch(() => undefined); // settles later if the deadline wins; nothing must be left unhandled
  if (signal?.aborted) return Promise.reject(new TrialAborted());
  return new Promise<T>((resolve, reject) => {
    const cancel = clock.setTimer(Math.max(0, ms), () => reject(new TrialTimeout(ms)));
    const onAbort = () => reject(new TrialAborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      cancel();
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/** Why the harness could not run the trial, for an ending that is not the board's doing. */
function harnessFaultOf(
  error: Error | undefined,
  ctx: TrialContext,
  profile: BoardProfile,
  writePendingMs: number | null,
): [HarnessErrorReason, string] {
  if (error instanceof HarnessFault) return [error.reason, error.message];
  if (error instanceof TrialTimeout) {
    // The deadline came before the enter sequence had finished: the board never had its chance to answer.
    if (writePendingMs !== null) {
      return [
        'relay-not-answering',
        `the relay controller had not confirmed a write for ${Math.round(writePendingMs)} ms when the trial deadline (${Math.round(ctx.timeoutMs)} ms) came, before the enter sequence had finished`,
      ];
    }
    const floor = sequenceFloorMs(profile.enter);
    if (floor >= ctx.timeoutMs) {
      return ['config', `the enter sequence alone takes ${floor} ms, longer than the trial deadline of ${Math.round(ctx.timeoutMs)} ms`];
    }
    return ['edge-late', `the trial deadline (${Math.round(ctx.timeoutMs)} ms) came before the enter sequence (${floor} ms of waits) had finished: its edges were late`];
  }
  return ['exception', `harness error: ${error?.message ?? 'unknown'}`];
}

/** An open failure that is the rig's description, not the port: no path or identity, or an identity several ports match. */
function isConfigurationError(error: unknown): boolean {
  if (error instanceof InputError) return true;
  return error instanceof PortOpenError && (error.code === 'EINVAL' || error.code === 'EAMBIGUOUS');
}

function describeOpenError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const hint: Record<string, string> = {
    ENOENT: 'no such port — wrong path, adapter unplugged, or renumbered (match by USB serial number)',
    EACCES: 'permission denied — add the user to the dialout group',
    EBUSY: 'port busy — another program holds it',
  };
  return code && hint[code] ? `${code}: ${hint[code]} (${message})` : message;
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
