/** How each symptom is shown: a letter (so nothing relies on colour alone), a CSS class for its colour, a phrase. */
import { SYMPTOMS, type Symptom } from '../core/record.js';

export const SYMPTOM_STYLE: Record<Symptom, { letter: string; label: string }> = {
  ok: { letter: '·', label: 'passed' },
  silent: { letter: 'S', label: 'silent: nothing after reset' },
  'wrong-mode': { letter: 'M', label: 'wrong-mode: answered in another boot mode' },
  'unexpected-reply': { letter: 'U', label: 'unexpected-reply: a consistent wrong answer' },
  corrupt: { letter: 'C', label: 'corrupt: bit errors or lost bytes' },
  flood: { letter: 'F', label: 'flood: many unasked bytes' },
  late: { letter: 'L', label: 'late: right answer after its deadline' },
  'reset-mid': { letter: 'R', label: 'reset-mid: restarted mid-handshake' },
  'port-lost': { letter: 'P', label: 'port-lost: the serial port vanished' },
  'port-open-failed': { letter: 'O', label: 'port-open-failed: could not open the port' },
};

/** How a harness error is shown: not a symptom, and drawn unlike any (hatched) so it is never read as one. */
export const HARNESS_ERROR_STYLE = { letter: 'E', label: 'harness error: not the hardware' };

export const FAILING_SYMPTOMS: readonly Symptom[] = SYMPTOMS.filter((s) => s !== 'ok');

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
