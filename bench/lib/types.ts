/** What every benchmark module exports, and what it hands back to the runner for the summary table. */

export type Verdict = 'met' | 'missed' | 'error';

export interface BenchContext {
  /** Small sizes: the whole suite in about a minute. */
  quick: boolean;
  /** Progress and detail lines (stderr, so the table on stdout stays clean). */
  log(line: string): void;
  /** Timing under load measured with the harness at a real-time priority (`--realtime`, bench/lib/realtime.ts). */
  realtime?: boolean;
}

export interface BenchResult {
  /** The headline figure, e.g. "median 1.3 ms, p99 4.1 ms". */
  figure: string;
  verdict: Verdict;
  /** Further lines for the detail section below the table. */
  details: string[];
}

export interface Benchmark {
  id: string;
  what: string;
  target: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
