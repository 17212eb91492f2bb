/**
 * What every engine shares: deadline-bound exchanges over the link, phase timing, retry counting, the link's
 * measured round trip (latency.ts) that every reply deadline allows for, and the rule for how a trial ends — the
 * first hard failure stops the engine; a soft one (an answer that came late) is remembered while the engine goes
 * on identifying; and either is a harness error (host-busy), not the board's, when the host was held up enough to
 * have caused it (host-lag.ts's probe, and where the link knows them, its deliveries the host made late).
 * Byte interpretation is left to explain.ts.
 */
import type { BoardProfile } from '../config/types.js';
import { concatBytes, toHex } from '../core/bytes.js';
import { HarnessFault } from '../core/harness-fault.js';
import { hostHeldUpMs, watchHost } from '../core/host-lag.js';
import type { Identity } from '../core/record.js';
import { PortLostError, type Link } from '../link/types.js';
import { byteTimeMs } from '../sim/frame.js';
import {
  describeHostBusy,
  describeHostMiss,
  describeHostSpentBudget,
  explainLate,
  explainReply,
  explainSilence,
  expectedHex,
  FLOOD_BYTES,
  explainFlood,
  GENERIC_EXPLAINER,
  matches,
  type ByteExplainer,
  type ExpectedByte,
  type Explanation,
} from './explain.js';
import { LinkLatency, MAX_LINK_LATENCY_MS } from './latency.js';
import type { EngineOutcome } from './types.js';

type Mismatch = NonNullable<EngineOutcome['mismatch']>;

/** Ends an engine run with a diagnosis. */
export class Stop extends Error {
  constructor(
    readonly why: Explanation,
    readonly mismatch?: Mismatch,
  ) {
    super(why.detail);
    this.name = 'Stop';
  }
}

/**
 * How long to keep listening after a wrong byte, to see what else the device is saying: long enough to span the
 * gaps between the lines of a bootloop log, so a banner (one line, then quiet) and a flood tell apart.
 */
const LISTEN_QUIET_MS = 60;
const LISTEN_MAX_MS = 300;
/** A late answer is one that comes within this multiple of its deadline; later counts as silence. */
export const GRACE_FACTOR = 3;

export interface ExpectOptions {
  /** Bytes the host sent to provoke this reply (for echo checks in the diagnosis). */
  sent?: Uint8Array;
  /** The session was established before (a restart now means reset-mid). */
  afterSync?: boolean;
  /** Wait up to GRACE_FACTOR × deadline to tell late from silent (default true). */
  grace?: boolean;
  /** The device answers at once (an echo): an answer in time measures the link's round trip. */
  immediate?: boolean;
}

export class Session {
  retries = 0;
  /** What the board said about itself: the engine puts its own (typed) identity record here. */
  identity: Identity = {};
  /**
   * Asked when a reply after a good start never comes: a probe that can tell a board that restarted (reset-mid)
   * from one that went quiet. Set by engines that have one; null = plain silence.
   */
  restartProbe: ((step: string) => Promise<Explanation | null>) | null = null;
  readonly latency = new LinkLatency();
  /** Bytes that were part of a well-formed answer; the rest of what came is unasked. */
  private goodBytes = 0;
  private soft: Stop | null = null;
  private phase: 'handshake' | 'identify' | null = null;
  private phaseStart = 0;
  private readonly spent = { handshake: 0, identify: 0 };
  /** The latest request: when it was handed to the port, and how many bytes. */
  private lastSend = { at: 0, bytes: 0 };
  private readonly byteMs: number;
  /** Stops the watch on the host's stalls that judges late answers (host-lag.ts). */
  private readonly unwatchHost: () => void;
  /**
   * The first answer that never came while the host was held up for longer than the answer needed of its window:
   * whatever the trial ends in after it (silence, a restart, bytes out of step) may be the host's doing.
   */
  private hostMiss: { windowMs: number; heldUpMs: number } | null = null;

