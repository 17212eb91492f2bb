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
