/**
 * Flags set aside for the night: a person acknowledged the problem (`shakedown ack`), every DUT the component
 * serves is out of service (declared maintenance or retired in the rig), or the component is no longer in the rig.
 * A set-aside flag is still shown — folded, with who, why and until when — and does not fail the night.
 * An ack covers what was known when it was made: a worse verdict, or a symptom that is a real part of the
 * component's failures and was not there then, is not covered — that flag shows again and counts.
 */
import { healthOf, inService, type DutHealth } from '../config/health.js';
import type { Rig } from '../config/types.js';
import type { ComponentKind, Symptom } from '../core/record.js';
import { VERDICT_RANK } from '../diagnose/history.js';
import type { ComponentDiagnosis } from '../diagnose/types.js';
import type { Ack } from '../store/types.js';
import { dutsUsing, type BenchIndex } from './rig-index.js';
import type { ReportInput } from './types.js';

export type SetAside =
  | { reason: 'acknowledged'; ack: Ack }
  | { reason: 'out-of-service'; duts: Array<{ dut: string; health: DutHealth; notes?: string }> }
  | { reason: 'removed' };

/** An ack that applies tonight by its dates but does not cover tonight's flag, and why. */
export interface AckExceeded {
  ack: Ack;
  why: string;
}

export interface Folds {
  /** `kind:id` → why the component's flag (or watch) is set aside. */
  setAside: Map<string, SetAside>;
  /** `kind:id` → an ack the component's flag went beyond. */
  exceeded: Map<string, AckExceeded>;
}

/** A symptom is a real part of a component's failures from this many trials and this share of them on. */
const MATERIAL_MIN = 3;
const MATERIAL_SHARE = 0.1;

export function keyOf(c: { kind: ComponentKind; id: string }): string {
  return `${c.kind}:${c.id}`;
}

/** Whether an ack still applies on a night: it has no end, or its last night is not before it. */
export function ackApplies(ack: Pick<Ack, 'until'>, night: string): boolean {
  return ack.until === null || ack.until >= night;
}

/** The symptoms that are a real part of a failure mix (not the odd trial of the bench's baseline). */
export function materialSymptoms(symptoms: Partial<Record<Symptom, number>>): Symptom[] {
  const total = Object.values(symptoms).reduce((a: number, n) => a + (n ?? 0), 0);
  return (Object.entries(symptoms) as Array<[Symptom, number]>)
    .filter(([, n]) => n >= MATERIAL_MIN && n >= MATERIAL_SHARE * total)
    .map(([s]) => s);
}

/** Why a component's diagnosis tonight goes beyond what an ack covers; undefined when it is covered. */
export function beyondScope(c: Pick<ComponentDiagnosis, 'verdict' | 'evidence'>, ack: Pick<Ack, 'scope'>): string | undefined {
  if (VERDICT_RANK[c.verdict] > VERDICT_RANK[ack.scope.verdict]) return `${c.verdict} now, ${ack.scope.verdict} when acknowledged`;
  const fresh = materialSymptoms(c.evidence?.symptoms ?? {}).filter((s) => !ack.scope.symptoms.includes(s));
  if (fresh.length > 0) return `${fresh.length === 1 ? 'a symptom' : 'symptoms'} not seen when acknowledged: ${fresh.join(', ')}`;
  return undefined;
}

export function foldsOf(input: ReportInput, index: BenchIndex): Folds {
  const folds: Folds = { setAside: new Map(), exceeded: new Map() };
  const night = input.run.night;
  const acks = new Map<string, Ack>();
  // The newest ack of a component that still applies tonight.
  for (const ack of input.acks ?? []) if (ackApplies(ack, night)) acks.set(keyOf({ kind: ack.kind, id: ack.component }), ack);
  const usedTonight = usedBy(input);
  for (const c of input.diagnosis?.components ?? []) {
    if (c.verdict === 'ok') continue;
    const key = keyOf(c);
    if (!usedTonight.has(key) && !inRig(input.rig, c.kind, c.id)) {
      folds.setAside.set(key, { reason: 'removed' });
      continue;
    }
    const duts = c.kind === 'profile' ? (input.rig?.duts ?? []).filter((d) => d.board === c.id).map((d) => d.id) : dutsUsing(index, c.kind, c.id);
    const out = duts.map((id) => input.rig?.duts.find((d) => d.id === id)).filter((d) => d !== undefined && !inService(d));
    if (duts.length > 0 && out.length === duts.length) {
      folds.setAside.set(key, { reason: 'out-of-service', duts: out.map((d) => ({ dut: d!.id, health: healthOf(d!), ...(d!.notes ? { notes: d!.notes } : {}) })) });
      continue;
    }
    const ack = acks.get(key);
    if (!ack) continue;
    const why = beyondScope(c, ack);
    if (why) folds.exceeded.set(key, { ack, why });
    else folds.setAside.set(key, { reason: 'acknowledged', ack });
  }
  // The watched members of a group whose flag is set aside go with it: they are watched only for that flag.
  const components = input.diagnosis?.components ?? [];
  for (const c of components) {
    if (c.verdict !== 'watch' || folds.setAside.has(keyOf(c)) || !c.separatingSwap) continue;
    const carrier = components.find((o) => o.separatingSwap === c.separatingSwap && c.confoundedWith?.includes(o.id) && folds.setAside.has(keyOf(o)) && o.verdict !== 'watch');
    if (carrier) folds.setAside.set(keyOf(c), folds.setAside.get(keyOf(carrier))!);
  }
  return folds;
}

