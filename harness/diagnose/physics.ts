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
  /** A standing fault (a board stuck in a mode) fails nearly every trial: it does not fit an intermittent failure. */
  standing?: boolean;
  /**
   * An intermittent fault (a relay contact that now and then does not move) leaves most trials right: it does not
   * fit failures on nearly every trial, which are a standing fault's (a board stuck in a mode).
   */
  intermittent?: boolean;
  /**
   * Relay channels only: the logical pins whose channel fails this way. A channel on a pin some mode names takes
   * those modes; any other channel takes the modes that name no pin.
   */
  pins?: string[];
  /**
   * Only on profiles with these traits (from the profile's own facts): what an exchange can tell decides the face a
   * cause shows — a restart that the family's engine reads as `reset-mid` is, to a script of fixed steps, a reply
   * that never came. A mode without it holds for every profile of the family.
   */
  when?: Partial<ProfileTraits>;
}

/** What a profile's exchange can tell, from the profile's facts rather than its name. */
export interface ProfileTraits {
  /**
   * Its engine knows the boot ROM and tells a restart mid-exchange from silence (the family's own engine, named
   * after the family); the script engine replays fixed send/expect steps and cannot.
   */
  readsRestart: boolean;
}

/** The traits of a profile whose facts are not known: the family's own engine. */
export const USUAL_TRAITS: ProfileTraits = { readsRestart: true };

/** A profile's traits from its facts: its family and the engine that runs its exchange. */
export function profileTraits(profile: { family: string; protocol?: { engine: string } }): ProfileTraits {
  return { readsRestart: profile.protocol === undefined || profile.protocol.engine === profile.family };
}

function traitsMatch(when: Partial<ProfileTraits> | undefined, traits: ProfileTraits): boolean {
  return when === undefined || (Object.entries(when) as Array<[keyof ProfileTraits, boolean]>).every(([k, v]) => traits[k] === v);
}

/** What a family states: every mode of each kind it describes (kinds it leaves out follow the symptom table). */
export interface FamilyPhysics {
  family: string;
  modes: FaultMode[];
}

/** Family name → physics, handed in by whoever calls the diagnosis. */
export type PhysicsTable = ReadonlyMap<string, FamilyPhysics>;

/** The name families give the way a hub or port fails by adding latency (its round trips are measured: link-latency.ts). */
export const LATENCY_MODE = 'latency';

/** The mode a kind has where nothing describes it: the symptom table's column, matching any mode. */
export const GENERIC_MODE = '*';

/**
 * Ways of failing that look the same on every boot ROM, used where a family does not describe the kind. A board
 * stuck in another mode fails every trial (now and then flooding the line with that mode's log), while a relay that
 * sometimes does not switch fails some: a reset or power relay leaves the board unrestarted (silent) or, less often,
 * in the mode it was in (wrong-mode); a mode relay leaves it in the wrong mode. A cable's noise corrupts bytes; an
 * open cable passes nothing.
 */
export const COMMON_MODES: readonly FaultMode[] = [
  { kind: 'dut', mode: 'dead', faces: { silent: 1 } },
  // A board stuck in its application (or a MediaTek Preloader) now and then prints its log before the engine has
  // read the mode: flood, on the trials the wrong mode did not fill.
  { kind: 'dut', mode: 'stuck-mode', faces: { 'wrong-mode': 1, flood: 0.5 }, standing: true },
  { kind: 'dut', mode: 'bootloop', faces: { flood: 1 } },
  { kind: 'dut', mode: 'board', faces: { late: 0.7, 'unexpected-reply': 0.6, 'reset-mid': 0.5, corrupt: 0.3, 'port-lost': 0.2, 'port-open-failed': 0.1 } },
  { kind: 'relay', mode: 'stuck', pins: ['reset', 'power'], faces: { silent: 1, 'wrong-mode': 0.7, 'reset-mid': 0.6, 'unexpected-reply': 0.5, flood: 0.5, late: 0.4 }, intermittent: true },
  { kind: 'relay', mode: 'stuck', faces: { 'wrong-mode': 1, silent: 0.5, 'unexpected-reply': 0.5, flood: 0.3 }, intermittent: true },
  { kind: 'cable', mode: 'noise', faces: { corrupt: 1, 'unexpected-reply': 0.4 } },
  // Nothing passes: exactly a dead board's face, on exactly its trials. Only a swap tells the two apart.
  { kind: 'cable', mode: 'open', faces: { silent: 1 } },
  { kind: 'cable', mode: 'disconnect', faces: { 'port-lost': 0.8, 'port-open-failed': 0.4 } },
];

