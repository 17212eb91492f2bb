/** Where each DUT hangs on the bench (hub, port, supply, cable) and what the rig says about each component. */
import type { Rig } from '../config/types.js';
import type { ComponentKind } from '../core/record.js';
import type { ComponentDiagnosis } from '../diagnose/types.js';
import type { DutSummary } from './types.js';

export interface DutPlace {
  dut: string;
  hub: string | null;
  port: string;
  supply: string;
  cable: string;
  relays: string[];
  profile: string;
}

export interface BenchIndex {
  places: Map<string, DutPlace>;
  /** Component id → diagnosis (first entry wins when an id repeats across kinds). */
  diagnosis: Map<string, ComponentDiagnosis>;
  /** Component id → note from the rig file. */
  notes: Map<string, string>;
  rigTitle: string;
  /** Ids of components whose flag is set aside tonight (folds.ts); filled by overall(). */
  setAside: Set<string>;
}

export function indexBench(rig: Rig | undefined, perDut: DutSummary[], components: ComponentDiagnosis[]): BenchIndex {
  const places = new Map<string, DutPlace>();
  const portHub = new Map<string, string | undefined>();
  for (const p of rig?.ports ?? []) portHub.set(p.id, p.hub);
  for (const d of rig?.duts ?? []) {
    places.set(d.id, {
      dut: d.id,
      hub: portHub.get(d.port) ?? null,
      port: d.port,
      supply: d.supply,
      cable: d.cable,
      relays: Object.values(d.pins ?? {}).map((w) => w.channel),
      profile: d.board,
    });
  }
  // Trials say what was really used; they win over the rig file (a cable may have been swapped mid-week).
  for (const s of perDut) {
    const c = s.components;
    if (!c) continue;
    places.set(s.dut, {
      dut: s.dut,
      hub: c.hub ?? portHub.get(c.port) ?? places.get(s.dut)?.hub ?? null,
      port: c.port,
      supply: c.supply,
      cable: c.cable,
      relays: c.relays ?? [],
      profile: s.profile,
    });
  }
  const diagnosis = new Map<string, ComponentDiagnosis>();
  for (const c of components) if (!diagnosis.has(c.id)) diagnosis.set(c.id, c);
  const notes = new Map<string, string>();
  for (const list of [rig?.cables, rig?.supplies, rig?.duts] as Array<Array<{ id: string; notes?: string }> | undefined>) {
    for (const item of list ?? []) if (item.notes) notes.set(item.id, item.notes);
  }
  return { places, diagnosis, notes, rigTitle: rig?.title ?? '', setAside: new Set() };
}

/** The DUTs that use a component of the given kind and id. */
export function dutsUsing(index: BenchIndex, kind: ComponentKind, id: string): string[] {
  const out: string[] = [];
  for (const p of index.places.values()) {
    const uses =
      kind === 'hub' ? p.hub === id : kind === 'port' ? p.port === id : kind === 'supply' ? p.supply === id : kind === 'cable' ? p.cable === id : kind === 'relay' ? p.relays.includes(id) : kind === 'dut' ? p.dut === id : false;
    if (uses) out.push(p.dut);
  }
  return out;
}
