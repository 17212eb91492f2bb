/**
 * The bench matrix: every DUT's strip of trials, pass rate and symptoms, grouped by the hub it hangs on, then the
 * shared parts (hubs, supplies) with the pooled pass rate of their DUTs — a shared cause shows as a block of red.
 */
import { plural } from '../../core/plural.js';
import { esc } from '../escape.js';
import { outOfService } from '../folds.js';
import type { BenchIndex } from '../rig-index.js';
import type { DutSummary, ReportInput } from '../types.js';
import { chip, errorCounts, legend, rateCell, stripHtml, symptomCounts, verdictBadge } from './parts.js';

const HOST_PORTS = '(ports on the host)';

export function benchMatrix(input: ReportInput, index: BenchIndex, anchor: Map<string, string>): string {
  const byHub = new Map<string, DutSummary[]>();
  for (const d of input.perDut) {
    const hub = index.places.get(d.dut)?.hub ?? HOST_PORTS;
    let list = byHub.get(hub);
    if (!list) byHub.set(hub, (list = []));
    list.push(d);
  }
  // DUTs out of service ran nothing: a row each under their hub, saying so.
  const ran = new Set(input.perDut.map((d) => d.dut));
  const resting = new Map<string, ReturnType<typeof outOfService>>();
  for (const d of outOfService(input.rig)) {
    if (ran.has(d.dut)) continue;
    const hub = index.places.get(d.dut)?.hub ?? HOST_PORTS;
    resting.set(hub, [...(resting.get(hub) ?? []), d]);
    if (!byHub.has(hub)) byHub.set(hub, []);
  }
  const hubs = [...byHub.keys()].sort((a, b) => (a === HOST_PORTS ? 1 : b === HOST_PORTS ? -1 : a.localeCompare(b)));
  const rows: string[] = [];
  for (const hub of hubs) {
    const duts = byHub.get(hub)!;
    duts.sort((a, b) => (index.places.get(a.dut)?.port ?? '').localeCompare(index.places.get(b.dut)?.port ?? '') || a.dut.localeCompare(b.dut));
    const counted = duts.reduce((n, d) => n + d.passes + d.failures, 0);
    const passes = duts.reduce((n, d) => n + d.passes, 0);
    const diag = index.diagnosis.get(hub);
    rows.push(
      `<tr class="group"><th colspan="4">${hub === HOST_PORTS ? esc(hub) : `hub <code>${esc(hub)}</code>`} ${
        diag ? verdictBadge(diag.verdict) : ''
      } <span class="muted">— ${plural(duts.length, 'DUT')}, ${passes}/${counted} passed</span></th></tr>`,
    );
    for (const d of resting.get(hub) ?? []) {
      const p = index.places.get(d.dut);
      rows.push(
        `<tr class="resting"><td class="dutcell">${esc(d.dut)} <span class="health ${d.health}">${d.health}</span>` +
          `<div class="wiring">${chip('port', p?.port, index)}${chip('cable', p?.cable, index)}${chip('supply', p?.supply, index)}</div></td>` +
          `<td colspan="3">not run: ${d.health === 'retired' ? 'retired' : 'in maintenance'} (declared in the rig)${d.notes ? ` — ${esc(d.notes)}` : ''}</td></tr>`,
      );
    }
    for (const d of duts) {
      const p = index.places.get(d.dut);
      const dutDiag = index.diagnosis.get(d.dut);
      rows.push(
        `<tr><td class="dutcell"><a href="#${anchor.get(d.dut)}">${esc(d.dut)}</a> ${dutDiag && dutDiag.verdict !== 'ok' ? verdictBadge(dutDiag.verdict) : ''} <span class="muted">${esc(d.profile)}</span>` +
          `<div class="wiring">${chip('port', p?.port, index)}${chip('cable', p?.cable, index)}${chip('supply', p?.supply, index)}</div></td>` +
          rateCell(d.passes, d.failures) +
          `<td class="stripcell">${stripHtml(d.strip, d.dut)}</td><td class="symcell">${d.failures || !d.errors ? symptomCounts(d.symptoms) : ''}${errorCounts(d.errorReasons ?? {})}</td></tr>`,
      );
    }
  }
  return (
    '<section id="matrix"><h2>Bench matrix</h2>' +
    (rows.length === 0
      ? '<p class="muted">No DUT ran a trial.</p>'
      : `<div class="scroll"><table class="matrix"><thead><tr><th>DUT and wiring</th><th class="num">pass</th><th>trials in order</th><th>symptoms</th></tr></thead><tbody>${rows.join(
          '',
        )}</tbody></table></div>${legend()}${sharedParts(input, index)}`) +
    '</section>'
  );
}

/** Hubs and supplies with more than one DUT: pooled pass rate and verdict. */
function sharedParts(input: ReportInput, index: BenchIndex): string {
  const byId = new Map(input.perDut.map((d) => [d.dut, d]));
  const groups: Array<{ kind: string; id: string; duts: string[] }> = [];
  const collect = (kind: 'hub' | 'supply', pick: (p: { hub: string | null; supply: string }) => string | null) => {
    const map = new Map<string, string[]>();
    for (const p of index.places.values()) {
      if (!byId.has(p.dut)) continue;
      const id = pick(p);
      if (!id) continue;
      let list = map.get(id);
      if (!list) map.set(id, (list = []));
      list.push(p.dut);
    }
    for (const [id, duts] of [...map].sort((a, b) => a[0].localeCompare(b[0]))) groups.push({ kind, id, duts });
  };
  collect('hub', (p) => p.hub);
  collect('supply', (p) => p.supply);
  if (groups.length === 0) return '';
  const rows = groups.map((g) => {
    const failures = g.duts.reduce((n, d) => n + (byId.get(d)?.failures ?? 0), 0);
    const passes = g.duts.reduce((n, d) => n + (byId.get(d)?.passes ?? 0), 0);
    const symptoms: Record<string, number> = {};
    for (const d of g.duts) for (const [s, n] of Object.entries(byId.get(d)?.symptoms ?? {})) symptoms[s] = (symptoms[s] ?? 0) + (n ?? 0);
    const diag = index.diagnosis.get(g.id);
    return (
      `<tr><td>${esc(g.kind)}</td><td><code>${esc(g.id)}</code> ${diag ? verdictBadge(diag.verdict) : ''}</td>` +
      `<td>${g.duts.map(esc).join(', ')}</td>${rateCell(passes, failures)}<td>${symptomCounts(symptoms)}</td></tr>`
    );
  });
  return (
    '<h3>Shared parts</h3><div class="scroll"><table class="shared"><thead><tr><th>kind</th><th>id</th><th>DUTs on it</th><th class="num">pass</th><th>symptoms</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}
