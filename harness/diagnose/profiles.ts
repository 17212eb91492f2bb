/**
 * Profile-level mistakes: when every DUT of one profile fails the same way (same symptom in most of its trials),
 * the cause is what those DUTs share by definition — the profile (wrong pins, baud, deadline, expected identity) —
 * not four boards breaking at once. Needs at least two DUTs: one board failing is the board's business.
 */
import type { Symptom } from '../core/record.js';
import type { Cell } from './cells.js';
import type { Physics } from './physics.js';
import type { Component } from './round-stats.js';
import type { Thresholds } from './thresholds.js';

/** Symptoms a profile mistake can produce (a profile cannot make a port vanish or a supply sag), in the order tried. */
const PROFILE_SYMPTOMS: Symptom[] = ['wrong-mode', 'unexpected-reply', 'late', 'silent', 'flood', 'corrupt'];

export interface ProfileMistake {
  profile: string;
  symptom: Symptom;
  duts: string[];
  symptomFailures: number;
  /** The smallest share of the symptom among the profile's DUTs. */
  minShare: number;
  /** Hardware used by exactly the profile's trials (cannot be told apart from the profile by rates). */
  confoundedWith: string[];
}

/**
 * `physics`: when every DUT of the profile hangs on one hub or supply whose way of failing shows as that symptom on
 * the profile's family (a slow hub breaking MediaTek handshakes), the shared part is as simple a story as the
 * profile, and one the boards of other families on it can confirm or clear: the rounds decide, not this rule.
 */
export function findProfileMistakes(cells: Cell[], components: Map<string, Component>, t: Thresholds, physics?: Physics): ProfileMistake[] {
  const byProfile = new Map<string, Map<string, { trials: number; symptoms: Partial<Record<Symptom, number>> }>>();
  cells.forEach((cell) => {
    const duts = byProfile.get(cell.profile) ?? new Map();
    byProfile.set(cell.profile, duts);
    const entry = duts.get(cell.dut) ?? { trials: 0, symptoms: {} };
    duts.set(cell.dut, entry);
    entry.trials += cell.trials;
    for (const [s, n] of Object.entries(cell.symptoms) as Array<[Symptom, number]>) entry.symptoms[s] = (entry.symptoms[s] ?? 0) + n;
  });

  const mistakes: ProfileMistake[] = [];
  for (const [profile, duts] of byProfile) {
    if (duts.size < t.profileMinDuts) continue;
    for (const symptom of PROFILE_SYMPTOMS) {
      const shares = [...duts.values()].map((d) => (d.trials === 0 ? 0 : (d.symptoms[symptom] ?? 0) / d.trials));
      const minShare = Math.min(...shares);
      if (minShare < t.profileMinShare) continue;
      const profileCells = new Set(cells.flatMap((c, i) => (c.profile === profile && c.trials > 0 ? [i] : [])));
      const sharedCause = [...components.values()].some(
        (c) =>
          (c.ref.kind === 'hub' || c.ref.kind === 'supply') &&
          c.cellSet.size > profileCells.size &&
          [...profileCells].every((i) => c.cellSet.has(i)) &&
          (physics?.affinity(c.ref.kind, symptom, profile) ?? 0) >= t.fits,
      );
      if (sharedCause) continue;
      const confoundedWith = [...components.values()]
        .filter((c) => c.ref.kind !== 'host' && c.cellSet.size === profileCells.size && [...c.cellSet].every((i) => profileCells.has(i)))
        .map((c) => c.ref.id);
      mistakes.push({
        profile,
        symptom,
        duts: [...duts.keys()].sort(),
        symptomFailures: [...duts.values()].reduce((sum, d) => sum + (d.symptoms[symptom] ?? 0), 0),
        minShare,
        confoundedWith,
      });
      break;
    }
  }
  return mistakes;
}
