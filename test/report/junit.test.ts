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

  it('counts one failure per failing trial: 40 corrupt trials are failures="40", not more', () => {
    const suite = suiteNamed(root, 'f103-b');
    const dut = input.perDut.find((d) => d.dut === 'f103-b')!;
    expect(dut.failures).to.equal(40);
    expect(suite.attrs.get('failures')).to.equal('40');
    const cases = elements(suite, 'testcase');
    const failing = cases.filter((c) => elements(c, 'failure').length > 0);
    expect(failing).to.have.length(40);
    for (const c of failing) {
      expect(c.attrs.get('name')).to.match(/^trial \d+$/);
      expect(elements(c, 'failure')[0]!.attrs.get('type')).to.equal('corrupt');
    }
    const passed = cases.find((c) => c.attrs.get('name') === 'trials passed')!;
    expect(elements(passed, 'failure')).to.have.length(0);
    expect(textOf(elements(passed, 'system-out')[0]!)).to.equal('160 of 200 trials passed (80.0%); failed: corrupt 40');
    // a sampled trial carries its bytes: expected vs got and the deviant ones
    const trial = cases.find((c) => c.attrs.get('name') === 'trial 3')!;
    const tf = elements(trial, 'failure')[0]!;
    expect(tf.attrs.get('message')).to.match(/expected 79, got F9 00/);
    expect(textOf(tf)).to.match(/deviant: #0 F9≠79, #1 00 extra/);
  });

  it('makes each harness error an <error>, never a <failure>, and trials not run a <skipped>', () => {
    const suite = suiteNamed(root, 'f407');
    const dut = input.perDut.find((d) => d.dut === 'f407')!;
    expect(suite.attrs.get('errors')).to.equal(String(dut.errors));
    expect(suite.attrs.get('failures')).to.equal(String(dut.failures));
    const cases = elements(suite, 'testcase');
    const errorTrial = cases.find((c) => c.attrs.get('name')!.startsWith('trial ') && elements(c, 'error').length > 0)!;
    expect(elements(errorTrial, 'error')[0]!.attrs.get('type')).to.equal('edge-late');
    expect(elements(errorTrial, 'failure')).to.have.length(0);
    const notRun = cases.find((c) => c.attrs.get('name') === 'trials not run')!;
    expect(elements(notRun, 'skipped')[0]!.attrs.get('message')).to.match(/^3 trials not run \(port-missing\): /);
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

  it('writes the diagnosed components’ verdicts without counting them as failures', () => {
    const suite = suiteNamed(root, 'components');
    expect(suite.attrs.get('failures')).to.equal('0');
    const c2 = elements(suite, 'testcase').find((c) => c.attrs.get('name') === 'c2')!;
    expect(c2.attrs.get('classname')).to.equal('shakedown.lab-3.components.cable');
    expect(elements(c2, 'failure')).to.have.length(0);
    const said = textOf(elements(c2, 'system-err')[0]!);
    expect(said).to.match(/^bad: /).and.match(/next: Replace cable c2/);
    const psu = elements(suite, 'testcase').find((c) => c.attrs.get('name') === 'psu-b')!;
    expect(elements(psu, 'failure')).to.have.length(0);
    expect(textOf(elements(psu, 'system-out')[0]!)).to.match(/^watch, set aside: acknowledged \(supply psu-b\) by anna/);
    // the whole file's failure count is the failing trials', components flagged or not
    const failingTrials = input.perDut.reduce((n, d) => n + d.failures, 0);
    expect(root.attrs.get('failures')).to.equal(String(failingTrials));
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

  it('writes every one of 5000 failing trials as a testcase, still valid, sampled ones with their bytes', () => {
    const many = syntheticInput(20);
    const dut = many.perDut[1]!.dut;
    const records = Array.from({ length: 5000 }, (_, i) => ({ ...many.failingTrials[0]!, dut, seq: i + 1, trialId: `x/${dut}/${i + 1}` }));
    many.perDut = summarizeDuts(records);
    many.failingTrials = records.slice(0, 5);
    const out = renderJunit(many);
    const suite = suiteNamed(parseXml(out), dut);
    expect(suite.attrs.get('failures')).to.equal('5000');
    const cases = elements(suite, 'testcase');
    expect(cases).to.have.length(5000 + 1);
    expect(textOf(elements(cases[1]!, 'failure')[0]!)).to.match(/deviant/);
    expect(textOf(elements(cases[4000]!, 'failure')[0]!)).to.equal(`x/${dut}/4000`);
    expect(schema.validate(out)).to.deep.equal([]);
  });
});
