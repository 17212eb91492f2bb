/**
 * Pin roles in a profile: every pin says what it does (reset, power, boot-strap, other) and nothing goes by its
 * name. A profile written before roles existed gets, for each pin, the line to add — the role its name suggests —
 * instead of a bare "missing key"; a boot-strap pin must be one of the straps its family knows.
 */
import type { ConfigIssue } from './issues.js';
import { asMap } from './raw.js';
import type { ConfigSource } from './source.js';
import { PIN_ROLES, type PinDef, type PinRole } from './types.js';

/** The names of a profile's pins with this role, in the profile's order. */
export function pinsWithRole(pins: Readonly<Record<string, PinDef>>, role: PinRole): string[] {
  return Object.values(pins).filter((pin) => pin.role === role).map((pin) => pin.name);
}

/** Names that said what a pin does before roles did. */
const RESET_NAMES = ['reset', 'nrst', 'rst'];
const POWER_NAMES = ['power'];

/**
 * The role an old profile's pin most likely has, from its name: reset/nrst/rst, power, or a strap name some family
 * knows (`knownStraps`); undefined when the name does not say.
 */
export function roleFromName(name: string, knownStraps: readonly string[]): PinRole | undefined {
  const lower = name.toLowerCase();
  if (RESET_NAMES.includes(lower)) return 'reset';
  if (POWER_NAMES.includes(lower)) return 'power';
  if (knownStraps.includes(lower)) return 'boot-strap';
  return undefined;
}

/**
 * Pins without a role, each with the fix spelled out, and boot-strap pins their family does not know.
 * `familyStraps` is undefined for a family with no plug-in: any strap name goes there.
 */
export function checkPinRoles(
  source: ConfigSource,
  pins: unknown,
  family: string | undefined,
  familyStraps: readonly string[] | undefined,
  knownStraps: readonly string[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, value] of Object.entries(asMap(pins) ?? {})) {
    const pin = asMap(value);
    if (!pin) continue;
    if (pin.role === undefined) {
      issues.push(source.issue(['pins', name, 'role'], missingRole(name, pin, knownStraps)));
    } else if (pin.role === 'boot-strap' && familyStraps && !familyStraps.includes(name)) {
      issues.push(source.issue(['pins', name], `pin '${name}' is a boot-strap, but the straps of a ${family} board are ${familyStraps.join(', ')}: name it after the one it is`));
    }
  }
  return issues;
}

function missingRole(name: string, pin: Record<string, unknown>, knownStraps: readonly string[]): string {
  const role = roleFromName(name, knownStraps);
  const why = `missing role: pins now say what they do (${PIN_ROLES.join(', ')}) and nothing goes by a pin's name`;
  if (!role) return `${why}; add role: <one of them> to pin '${name}', e.g. ${example(name, 'other', pin)}`;
  return `${why}; add role: ${role} (from its name): ${example(name, role, pin)}`;
}

/** The pin's entry with its role first, as it is written in the shipped profiles. */
function example(name: string, role: PinRole, pin: Record<string, unknown>): string {
  const keys = ['active', 'idle'].filter((key) => typeof pin[key] === 'string').map((key) => `${key}: ${String(pin[key])}`);
  return `${name}: { ${[`role: ${role}`, ...keys].join(', ')} }`;
}