  constructor(
    readonly link: Link,
    readonly profile: BoardProfile,
    /** How this session reads bytes beyond the generic readings: the engine's family's explainer. */
    readonly explainer: ByteExplainer = GENERIC_EXPLAINER,
  ) {
    const serial = profile.protocol.serial;
    this.byteMs = byteTimeMs(serial, serial.baudRate);
    this.unwatchHost = watchHost(link.clock);
  }

  /** The session is over: the host need not be watched for it any longer. */
  close(): void {
    this.unwatchHost();
  }

  /** A deadline from the profile, falling back to replyMs. */
  deadline(key: string): number {
    const deadlines = this.profile.protocol.deadlines;
    return deadlines[key] ?? deadlines.replyMs;
  }

  begin(phase: 'handshake' | 'identify'): void {
    this.end();
    this.phase = phase;
    this.phaseStart = this.link.clock.now();
    this.link.note(phase);
  }

  end(): void {
    if (this.phase) this.spent[this.phase] += this.link.clock.now() - this.phaseStart;
    this.phase = null;
  }

  async send(bytes: Uint8Array): Promise<void> {
    this.lastSend = { at: this.link.clock.now(), bytes: bytes.length };
    await this.link.write(bytes);
  }

  /**
   * How long to wait for a reply of replyBytes to the latest request: the deadline counts from when the reply can
   * arrive — after the request's and the reply's bytes have crossed the wire and the link's round trip.
   */
  replyWindow(deadlineMs: number, replyBytes: number, latencyMs = this.latency.allowanceMs): number {
    return deadlineMs + (this.lastSend.bytes + replyBytes) * this.byteMs + latencyMs;
  }

  /** Reads up to n bytes of a reply within its window (deadline + wire time + link round trip). */
  read(n: number, deadlineMs: number): Promise<Uint8Array> {
    const windowMs = this.replyWindow(deadlineMs, n);
    return this.readWithin(n, windowMs, windowMs - this.earliestAnswerMs(n));
  }

  /**
   * Reads a one-byte answer the device gives at once (an echo, an ACK), waiting as long as any link may delay it,
   * so that no answer is still on its way when the engine gives up and sends something else.
   */
  readImmediate(deadlineMs: number): Promise<Uint8Array> {
    const windowMs = this.replyWindow(deadlineMs, 1, MAX_LINK_LATENCY_MS);
    return this.readWithin(1, windowMs, windowMs - this.earliestAnswerMs(1));
  }

  /** Reads up to n more bytes for ms (a grace period after a reply's window: they may come at once). */
  readMore(n: number, ms: number): Promise<Uint8Array> {
    return this.readWithin(n, ms, ms);
  }

  /**
   * A read that notes when its answer did not come while the host was held up for at least `spareMs` — the part of
   * the window the answer did not need: a host that did not run may have kept it away (on the simulated bench the
   * emulator waits for the process too; on a real bench the host's bytes or a device timer do).
   */
  private async readWithin(n: number, windowMs: number, spareMs: number): Promise<Uint8Array> {
    const start = this.link.clock.now();
    const got = await this.link.read(n, windowMs);
    if (got.length < n && !this.hostMiss) {
      const heldUpMs = this.heldUpMs(start, this.link.clock.now());
      if (heldUpMs > 0 && heldUpMs >= spareMs) this.hostMiss = { windowMs, heldUpMs };
    }
    return got;
  }

  /** When, after the latest request was handed over, an answer of replyBytes can first arrive: wire time and the link's measured round trip. */
  private earliestAnswerMs(replyBytes: number): number {
    return (this.lastSend.bytes + replyBytes) * this.byteMs + (this.latency.measured ? this.latency.allowanceMs : 0);
  }

