/**
 * SLIP framing (RFC 1055) as boot ROMs use it: a frame starts and ends with C0; inside, C0 is sent as DB DC and
 * DB as DB DD. The decoder works on a stream in any chunking, keeps bytes outside frames apart (a ROM's text
 * banner, an application's log, line noise), and reports frames it had to throw away instead of guessing.
 * SlipReader puts the decoder on a Link: the next frame within a deadline.
 */
import type { Link } from './types.js';

export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

/** Longer frames are dropped as invalid: a line that never sends C0 cannot fill memory. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** What an invalid frame keeps of its bytes, as evidence. */
const EVIDENCE_BYTES = 256;

export function slipEncode(payload: Uint8Array): Uint8Array {
  const out: number[] = [SLIP_END];
  for (const b of payload) {
    if (b === SLIP_END) out.push(SLIP_ESC, SLIP_ESC_END);
    else if (b === SLIP_ESC) out.push(SLIP_ESC, SLIP_ESC_ESC);
    else out.push(b);
  }
  out.push(SLIP_END);
  return Uint8Array.from(out);
}

export type SlipEvent =
  /** A whole frame, unescaped; `wire` counts its bytes on the line (delimiters and escapes included). */
  | { kind: 'frame'; payload: Uint8Array; wire: number }
  /** Bytes between frames. */
  | { kind: 'noise'; bytes: Uint8Array }
  /** A frame thrown away (its first bytes): a DB followed by something else than DC or DD, or longer than MAX_FRAME_BYTES. */
  | { kind: 'invalid'; reason: 'escape' | 'too-long'; bytes: Uint8Array };

/**
 * Turns a byte stream into SLIP events. Every frame opens and closes with its own C0, as ROMs send them; a C0
 * right after an opening one is taken as the opening (no empty frames). A broken frame is consumed up to its
 * closing C0, so the frame after it is read cleanly.
 */
export class SlipDecoder {
  private inFrame = false;
  private escaping = false;
  private broken: 'escape' | 'too-long' | null = null;
  private frame: number[] = [];
  /** Wire bytes of the frame so far (after its opening C0); the first EVIDENCE_BYTES are kept. */
  private rawCount = 0;
  private raw: number[] = [];
  private noise: number[] = [];

  push(bytes: Uint8Array): SlipEvent[] {
    const events: SlipEvent[] = [];
    for (const b of bytes) {
      if (!this.inFrame) {
        if (b === SLIP_END) {
          this.flushNoise(events);
          this.startFrame();
        } else this.noise.push(b);
        continue;
      }
      if (b === SLIP_END) {
        if (this.rawCount === 0) continue; // C0 C0: an opening C0 repeated
        events.push(this.endFrame());
        continue;
      }
      this.rawCount++;
      if (this.raw.length < EVIDENCE_BYTES) this.raw.push(b);
      if (this.broken) continue;
      if (this.escaping) {
        this.escaping = false;
        if (b === SLIP_ESC_END) this.frame.push(SLIP_END);
        else if (b === SLIP_ESC_ESC) this.frame.push(SLIP_ESC);
        else this.broken = 'escape';
      } else if (b === SLIP_ESC) this.escaping = true;
      else this.frame.push(b);
      if (this.rawCount > MAX_FRAME_BYTES) {
        this.broken = 'too-long';
        this.frame = [];
      }
    }
    this.flushNoise(events);
    return events;
  }

  private startFrame(): void {
    this.inFrame = true;
    this.escaping = false;
    this.broken = null;
    this.frame = [];
    this.rawCount = 0;
    this.raw = [];
  }

  private endFrame(): SlipEvent {
    const event: SlipEvent = this.broken
      ? { kind: 'invalid', reason: this.broken, bytes: Uint8Array.from([SLIP_END, ...this.raw]) }
      : { kind: 'frame', payload: Uint8Array.from(this.frame), wire: this.rawCount + 2 };
    this.startFrame();
    this.inFrame = false;
    return event;
  }

  private flushNoise(events: SlipEvent[]): void {
    if (this.noise.length === 0) return;
    events.push({ kind: 'noise', bytes: Uint8Array.from(this.noise) });
    this.noise = [];
  }
}

export interface SlipReaderHooks {
  /** Every byte received, before decoding. */
  raw?(bytes: Uint8Array): void;
  /** Bytes outside frames, as they are decoded. */
  noise?(bytes: Uint8Array): void;
  /** A frame thrown away. */
  invalid?(event: Extract<SlipEvent, { kind: 'invalid' }>): void;
}

/** Frames from a Link, one at a time, each within a deadline; bytes after a frame wait for the next call. */
export class SlipReader {
  private readonly decoder = new SlipDecoder();
  private readonly frames: Array<Extract<SlipEvent, { kind: 'frame' }>> = [];

  constructor(
    private readonly link: Link,
    private readonly hooks: SlipReaderHooks = {},
  ) {}

  /** Decodes bytes taken from the link elsewhere (e.g. what came before the reader existed). */
  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.hooks.raw?.(bytes);
    for (const event of this.decoder.push(bytes)) {
      if (event.kind === 'frame') this.frames.push(event);
      else if (event.kind === 'noise') this.hooks.noise?.(event.bytes);
      else this.hooks.invalid?.(event);
    }
  }

  /** The next whole frame, or null when none is complete within timeoutMs. Throws PortLostError. */
  async next(timeoutMs: number): Promise<Extract<SlipEvent, { kind: 'frame' }> | null> {
    const clock = this.link.clock;
    const deadline = clock.now() + timeoutMs;
    for (;;) {
      const ready = this.frames.shift();
      if (ready) return ready;
      const left = deadline - clock.now();
      if (left <= 0) return null;
      const first = await this.link.read(1, left);
      if (first.length === 0) return null;
      this.feed(first);
      this.feed(this.link.takePending());
    }
  }

  /** Throws away frames already decoded and not read (stale answers). */
  discard(): number {
    const n = this.frames.length;
    this.frames.length = 0;
    return n;
  }
}