/** A standing mode fits only symptoms that fill at least this share of the trials; an intermittent one, only less. */
export const STANDING_MIN_SHARE = 0.9;

/**
 * Where a symptom was seen: a profile, or a board on one night (a cell: its DUT and the parts it ran with), which
 * tells the pin a relay channel drove there — a swap may have moved the channel from one pin or board to another.
 */
export type Seen = string | { profile: string; dut: string; components: ReadonlyArray<{ kind: ComponentKind; id: string }> };

/** The pin a relay channel drove where it was seen, when known. */
export type PinOf = (channel: string, seen?: Exclude<Seen, string>) => string | undefined;

function profileOfSeen(seen: Seen): string {
  return typeof seen === 'string' ? seen : seen.profile;
}

/** The failures of one component's trials on one profile. */
export interface Mix {
  profile: string;
  /** The board and night they were seen on, when known (a relay channel's pin there). */
  seen?: Exclude<Seen, string>;
  trials: number;
  /**
   * Failures of the same trials left out of the fit (symptoms not in question): not weighed, but they still tell a
   * standing fault, which fills the trials, from an intermittent one (a board stuck in its Preloader that once
   * floods the line fails all eight trials, not seven).
   */
  besides?: Partial<Record<Symptom, number>>;
  symptoms: Partial<Record<Symptom, number>>;
}

interface ModeView {
  mode: string;
  standing: boolean;
  intermittent: boolean;
  faces: (symptom: Symptom) => number;
}

/** The physics as the diagnosis reads it: per profile (through its family), per kind, per symptom. */
export class Physics {
  constructor(
    private readonly table: PhysicsTable = new Map(),
    /** Profile id → family name. */
    private readonly familyOf: (profile: string) => string | undefined = () => undefined,
    /** Relay channel id → the logical pin it drives (from the rig; where seen, on that board that night), when known. */
    private readonly pinOf: PinOf = () => undefined,
    /** Whether a profile's enter and leave never move a pin (false when unknown). */
    private readonly pinStill: (profile: string, pin: string) => boolean = () => false,
    /** A profile's traits, when its facts are known. */
    private readonly traitsOf: (profile: string) => ProfileTraits | undefined = () => undefined,
  ) {}

  /**
   * Which boards read a cause alike: one family with the same traits. A profile whose exchange cannot tell a restart
   * reads a supply dip otherwise than its family's usual profiles, so it is compared with neither.
   */
  readingOf(profile: string): string {
    const family = this.familyOf(profile) ?? profile;
    const traits = this.traitsOf(profile) ?? USUAL_TRAITS;
    const unusual = (Object.keys(USUAL_TRAITS) as Array<keyof ProfileTraits>).filter((k) => traits[k] !== USUAL_TRAITS[k]);
    return unusual.length === 0 ? family : `${family} (not ${unusual.join(', ')})`;
  }