  /** The byte just read was an immediate answer to the latest request: its round trip measures the link. */
  measureRoundTrip(): void {
    const arrived = this.link.lastRead;
    if (arrived) this.latency.observe(arrived.first - this.lastSend.at - (this.lastSend.bytes + 1) * this.byteMs);
  }

  /**
   * Whether the reply just read arrived after its window, counted from `start`; soft-fails it as late if so. When
   * the host was held up meanwhile by at least the lateness, the stamp is the host's, not the board's: the trial
   * is a harness error (host-busy).
   */
  judgeArrival(step: string, start: number, deadlineMs: number, replyBytes: number): void {
    const after = (this.link.lastRead?.last ?? this.link.clock.now()) - start;
    const lateMs = after - this.replyWindow(deadlineMs, replyBytes);
    if (lateMs > 0) this.lateAnswer(step, start, after, deadlineMs, lateMs, explainLate(step, after, deadlineMs, this.latency.allowanceMs));
  }

  /**
   * An answer to `step` came `afterMs` after `start`, `lateMs` beyond what its deadline allows: soft-fails it as
   * `late` (`why`) — unless the host was held up meanwhile by at least that much, when the stamp, not the board,
   * may be late: then the trial is a harness error (host-busy).
   */
  lateAnswer(step: string, start: number, afterMs: number, deadlineMs: number, lateMs: number, why: Explanation): void {
    const heldUpMs = this.heldUpMs(start, start + afterMs);
    if (heldUpMs >= lateMs) throw new HarnessFault('host-busy', describeHostBusy(step, afterMs, deadlineMs, heldUpMs));
    this.softFail(why);
  }

  /**
   * A harness error (host-busy) when a time budget of budgetMs counted from `start` has run out only because the
   * host was held up: had it run, the session would still be within it. `seen`: what the trial would otherwise end in.
   */
  failIfHostSpent(what: string, start: number, budgetMs: number, seen?: string): void {
    const now = this.link.clock.now();
    const heldUpMs = this.heldUpMs(start, now);
    const elapsedMs = now - start;
    if (heldUpMs > 0 && elapsedMs >= budgetMs && elapsedMs - heldUpMs < budgetMs) {
      throw new HarnessFault('host-busy', describeHostSpentBudget(what, budgetMs, elapsedMs, heldUpMs, seen));
    }
  }

  /** How long the host was held up between t0 and t1: the probe's stalls and the link's late deliveries. */
  private heldUpMs(t0: number, t1: number): number {
    return hostHeldUpMs(this.link.clock, t0, t1, this.link.hostStalls(t0, t1));
  }

  /** Counts bytes as part of a proper answer (so they do not count toward a flood). */
  accept(bytes: Uint8Array): Uint8Array {
    this.goodBytes += bytes.length;
    return bytes;
  }

  /**
   * Reads a reply of expected.length bytes within deadlineMs. Returns it when it matches (noting it as late
   * when it only came within the grace period); otherwise stops with the diagnosis of what came.
   */
  async expect(step: string, expected: readonly ExpectedByte[], deadlineMs: number, options: ExpectOptions = {}): Promise<Uint8Array> {
    const start = this.link.clock.now();
    let got = await this.read(expected.length, deadlineMs);
    if (matches(expected, got)) {
      if (options.immediate) this.measureRoundTrip();
      return this.accept(got);
    }
    if (got.length < expected.length && options.grace !== false && matches(expected.slice(0, got.length), got)) {
      const more = await this.readMore(expected.length - got.length, deadlineMs * (GRACE_FACTOR - 1));
      got = concatBytes([got, more]);
      if (matches(expected, got)) {
        this.judgeArrival(step, start, deadlineMs, expected.length);
        return this.accept(got);
      }
    }
    if (got.length === 0) {
      const restarted = options.afterSync && this.restartProbe ? await this.restartProbe(step) : null;
      this.fail(restarted ?? explainSilence(step, options.grace === false ? deadlineMs : deadlineMs * GRACE_FACTOR, options.afterSync ?? false));
    }
    return this.mismatch(step, expected, got, options);
  }

