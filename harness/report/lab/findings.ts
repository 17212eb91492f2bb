/**
 * What only a view across rigs can see, from each rig's cells over the window: a profile failing on several rigs
 * is the profile or its firmware, not hardware; a part that fails on every bench it visits (cables, supplies and
 * boards keep their ids when they move) is the part itself. A rig's own diagnosis says the rest.
 */
import type { ComponentKind, Symptom } from '../../core/record.js';
import type { Cell } from '../../diagnose/cells.js';
import type { DiagnosisResult } from '../../diagnose/types.js';
import { fmtPct } from '../../core/format.js';
import type { LabEvidence, LabFinding } from './types.js';

/** A profile's rate counts as high on a rig from this share of failures … */
const HIGH_RATE = 0.02;
/** … and this many times the rest of the rig … */
const RATE_RATIO = 3;
/** … with at least this many failures. */
const MIN_FAILURES = 3;
/** A DUT fails often for a profile finding at this rate. */
const DUT_FAILING_RATE = 0.05;
/** A visit where a part ran fewer trials than this, and was not flagged, says nothing either way. */
const TRIALS_TO_CLEAR = 20;
/** Kinds that move between benches with their ids; ports, hubs, relays and hosts belong to one bench. */
const MOVABLE: readonly ComponentKind[] = ['cable', 'supply', 'dut'];

export interface RigCells {
  rig: string;
  cells: Cell[];
  diagnosis: DiagnosisResult;
}

interface Tally {
  trials: number;
  failures: number;
  symptoms: Partial<Record<Symptom, number>>;
  duts: Map<string, { trials: number; failures: number }>;
}

function tallyOf(cells: Cell[], uses: (cell: Cell) => boolean): Tally {
  const t: Tally = { trials: 0, failures: 0, symptoms: {}, duts: new Map() };
  for (const cell of cells) {
    if (!uses(cell)) continue;
    t.trials += cell.trials;
    t.failures += cell.failures;
    for (const [s, n] of Object.entries(cell.symptoms) as Array<[Symptom, number]>) t.symptoms[s] = (t.symptoms[s] ?? 0) + n;
    const dut = t.duts.get(cell.dut) ?? { trials: 0, failures: 0 };
    dut.trials += cell.trials;
    dut.failures += cell.failures;
    t.duts.set(cell.dut, dut);
  }
  return t;
}

/**
 * Flagged on a rig: by its own flag, or named in a flag its rig could not pin on one part (`indistinguishableFrom`:
 * a board and its cable silent on the same trials). Across benches that is settled: the part that fails wherever it
 * goes is the one.
 */
function flaggedOn(rig: RigCells, kind: ComponentKind, id: string): boolean {
  const flagged = (v: string) => v === 'suspect' || v === 'bad';
  const { components, profiles } = rig.diagnosis;
  if (kind === 'profile' && profiles.some((p) => p.id === id && flagged(p.verdict))) return true;
  if (!components.some((c) => c.kind === kind && c.id === id)) return false;
  return components.some((c) => flagged(c.verdict) && ((c.kind === kind && c.id === id) || (c.indistinguishableFrom ?? []).includes(id)));
}

/** A rig's cells by the parts and the profile they used, and its totals: each lookup is then a handful of cells. */
interface RigIndex {
  byKey: Map<string, Cell[]>;
  trials: number;
  failures: number;
}

const indexes = new WeakMap<RigCells, RigIndex>();

function indexOf(rig: RigCells): RigIndex {
  let index = indexes.get(rig);
  if (index) return index;
  index = { byKey: new Map(), trials: 0, failures: 0 };
  for (const cell of rig.cells) {
    index.trials += cell.trials;
    index.failures += cell.failures;
    for (const key of [`profile:${cell.profile}`, ...cell.components.map((c) => c.key)]) {
      const list = index.byKey.get(key) ?? [];
      list.push(cell);
      index.byKey.set(key, list);
    }
  }
  indexes.set(rig, index);
  return index;
}

