/**
 * One trial of one DUT: open the port → enter sequence → handshake and identify → leave sequence → close, every
 * edge and byte on one timeline. Whatever the device or the port does, the trial ends in a record, not a throw
 * (only a relay board failure escapes: the whole bench depends on it).
 */
import type { BoardProfile, Dut, SerialSettings } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Symptom, TrialComponents, TrialRecord, TrialResult } from '../core/record.js';
import { Transcript } from '../core/transcript.js';
import type { SerialLink } from '../link/serial-link.js';
import type { EngineOutcome } from '../protocols/types.js';
import { runEngine } from '../protocols/index.js';
import type { PinController } from './pin-controller.js';
import { runSequence } from './sequence.js';

/** A link the trial can close and whose modem lines the DTR/RTS backend can drive. */
export type TrialLink = SerialLink;

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
  timeoutMs: number;
  /** Opens the DUT's port for this trial; rejects with an error carrying `code` (ENOENT, EACCES, EBUSY) when it cannot. */
  openLink(transcript: Transcript): Promise<TrialLink>;
  /** Called with the open link (and null after close), for backends that use the adapter's own lines. */
  attachLink(link: TrialLink | null): Promise<void>;
  /** Aborts the trial early (SIGINT, a lost relay board). */
  signal?: AbortSignal;
}

export async function runTrial(ctx: TrialContext): Promise<TrialRecord> {
  const { clock, profile } = ctx;
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

  let link: TrialLink;
  try {
    link = await ctx.openLink(transcript);
  } catch (error) {
    const detail = `cannot open the serial port: ${describeOpenError(error)}`;
    transcript.note(detail);
    const total = clock.now() - t0;
    return {
      ...base,
      phases: { enterMs: 0, handshakeMs: 0, identifyMs: 0, leaveMs: 0, totalMs: total },
      resetToFirstByteMs: null,
      retries: 0,
      transcript: transcript.events,
      result: 'fail',
      symptom: 'port-open-failed',
      detail,
    };
  }

  await ctx.attachLink(link);
  let enterMs = 0;
  let leaveMs = 0;
  let bootStartedAt: number | null = null;
  let outcome: EngineOutcome | undefined;
  let harnessError: Error | undefined;
  try {
    const enterStart = clock.now();
    bootStartedAt = (await runSequence(profile.enter, ctx.pins, transcript)).bootStartedAt;
    enterMs = clock.now() - enterStart;
    outcome = await withTimeout(runEngine(profile, link), ctx.timeoutMs - enterMs, clock, ctx.signal);
  } catch (error) {
    harnessError = error as Error;
  } finally {
    // The leave sequence runs whatever happened, so the board is left as the profile wants it.
    const leaveStart = clock.now();
    try {
      await runSequence(profile.leave, ctx.pins, transcript);
    } catch (error) {
      harnessError ??= error as Error;
    }
    leaveMs = clock.now() - leaveStart;
    await ctx.attachLink(null).catch(() => undefined);
    await link.close().catch(() => undefined);
  }
  if (harnessError && isRelayFailure(harnessError)) throw harnessError;

  const firstByteAt = link.firstByteAt;
  const resetToFirstByteMs =
    firstByteAt !== null && bootStartedAt !== null && firstByteAt >= bootStartedAt ? round3(firstByteAt - bootStartedAt) : null;

  let result: TrialResult;
  let symptom: Symptom;
  let detail: string;
  if (outcome) {
    result = outcome.ok ? 'pass' : 'fail';
    symptom = outcome.ok ? 'ok' : outcome.symptom;
    detail = outcome.detail;
  } else if (harnessError instanceof TrialTimeout) {
    result = 'fail';
    symptom = link.receivedCount > 0 ? 'unexpected-reply' : 'silent';
    detail = harnessError.message;
  } else {
    result = 'error';
    symptom = link.lost ? 'port-lost' : 'silent';
    detail = `harness error: ${harnessError?.message ?? 'unknown'}`;
  }
  transcript.note(`${result}: ${symptom}${detail ? ' — ' + detail : ''}`);

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
  if (outcome?.identity) record.identity = outcome.identity;
  if (outcome?.mismatch) record.mismatch = outcome.mismatch;
  return record;
}

export class TrialTimeout extends Error {
  constructor(ms: number) {
    super(`trial timed out after ${Math.round(ms)} ms`);
    this.name = 'TrialTimeout';
  }
}

/** Errors of the relay layer end the run: the bench is not in a known state any more. */
export class RelayFailure extends Error {
  constructor(message: string, readonly board: string) {
    super(message);
    this.name = 'RelayFailure';
  }
}

function isRelayFailure(error: Error): boolean {
  return error instanceof RelayFailure || error.name === 'InfrastructureError';
}

function withTimeout<T>(work: Promise<T>, ms: number, clock: Clock, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = clock.setTimer(Math.max(0, ms), () => reject(new TrialTimeout(ms)));
    const onAbort = () => reject(new Error('run interrupted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      cancel();
      signal?.removeEventListener('abort', onAbort);
    });
  });
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
