/**
 * How well a symptom mix fits a kind of component, from the usual causes in the symptom table (core/symptoms.ts):
 * corrupt → cable or port; reset-mid and late → supply; port-lost → port, hub or cable; wrong-mode, silent and flood
 * on one board → the board or its relay. The weights are a judgement, written down once here; they rank components
 * that rates alone cannot separate (a DUT's own cable, port and relay channels) and raise confidence in a flag.
 */
import type { ComponentKind, Symptom } from '../core/record.js';
import type { FailingSymptom } from '../core/symptoms.js';

type Affinity = Partial<Record<ComponentKind, number>>;

/** Per failing symptom of the table (every one, and only those: the type says so), the affinity of each kind. */
export const AFFINITY: Record<FailingSymptom, Affinity> = {
  corrupt: { cable: 1, port: 0.8, hub: 0.6, host: 0.3, dut: 0.3, supply: 0.2, profile: 0.5, relay: 0.1 },
  silent: { dut: 1, cable: 0.8, relay: 0.8, supply: 0.6, port: 0.4, hub: 0.3, profile: 0.4, host: 0.2 },
  'wrong-mode': { dut: 1, relay: 1, profile: 1, supply: 0.2, cable: 0.1, port: 0.1, hub: 0.1, host: 0.1 },
  'unexpected-reply': { profile: 1, dut: 0.6, relay: 0.5, cable: 0.4, port: 0.2, hub: 0.2, host: 0.2, supply: 0.1 },
  flood: { dut: 1, profile: 0.6, relay: 0.5, supply: 0.3, cable: 0.2, port: 0.1, hub: 0.1, host: 0.1 },
  late: { supply: 1, profile: 0.8, dut: 0.7, port: 0.6, hub: 0.6, host: 0.5, relay: 0.4, cable: 0.2 },
  'reset-mid': { supply: 1, relay: 0.6, dut: 0.5, cable: 0.2, port: 0.2, hub: 0.3, host: 0.1, profile: 0.2 },
  'port-lost': { port: 1, hub: 1, cable: 0.8, host: 0.6, supply: 0.4, dut: 0.2, relay: 0.1, profile: 0.1 },
  'port-open-failed': { host: 1, port: 0.8, hub: 0.6, cable: 0.4, dut: 0.1, supply: 0.1, relay: 0.1, profile: 0.1 },
};

/** Affinity of one symptom to one kind, in [0, 1]. */
export function affinity(kind: ComponentKind, symptom: Symptom): number {
  if (symptom === 'ok') return 0;
  return AFFINITY[symptom][kind] ?? 0;
}

/** Failure-weighted mean affinity of a symptom mix to a kind (0 when there are no failures). */
export function symptomFit(kind: ComponentKind, symptoms: Partial<Record<Symptom, number>>): number {
  let total = 0;
  let weighted = 0;
  for (const [symptom, count] of Object.entries(symptoms) as Array<[Symptom, number]>) {
    if (symptom === 'ok' || !count) continue;
    total += count;
    weighted += count * affinity(kind, symptom);
  }
  return total === 0 ? 0 : weighted / total;
}

/** The symptom with the most failures. */
export function dominantSymptom(symptoms: Partial<Record<Symptom, number>>): Symptom | undefined {
  let best: Symptom | undefined;
  let most = 0;
  for (const [symptom, count] of Object.entries(symptoms) as Array<[Symptom, number]>) {
    if (symptom !== 'ok' && count > most) {
      most = count;
      best = symptom;
    }
  }
  return best;
}

/** When several components cannot be told apart, the kind named first for the usual culprit. */
export const KIND_ORDER: ComponentKind[] = ['profile', 'supply', 'hub', 'cable', 'port', 'dut', 'relay', 'host'];
