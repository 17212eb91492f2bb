/** Relay boards for the pin backend tests. */
import type { RelayBoard, RelayChannel } from '../../harness/config/types.js';

export function firmataBoard(
  polarity: RelayBoard['polarity'],
  channels: Array<{ n: number; pin: number; safe: RelayChannel['safe'] }>,
): RelayBoard {
  return {
    id: 'rb1',
    driver: 'firmata',
    polarity,
    channels: channels.map(({ n, pin, safe }) => ({ id: `rb1.${n}`, board: 'rb1', channel: n, pin, safe })),
  };
}

export function lcusBoard(safe: RelayChannel['safe'][]): RelayBoard {
  return {
    id: 'lc1',
    driver: 'lcus',
    polarity: 'active-high',
    channels: safe.map((s, i) => ({ id: `lc1.${i + 1}`, board: 'lc1', channel: i + 1, safe: s })),
  };
}

export function dtrRtsBoard(
  polarity: RelayBoard['polarity'],
  safe: { dtr: RelayChannel['safe']; rts: RelayChannel['safe'] },
): RelayBoard {
  return {
    id: 'ad1',
    driver: 'dtr-rts',
    dut: 'dut1',
    polarity,
    channels: [
      { id: 'ad1.dtr', board: 'ad1', channel: 'dtr', safe: safe.dtr },
      { id: 'ad1.rts', board: 'ad1', channel: 'rts', safe: safe.rts },
    ],
  };
}

/** A unique symlink path for a pty in the temp directory. */
export function ptyLink(name: string): string {
  return `/tmp/shakedown-pins-${process.pid}-${name}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Resolves once check() holds, polling every few ms; rejects after limitMs (a safety net, not a speed test). */
export async function eventually(check: () => boolean, limitMs = 5000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