  /** Stops with the diagnosis of a reply that does not match, after listening to what else comes. */
  async mismatch(step: string, expected: readonly ExpectedByte[], got: Uint8Array, options: ExpectOptions = {}): Promise<never> {
    const rest = await this.link.readUntilQuiet(LISTEN_QUIET_MS, LISTEN_MAX_MS);
    const all = concatBytes([got, rest]);
    const why = explainReply({ step, expected, got: all, sent: options.sent, afterSync: options.afterSync }, this.explainer);
    this.fail(why, this.mark(step, expected, all));
  }

  /** A failure that lets the engine go on (the trial still fails): a late answer. The first one is kept. */
  softFail(why: Explanation): void {
    this.blameHostMiss(why);
    this.link.note(why.detail);
    this.soft ??= new Stop(why);
  }

  fail(why: Explanation, mismatch?: Mismatch): never {
    const { weak: _weak, ...final } = this.floodOr(why);
    this.blameHostMiss(final);
    throw new Stop(final, mismatch);
  }

  /** After an answer the host's stall may have kept away, no symptom is the board's: the trial is a harness error. */
  private blameHostMiss(why: Explanation): void {
    if (this.hostMiss) throw new HarnessFault('host-busy', describeHostMiss(this.hostMiss.windowMs, this.hostMiss.heldUpMs, why.symptom, why.detail));
  }

  /** Records a mismatch in the transcript and returns it with its time. */
  mark(step: string, expected: readonly ExpectedByte[], got: Uint8Array): Mismatch {
    const text = `${step}: expected ${expectedHex(expected)}, got ${got.length ? toHex(got.subarray(0, 64)) : 'nothing'}`;
    this.link.note(text);
    const events = this.link.transcript;
    const last = events[events.length - 1];
    const at = last && last.kind === 'note' && last.text === text ? last.t : (last?.t ?? 0);
    return { expected: expectedHex(expected), got: toHex(got.subarray(0, 256)), at };
  }

  /** Turns whatever ended the engine into its outcome. */
  outcome(ended: unknown, summary: string): EngineOutcome {
    this.end();
    const latency = this.latency.medianMs;
    const described = this.latency.describe();
    if (described) this.link.note(described);
    const base = {
      retries: this.retries,
      handshakeMs: round3(this.spent.handshake),
      identifyMs: round3(this.spent.identify),
      ...(Object.keys(this.identity).length ? { identity: this.identity } : {}),
      ...(latency !== undefined ? { latencyMs: round3(latency) } : {}),
    };
    if (ended instanceof PortLostError || this.link.lost) {
      const message = ended instanceof Error ? ended.message : 'port lost';
      return { ...base, ok: false, symptom: 'port-lost', detail: `the serial port vanished (${message}) — USB port, hub or cable?` };
    }
    if (ended instanceof Stop) {
      return { ...base, ok: false, symptom: ended.why.symptom, detail: ended.why.detail, ...(ended.mismatch ? { mismatch: ended.mismatch } : {}) };
    }
    if (this.soft) return { ...base, ok: false, symptom: this.soft.why.symptom, detail: this.soft.why.detail };
    return { ...base, ok: true, symptom: 'ok', detail: summary };
  }

  /** Many unasked bytes outweigh a vaguer reading of the last few. */
  private floodOr(why: Explanation): Explanation {
    const unasked = this.link.receivedCount - this.goodBytes;
    const vague = why.weak || why.symptom === 'unexpected-reply' || why.symptom === 'corrupt' || why.symptom === 'silent';
    if (!vague || unasked <= FLOOD_BYTES) return why;
    const flood = explainFlood(this.phase ?? 'the session', new Uint8Array(0), unasked);
    return { symptom: 'flood', detail: `${flood.detail} (last step: ${why.detail})` };
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
