import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { TrialRecord } from '../../harness/core/record.js';
import { renderJunit } from '../../harness/report/junit.js';
import { summarizeDuts } from '../../harness/report/summarize.js';
import { EVIL, syntheticInput } from './synthetic.js';
import { elements, parseXml, textOf, type XmlElement } from './xml.js';
import { Schema } from './xsd.js';

const schema = new Schema(readFileSync(new URL('../../fixtures/report/junit.xsd', import.meta.url), 'utf8'));

function suiteNamed(root: XmlElement, name: string): XmlElement {
  const suite = elements(root, 'testsuite').find((s) => s.attrs.get('name') === name);
  expect(suite, `suite ${name}`).to.not.equal(undefined);
  return suite!;
}

describe('report: junit.xml', () => {
  const input = syntheticInput();
  const xml = renderJunit(input);
  const root = parseXml(xml);

  it('is valid against the JUnit schema', () => {
    expect(schema.validate(xml)).to.deep.equal([]);
  });

  it('the schema checker itself rejects broken JUnit', () => {
    const good = '<testsuites><testsuite name="a" tests="1"><testcase name="x"/></testsuite></testsuites>';
    expect(schema.validate(good)).to.deep.equal([]);
    expect(schema.validate('<testsuites><testsuite tests="1"/></testsuites>').join()).to.match(/required attribute name/);
    expect(schema.validate('<testsuites><testsuite name="a" tests="x"/></testsuites>').join()).to.match(/not a xs:nonNegativeInteger/);
    expect(schema.validate('<testsuites><testsuite name="a" tests="1"><testcase name="x"/><properties/></testsuite></testsuites>').join()).to.match(/content model/);
    expect(schema.validate('<testsuites><testsuite name="a" tests="1"><bogus/></testsuite></testsuites>').join()).to.match(/content model/);
    expect(schema.validate('<testsuites><testsuite name="a" tests="1" colour="red"/></testsuites>').join()).to.match(/not declared/);
    expect(schema.validate('<testsuites><testsuite name="a\u0001" tests="1"/></testsuites>').join()).to.match(/not well-formed/);
    expect(schema.validate('<testsuites><testsuite name="a" tests="1">text</testsuite></testsuites>').join()).to.match(/text is not allowed/);
  });

  it('has a suite per DUT with component ids as properties', () => {
    const suite = suiteNamed(root, 'f103-b');
    const props = new Map(elements(elements(suite, 'properties')[0]!, 'property').map((p) => [p.attrs.get('name'), p.attrs.get('value')]));
    expect(props.get('component.cable')).to.equal('c2');
    expect(props.get('component.port')).to.equal('h1.2');
    expect(props.get('component.hub')).to.equal('h1');
    expect(props.get('component.supply')).to.equal('psu-a');
    expect(props.get('component.relays')).to.equal('rb1.3 rb1.4');
    expect(props.get('profile')).to.equal('stm32f103');
    expect(suite.attrs.get('package')).to.equal('shakedown.lab-3');
  });

  it('fails the checks of a failing DUT with the symptom as type and the detail as message', () => {
    const suite = suiteNamed(root, 'f103-b');
    const cases = elements(suite, 'testcase');
    const all = cases.find((c) => c.attrs.get('name') === 'all trials pass')!;
    const failure = elements(all, 'failure')[0]!;
    expect(failure.attrs.get('type')).to.equal('corrupt');
    expect(failure.attrs.get('message')).to.match(/^40 of 200 trials failed \(20\.0%\): corrupt 40$/);
    const corrupt = cases.find((c) => c.attrs.get('name') === 'symptom corrupt')!;
    expect(elements(corrupt, 'failure')[0]!.attrs.get('type')).to.equal('corrupt');
    const silent = cases.find((c) => c.attrs.get('name') === 'symptom silent')!;
    expect(elements(silent)).to.have.length(0);
    const trial = cases.find((c) => c.attrs.get('name') === 'trial 3')!;
    const tf = elements(trial, 'failure')[0]!;
    expect(tf.attrs.get('message')).to.match(/expected 79, got F9 00/);
    expect(textOf(tf)).to.match(/deviant: #0 F9≠79, #1 00 extra/);
    // a harness error is an <error> with its reason as type, not a <failure>, and not a symptom of the DUT
    const f407 = elements(suiteNamed(root, 'f407'), 'testcase');
    const errorTrial = f407.find((c) => c.attrs.get('name')!.startsWith('trial ') && elements(c, 'error').length > 0)!;
    expect(elements(errorTrial, 'error')[0]!.attrs.get('type')).to.equal('edge-late');
    const harness = f407.find((c) => c.attrs.get('name') === 'harness ran every trial')!;
    expect(elements(harness, 'error')[0]!.attrs.get('message')).to.match(/^4 of 200 trials were harness errors: edge-late 4$/);
    expect(elements(harness, 'failure')).to.have.length(0);
    const f407All = f407.find((c) => c.attrs.get('name') === 'all trials pass')!;
    for (const f of elements(f407All, 'failure')) expect(f.attrs.get('message')).to.match(/ of 196 trials failed/);
    const notRun = f407.find((c) => c.attrs.get('name') === 'trials not run')!;
    expect(elements(notRun, 'skipped')[0]!.attrs.get('message')).to.match(/^3 trials not run: /);
  });

  it('keeps a healthy DUT green and counts consistent', () => {
    const suite = suiteNamed(root, 'f103-a');
    expect(suite.attrs.get('failures')).to.equal('0');
    for (const s of elements(root, 'testsuite')) {
      const cases = elements(s, 'testcase');
      expect(s.attrs.get('tests')).to.equal(String(cases.length));
      expect(s.attrs.get('failures')).to.equal(String(cases.filter((c) => elements(c, 'failure').length).length));
      expect(s.attrs.get('errors')).to.equal(String(cases.filter((c) => elements(c, 'error').length).length));
    }
    const total = elements(root, 'testsuite').reduce((n, s) => n + Number(s.attrs.get('tests')), 0);
    expect(root.attrs.get('tests')).to.equal(String(total));
  });

  it('flags diagnosed components as failing testcases of a components suite', () => {
    const suite = suiteNamed(root, 'components');
    const c2 = elements(suite, 'testcase').find((c) => c.attrs.get('name') === 'c2')!;
    expect(c2.attrs.get('classname')).to.equal('shakedown.lab-3.components.cable');
    const f = elements(c2, 'failure')[0]!;
    expect(f.attrs.get('type')).to.equal('bad');
    expect(textOf(f)).to.match(/next: Replace cable c2/);
    const psu = elements(suite, 'testcase').find((c) => c.attrs.get('name') === 'psu-b')!;
    expect(elements(psu, 'failure')).to.have.length(0);
    expect(textOf(elements(psu, 'system-out')[0]!)).to.match(/^watch, set aside: acknowledged \(supply psu-b\) by anna/);
  });

  it('carries a script-like DUT name and device text as data, not markup', () => {
    const suite = suiteNamed(root, EVIL);
    expect(suite.attrs.get('name')).to.equal(EVIL);
    expect(xml).to.not.include('<script>');
    const trial = elements(suite, 'testcase').find((c) => c.attrs.get('name')!.startsWith('trial '))!;
    expect(elements(trial, 'failure')[0]!.attrs.get('message')).to.include(EVIL);
  });

  it('stays valid with control bytes in a detail line', () => {
    const withControl = syntheticInput(20);
    const t = withControl.failingTrials[0]!;
    withControl.failingTrials[0] = { ...t, detail: 'got \u0000\u0007\u001b[31m and \uFFFF' } as TrialRecord;
    const out = renderJunit(withControl);
    expect(schema.validate(out)).to.deep.equal([]);
    expect(out).to.include('got \\x00\\x07\\x1b[31m');
  });

  it('stays bounded for a DUT with many failing trials', () => {
    const many = syntheticInput(20);
    const dut = many.perDut[1]!.dut;
    const records = Array.from({ length: 5000 }, (_, i) => ({ ...many.failingTrials[0]!, dut, seq: i + 1, trialId: `x/${dut}/${i + 1}` }));
    many.perDut = summarizeDuts(records);
    many.failingTrials = records;
    const out = renderJunit(many);
    const cases = elements(suiteNamed(parseXml(out), dut), 'testcase');
    expect(cases.length).to.be.at.most(1 + 1 + 9 + 20);
    expect(schema.validate(out)).to.deep.equal([]);
  });
});
