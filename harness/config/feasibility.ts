/**
 * Whether a profile can run as written — checked before any relay is touched, so an impossible configuration is
 * an input error (exit 2) at the key at fault instead of a night of trials blamed on hardware:
 * - on its own: the chip's start-up time fits in what the enter sequence waits after the board starts booting;
 * - on each rig that uses it: the enter sequence plus the profile's deadlines fit in the rig's trial timeout.
 * (Pulses, off times and deadlines > 0 and byte values 0–255 are part of the schema.)
 */
import { engineNamed } from '../protocols/engines.js';
import { asMap } from './raw.js';
import type { ConfigIssue } from './issues.js';
import type { ConfigSource } from './source.js';
import { bootWait, sequenceFloorMs } from './steps.js';
import type { BoardProfile, Rig } from './types.js';

/** The chip must be listening when the engine sends its first byte, right after the enter sequence. */
export function checkStartup(source: ConfigSource, profile: BoardProfile): ConfigIssue[] {
  const startupMs = profile.chip?.startupMs;
  const boot = bootWait(profile.enter, profile.pins);
  if (startupMs === undefined || !boot || boot.waitMs >= startupMs) return [];
  const waits = profile.enter.map((step, i) => ({ step, i })).filter(({ step, i }) => i > boot.step && step.kind === 'wait');
  const at = waits.length > 0 ? ['enter', waits[waits.length - 1]!.i, 'wait'] : ['enter', boot.step];
  return [
    source.issue(
      at,
      `the enter sequence waits ${boot.waitMs} ms after the board starts booting, but the chip needs ${startupMs} ms (chip.startupMs) before it listens: its first bytes would be lost (wait at least ${startupMs} ms)`,
      'value',
    ),
  ];
}

/**
 * What a handshake may take before the engine gives up on a step: what its engine says, or by default the sum of
 * the deadlines the profile states.
 */
export function deadlinesMs(profile: BoardProfile): number {
  const protocol = profile.protocol;
  const budget = engineNamed(protocol.engine)?.budgetMs?.(protocol.options);
  return budget ?? Object.values(protocol.deadlines).reduce((sum, ms) => sum + ms, 0);
}

/** Every DUT's profile must fit, enter sequence and deadlines, within the rig's trial timeout (once per profile). */
export function checkTrialTimeout(rigSource: ConfigSource, rig: Rig, profiles: ReadonlyMap<string, BoardProfile>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const timeout = rig.nightly.trialTimeoutMs;
  const given = asMap(asMap(rigSource.data)?.nightly)?.trialTimeoutMs !== undefined;
  const seen = new Set<string>();
  rig.duts.forEach((dut, i) => {
    const profile = profiles.get(dut.board);
    if (!profile || seen.has(profile.id)) return;
    seen.add(profile.id);
    const enter = sequenceFloorMs(profile.enter);
    const deadlines = deadlinesMs(profile);
    if (enter + deadlines <= timeout) return;
    const need = `board ${profile.id} needs ${enter + deadlines} ms (enter sequence ${enter} ms + deadlines ${deadlines} ms, ${profile.file})`;
    issues.push(
      given
        ? rigSource.issue(['nightly', 'trialTimeoutMs'], `${timeout} ms is shorter than one trial can take: ${need}; raise it or shorten the profile`, 'value')
        : rigSource.issue(['duts', i, 'board'], `${need}, more than the default trial timeout of ${timeout} ms: set nightly.trialTimeoutMs`, 'value'),
    );
  });
  return issues;
}
