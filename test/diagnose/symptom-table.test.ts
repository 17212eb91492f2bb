/** One symptom table: every list of symptoms — the diagnosis' fit, the report's legend and checks, the docs — is its keys. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { FAILING_SYMPTOMS, SYMPTOM_TABLE, SYMPTOMS } from '../../harness/core/symptoms.js';
import { AFFINITY } from '../../harness/diagnose/symptom-fit.js';
import { renderJunit } from '../../harness/report/junit.js';
import { SYMPTOM_CSS, SYMPTOM_STYLE } from '../../harness/report/symptoms.js';
import { syntheticInput } from '../report/synthetic.js';

describe('the symptom table', () => {
  it('names ok first and every failing symptom with what it shows and its usual causes', () => {
    expect(SYMPTOMS[0]).to.equal('ok');
    expect(FAILING_SYMPTOMS).to.deep.equal(SYMPTOMS.slice(1));
    for (const s of FAILING_SYMPTOMS) {
      expect(SYMPTOM_TABLE[s].shows, s).to.be.a('string').that.is.not.empty;
      expect(SYMPTOM_TABLE[s].causes, s).to.not.be.empty;
    }
  });

  it('is what the symptom fit weighs, the legend shows and the colours cover', () => {
    expect(Object.keys(AFFINITY)).to.have.members([...FAILING_SYMPTOMS]);
    expect(Object.keys(SYMPTOM_STYLE)).to.deep.equal([...SYMPTOMS]);
    for (const s of SYMPTOMS) expect(SYMPTOM_CSS, s).to.include(`.s-${s}{background:`);
    const letters = SYMPTOMS.map((s) => SYMPTOM_STYLE[s].letter);
    expect(new Set(letters).size, 'one letter per symptom').to.equal(letters.length);
  });

  it('names each failing JUnit trial and each DUT suite’s symptom mix by the table’s symptoms', () => {
    const xml = renderJunit(syntheticInput(10));
    const types = [...xml.matchAll(/<failure type="([^"]+)"/g)].map((m) => m[1]!);
    expect(types, 'some trials failed').to.not.be.empty;
    for (const t of types) expect(FAILING_SYMPTOMS as readonly string[], t).to.include(t);
    const mixes = [...xml.matchAll(/<property name="symptoms" value="([^"]*)"/g)].flatMap((m) => (m[1] ? m[1].split(', ') : []));
    for (const entry of mixes) expect(FAILING_SYMPTOMS as readonly string[], entry).to.include(entry.split(' ')[0]);
  });

  it('is the list the docs give for summary.json and the symptom fit', () => {
    const format = readFileSync('docs/report-format.md', 'utf8');
    const listed = /`duts\[\]\.symptoms\.<symptom>` \| integer \| Trials with that symptom \(([^)]*)\)/.exec(format)?.[1];
    expect(listed?.split(', ').map((s) => s.replace(/`/g, ''))).to.deep.equal([...FAILING_SYMPTOMS]);
    const diagnosis = readFileSync('docs/diagnosis.md', 'utf8');
    const fitTable = diagnosis.slice(diagnosis.indexOf('| symptom | strongest fits |'));
    const rows = [...fitTable.matchAll(/^\| ([a-z][a-z-]*) \|/gm)].map((m) => m[1]).filter((s) => s !== 'symptom');
    expect(rows.slice(0, FAILING_SYMPTOMS.length)).to.have.members([...FAILING_SYMPTOMS]);
  });
});
