/**
 * junit.xml for CI servers (Jenkins/Surefire style): a <testsuite> per DUT with stable checks (the night's pass
 * rate, "the harness ran every trial", and one testcase per symptom, so a CI server can track "corrupt on dut-3"
 * night after night) plus the sampled failing trials; a suite for the diagnosed components and one for profiles.
 * A harness error is an <error>, never a <failure>; trials not run are a <skipped>. Bounded whatever the number of
 * trials: per DUT 1 + 1 + 9 (+ 1 when trials were not run) + the sample.
 */
import type { TrialRecord } from '../core/record.js';
import type { ComponentDiagnosis } from '../diagnose/types.js';
import { plural } from '../core/plural.js';
import { esc } from './escape.js';
import { keyOf, setAsideText, type Folds } from './folds.js';
import { fmtPct } from './format.js';
import { mismatchText } from './text.js';
import { FAILING_SYMPTOMS, sortedSymptoms } from './symptoms.js';
import type { DutSummary, NotRun, ReportInput } from './types.js';
import { isFlagged, overall, passRate } from './verdict.js';

/** Sampled failing trials written as testcases per DUT. */
export const JUNIT_TRIALS_PER_DUT = 20;
/** Components written to the components suite (flagged ones come first in the diagnosis). */
export const JUNIT_COMPONENTS = 500;
const BODY_CHARS = 4000;

interface Case {
  name: string;
  classname: string;
  time: number;
  failure?: { kind: 'failure' | 'error' | 'skipped'; type: string; message: string; body: string };
  out?: string;
}

