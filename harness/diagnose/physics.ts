/**
 * Symptom physics per chip family: how each way a component can fail shows on one boot ROM. The same supply dip
 * makes an STM32 bootloader lose its sync (`reset-mid`) while a MediaTek BROM just stops answering (`silent`);
 * extra USB latency breaks MediaTek's byte-by-byte handshake long before STM32's few bytes notice. The diagnosis
 * knows no family by name: each family states its physics next to its own code (harness/families/<f>/physics.ts)
 * and the caller hands the table in. A family or kind the table does not describe falls back to the symptom table's
 * generic affinities (symptom-fit.ts), as one mode that shows every symptom the kind usually causes.
 */
import type { ComponentKind, Symptom } from '../core/record.js';
import type { FailingSymptom } from '../core/symptoms.js';
import { affinity } from './symptom-fit.js';

/** One way a kind of component fails, and how strongly each symptom shows it on the family (0 never … 1 its usual face). */
export interface FaultMode {
  kind: ComponentKind;
  /** A name shared by families for the same physical cause (`brownout`, `latency`, `disconnect`, …). */
  mode: string;
  faces: Partial<Record<FailingSymptom, number>>;
}

/** What a family states: every mode of each kind it describes (kinds it leaves out follow the symptom table). */
export interface FamilyPhysics {
  family: string;
  modes: FaultMode[];
}

/** Family name → physics, handed in by whoever calls the diagnosis. */
export type PhysicsTable = ReadonlyMap<string, FamilyPhysics>;

/** The mode a kind has where no family physics describes it: the symptom table's column, matching any mode. */
export const GENERIC_MODE = '*';

/** The physics as the diagnosis reads it: per profile (through its family), per kind, per symptom. */
export class Physics {
  constructor(
    private readonly table: PhysicsTable = new Map(),
    /** Profile id → family name. */
    private readonly familyOf: (profile: string) => string | undefined = () => undefined,
  ) {}

  /** The modes of a kind on a profile's family. */
  modes(kind: ComponentKind, profile: string): Array<{ mode: string; faces: (symptom: Symptom) => number }> {
    const family = this.familyOf(profile);
    const described = family ? this.table.get(family)?.modes.filter((m) => m.kind === kind) : undefined;
    if (!described || described.length === 0) return [{ mode: GENERIC_MODE, faces: (s) => affinity(kind, s) }];
    return described.map((m) => ({ mode: m.mode, faces: (s) => (s === 'ok' ? 0 : (m.faces[s] ?? 0)) }));
  }

  /** How well one symptom on one profile fits a kind: its best mode. */
  affinity(kind: ComponentKind, symptom: Symptom, profile: string): number {
    return Math.max(0, ...this.modes(kind, profile).map((m) => m.faces(symptom)));
  }

  /** Failure-weighted mean affinity of symptom mixes seen on several profiles (0 without failures). */
  fit(kind: ComponentKind, mixes: Array<{ profile: string; symptoms: Partial<Record<Symptom, number>> }>): number {
    let total = 0;
    let weighted = 0;
    for (const { profile, symptoms } of mixes) {
      for (const [symptom, count] of Object.entries(symptoms) as Array<[Symptom, number]>) {
        if (symptom === 'ok' || !count) continue;
        total += count;
        weighted += count * this.affinity(kind, symptom, profile);
      }
    }
    return total === 0 ? 0 : weighted / total;
  }

  /**
   * The modes of a kind under which a symptom on a profile fits (affinity ≥ `fits`), with its strength: two DUTs
   * feel one shared cause only when some mode fits a symptom of each.
   */
  fittingModes(kind: ComponentKind, symptom: Symptom, profile: string, fits: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const m of this.modes(kind, profile)) {
      const a = m.faces(symptom);
      if (a >= fits) out.set(m.mode, Math.max(a, out.get(m.mode) ?? 0));
    }
    return out;
  }
}

/** Whether two mode names can be one cause (a generic mode is any mode). */
export function sameMode(a: string, b: string): boolean {
  return a === b || a === GENERIC_MODE || b === GENERIC_MODE;
}
