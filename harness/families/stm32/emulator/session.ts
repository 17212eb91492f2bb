/**
 * One run of the bootloader from start-up to reset or jump: autobaud sync, then commands framed as code +
 * complement, each played by its generator from commands.ts. Bytes that arrive while a command is busy
 * (erasing) wait in the receive queue, as the host would not send more before the ACK anyway.
 */
import type { Clock } from '../../../core/clock.js';
import { ACK, NACK, commandFlow, type CommandContext, type CommandFlow, type FlowStep } from './commands.js';

const SYNC = 0x7f;
const NOTHING = new Uint8Array(0);

export class BootloaderSession {
  /** The first 0x7F after start-up was answered: the bootloader has locked its baud rate. */
  synced = false;
  private queue: number[] = [];
  private flow: CommandFlow | null = null;
  private step: FlowStep | null = null;
  private busy = false;
  private closed = false;
  private cancelWait: (() => void) | null = null;

  constructor(
    private readonly ctx: CommandContext,
    private readonly clock: Clock,
  ) {}

  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    for (const b of bytes) this.queue.push(b);
    this.pump();
  }

  /** Stops the session for good (reset, power loss, jump): pending work is dropped. */
  close(): void {
    this.closed = true;
    this.cancelWait?.();
    this.cancelWait = null;
    this.flow = null;
    this.queue = [];
  }

  private pump(): void {
    while (!this.closed && !this.busy) {
      if (!this.synced) {
        if (this.queue.length === 0) return;
        // Before sync the autobaud logic only reacts to 0x7F; anything else is not a usable edge pattern.
        if (this.queue.shift() === SYNC) {
          this.synced = true;
          this.ctx.reply([ACK]);
        }
        continue;
      }
      if (!this.flow) {
        if (this.queue.length < 2) return;
        const code = this.queue.shift()!;
        const complement = this.queue.shift()!;
        const flow = (code ^ 0xff) === complement ? commandFlow(code, this.ctx) : null;
        if (!flow) {
          this.ctx.reply([NACK]);
          continue;
        }
        this.flow = flow;
        this.advance(NOTHING);
        continue;
      }
      const step = this.step;
      if (!step || !('need' in step)) return;
      if (this.queue.length < step.need) return;
      this.advance(Uint8Array.from(this.queue.splice(0, step.need)));
    }
  }

  /** Resumes the current command with its input and looks at what it wants next. */
  private advance(input: Uint8Array): void {
    const flow = this.flow;
    if (!flow) return;
    const next = flow.next(input);
    if (this.closed || this.flow !== flow) return;
    if (next.done) {
      this.flow = null;
      this.step = null;
      return;
    }
    this.step = next.value;
    if ('waitMs' in next.value) {
      this.busy = true;
      this.cancelWait = this.clock.setTimer(next.value.waitMs, () => {
        this.cancelWait = null;
        this.busy = false;
        this.advance(NOTHING);
        this.pump();
      });
    }
  }
}
