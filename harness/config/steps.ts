/** Enter/leave steps and script steps: rules across keys, and conversion to the typed form. */
import { parseHex } from '../core/bytes.js';
import type { PinDef, PinRole, ScriptStep, Step } from './types.js';
import type { ScriptStepInput, StepInput } from './board-schema.js';
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

type PatternByte = Extract<ScriptStep, { kind: 'expect' }>['pattern'][number];

/** Parses "79 ?? {pid_hi} 1F" into pattern bytes; throws Error with a readable message on a bad token. */
export function parsePattern(text: string): PatternByte[] {
  const out: PatternByte[] = [];
  for (const token of text.trim().split(/[\s,]+/).filter(Boolean)) {
    if (token === '??') out.push({ wildcard: true });
    else if (/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(token)) out.push({ capture: token.slice(1, -1) });
    else {
      let bytes: Uint8Array;
      try {
        bytes = parseHex(token);
      } catch {
        throw new Error(`'${token}' is not a hex byte, ?? or {name}`);
      }
      for (const value of bytes) out.push({ value });
    }
  }
  if (out.length === 0) throw new Error('the pattern is empty');
  return out;
}

export function sendBytes(send: string | number[]): Uint8Array {
  return typeof send === 'string' ? parseHex(send) : Uint8Array.from(send);
}

/** Script rules: one of send/expect per step, parsable bytes and patterns, expected captures that exist. */
export function checkScript(source: ConfigSource, script: unknown, where: KeyPath, expectedCaptures: string[], capturesPath: KeyPath): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const captured = new Set<string>();
  asList(script).forEach((raw, index) => {
    const step = asMap(raw);
    if (!step) return;
    const at = [...where, index];
    const hasSend = 'send' in step;
    const hasExpect = 'expect' in step;
    if (hasSend && hasExpect) issues.push(source.issue([...at, 'expect'], 'a script step has either send or expect, not both (split it into two steps)'));
    if (!hasSend && !hasExpect) issues.push(source.issue(at, 'a script step needs send or expect'));
    if (hasSend && 'within' in step) issues.push(source.issue([...at, 'within'], 'within belongs to expect steps; a send does not wait'));
    if (typeof step.send === 'string') {
      try {
        if (sendBytes(step.send).length === 0) throw new Error('empty');
      } catch {
        issues.push(source.issue([...at, 'send'], `expected hex bytes like "02 FD", found ${JSON.stringify(step.send)}`, 'value'));
      }
    }
    if (typeof step.expect === 'string') {
      try {
        for (const p of parsePattern(step.expect)) if ('capture' in p) captured.add(p.capture);
      } catch (error) {
        issues.push(source.issue([...at, 'expect'], `bad pattern: ${(error as Error).message} (write hex bytes, ?? or {name}, e.g. "79 01 {pid_hi} {pid_lo} 79")`, 'value'));
      }
    }
  });
  for (const name of expectedCaptures) {
    if (!captured.has(name)) {
      issues.push(source.issue([...capturesPath, name], `the script captures no '${name}'${didYouMean(name, [...captured])} (captured: ${[...captured].join(', ') || 'none'})`));
    }
  }
  return issues;
}

export function toScriptStep(step: ScriptStepInput, replyMs: number): ScriptStep {
  const label = step.label === undefined ? {} : { label: step.label };
  if (step.send !== undefined) return { kind: 'send', bytes: sendBytes(step.send), ...label };
  return { kind: 'expect', pattern: parsePattern(step.expect ?? ''), withinMs: step.within ?? replyMs, ...label };
}
