/**
 * Control lines a running stub reads on stdin: pulse reset, move boot pins, cut power — the relay board's job on
 * a real bench. One command per line; parse errors are reported, never fatal.
 */

export type ControlCommand =
  | { kind: 'pulse'; name: string; ms?: number }
  | { kind: 'pin'; name: string; asserted: boolean }
  | { kind: 'power'; on: boolean }
  | { kind: 'powerCycle'; offMs: number }
  | { kind: 'lines'; dtr?: boolean; rts?: boolean }
  | { kind: 'state' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'none' };

export const CONTROL_HELP = [
  'reset             pulse reset (20 ms); the boot pins are sampled when it is released',
  'pulse <pin> [ms]  assert a pin for ms (default 20), then release it',
  '<pin> 1|0         assert or release a logical pin of the profile (boot0 1, boot1 0, kcol0 1, reset 1)',
  'power on|off      switch the supply',
  'power cycle [ms]  supply off for ms (default 200), then on',
  'lines dtr=1 rts=0 the adapter\'s DTR/RTS through the board\'s auto-reset circuit (with --auto-reset)',
  'state             print the device state',
  'help              this list',
  'quit              stop the stub',
].join('\n');

const PIN_NAME = /^[a-z][a-z0-9_-]*$/;
const LEVEL: Record<string, boolean> = { '1': true, '0': false, on: true, off: false, high: true, low: false };

export function parseControl(line: string): ControlCommand | { kind: 'error'; message: string } {
  const words = line.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [head, arg, extra] = words;
  if (!head) return { kind: 'none' };
  if (head === 'quit' || head === 'exit') return { kind: 'quit' };
  if (head === 'help' || head === '?') return { kind: 'help' };
  if (head === 'state' || head === 'status') return { kind: 'state' };
  if (head === 'power') {
    if (arg === 'cycle') {
      const offMs = extra === undefined ? 200 : Number(extra);
      return validMs(offMs) ? { kind: 'powerCycle', offMs } : { kind: 'error', message: `not a duration in ms: ${extra}` };
    }
    if (arg === 'on' || arg === 'off') return { kind: 'power', on: arg === 'on' };
    return { kind: 'error', message: 'usage: power on|off|cycle [ms]' };
  }
  if (head === 'lines') return parseLines(words.slice(1));
  if (head === 'reset' && arg === undefined) return { kind: 'pulse', name: 'reset' };
  if (head === 'pulse') {
    if (!arg || !PIN_NAME.test(arg)) return { kind: 'error', message: 'usage: pulse <pin> [ms]' };
    const ms = extra === undefined ? undefined : Number(extra);
    return ms === undefined || validMs(ms) ? { kind: 'pulse', name: arg, ms } : { kind: 'error', message: `not a duration in ms: ${extra}` };
  }
  if (arg !== undefined && arg in LEVEL && extra === undefined && PIN_NAME.test(head)) {
    return { kind: 'pin', name: head, asserted: LEVEL[arg]! };
  }
  return { kind: 'error', message: `unknown command ${JSON.stringify(line.trim())} (try "help")` };
}

/** `dtr=1 rts=0`: either line or both, set at once. */
function parseLines(args: string[]): ControlCommand | { kind: 'error'; message: string } {
  const command: { kind: 'lines'; dtr?: boolean; rts?: boolean } = { kind: 'lines' };
  for (const arg of args) {
    const match = /^(dtr|rts)=(\S+)$/.exec(arg);
    const level = match ? LEVEL[match[2]!] : undefined;
    if (!match || level === undefined) return { kind: 'error', message: 'usage: lines dtr=0|1 rts=0|1 (either or both)' };
    command[match[1] as 'dtr' | 'rts'] = level;
  }
  if (command.dtr === undefined && command.rts === undefined) return { kind: 'error', message: 'usage: lines dtr=0|1 rts=0|1 (either or both)' };
  return command;
}

function validMs(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= 60_000;
}