  /** The modes of a kind on a profile's family (for a relay channel `id`, those of the pin it drives there). */
  modes(kind: ComponentKind, seen: Seen, id?: string): ModeView[] {
    const profile = profileOfSeen(seen);
    const family = this.familyOf(profile);
    const traits = this.traitsOf(profile) ?? USUAL_TRAITS;
    let described = family ? this.table.get(family)?.modes.filter((m) => m.kind === kind && traitsMatch(m.when, traits)) : undefined;
    if (!described || described.length === 0) described = COMMON_MODES.filter((m) => m.kind === kind);
    const pin = id === undefined || kind !== 'relay' ? undefined : this.pinOf(id, typeof seen === 'string' ? undefined : seen);
    // A contact never commanded to move cannot stick: its relay channel fails no way on this profile.
    if (kind === 'relay' && pin !== undefined && this.pinStill(profile, pin)) return [];
    const forPin = described.filter((m) => pin !== undefined && m.pins?.includes(pin));
    described = forPin.length > 0 ? forPin : described.filter((m) => !m.pins || pin === undefined);
    if (described.length === 0) return [{ mode: GENERIC_MODE, standing: false, intermittent: false, faces: (s) => affinity(kind, s) }];
    return described.map((m) => ({ mode: m.mode, standing: m.standing ?? false, intermittent: m.intermittent ?? false, faces: (s) => (s === 'ok' ? 0 : (m.faces[s] ?? 0)) }));
  }

  /** How well one symptom on one profile fits a kind: its best mode (or, given, that mode). */
  affinity(kind: ComponentKind, symptom: Symptom, seen: Seen, id?: string, mode?: string): number {
    const modes = this.modes(kind, seen, id).filter((m) => mode === undefined || sameMode(m.mode, mode));
    return Math.max(0, ...modes.map((m) => m.faces(symptom)));
  }

  /**
   * How well the failures seen on several profiles fit one way the kind fails: for each mode, the failure-weighted
   * mean of its faces (each board read on its own family), the best mode kept. One cause explains a symptom mix,
   * so a board both silent and in the wrong mode fits a relay that sometimes does not switch better than a board
   * (dead, or stuck in a mode: two causes). 0 without failures.
   */
  fit(kind: ComponentKind, mixes: Mix[], id?: string): number {
    return this.bestMode(kind, mixes, id).fit;
  }

  /** The way of failing that fits the failures best (`fit`), and how well; no mode without failures. */
  bestMode(kind: ComponentKind, mixes: Mix[], id?: string): { fit: number; mode?: string } {
    const byMode = new Map<string, { weighted: number; covered: number; standing: boolean; intermittent: boolean }>();
    let total = 0;
    let trials = 0;
    for (const { profile, seen, symptoms, besides, trials: n } of mixes) {
      trials += n;
      const modes = this.modes(kind, seen ?? profile, id);
      const fitted = Object.entries(symptoms).map(([symptom, count]) => [symptom, count, true] as const);
      const alongside = Object.entries(besides ?? {}).map(([symptom, count]) => [symptom, count, false] as const);
      for (const [symptom, count, weighed] of [...fitted, ...alongside] as Array<[Symptom, number, boolean]>) {
        if (symptom === 'ok' || !count) continue;
        if (weighed) total += count;
        // Modes of one name are one way of failing: the best face of each name counts once.
        const faces = new Map<string, { face: number; standing: boolean; intermittent: boolean }>();
        for (const m of modes) {
          const seen = faces.get(m.mode);
          faces.set(m.mode, {
            face: Math.max(seen?.face ?? 0, m.faces(symptom)),
            standing: (seen?.standing ?? false) || m.standing,
            intermittent: (seen?.intermittent ?? false) || m.intermittent,
          });
        }
        for (const [mode, { face, standing, intermittent }] of faces) {
          const entry = byMode.get(mode) ?? { weighted: 0, covered: 0, standing: false, intermittent: false };
          if (weighed) entry.weighted += count * face;
          if (face > 0) entry.covered += count;
          entry.standing ||= standing;
          entry.intermittent ||= intermittent;
          byMode.set(mode, entry);
        }
      }
    }
    const best: { fit: number; mode?: string } = { fit: 0 };
    if (total === 0) return best;
    for (const [mode, e] of byMode) {
      if (e.standing && e.covered < STANDING_MIN_SHARE * trials) continue;
      if (e.intermittent && e.covered >= STANDING_MIN_SHARE * trials) continue;
      if (e.weighted / total > best.fit) Object.assign(best, { fit: e.weighted / total, mode });
    }
    return best;
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
