/** Enter/leave steps: rules across keys, where the board starts booting, and conversion to the typed form. */
import type { PinDef, PinRole, Step } from './types.js';
import type { StepInput } from './board-schema.js';
import { asList, asMap } from './raw.js';
import type { ConfigSource, KeyPath } from './source.js';
import type { ConfigIssue } from './issues.js';
import { didYouMean } from './issues.js';

const STEP_KINDS = ['set', 'pulse', 'wait', 'powerCycle'];

/** Rules zod cannot state: one kind per step, and only pins the profile declares. */
export function checkSteps(source: ConfigSource, steps: unknown, where: KeyPath, pins: string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pinKnown = (pin: unknown, path: KeyPath) => {
    if (typeof pin !== 'string' || pins.includes(pin)) return;
    issues.push(source.issue(path, `pin '${pin}' is not declared under pins${didYouMean(pin, pins)} (declared: ${pins.join(', ') || 'none'})`, 'value'));
  };
  asList(steps).forEach((raw, index) => {
    const step = asMap(raw);
    if (!step) return;
    const kinds = Object.keys(step).filter((k) => STEP_KINDS.includes(k));
    if (kinds.length > 1) {
      issues.push(source.issue([...where, index, kinds[1]!], `a step has exactly one of ${STEP_KINDS.join(', ')}; found ${kinds.join(' and ')} (split it into ${kinds.length} steps)`));
    }
    if (Object.keys(step).length === 0) issues.push(source.issue([...where, index], `empty step: expected one of ${STEP_KINDS.join(', ')}`));
    const set = asMap(step.set);
    if (set) for (const pin of Object.keys(set)) if (!pins.includes(pin)) {
      issues.push(source.issue([...where, index, 'set', pin], `pin '${pin}' is not declared under pins${didYouMean(pin, pins)} (declared: ${pins.join(', ') || 'none'})`));
    }
    const pulse = asMap(step.pulse);
    if (pulse) pinKnown(pulse.pin, [...where, index, 'pulse', 'pin']);
    const cycle = asMap(step.powerCycle);
    if (cycle) pinKnown(cycle.pin, [...where, index, 'powerCycle', 'pin']);
  });
  return issues;
}

/** Whether this edge of a pin with this role starts the board booting: releasing reset, or applying power. */
export function startsBoot(role: PinRole | undefined, active: boolean): boolean {
  return (role === 'reset' && !active) || (role === 'power' && active);
}

/** The sum of a sequence's waits, pulses and off times: its physical floor. */
export function sequenceFloorMs(steps: readonly Step[]): number {
  let total = 0;
  for (const step of steps) {
    if (step.kind === 'wait') total += step.ms;
    else if (step.kind === 'pulse') total += step.ms;
    else if (step.kind === 'powerCycle') total += step.offMs;
  }
  return total;
}

/**
 * Where the board starts booting in a sequence and how long the sequence waits after it: the index of the last step
 * that releases reset or powers the board on, and the sum of the waits that follow it (null when no step does).
 */
export function bootWait(steps: readonly Step[], pins: Readonly<Record<string, PinDef>>): { step: number; waitMs: number } | null {
  const role = (pin: string) => pins[pin]?.role;
  let found: { step: number; waitMs: number } | null = null;
  for (const [index, step] of steps.entries()) {
    const boots =
      (step.kind === 'set' && Object.entries(step.pins).some(([pin, active]) => startsBoot(role(pin), active))) ||
      (step.kind === 'pulse' && startsBoot(role(step.pin), false)) ||
      (step.kind === 'powerCycle' && startsBoot(role(step.pin), true));
    if (boots) found = { step: index, waitMs: 0 };
    else if (found && step.kind === 'wait') found.waitMs += step.ms;
    else if (found && step.kind === 'pulse') found.waitMs += step.ms;
    else if (found && step.kind === 'powerCycle') found.waitMs += step.offMs;
  }
  return found;
}

export function toStep(step: StepInput): Step {
  if (step.set) {
    const pins: Record<string, boolean> = {};
    for (const [pin, state] of Object.entries(step.set)) pins[pin] = state === true || state === 'on' || state === 'active';
    return { kind: 'set', pins };
  }
  if (step.pulse) return { kind: 'pulse', pin: step.pulse.pin, ms: step.pulse.ms };
  if (step.powerCycle) return { kind: 'powerCycle', pin: step.powerCycle.pin, offMs: step.powerCycle.offMs };
  return { kind: 'wait', ms: step.wait ?? 0 };
}

/**
 * The pins whose state some step of enter or leave changes, trial after trial, from each pin's idle state. A relay
 * contact is only commanded to move for these: a pin that is set to the state it already has is never switched.
 */
export function pinsMoved(pins: Readonly<Record<string, PinDef>>, enter: readonly Step[], leave: readonly Step[]): Set<string> {
  const state = new Map(Object.entries(pins).map(([name, def]) => [name, def.idle === 'active'] as const));
  const moved = new Set<string>();
  const to = (pin: string, active: boolean) => {
    if (state.get(pin) !== active) moved.add(pin);
    state.set(pin, active);
  };
  // Two rounds: a leave that does not restore what enter set shows in the second enter.
  for (const step of [...enter, ...leave, ...enter, ...leave]) {
    if (step.kind === 'set') for (const [pin, active] of Object.entries(step.pins)) to(pin, active);
    else if (step.kind === 'pulse') (to(step.pin, true), to(step.pin, false));
    else if (step.kind === 'powerCycle') (to(step.pin, false), to(step.pin, true));
  }
  return moved;
}
