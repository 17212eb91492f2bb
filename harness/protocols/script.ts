/**
 * The declarative engine: a profile's list of send / expect steps. Expect patterns hold literal bytes, wildcards
 * and named captures (bytes of one name join big-endian); captures are compared with the profile's expectation.
 * The handshake is everything up to the first satisfied expect; a failure there restarts the script.
 */
import { asMap } from '../config/raw.js';
import { toHex } from '../core/bytes.js';
import type { EngineDescriptor } from './engine.js';
import { explainIdentity, type ExpectedByte } from './explain.js';
import {
  checkScript,
  scriptExpectKeys,
  scriptProtocolKeys,
  toScriptExpected,
  toScriptOptions,
  type ScriptExpected,
  type ScriptIdentity,
  type ScriptOptions,
  type ScriptStep,
} from './script-schema.js';
import { Stop, type Session } from './session.js';

export const scriptEngine: EngineDescriptor<ScriptOptions, ScriptExpected> = {
  name: 'script',
  protocolKeys: scriptProtocolKeys,
  deadlines: {},
  expectKeys: scriptExpectKeys,
  toOptions: (input, { replyMs }) => toScriptOptions(input, replyMs),
  toExpected: toScriptExpected,
  check(source, raw) {
    const captures = Object.keys(asMap(asMap(raw.expect)?.captures) ?? {});
    return checkScript(source, asMap(raw.protocol)?.script, ['protocol', 'script'], captures, ['expect', 'captures']);
  },
  describeExpected: (expected) =>
    expected.captures ? Object.entries(expected.captures).map(([k, v]) => `${k}=0x${v.toString(16).toUpperCase().padStart(2, '0')}`).join(' ') : null,
  budgetMs: (options) => options.script.reduce((sum, step) => sum + (step.kind === 'expect' ? step.withinMs : 0), 0),
  run: runScript,
};

async function runScript(s: Session, protocol: ScriptOptions, expected: ScriptExpected): Promise<string> {
  const found: ScriptIdentity = {};
  s.identity = found;
  s.begin('handshake');
  for (let attempt = 0; ; attempt++) {
    const progress = { established: false };
    try {
      await runSteps(s, found, protocol.script, progress);
      break;
    } catch (error) {
      if (!(error instanceof Stop) || progress.established || attempt >= s.profile.protocol.retries) throw error;
      s.retries++;
      s.link.note(`script restarted: ${error.why.detail}`);
      await s.link.readUntilQuiet(10, 100);
    }
  }
  s.end();

  const captures = found.captures ?? {};
  for (const [name, value] of Object.entries(expected.captures ?? {})) {
    const got = captures[name];
    if (got === undefined) s.fail({ symptom: 'unexpected-reply', detail: `the script captured no "${name}", the profile expects one` });
    if (got !== value) s.fail(explainIdentity(`capture ${name}`, got, value, 2));
  }
  const summary = Object.entries(captures).map(([k, v]) => `${k}=0x${v.toString(16).toUpperCase()}`);
  return summary.length ? summary.join(', ') : 'script completed';
}

/** `established` is set once the first expect is satisfied: later failures are not handshake failures. */
async function runSteps(s: Session, found: ScriptIdentity, steps: ScriptStep[], progress: { established: boolean }): Promise<void> {
  let lastSent: Uint8Array | undefined;
  let justSent = false;
  const captures: Record<string, number> = {};
  for (const [index, step] of steps.entries()) {
    const label = step.label ?? `step ${index + 1}`;
    if (step.kind === 'send') {
      lastSent = step.bytes;
      justSent = true;
      await s.send(step.bytes);
      continue;
    }
    const expected: ExpectedByte[] = step.pattern.map((p) => ('value' in p ? p.value : null));
    // A script cannot say which answers come at once: every answer to a send measures the link (at worst it
    // counts the device's own time as latency, which the cap bounds).
    const got = await s.expect(label, expected, step.withinMs, { sent: lastSent, afterSync: progress.established, immediate: justSent });
    justSent = false;
    step.pattern.forEach((p, i) => {
      if ('capture' in p) captures[p.capture] = (((captures[p.capture] ?? 0) * 256) + got[i]!) >>> 0;
    });
    s.link.note(`${label}: ${toHex(got)}`);
    if (!progress.established) {
      progress.established = true;
      s.begin('identify');
    }
  }
  if (Object.keys(captures).length) found.captures = captures;
}
