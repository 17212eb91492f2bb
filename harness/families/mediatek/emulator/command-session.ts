/** Feeds bytes received in command mode to the command handlers, one command at a time. */
import { startCommand, type CommandContext, type CommandRoutine } from './commands.js';

export class CommandSession {
  private routine: CommandRoutine | null = null;
  private wanted = 0;
  private buffer: number[] = [];

  constructor(private readonly ctx: CommandContext) {}

  /** True while a command is waiting for argument or payload bytes. */
  get busy(): boolean {
    return this.routine !== null;
  }

  feed(byte: number): void {
    if (!this.routine) {
      this.routine = startCommand(this.ctx, byte & 0xff);
      this.resume(new Uint8Array(0));
      return;
    }
    this.buffer.push(byte & 0xff);
    if (this.buffer.length >= this.wanted) this.resume(Uint8Array.from(this.buffer));
  }

  private resume(input: Uint8Array): void {
    let next = input;
    for (;;) {
      const step = this.routine!.next(next);
      if (step.done) {
        this.routine = null;
        return;
      }
      this.buffer = [];
      this.wanted = step.value;
      if (this.wanted > 0) return;
      next = new Uint8Array(0);
    }
  }
}
