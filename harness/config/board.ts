/**
 * Board profiles: boards/<id>.yaml → BoardProfile, with every problem reported at once. What a family or an engine
 * adds to a profile (its protocol options, expect keys, chip block, rules) comes from its descriptor in the
 * registries (harness/families/index.ts, harness/protocols/engines.ts); nothing here names one.
 */
import { basename, extname } from 'node:path';
import { FAMILIES, familyFormerlyNamed, familyNamed } from '../families/index.js';
import { ENGINES, engineNamed } from '../protocols/engines.js';
import type { BoardProfile, ChipFacts, Deadlines, PinDef, ProtocolConfig, SerialSettings } from './types.js';
import { boardShapeSchema, DEFAULT_EDGE_TOLERANCE_MS, type BoardInput } from './board-schema.js';
import { checkStartup } from './feasibility.js';
import { checkPinRoles } from './pin-roles.js';
import { ConfigError, type ConfigIssue } from './issues.js';
import { asMap, asString } from './raw.js';
import type { SerialInput } from './schema-parts.js';
import { readConfigSource, type ConfigSource } from './source.js';
import { checkSteps, toStep } from './steps.js';
import { validate } from './zod-issues.js';

/** The script engine: generic, for any family (one with no plug-in too). */
const SCRIPT = 'script';

/** Loads and validates one board profile; throws ConfigError listing every problem. */
export function loadProfile(file: string): BoardProfile {
  return profileFromSource(readConfigSource(file));
}

export function profileFromSource(source: ConfigSource): BoardProfile {
  const data = source.data;
  const shape = validate(source, boardShapeSchema, data);
  // A former name and a pin without its role are said once, with the fix, instead of as a bad or missing key.
  const explained = [...formerNames(source), ...pinRoleIssues(source)];
  const paths = new Set(explained.map((i) => i.path));
  const issues: ConfigIssue[] = shape.ok ? [] : shape.issues.filter((i) => !paths.has(i.path));
  issues.push(...explained, ...checkRules(source));

  const raw = asMap(data) ?? {};
  const family = familyNamed(asString(raw.family));
  let chip: ChipFacts | undefined;
  if (raw.chip !== undefined && family) {
    const checked = validate(source, family.chip.schema, raw.chip, ['chip']);
    if (!checked.ok) issues.push(...checked.issues);
    issues.push(...(family.chip.check?.(source, raw.chip) ?? []));
    const chipOk = !issues.some((i) => i.path.startsWith('chip'));
    if (checked.ok && chipOk) chip = family.chip.toFacts(checked.value);
  }
  if (issues.length > 0 || !shape.ok) throw new ConfigError(issues);
  const profile = toProfile(source, shape.value, chip);
  const infeasible = checkStartup(source, profile);
  if (infeasible.length > 0) throw new ConfigError(infeasible);
  return profile;
}

/** A family or engine a profile names by a name it had before. */
function formerNames(source: ConfigSource): ConfigIssue[] {
  const raw = asMap(source.data) ?? {};
  const issues: ConfigIssue[] = [];
  const check = (path: string[], what: string, value: string | undefined) => {
    const family = value === undefined ? undefined : familyFormerlyNamed(value);
    if (family) issues.push(source.issue(path, `${what} ${value} was renamed to ${family.name}: write ${path[path.length - 1]}: ${family.name}`, 'value'));
  };
  check(['family'], 'family', asString(raw.family));
  check(['protocol', 'engine'], 'engine', asString(asMap(raw.protocol)?.engine));
  return issues;
}

function pinRoleIssues(source: ConfigSource): ConfigIssue[] {
  const raw = asMap(source.data) ?? {};
  const name = asString(raw.family);
  const knownStraps = FAMILIES.flatMap((f) => f.straps);
  return checkPinRoles(source, raw.pins, name, familyNamed(name)?.straps, knownStraps);
}

