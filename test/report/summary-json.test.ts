import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { renderSummaryJson, SUMMARY_SCHEMA_VERSION } from '../../harness/report/summary-json.js';
import { EVIL, syntheticInput } from './synthetic.js';

/** The field table of docs/report-format.md: path → allowed types. */
function documentedFields(): Map<string, string[]> {
  const doc = readFileSync(new URL('../../docs/report-format.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## summary.json'), doc.indexOf('## junit.xml'));
  const fields = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([^`]+)` \| ([^|]+(?:\\\|[^|]+)*) \|/.exec(line);
    if (m) fields.set(m[1]!, m[2]!.split('\\|').map((t) => t.trim()));
  }
  return fields;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Walks the JSON against the documented paths; returns problems and the documented paths that were seen. */
function check(value: unknown, fields: Map<string, string[]>): { problems: string[]; seen: Set<string> } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (v: unknown, path: string) => {
    const types = fields.get(path);
    if (!types) {
      problems.push(`undocumented field ${path}`);
      return;
    }
    seen.add(path);
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) problems.push(`${path} is ${t}, documented as ${types.join(' | ')}`);
    if (Array.isArray(v)) v.forEach((item) => visit(item, `${path}[]`));
    else if (t === 'object') {
      for (const [k, child] of Object.entries(v as object)) {
        const direct = path ? `${path}.${k}` : k;
        const placeholder = [...fields.keys()].find((f) => f.startsWith(`${path}.<`) && /^<[a-z]+>$/.test(f.slice(path.length + 1)));
        visit(child, fields.has(direct) ? direct : (placeholder ?? direct));
      }
    }
  };
  fields.set('', ['object']);
  visit(value, '');
  seen.delete('');
  fields.delete('');
  return { problems, seen };
}

describe('report: summary.json', () => {
  const input = syntheticInput();
  const text = renderSummaryJson(input);
  const summary = JSON.parse(text);

  it('matches the documented shape, field for field, both ways', () => {
    const fields = documentedFields();
    expect(fields.size, 'the doc table was found').to.be.greaterThan(60);
    const { problems, seen } = check(summary, fields);
    expect(problems).to.deep.equal([]);
    // The synthetic night flags no supply; psu-b flagged with a board of its own to move to psu-a writes the rest of
    // the fields, and with no supply to move it to, `supply` is null.
    for (const to of ['psu-a', undefined]) {
      const night = syntheticInput();
      const supply = night.diagnosis.components.find((c) => c.id === 'psu-b')!;
      Object.assign(supply, { verdict: 'suspect', confirmingMove: { dut: 'mt6765-b', ...(to ? { supply: to } : {}) } });
      const written = JSON.parse(renderSummaryJson(night));
      expect(written.components.find((c: { id: string }) => c.id === 'psu-b').confirmingMove).to.deep.equal({ dut: 'mt6765-b', supply: to ?? null });
      const withMove = check(written, fields);
      expect(withMove.problems).to.deep.equal([]);
      withMove.seen.forEach((f) => seen.add(f));
    }
    const unseen = [...fields.keys()].filter((f) => !seen.has(f));
    expect(unseen, 'documented but not written').to.deep.equal([]);
  });

  it('the shape check notices an undocumented field, a wrong type and a missing field', () => {
    const fields = documentedFields();
    const changed = JSON.parse(text);
    changed.extra = 1;
    changed.totals.trials = 'many';
    delete changed.rigDigest;
    const { problems, seen } = check(changed, fields);
    expect(problems.join('\n')).to.match(/undocumented field extra/).and.match(/totals\.trials is string/);
    expect(seen.has('rigDigest')).to.equal(false);
  });

  it('carries run, counts and the diagnosis components at top level', () => {
    expect(summary.schemaVersion).to.equal(SUMMARY_SCHEMA_VERSION);
    expect(summary.runId).to.equal(input.run.runId);
    expect(summary.verdict).to.equal('flagged');
    expect(summary.durationMs).to.equal(5_731_000);
    const { trials, passes, failures, errors } = summary.totals;
    expect(trials).to.equal(1200);
    expect(passes + failures + errors).to.equal(trials);
    const c2 = summary.components.find((c: { id: string }) => c.id === 'c2');
    expect(c2).to.include({ kind: 'cable', verdict: 'bad', separatingSwap: 'swap cable c2 with c1 tomorrow' });
    expect(c2.indistinguishableFrom, 'the parts tonight cannot tell from it').to.deep.equal(['h1.2']);
    expect(c2.evidence).to.include({ trials: 200, failures: 41 });
    expect(c2.evidence.symptoms).to.deep.equal({ corrupt: 41 });
    const dut = summary.duts.find((d: { id: string }) => d.id === 'f103-b');
    expect(dut.symptoms).to.deep.equal({ corrupt: 40 });
    expect(dut.components.hub).to.equal('h1');
    expect(summary.duts.find((d: { id: string }) => d.id === 'f407').components.hub).to.equal(null);
    expect(summary.duts.map((d: { id: string }) => d.id)).to.include(EVIL);
  });

  it('writes null, not invalid JSON, for numbers that are not finite', () => {
    const odd = syntheticInput(10);
    odd.diagnosis.components[0]!.evidence.pValue = Number.NaN;
    odd.run.endedAt = 'not a time';
    const s = JSON.parse(renderSummaryJson(odd));
    expect(s.components[0].evidence.pValue).to.equal(null);
    expect(s.durationMs).to.equal(null);
  });

  it('rounds numbers to what they mean: rates to 0.01 %, scores to 0.001, a p-value to two significant digits', () => {
    const input = syntheticInput(10);
    const evidence = input.diagnosis.components[0]!.evidence;
    Object.assign(evidence, { pValue: 0.000123456789, ochiai: 0.912345678, failureRate: 0.2051234567 });
    input.perDut[0] = { ...input.perDut[0]!, passes: 2, failures: 1, errors: 0 };
    const s = JSON.parse(renderSummaryJson(input));
    expect(s.components[0].evidence).to.include({ pValue: 0.00012, ochiai: 0.912, failureRate: 0.2051 });
    expect(s.duts[0].passRate).to.equal(0.6667);
    const digits = (n: number) => (String(n).split('.')[1] ?? '').length;
    const long: string[] = [];
    const visit = (v: unknown, path: string): void => {
      if (typeof v === 'number' && digits(v) > 4 && !/pValue|\.(min|max)$/.test(path)) long.push(`${path} = ${v}`);
      else if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) visit(child, `${path}.${k}`);
    };
    visit(s, '');
    expect(long, 'numbers with more digits than they mean').to.deep.equal([]);
  });

  it('names the machine that ran the run as host, and the rig’s host component apart', () => {
    expect(summary.host).to.equal(input.run.host);
    expect(summary.hostComponent).to.equal(input.perDut[0]!.components.host);
  });

  it('says healthy when every trial passed and nothing is flagged', () => {
    const healthy = syntheticInput(10);
    healthy.perDut = healthy.perDut.map((d) => ({ ...d, passes: d.trials, failures: 0, errors: 0, symptoms: {} }));
    healthy.diagnosis = { ...healthy.diagnosis, components: healthy.diagnosis.components.map((c) => ({ ...c, verdict: 'ok' as const })), profiles: [] };
    const s = JSON.parse(renderSummaryJson(healthy));
    expect(s.verdict).to.equal('healthy');
    expect(s.headline).to.match(/^Healthy/);
  });
});
