/**
 * The declarative engine: a profile's list of send / expect steps. Expect patterns hold literal bytes, wildcards
 * and named captures (bytes of one name join big-endian); captures are compared with the profile's expectation.
 * The handshake is everything up to the first satisfied expect; a failure there restarts the script.
 */
import type { ScriptProtocol, ScriptStep } from '../config/types.js';
import { toHex } from '../core/bytes.js';
import { explainIdentity, type ExpectedByte } from './explain.js';
import { Stop, type Session } from './session.js';

export async function runScript(s: Session): Promise<string> {
  const protocol = s.profile.protocol as ScriptProtocol;
  s.begin('handshake');
  for (let attempt = 0; ; attempt++) {
    const progress = { established: false };
    try {
      await runSteps(s, protocol.script, progress);
      break;
    } catch (error) {
      if (!(error instanceof Stop) || progress.established || attempt >= protocol.retries) throw error;
      s.retries++;
      s.link.note(`script restarted: ${error.why.detail}`);
      await s.link.readUntilQuiet(10, 100);
    }
  }
  s.end();

  const captures = s.identity.captures ?? {};
  for (const [name, expected] of Object.entries(s.profile.expect.captures ?? {})) {
    const got = captures[name];
    if (got === undefined) s.fail({ symptom: 'unexpected-reply', detail: `the script captured no "${name}", the profile expects one` });
    if (got !== expected) s.fail(explainIdentity(`capture ${name}`, got, expected, 2));
  }
  const summary = Object.entries(captures).map(([k, v]) => `${k}=0x${v.toString(16).toUpperCase()}`);
  return summary.length ? summary.join(', ') : 'script completed';
}

/** `established` is set once the first expect is satisfied: later failures are not handshake failures. */
async function runSteps(s: Session, steps: ScriptStep[], progress: { established: boolean }): Promise<void> {
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
  if (Object.keys(captures).length) s.identity.captures = captures;
}
