/**
 * What a script profile may say: `protocol.script` (send / expect steps), `expect.captures`, the rules between
 * them, and their typed form. The script engine (script.ts) is generic: any family may use it, a family with no
 * plug-in too.
 */
import { z } from 'zod';
import { didYouMean, type ConfigIssue } from '../config/issues.js';
import { asList, asMap } from '../config/raw.js';
import { byteValue, positiveMs, toInt } from '../config/schema-parts.js';
import type { ConfigSource, KeyPath } from '../config/source.js';
import { parseHex } from '../core/bytes.js';

/** A script step: send bytes, expect a pattern within a deadline. */
export type ScriptStep =
  | { kind: 'send'; bytes: Uint8Array; label?: string }
  | {
      kind: 'expect';
      /** Pattern: per byte either a literal value, a wildcard (null), or a capture name. */
      pattern: Array<{ value: number } | { wildcard: true } | { capture: string }>;
      withinMs: number;
      label?: string;
    };

export interface ScriptOptions {
  script: ScriptStep[];
}

export interface ScriptExpected {
  /** Capture name → expected value. */
  captures?: Record<string, number>;
}

/** What a script found: its captures (a field of the trial's identity). */
export type ScriptIdentity = { captures?: Record<string, number> };

const hexBytes = z.union([z.string().min(1), z.array(z.number().int().min(0).max(255)).min(1)], {
  error: 'expected hex bytes in quotes like "7F" or "02 FD", or a list of byte values',
});

export const scriptStep = z
  .strictObject({
    send: hexBytes.optional().describe('Bytes to send, hex: "02 FD"'),
    expect: z
      .string({ error: 'expected a pattern in quotes like "79 ?? {pid_hi}"' })
      .min(1)
      .optional()
      .describe('Pattern: hex bytes, ?? = any byte, {name} = capture one byte'),
    within: positiveMs.optional().describe('expect only: deadline in ms (default: deadlines.replyMs)'),
    label: z.string().optional().describe('Name of the step in transcripts'),
  })
  .describe('One of send or expect');

export const scriptProtocolKeys = { script: z.array(scriptStep).min(1) };

export const scriptExpectKeys = {
  captures: z.record(z.string(), byteValue).optional().describe('script: capture name → expected byte'),
};

type ScriptStepInput = z.infer<typeof scriptStep>;

export function toScriptOptions(input: Readonly<Record<string, unknown>>, replyMs: number): ScriptOptions {
  return { script: (input.script as ScriptStepInput[]).map((s) => toScriptStep(s, replyMs)) };
}

export function toScriptExpected(input: Readonly<Record<string, unknown>>): ScriptExpected {
  const captures = input.captures as Record<string, number | string> | undefined;
  return captures ? { captures: Object.fromEntries(Object.entries(captures).map(([k, v]) => [k, toInt(v)])) } : {};
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

function toScriptStep(step: ScriptStepInput, replyMs: number): ScriptStep {
  const label = step.label === undefined ? {} : { label: step.label };
  if (step.send !== undefined) return { kind: 'send', bytes: sendBytes(step.send), ...label };
  return { kind: 'expect', pattern: parsePattern(step.expect ?? ''), withinMs: step.within ?? replyMs, ...label };
}