function evidenceOn(rig: RigCells, kind: ComponentKind, id: string): LabEvidence | undefined {
  const index = indexOf(rig);
  const mine = tallyOf(index.byKey.get(`${kind}:${id}`) ?? [], () => true);
  if (mine.trials === 0) return undefined;
  const restTrials = index.trials - mine.trials;
  const failureRate = mine.failures / mine.trials;
  const poolRate = restTrials > 0 ? (index.failures - mine.failures) / restTrials : 0;
  const failingDuts = [...mine.duts.values()].filter((d) => d.trials > 0 && d.failures / d.trials >= DUT_FAILING_RATE).length;
  // A part is high on a rig when the rig's own diagnosis flags it (it weighs chance, confounding and what another
  // flagged part explains); a profile also when its boards fail broadly (half of them at least), not one board alone.
  const broad = kind === 'profile' && mine.duts.size >= 2 && failingDuts * 2 >= mine.duts.size;
  const high = broad && mine.failures >= MIN_FAILURES && failureRate >= Math.max(HIGH_RATE, RATE_RATIO * poolRate);
  return {
    rig: rig.rig,
    trials: mine.trials,
    failures: mine.failures,
    failureRate,
    poolRate,
    duts: mine.duts.size,
    failingDuts,
    symptoms: mine.symptoms,
    elevated: flaggedOn(rig, kind, id) || high,
  };
}

function topSymptom(evidence: LabEvidence[]): string {
  const sum: Partial<Record<Symptom, number>> = {};
  for (const e of evidence) for (const [s, n] of Object.entries(e.symptoms) as Array<[Symptom, number]>) sum[s] = (sum[s] ?? 0) + n;
  const top = (Object.entries(sum) as Array<[Symptom, number]>).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return top ? top[0] : 'failures';
}

const numbers = (evidence: LabEvidence[]) =>
  evidence.map((e) => `${e.rig} ${fmtPct(e.failureRate)} of ${e.trials} (rest of the rig ${fmtPct(e.poolRate)})`).join('; ');

export function labFindings(rigs: RigCells[]): LabFinding[] {
  const findings: LabFinding[] = [];

  const profiles = [...new Set(rigs.flatMap((r) => r.cells.map((c) => c.profile)))].sort();
  for (const profile of profiles) {
    const evidence = rigs.flatMap((r) => evidenceOn(r, 'profile', profile) ?? []);
    const failing = evidence.filter((e) => e.elevated);
    if (failing.length < 2) continue;
    findings.push({
      kind: 'profile',
      component: { kind: 'profile', id: profile },
      sentence:
        `Profile ${profile} fails on ${failing.length} of the ${evidence.length} rigs that run it (mostly ${topSymptom(failing)}): ` +
        `${numbers(failing)}. Boards of one profile failing on several benches point at the profile or the firmware, not at hardware.`,
      action: `Check profile ${profile} and the firmware its boards carry before touching cables or boards.`,
      evidence,
    });
  }

  for (const kind of MOVABLE) {
    const ids = [...new Set(rigs.flatMap((r) => r.cells.flatMap((c) => c.components.filter((x) => x.kind === kind).map((x) => x.id))))].sort();
    for (const id of ids) {
      const evidence = rigs.flatMap((r) => evidenceOn(r, kind, id) ?? []);
      const failing = evidence.filter((e) => e.elevated);
      // Failing on two benches at least, and cleared on none (a short visit clears nothing).
      if (failing.length < 2 || evidence.some((e) => !e.elevated && e.trials >= TRIALS_TO_CLEAR)) continue;
      findings.push({
        kind: 'component',
        component: { kind, id },
        sentence:
          `${kind === 'dut' ? 'Board' : kind === 'cable' ? 'Cable' : 'Supply'} ${id} fails on every bench it visited (${failing.length} rigs, mostly ${topSymptom(failing)}): ` +
          `${numbers(failing)}. It is the ${kind === 'dut' ? 'board' : kind} itself, not the benches.`,
      action: `Take ${kind === 'dut' ? 'board' : kind} ${id} out of service${kind === 'dut' ? '' : ' and replace it'}.`,
        evidence,
      });
    }
  }
  return findings;
}
