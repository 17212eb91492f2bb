/**
 * A DUT's declared health, after LAVA's device states. A person declares `maintenance` (being worked on, back
 * soon) or `retired` (gone for good) in the rig; such a DUT is not run, and flags on the parts only it uses are set
 * aside. `good` (the default) is a DUT in service: whether it is well is the diagnosis' verdict (ok, watch,
 * suspect, bad), never declared.
 */
import type { Dut, Rig } from './types.js';

export const DUT_HEALTH = ['good', 'maintenance', 'retired'] as const;
export type DutHealth = (typeof DUT_HEALTH)[number];

export function healthOf(dut: Pick<Dut, 'health'>): DutHealth {
  return dut.health ?? 'good';
}

export function inService(dut: Pick<Dut, 'health'>): boolean {
  return healthOf(dut) === 'good';
}

/** The DUTs a run drives when none are named: those in service. */
export function dutsInService(rig: Pick<Rig, 'duts'>): Dut[] {
  return rig.duts.filter(inService);
}
