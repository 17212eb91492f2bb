/** Names of runs and nights, made in one place for the runner, the store and the commands. */

/** The night a run belongs to: the local date at its start, YYYY-MM-DD. */
export function nightOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `<rig>-<UTC stamp>-<4 random chars>`: sorts by time, unique enough for runs started the same second. */
export function newRunId(rig: string, date: Date): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${rig}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Whether `value` is a night as shakedown writes them: YYYY-MM-DD, and a date the calendar has. */
export function isNight(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
