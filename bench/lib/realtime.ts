/**
 * The benchmarked process at a real-time priority, as a nightly runs under a systemd unit with
 * `CPUSchedulingPolicy=rr` (docs/nightly.md): every thread of it round-robin at priority 1, ahead of ordinary work.
 * Linux only, and only where the user may (root, CAP_SYS_NICE or an RLIMIT_RTPRIO): util-linux's `chrt` sets it.
 */
import { spawnSync } from 'node:child_process';

/** Raises this process's threads; gives back how to lower them again, or why it could not. */
export function raiseToRealtime(): { lower: () => void } | { why: string } {
  const pid = String(process.pid);
  const raised = spawnSync('chrt', ['--all-tasks', '--rr', '--pid', '1', pid], { encoding: 'utf8' });
  if (raised.error || raised.status !== 0) return { why: (raised.error?.message ?? raised.stderr ?? '').trim() || `chrt exited ${raised.status}` };
  return { lower: () => void spawnSync('chrt', ['--all-tasks', '--other', '--pid', '0', pid]) };
}
