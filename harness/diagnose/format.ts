/** The diagnosis as a terminal table: flagged and watched components with evidence and next step, then a count of the rest. */
import { formatTable } from '../cli/table.js';
import { plural } from '../core/plural.js';
import { evidenceWithoutName } from './sentences.js';
import type { DiagnosisResult } from './types.js';

export function formatDiagnosis(result: DiagnosisResult): string {
  const window = result.windowNights.length > 0 ? `${result.windowNights[0]} … ${result.windowNights[result.windowNights.length - 1]} (${plural(result.windowNights.length, 'night')})` : 'no nights';
  const lines: string[] = [
    `rig ${result.rig}, night ${result.night}; window ${window}`,
    `${plural(result.trials, 'trial')}, ${result.failures} failed (${result.trials === 0 ? 0 : ((result.failures / result.trials) * 100).toFixed(1)}%)`,
    '',
  ];
  const shown = result.components.filter((c) => c.verdict !== 'ok');
  if (shown.length === 0) {
    lines.push('No component stands out: every failure rate is within the bench baseline.');
  } else {
    const rows = shown.map((c) => [
      c.verdict.toUpperCase(),
      c.kind,
      c.id,
      `${c.evidence.failures}/${c.evidence.trials}`,
      `${(c.evidence.failureRate * 100).toFixed(1)}%`,
      `${(c.evidence.poolRate * 100).toFixed(1)}%`,
      c.evidence.pValue < 1e-300 ? '<1e-300' : c.evidence.pValue.toPrecision(2),
      c.evidence.ochiai.toFixed(2),
      c.evidence.symptomFit.toFixed(2),
    ]);
    lines.push(formatTable(['verdict', 'kind', 'id', 'failed', 'rate', 'pool', 'p (Holm)', 'ochiai', 'fit'], rows));
    for (const c of shown) {
      const news = c.news === 'new' ? ' [new]' : c.news === 'worse' ? ` [worse${c.previousVerdict ? `, ${c.previousVerdict} the night before` : ''}]` : '';
      lines.push(`${c.verdict.toUpperCase()} ${c.kind} ${c.id}${news}: ${evidenceWithoutName(c)}`);
      if (c.changedSince) lines.push(`  ${c.changedSince}`);
      if (c.confoundedWith?.length) lines.push(`  always ran with: ${c.confoundedWith.join(', ')}`);
      if (c.action) lines.push(`  next: ${c.action}`);
    }
  }
  for (const p of result.profiles) lines.push('', `PROFILE ${p.id} (${p.verdict}): ${p.summary}`, `  next: ${p.action}`);
  if (result.fixed?.length) {
    lines.push('', `Fixed since ${result.previousNight ?? 'the night before'}:`);
    for (const f of result.fixed) lines.push(`  ${f.kind} ${f.id}: ${f.previousVerdict} then, ${f.verdict} now`);
  }
  const ok = result.components.filter((c) => c.verdict === 'ok').length;
  lines.push('', `${plural(ok, 'other component')} ok.`);
  return lines.join('\n') + '\n';
}
