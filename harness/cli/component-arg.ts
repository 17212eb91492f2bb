/**
 * The COMPONENT of `shakedown ack` and `unack`: `kind:id` (cable:c1) or an id alone when only one kind has it, among
 * the components of the rig file and of the diagnosis of the rig's latest night. An unknown one is bad input, with
 * the nearest names.
 */
import type { ComponentKind } from '../core/record.js';
import { InputError } from '../core/exit-codes.js';
import { closest } from '../config/issues.js';

export interface ComponentName {
  kind: ComponentKind;
  id: string;
}

const KINDS: readonly ComponentKind[] = ['dut', 'cable', 'port', 'hub', 'supply', 'relay', 'host', 'profile'];
/** Suggestions listed with an unknown component, at most. */
const SUGGESTIONS = 8;

export function resolveComponent(arg: string, known: readonly ComponentName[], rig: string): ComponentName {
  const colon = arg.indexOf(':');
  const kind = colon > 0 && (KINDS as readonly string[]).includes(arg.slice(0, colon)) ? (arg.slice(0, colon) as ComponentKind) : undefined;
  const id = kind ? arg.slice(colon + 1) : arg;
  const matches = known.filter((c) => c.id === id && (!kind || c.kind === kind));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new InputError(`'${id}' names several components of rig ${rig}: say which with ${matches.map((c) => `${c.kind}:${c.id}`).join(' or ')}`);
  }
  const pool = known.filter((c) => !kind || c.kind === kind);
  const names = [...new Set(pool.map((c) => c.id))];
  const guess = closest(id, names);
  // The closest name first, then those that start alike, longest shared start first (short ids differ by one: c1, c12).
  const shared = (n: string) => {
    let k = 0;
    while (k < n.length && n[k]!.toLowerCase() === id[k]?.toLowerCase()) k++;
    return k;
  };
  const alike = names.filter((n) => shared(n) > 0).sort((a, b) => shared(b) - shared(a) || Math.abs(a.length - id.length) - Math.abs(b.length - id.length) || a.localeCompare(b));
  const near = [...new Set([guess, ...alike].filter((n): n is string => n !== undefined))].slice(0, SUGGESTIONS);
  const label = (n: string) => pool.filter((c) => c.id === n).map((c) => `${c.kind}:${c.id}`).join(', ');
  const hint = near.length ? ` — did you mean ${near.map(label).join(', ')}?` : ` (its ${kind ?? 'component'}s: ${names.slice(0, SUGGESTIONS).join(', ') || 'none'}${names.length > SUGGESTIONS ? ', …' : ''})`;
  throw new InputError(`unknown ${kind ?? 'component'} '${id}' in rig ${rig}${hint}`);
}
