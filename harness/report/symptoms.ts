/** How each symptom is shown: a letter (so nothing relies on colour alone), a CSS class for its colour, a phrase from the symptom table. */
import { FAILING_SYMPTOMS, SYMPTOM_TABLE, SYMPTOMS, type Symptom } from '../core/symptoms.js';

/** Per symptom: its letter and the colour behind it (a letter too, so nothing relies on colour alone). */
const LOOKS: Record<Symptom, { letter: string; colour: string }> = {
  ok: { letter: '·', colour: 'var(--ok)' },
  silent: { letter: 'S', colour: '#57606a' },
  'wrong-mode': { letter: 'M', colour: '#8250df' },
  'unexpected-reply': { letter: 'U', colour: '#bc4c00' },
  corrupt: { letter: 'C', colour: '#cf222e' },
  flood: { letter: 'F', colour: '#7d4e00' },
  late: { letter: 'L', colour: '#b08800' },
  'reset-mid': { letter: 'R', colour: '#bf3989' },
  'port-lost': { letter: 'P', colour: '#0550ae' },
  'port-open-failed': { letter: 'O', colour: '#24292f' },
};

export const SYMPTOM_STYLE = Object.fromEntries(
  SYMPTOMS.map((s) => [s, { ...LOOKS[s], label: s === 'ok' ? SYMPTOM_TABLE.ok.brief : `${s}: ${SYMPTOM_TABLE[s].brief}` }]),
) as Record<Symptom, { letter: string; colour: string; label: string }>;

/** The CSS rule of each symptom's colour class (symptomClass). */
export const SYMPTOM_CSS = SYMPTOMS.map((s) => `.s-${s}{background:${LOOKS[s].colour}}`).join('');

/** How a harness error is shown: not a symptom, and drawn unlike any (hatched) so it is never read as one. */
export const HARNESS_ERROR_STYLE = { letter: 'E', label: 'harness error: not the hardware' };

export { FAILING_SYMPTOMS };

/** CSS class carrying the symptom's colour. */
export function symptomClass(s: string): string {
  return (SYMPTOMS as readonly string[]).includes(s) || s === 'error' ? `s-${s}` : 's-unknown';
}

/** The letter of a symptom, or of a harness error ('error'). */
export function symptomLetter(s: string): string {
  if (s === 'error') return HARNESS_ERROR_STYLE.letter;
  return (SYMPTOM_STYLE as Record<string, { letter: string }>)[s]?.letter ?? '?';
}

/** Symptom counts, most frequent first. */
export function sortedSymptoms(counts: Partial<Record<Symptom, number>>): Array<[Symptom, number]> {
  return (Object.entries(counts) as Array<[Symptom, number]>).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}
