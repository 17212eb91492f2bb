/**
 * The unit the diagnosis counts over: a *cell* is every trial of one night that used exactly the same components
 * (and profile), with its counts per symptom. Only passes and fails are counted: a harness error says nothing about
 * the hardware, so it is in no cell and in no rate. A rig of 24 DUTs over 30 nights has a few hundred cells whatever the
 * number of trials, so the diagnosis of a million trials is a small computation once the store has grouped them.
 */
import type { ComponentKind, Symptom, TrialComponents, TrialRecord } from '../core/record.js';
import type { LatencySum, SymptomCount } from '../store/index.js';

export interface ComponentRef {
  /** `kind:id` — ids of different kinds may coincide. */
  key: string;
  id: string;
  kind: ComponentKind;
}

export interface Cell {
  night: string;
  profile: string;
  dut: string;
  components: ComponentRef[];
  trials: number;
  /** Trials that did not end ok. */
  failures: number;
  /** Counts of failed trials by symptom (never 'ok'). */
  symptoms: Partial<Record<Symptom, number>>;
  /** The link round trips its trials measured (passes too: a slow hub shows on the boards it does not break). */
  latency?: LatencySum;
}

export function componentKey(kind: ComponentKind, id: string): string {
  return `${kind}:${id}`;
}

export function refsOf(components: TrialComponents): ComponentRef[] {
  const refs: ComponentRef[] = [];
  const add = (kind: ComponentKind, id: string | undefined) => {
    if (id) refs.push({ key: componentKey(kind, id), id, kind });
  };
  add('dut', components.dut);
  add('cable', components.cable);
  add('port', components.port);
  add('hub', components.hub);
  add('supply', components.supply);
  for (const relay of [...new Set(components.relays)]) add('relay', relay);
  add('host', components.host);
  return refs;
}

/** Builds cells incrementally from any source of (configuration, symptom, count). */
export class CellBuilder {
  private readonly cells = new Map<string, Cell>();

  add(night: string, profile: string, components: TrialComponents, symptom: Symptom, count = 1, latency?: LatencySum): void {
    const key = [night, profile, components.dut, components.cable, components.port, components.hub ?? '', components.supply,
      components.relays.join(','), components.host].join('\u0000');
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { night, profile, dut: components.dut, components: refsOf(components), trials: 0, failures: 0, symptoms: {} };
      this.cells.set(key, cell);
    }
    cell.trials += count;
    if (latency && latency.trials > 0) {
      cell.latency = { trials: (cell.latency?.trials ?? 0) + latency.trials, sumMs: (cell.latency?.sumMs ?? 0) + latency.sumMs };
    }
    if (symptom !== 'ok') {
      cell.failures += count;
      cell.symptoms[symptom] = (cell.symptoms[symptom] ?? 0) + count;
    }
  }

  build(): Cell[] {
    return [...this.cells.values()].sort((a, b) => (a.night < b.night ? -1 : a.night > b.night ? 1 : a.dut < b.dut ? -1 : a.dut > b.dut ? 1 : 0));
  }
}

export function cellsFromCounts(counts: Iterable<SymptomCount>): Cell[] {
  const builder = new CellBuilder();
  for (const c of counts) {
    const components: TrialComponents = { dut: c.dut, cable: c.cable, port: c.port, supply: c.supply, relays: c.relays, host: c.host };
    if (c.hub) components.hub = c.hub;
    builder.add(c.night, c.profile, components, c.symptom, c.count, c.latency);
  }
  return builder.build();
}

export function cellsFromRecords(records: Iterable<TrialRecord>, keep: (record: TrialRecord) => boolean = () => true): Cell[] {
  const builder = new CellBuilder();
  for (const r of records) {
    if (r.result === 'error' || r.symptom === null || !keep(r)) continue;
    builder.add(r.night, r.profile, r.components, r.symptom, 1, r.latencyMs === undefined ? undefined : { trials: 1, sumMs: r.latencyMs });
  }
  return builder.build();
}