export function renderJunit(input: ReportInput): string {
  const o = overall(input);
  const rig = input.run.rig;
  const timestamp = junitTimestamp(input.run.startedAt);
  const host = input.run.host;
  const suites: string[] = [];
  const failingByDut = new Map<string, TrialRecord[]>();
  for (const t of input.failingTrials ?? []) {
    let list = failingByDut.get(t.dut);
    if (!list) failingByDut.set(t.dut, (list = []));
    if (list.length < JUNIT_TRIALS_PER_DUT) list.push(t);
  }
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let time = 0;
  const push = (name: string, props: Array<[string, string]>, cases: Case[], id: number) => {
    const f = cases.filter((c) => c.failure?.kind === 'failure').length;
    const e = cases.filter((c) => c.failure?.kind === 'error').length;
    const s = cases.filter((c) => c.failure?.kind === 'skipped').length;
    const t = cases.reduce((n, c) => n + c.time, 0);
    tests += cases.length;
    failures += f;
    errors += e;
    skipped += s;
    time += t;
    suites.push(suite(name, id, `shakedown.${rig}`, timestamp, host, props, cases, { tests: cases.length, failures: f, errors: e, skipped: s, time: t }));
  };
  const notRun = new Map((input.notRun ?? []).map((n) => [n.dut, n]));
  input.perDut.forEach((d, i) => push(d.dut, dutProperties(input, d), dutCases(rig, d, failingByDut.get(d.dut) ?? [], notRun.get(d.dut)), i));
  const components = (input.diagnosis?.components ?? []).slice(0, JUNIT_COMPONENTS);
  if (components.length) {
    push('components', [['diagnosis.night', input.diagnosis.night], ['diagnosis.window', (input.diagnosis.windowNights ?? []).join(' ')]], components.map((c) => componentCase(rig, c, o.folds)), input.perDut.length);
  }
  const profiles = input.diagnosis?.profiles ?? [];
  if (profiles.length) {
    push(
      'profiles',
      [],
      profiles.map((p) => ({
        name: p.id,
        classname: `shakedown.${rig}.profiles`,
        time: 0,
        ...(isFlagged(p) && !o.folds.setAside.has(keyOf({ kind: 'profile', id: p.id }))
          ? { failure: { kind: 'failure' as const, type: p.verdict, message: p.summary, body: p.action } }
          : {}),
      })),
      input.perDut.length + 1,
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${esc(`shakedown ${rig} ${input.run.night}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(time)}">\n` +
    `<!-- ${commentSafe(o.headline)} -->\n` +
    suites.join('') +
    '</testsuites>\n'
  );
}

function dutProperties(input: ReportInput, d: DutSummary): Array<[string, string]> {
  const c = d.components;
  const props: Array<[string, string]> = [
    ['runId', input.run.runId],
    ['night', input.run.night],
    ['dut', d.dut],
    ['profile', d.profile],
    ['profileDigest', input.run.profileDigests?.[d.profile] ?? ''],
  ];
  if (c) {
    props.push(['component.cable', c.cable], ['component.port', c.port], ['component.hub', c.hub ?? ''], ['component.supply', c.supply]);
    props.push(['component.relays', (c.relays ?? []).join(' ')], ['component.host', c.host]);
  }
  const rate = passRate(d.passes, d.failures);
  props.push(['trials', String(d.trials)], ['passes', String(d.passes)], ['errors', String(d.errors)], ['passRate', rate === null ? '' : rate.toFixed(4)]);
  return props;
}

function dutCases(rig: string, d: DutSummary, failing: TrialRecord[], notRun: NotRun | undefined): Case[] {
  const classname = `shakedown.${rig}.${d.dut}`;
  const failed = d.failures;
  const counted = d.passes + d.failures;
  const mix = sortedSymptoms(d.symptoms);
  const cases: Case[] = [];
  const overallCase: Case = { name: 'all trials pass', classname, time: d.totalMs / 1000 };
  if (failed > 0 || d.trials === 0) {
    overallCase.failure = {
      kind: 'failure',
      type: mix[0]?.[0] ?? 'no-trials',
      message:
        d.trials === 0
          ? 'no trial ran'
          : `${failed} of ${counted} trials failed (${fmtPct(failed / counted)}): ${mix.map(([s, n]) => `${s} ${n}`).join(', ')}`,
      body: mix.map(([s]) => `${s}: ${(d.details?.[s] ?? []).slice(0, 3).map((x) => `${x.count}× ${x.text}`).join(' | ')}`).join('\n'),
    };
  }
  cases.push(overallCase);
  // The harness's own faults, apart from the board's: an <error>, so a CI server never reads them as a hardware failure.
  const harnessCase: Case = { name: 'harness ran every trial', classname, time: 0 };
  const reasons = (Object.entries(d.errorReasons ?? {}) as Array<[string, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (d.errors > 0) {
    harnessCase.failure = {
      kind: 'error',
      type: reasons[0]?.[0] ?? 'exception',
      message: `${d.errors} of ${d.trials} trials were harness errors: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`,
      body: reasons
        .map(([r]) => `${r}: ${((d.errorDetails as Record<string, Array<{ text: string; count: number }>> | undefined)?.[r] ?? []).slice(0, 3).map((x) => `${x.count}× ${x.text}`).join(' | ')}`)
        .join('\n'),
    };
  }
  cases.push(harnessCase);
  if (notRun && notRun.trials > 0) {
    cases.push({
      name: 'trials not run',
      classname,
      time: 0,
      failure: { kind: 'skipped', type: notRun.reason, message: `${plural(notRun.trials, 'trial')} not run: ${notRun.detail}`, body: '' },
    });
  }
  for (const s of FAILING_SYMPTOMS) {
    const n = d.symptoms[s] ?? 0;
    const c: Case = { name: `symptom ${s}`, classname, time: 0 };
    if (n > 0) {
      const top = d.details?.[s]?.[0]?.text ?? '';
      c.failure = { kind: 'failure', type: s, message: `${n} of ${d.trials} trials: ${top}`, body: (d.details?.[s] ?? []).map((x) => `${x.count}× ${x.text}`).join('\n') };
    }
    cases.push(c);
  }
  for (const t of failing) {
    cases.push({
      name: `trial ${t.seq}`,
      classname,
      time: (t.phases?.totalMs ?? 0) / 1000,
      failure: {
        kind: t.result === 'error' ? 'error' : 'failure',
        type: t.result === 'error' ? (t.reason ?? 'exception') : (t.symptom ?? 'silent'),
        message: t.detail,
        body: `${t.trialId}\n${t.mismatch ? mismatchText(t.mismatch) + '\n' : ''}${transcriptTail(t)}`,
      },
    });
  }
  return cases;
}

function componentCase(rig: string, c: ComponentDiagnosis, folds: Folds): Case {
  const out: Case = { name: c.id, classname: `shakedown.${rig}.components.${c.kind}`, time: 0 };
  const summary = c.evidence?.summary ?? '';
  const aside = folds.setAside.get(keyOf(c));
  if (aside) {
    // A known problem set aside passes, and says why: CI stays green for what the lab already knows.
    out.out = `${c.verdict}, set aside: ${setAsideText(aside)}\n${summary}`;
  } else if (isFlagged(c)) {
    // The next step may already carry the separating swap: it is not written twice.
    const swap = c.separatingSwap && !c.action?.includes(c.separatingSwap) ? c.separatingSwap : undefined;
    const extra = [c.action && `next: ${c.action}`, c.confoundedWith?.length && `confounded with ${c.confoundedWith.join(', ')}`, swap, c.changedSince]
      .filter(Boolean)
      .join('\n');
    out.failure = { kind: 'failure', type: c.verdict, message: summary, body: extra };
  } else if (c.verdict === 'watch') {
    out.out = `watch: ${summary}`;
  }
  return out;
}

/** The last events of a trial as text lines, for the failure body. */
function transcriptTail(t: TrialRecord): string {
  const events = Array.isArray(t.transcript) ? t.transcript.slice(-40) : [];
  return events
    .map((e) => {
      const ms = (e.t / 1000).toFixed(3).padStart(9);
      if (e.kind === 'note') return `${ms} note ${e.text}`;
      if (e.kind === 'edge') return `${ms} pin  ${e.pin} ${e.active ? 'asserted' : 'released'}`;
      return `${ms} ${e.kind}   ${String(e.data).slice(0, 200)}`;
    })
    .join('\n');
}

function suite(
  name: string,
  id: number,
  pkg: string,
  timestamp: string,
  host: string,
  props: Array<[string, string]>,
  cases: Case[],
  n: { tests: number; failures: number; errors: number; skipped: number; time: number },
): string {
  const properties = props.length
    ? `  <properties>\n${props.map(([k, v]) => `    <property name="${esc(k)}" value="${esc(v)}"/>\n`).join('')}  </properties>\n`
    : '';
  return (
    `<testsuite name="${esc(name)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${secs(n.time)}" ` +
    `timestamp="${esc(timestamp)}" hostname="${esc(host)}" id="${id}" package="${esc(pkg)}">\n${properties}` +
    cases.map(testcase).join('') +
    '</testsuite>\n'
  );
}

function testcase(c: Case): string {
  const open = `  <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${secs(c.time)}"`;
  if (!c.failure && !c.out) return `${open}/>\n`;
  let inner = '';
  if (c.failure) {
    const f = c.failure;
    // <skipped> carries no type in the JUnit schema: its reason is in the message.
    const type = f.kind === 'skipped' ? '' : ` type="${esc(f.type)}"`;
    inner += `    <${f.kind}${type} message="${esc(f.message.slice(0, 1000))}">${esc(f.body.slice(0, BODY_CHARS))}</${f.kind}>\n`;
  }
  if (c.out) inner += `    <system-out>${esc(c.out)}</system-out>\n`;
  return `${open}>\n${inner}  </testcase>\n`;
}

function secs(seconds: number): string {
  return Number.isFinite(seconds) && seconds > 0 ? seconds.toFixed(3) : '0.000';
}

/** Surefire writes local time without a zone; CI servers parse that form best. */
function junitTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : '1970-01-01T00:00:00';
}

function commentSafe(text: string): string {
  return esc(text).replace(/--/g, '- -');
}