/** Rules across keys, run on the raw data so they are reported even when the shape has other problems. */
function checkRules(source: ConfigSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const raw = asMap(source.data) ?? {};
  const stem = fileStem(source.file);
  if (typeof raw.id === 'string' && raw.id !== stem) {
    issues.push(source.issue(['id'], `id '${raw.id}' differs from the file name '${stem}': rename one of them (or drop id)`, 'value'));
  }

  const familyName = asString(raw.family);
  const family = familyNamed(familyName);
  const engineName = asString(asMap(raw.protocol)?.engine);
  const engine = engineNamed(engineName);
  if (engineName && familyName && !familyFormerlyNamed(familyName)) {
    const owner = familyNamed(engineName);
    if (owner && owner !== family) {
      issues.push(source.issue(['protocol', 'engine'], `engine ${engineName} talks to ${owner.name} boards, but family is ${familyName} (use family: ${owner.name}, or engine: ${SCRIPT})`, 'value'));
    }
    if (!family && engineName !== SCRIPT && !familyFormerlyNamed(engineName)) {
      issues.push(source.issue(['protocol', 'engine'], `family ${familyName} has no built-in engine: use engine: ${SCRIPT}`, 'value'));
    }
  }
  if (family && raw.chip === undefined) {
    issues.push(source.issue(['family'], `family ${family.name} needs a chip block (the facts the emulator plays: see docs/profiles.md)`));
  }
  if (familyName && !family && !familyFormerlyNamed(familyName) && raw.chip !== undefined) {
    issues.push(source.issue(['chip'], `family ${familyName} has no emulator, so chip facts mean nothing here (families with one: ${FAMILIES.map((f) => f.name).join(', ')})`));
  }

  const pins = Object.keys(asMap(raw.pins) ?? {});
  issues.push(...checkSteps(source, raw.enter, ['enter'], pins));
  issues.push(...checkSteps(source, raw.leave, ['leave'], pins));

  const expect = asMap(raw.expect) ?? {};
  if (engine) {
    const own = Object.keys(engine.expectKeys);
    for (const key of Object.keys(expect)) {
      const owner = ENGINES.find((e) => Object.hasOwn(e.expectKeys, key));
      if (owner && owner !== engine) {
        issues.push(source.issue(['expect', key], `${key} is checked by the ${owner.name} engine; engine ${engine.name} checks ${own.join(', ')}`));
      }
    }
    const required = engine.requiredExpect;
    if (required && required.anyOf.every((key) => expect[key] === undefined)) {
      const keys = required.anyOf.map((key) => `expect.${key}`).join(' or ');
      const hint = required.hint ? ` (${required.hint})` : '';
      issues.push(source.issue(raw.expect === undefined ? [] : ['expect'], `missing ${keys}: the ${engine.name} engine checks the identity the board reports${hint}`));
    }
    issues.push(...(engine.check?.(source, raw) ?? []));
  }
  issues.push(...(family?.check?.(source, raw) ?? []));
  return issues;
}

function fileStem(file: string): string {
  return basename(file, extname(file));
}

function toSerial(input: SerialInput | undefined, defaults: Partial<SerialSettings> = {}): SerialSettings {
  return {
    baudRate: input?.baud ?? defaults.baudRate ?? 115200,
    dataBits: input?.dataBits ?? defaults.dataBits ?? 8,
    parity: input?.parity ?? defaults.parity ?? 'none',
    stopBits: input?.stopBits ?? defaults.stopBits ?? 1,
  };
}

function toProtocol(p: BoardInput['protocol'], chip: ChipFacts | undefined): ProtocolConfig {
  const engine = engineNamed(p.engine)!;
  const deadlines: Deadlines = { replyMs: 500 };
  for (const [key, value] of Object.entries(p.deadlines ?? {})) if (typeof value === 'number') deadlines[key] = value;
  return {
    engine: engine.name,
    serial: toSerial(p.serial, engine.serial),
    deadlines,
    retries: p.retries ?? 2,
    options: engine.toOptions(p, { chip, replyMs: deadlines.replyMs }),
  };
}

/** The profile's expect block as its engine's own type: the engine's keys only. */
function toExpected(e: BoardInput['expect'], engineName: string): unknown {
  const engine = engineNamed(engineName)!;
  const own = Object.fromEntries(Object.entries(e ?? {}).filter(([key]) => Object.hasOwn(engine.expectKeys, key)));
  return engine.toExpected(own);
}

function toProfile(source: ConfigSource, b: BoardInput, chip: ChipFacts | undefined): BoardProfile {
  const pins: Record<string, PinDef> = {};
  for (const [name, pin] of Object.entries(b.pins)) {
    pins[name] = { name, role: pin.role, active: pin.active, idle: pin.idle ?? 'inactive', ...(pin.notes !== undefined ? { notes: pin.notes } : {}) };
  }
  const profile: BoardProfile = {
    id: fileStem(source.file),
    title: b.title,
    family: b.family,
    protocol: toProtocol(b.protocol, chip),
    timing: { edgeToleranceMs: b.timing?.edgeToleranceMs ?? DEFAULT_EDGE_TOLERANCE_MS },
    pins,
    enter: b.enter.map(toStep),
    leave: b.leave.map(toStep),
    expect: toExpected(b.expect, b.protocol.engine),
    digest: source.digest,
    file: source.file,
  };
  if (b.notes !== undefined) profile.notes = b.notes;
  if (chip) profile.chip = chip;
  return profile;
}
