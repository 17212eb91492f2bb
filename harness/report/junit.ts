/**
 * junit.xml for CI servers (Jenkins/Surefire style): a <testsuite> per DUT whose testcases are its trials — one
 * <failure> per failing trial, one <error> per harness error, so the failure count is the failing trials' and a
 * CI server counts what shakedown counts — plus one passing testcase standing for the passed trials and a <skipped>
 * for trials not run; then a suite for the diagnosed components and one for profiles, whose verdicts are written
 * out but fail nothing (they are drawn from the trials already counted). The sampled failing trials carry their
 * expected-vs-got bytes and transcript tail; the others their detail line.
 */
import type { TrialRecord } from '../core/record.js';
import type { ComponentDiagnosis } from '../diagnose/types.js';
import { plural } from '../core/plural.js';
import { esc } from './escape.js';
import { keyOf, setAsideText, type Folds } from './folds.js';
import { fmtPct } from '../core/format.js';
import { mismatchText } from './text.js';
import { sortedSymptoms } from './symptoms.js';
import type { DutSummary, NotRun, ReportInput } from './types.js';
import { isFlagged, overall, passRate } from './verdict.js';

/** Failing trials per DUT written with their bytes and transcript tail (the sample the report collected). */
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
  err?: string;
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
        ...profileOutput(p, o.folds.setAside.get(keyOf({ kind: 'profile', id: p.id }))),
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
  props.push(['trials', String(d.trials)], ['passes', String(d.passes)], ['failures', String(d.failures)], ['errors', String(d.errors)], ['passRate', rate === null ? '' : rate.toFixed(4)]);
  props.push(['symptoms', sortedSymptoms(d.symptoms).map(([s, n]) => `${s} ${n}`).join(', ')]);
  return props;
}

function dutCases(rig: string, d: DutSummary, sampled: TrialRecord[], notRun: NotRun | undefined): Case[] {
  const classname = `shakedown.${rig}.${d.dut}`;
  const withBytes = new Map(sampled.map((t) => [t.trialId, t]));
  const cases: Case[] = [];
  // The passed trials as one passing testcase (bounded whatever their number); each other trial is a testcase.
  const nonPassingMs = d.nonPassing.reduce((sum, t) => sum + t.totalMs, 0);
  const mix = sortedSymptoms(d.symptoms);
  const counted = d.passes + d.failures;
  cases.push({
    name: 'trials passed',
    classname,
    time: Math.max(0, d.totalMs - nonPassingMs) / 1000,
    out:
      `${d.passes} of ${counted} trials passed${counted ? ` (${fmtPct(d.passes / counted)})` : ''}` +
      (mix.length ? `; failed: ${mix.map(([s, n]) => `${s} ${n}`).join(', ')}` : '') +
      (d.errors ? `; ${plural(d.errors, 'harness error')} (not counted)` : ''),
  });
  for (const t of d.nonPassing) {
    const full = withBytes.get(t.trialId);
    const detail = full?.detail ?? t.detail;
    cases.push({
      name: `trial ${t.seq}`,
      classname,
      time: t.totalMs / 1000,
      failure: {
        // A harness error is an <error>, so a CI server never reads it as a hardware failure.
        kind: t.result === 'error' ? 'error' : 'failure',
        type: t.kind,
        message: detail || `${t.result === 'error' ? 'harness error' : 'failed'}: ${t.kind}`,
        body: full ? `${t.trialId}\n${full.mismatch ? mismatchText(full.mismatch) + '\n' : ''}${transcriptTail(full)}` : t.trialId,
      },
    });
  }
  if (notRun && notRun.trials > 0) {
    cases.push({
      name: 'trials not run',
      classname,
      time: 0,
      failure: { kind: 'skipped', type: notRun.reason, message: `${plural(notRun.trials, 'trial')} not run (${notRun.reason}): ${notRun.detail}`, body: '' },
    });
  }
  return cases;
}

/**
 * A diagnosed component: its verdict is a conclusion drawn from trials already counted (tonight's and earlier
 * nights'), so it never fails the testcase — the failure count stays the failing trials'. A suspect or bad one says
 * so in <system-err> (verdict, evidence, next action), a watched one in <system-out>.
 */
function componentCase(rig: string, c: ComponentDiagnosis, folds: Folds): Case {
  const out: Case = { name: c.id, classname: `shakedown.${rig}.components.${c.kind}`, time: 0 };
  const summary = c.evidence?.summary ?? '';
  const aside = folds.setAside.get(keyOf(c));
  if (aside) {
    out.out = `${c.verdict}, set aside: ${setAsideText(aside)}\n${summary}`;
  } else if (isFlagged(c)) {
    // The next step may already carry the separating swap: it is not written twice.
    const swap = c.separatingSwap && !c.action?.includes(c.separatingSwap) ? c.separatingSwap : undefined;
    const extra = [c.action && `next: ${c.action}`, c.confoundedWith?.length && `confounded with ${c.confoundedWith.join(', ')}`, swap, c.changedSince].filter(Boolean);
    out.err = [`${c.verdict}: ${summary}`, ...extra].join('\n');
  } else if (c.verdict === 'watch') {
    out.out = `watch: ${summary}`;
  }
  return out;
}

/** A profile's verdict, as componentCase writes a component's: set aside, flagged, or watched. */
function profileOutput(p: { verdict: string; summary: string; action?: string }, aside: Parameters<typeof setAsideText>[0] | undefined): Pick<Case, 'out' | 'err'> {
  if (aside) return { out: `${p.verdict}, set aside: ${setAsideText(aside)}\n${p.summary}` };
  if (p.verdict === 'suspect' || p.verdict === 'bad') return { err: `${p.verdict}: ${p.summary}\nnext: ${p.action}` };
  return p.verdict === 'watch' ? { out: `watch: ${p.summary}` } : {};
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
  if (!c.failure && !c.out && !c.err) return `${open}/>\n`;
  let inner = '';
  if (c.failure) {
    const f = c.failure;
    // <skipped> carries no type in the JUnit schema: its reason is in the message.
    const type = f.kind === 'skipped' ? '' : ` type="${esc(f.type)}"`;
    inner += `    <${f.kind}${type} message="${esc(f.message.slice(0, 1000))}">${esc(f.body.slice(0, BODY_CHARS))}</${f.kind}>\n`;
  }
  if (c.out) inner += `    <system-out>${esc(c.out)}</system-out>\n`;
  if (c.err) inner += `    <system-err>${esc(c.err.slice(0, BODY_CHARS))}</system-err>\n`;
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
