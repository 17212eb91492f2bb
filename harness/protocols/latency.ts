/**
 * The round trip a link adds to every exchange: USB-serial adapters hold received bytes back (an FTDI's latency
 * timer is 16 ms by default), hubs add more. It is measured per trial from answers the device gives at once
 * (a handshake echo, an ACK): arrival of the answer, minus when the request was handed over, minus both bytes'
 * time on the wire. Reply deadlines then start when a reply can arrive: each is extended by the largest round
 * trip seen so far, never by more than MAX_LINK_LATENCY_MS — beyond it a board is late, not delayed.
 */

/** The most latency a link is allowed to add, both ways together (50 ms each way). */
export const MAX_LINK_LATENCY_MS = 100;

export class LinkLatency {
  private readonly samples: number[] = [];

  /**
   * One round trip beyond wire time, in ms. One far beyond what a link may add is the board taking its time (a
   * bootloader still starting), not latency, and is left out.
   */
  observe(ms: number): void {
    if (Number.isFinite(ms) && ms <= 2 * MAX_LINK_LATENCY_MS) this.samples.push(Math.max(0, ms));
  }

  get measured(): boolean {
    return this.samples.length > 0;
  }

  /** What every reply deadline is extended by: the cap until a round trip has been measured. */
  get allowanceMs(): number {
    return this.samples.length ? Math.min(MAX_LINK_LATENCY_MS, Math.max(...this.samples)) : MAX_LINK_LATENCY_MS;
  }

  /** The trial's figure: the median round trip, or undefined when none was measured. */
  get medianMs(): number | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /** A transcript line: median, largest, how many answers. */
  describe(): string | null {
    const median = this.medianMs;
    if (median === undefined) return null;
    const max = Math.max(...this.samples);
    const n = this.samples.length;
    return `link round trip ${fmt(median)} ms (median of ${n} immediate answer${n > 1 ? 's' : ''}, largest ${fmt(max)} ms)`;
  }
}

function fmt(ms: number): string {
  return (Math.round(ms * 10) / 10).toString();
}