/** One line on why a flag is set aside, for people. */
export function setAsideText(s: SetAside): string {
  if (s.reason === 'removed') return 'no longer in the rig';
  if (s.reason === 'out-of-service') {
    return s.duts.map((d) => `DUT ${d.dut} ${d.health === 'retired' ? 'retired' : 'in maintenance'}${d.notes ? ` (${d.notes})` : ''}`).join('; ');
  }
  const { ack } = s;
  return `acknowledged (${ack.kind} ${ack.component}) by ${ack.by} on ${ack.since.slice(0, 10)}${ack.until ? `, until ${ack.until}` : ''}: ${ack.note}`;
}

/**
 * A DUT's state after LAVA's device health: `maintenance` or `retired` as the rig declares it, else `good`, `watch`
 * or `bad` by the diagnosis' verdict on the DUT (suspect and bad are both `bad`: it needs a person).
 */
export type DutState = 'good' | 'watch' | 'bad' | 'maintenance' | 'retired';

export function dutState(rig: Rig | undefined, dut: string, verdict: ComponentDiagnosis['verdict'] | undefined): DutState {
  const declared = rig?.duts.find((d) => d.id === dut);
  if (declared && !inService(declared)) return healthOf(declared) as DutState;
  return verdict === 'watch' ? 'watch' : verdict === 'suspect' || verdict === 'bad' ? 'bad' : 'good';
}

/** DUTs declared out of service in the rig, for the report's lists. */
export function outOfService(rig: Rig | undefined): Array<{ dut: string; health: DutHealth; notes?: string }> {
  return (rig?.duts ?? []).filter((d) => !inService(d)).map((d) => ({ dut: d.id, health: healthOf(d), ...(d.notes ? { notes: d.notes } : {}) }));
}

/** Components used by tonight's trials (the last trial of each DUT). */
function usedBy(input: ReportInput): Set<string> {
  const used = new Set<string>();
  for (const d of input.perDut) {
    const c = d.components;
    if (!c) continue;
    used.add(`dut:${c.dut}`).add(`cable:${c.cable}`).add(`port:${c.port}`).add(`supply:${c.supply}`).add(`host:${c.host}`).add(`profile:${d.profile}`);
    if (c.hub) used.add(`hub:${c.hub}`);
    for (const r of c.relays ?? []) used.add(`relay:${r}`);
  }
  return used;
}

/** Every component of the rig as it is now, by kind (board profiles of its DUTs too). */
export function rigComponents(rig: Rig): Array<{ kind: ComponentKind; id: string }> {
  const out: Array<{ kind: ComponentKind; id: string }> = [];
  const add = (kind: ComponentKind, ids: Iterable<string>) => {
    for (const id of new Set(ids)) out.push({ kind, id });
  };
  add('dut', rig.duts.map((d) => d.id));
  add('cable', rig.cables.map((c) => c.id));
  add('port', rig.ports.map((p) => p.id));
  add('hub', rig.hubs.map((h) => h.id));
  add('supply', rig.supplies.map((s) => s.id));
  add('relay', rig.relays.flatMap((b) => b.channels.map((ch) => ch.id)));
  add('host', [rig.host]);
  add('profile', rig.duts.map((d) => d.board));
  return out;
}

/** Whether the rig (as it is now) has the component. */
function inRig(rig: Rig | undefined, kind: ComponentKind, id: string): boolean {
  return !rig || rigComponents(rig).some((c) => c.kind === kind && c.id === id);
}
