/**
 * Problems found in a configuration file, each tied to the line and column of the key or value at fault,
 * and the one error type that carries all of them to the user at once.
 */
import { InputError } from '../core/exit-codes.js';

export interface ConfigIssue {
  file: string;
  /** 1-based line of the offending key or value (1 when the problem is the file as a whole). */
  line: number;
  /** 1-based column. */
  col: number;
  /** Dotted key path, e.g. `protocol.serial.baud` or `duts[2].pins.reset`; '' for the file as a whole. */
  path: string;
  message: string;
}

/** `file:line:col: key.path: message` — the form editors and terminals turn into links. */
export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Every problem of one or more files; the message lists them all, one per line, in file order. */
export class ConfigError extends InputError {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const kept = capPerFile([...issues].sort(byPosition));
    super(kept.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = kept;
  }
}

/** Problems listed per file; past this a file is not what it claims to be, and more lines help nobody. */
export const MAX_ISSUES_PER_FILE = 100;

function capPerFile(sorted: ConfigIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const counts = new Map<string, number>();
  for (const issue of sorted) counts.set(issue.file, (counts.get(issue.file) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const issue of sorted) {
    const n = (seen.get(issue.file) ?? 0) + 1;
    seen.set(issue.file, n);
    if (n <= MAX_ISSUES_PER_FILE) out.push(issue);
    else if (n === MAX_ISSUES_PER_FILE + 1) {
      const rest = counts.get(issue.file)! - MAX_ISSUES_PER_FILE;
      out.push({ ...issue, path: '', message: `... and ${rest} more problem${rest === 1 ? '' : 's'} in this file (fix the ones above first)` });
    }
  }
  return out;
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}

/** Renders a key path the way users write it: `duts[0].pins.reset`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** Edit distance counting a swap of two neighbours as one edit (`wiat` → `wait`), enough for typos in keys. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Spellings people reach for out of habit (other tools' names), mapped to ours. */
const HABITS: Record<string, string> = {
  baudrate: 'baud',
  baud_rate: 'baud',
  speed: 'baud',
  databits: 'dataBits',
  stopbits: 'stopBits',
  nrst: 'reset',
  rst: 'reset',
  timeout: 'replyMs',
  sleep: 'wait',
  delay: 'wait',
};

const normalise = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');

/** The candidate a misspelt `word` most likely meant, or undefined when nothing is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const habit = HABITS[word.toLowerCase()];
  if (habit && candidates.includes(habit)) return habit;
  const plain = normalise(word);
  const same = candidates.find((c) => normalise(c) === plain);
  if (same) return same;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const score = editDistance(plain, normalise(candidate));
    if (score < bestScore) [best, bestScore] = [candidate, score];
  }
  const allowed = Math.max(1, Math.floor(Math.max(plain.length, 3) / 3));
  // In short names one changed character is a different name (c1 and c3, d1 and d7), not a typo.
  const substitutionOnly = best !== undefined && plain.length < 4 && normalise(best).length === plain.length;
  if (best !== undefined && bestScore <= allowed && !substitutionOnly) return best;
  // `baudrate` for `baud`, `resetPin` for `reset`: a known key that starts the word.
  const prefix = candidates.filter((c) => c.length >= 3 && plain.startsWith(normalise(c)));
  if (prefix.length > 0) return prefix.sort((x, y) => y.length - x.length)[0];
  // `pwr` for `power`: an abbreviation keeps the first letter and the order of the others.
  return candidates.find((c) => plain.length >= 2 && isAbbreviation(plain, normalise(c)));
}

function isAbbreviation(short: string, long: string): boolean {
  if (short[0] !== long[0] || short.length >= long.length) return false;
  let at = 0;
  for (const ch of short) {
    at = long.indexOf(ch, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/** ` (did you mean 'x'?)`, or '' when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : ` (did you mean '${guess}'?)`;
}

/** A value as it should appear in a message: strings quoted, long things cut short. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 37)}..."` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}
