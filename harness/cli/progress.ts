/**
 * Run progress for people: one bar per DUT redrawn in place on a terminal, plain lines elsewhere (logs, CI).
 */
import type { TrialRecord } from '../core/record.js';
import { isInteractive } from './terminal.js';

interface DutProgress {
  done: number;
  failed: number;
  errors: number;
  followUps: number;
  last: string;
}

/** The symptom of a trial, or "harness error (reason)" for a trial the harness could not run. */
export function outcomeWord(record: TrialRecord): string {
  return record.result === 'error' ? `harness error (${record.reason ?? 'exception'})` : (record.symptom ?? 'ok');
}

export class ProgressView {
  private readonly state = new Map<string, DutProgress>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    duts: string[],
    private readonly trialsPerDut: number,
  ) {
    for (const dut of duts) this.state.set(dut, { done: 0, failed: 0, errors: 0, followUps: 0, last: '' });
  }

  private get interactive(): boolean {
    return isInteractive(this.out);
  }

  trial(record: TrialRecord): void {
    const s = this.state.get(record.dut);
    if (!s) return;
    if (record.followUp) s.followUps++;
    else s.done++;
    if (record.result === 'fail') s.failed++;
    if (record.result === 'error') s.errors++;
    s.last = outcomeWord(record);
    if (this.interactive) {
      const now = Date.now();
      if (now - this.lastDraw > 80 || s.done === this.trialsPerDut) this.draw(now);
    } else if (record.result !== 'pass' || record.seq === this.trialsPerDut || record.seq % 25 === 0) {
      this.out.write(
        `${record.dut} ${record.followUp ? `follow-up trial ${record.seq}` : `trial ${record.seq}/${this.trialsPerDut}`}: ${record.result}` +
          (record.result === 'pass' ? '' : ` ${outcomeWord(record)} — ${record.detail}`) + '\n',
      );
    }
  }

  finish(): void {
    if (this.interactive) this.draw(Date.now());
  }

  private draw(now: number): void {
    this.lastDraw = now;
    const width = 30;
    const nameWidth = Math.max(...[...this.state.keys()].map((k) => k.length), 3);
    const lines = [...this.state].map(([dut, s]) => {
      const filled = Math.min(width, Math.round((s.done / this.trialsPerDut) * width));
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const fails = (s.failed ? ` ${s.failed} failed` : '') + (s.errors ? ` ${s.errors} harness error${s.errors === 1 ? '' : 's'}` : '');
      const more = s.followUps ? ` +${s.followUps} follow-up` : '';
      return `${dut.padEnd(nameWidth)} ${bar} ${String(s.done).padStart(4)}/${this.trialsPerDut}${more}${fails} ${s.last}`;
    });
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A`);
    this.out.write(lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
    this.drawn = lines.length;
  }
}
