/** Board profiles: boards/<id>.yaml → BoardProfile, with every problem reported at once. */
import { basename, extname } from 'node:path';
import type { BoardProfile, ChipFacts, Deadlines, ExpectedIdentity, PinDef, ProtocolConfig, SerialSettings } from './types.js';
import { boardShapeSchema, DEFAULT_EDGE_TOLERANCE_MS, type BoardInput } from './board-schema.js';
import { CHIP_SCHEMAS, checkStm32Chip, isChipFamily, toChipFacts } from './chip.js';
import { checkStartup } from './feasibility.js';
import { checkPinRoles } from './pin-roles.js';
import { checkEsp32Profile, toEsp32Expect, toEsp32Protocol } from '../families/esp32/schema.js';
import { ConfigError, type ConfigIssue } from './issues.js';
import { asMap, asString } from './raw.js';
import { toInt, type SerialInput } from './schema-parts.js';
import { readConfigSource, type ConfigSource } from './source.js';
import { checkScript, checkSteps, toScriptStep, toStep } from './steps.js';
import { validate } from './zod-issues.js';

/** Family each built-in engine speaks to. */
const ENGINE_FAMILY: Record<string, string> = { stm32: 'stm32', 'mediatek': 'mediatek', esp32: 'esp32' };
/** Expect keys each engine checks. */
const EXPECT_KEYS: Record<string, string[]> = {
  stm32: ['productId', 'minBootloaderVersion'],
  'mediatek': ['hwCode', 'mode'],
  script: ['captures'],
  esp32: ['chipId', 'magic'],
};
const REQUIRED_EXPECT: Record<string, string> = { stm32: 'productId', 'mediatek': 'hwCode' };
/** The boot straps each family knows by name. */
const STRAPS: Record<string, string[]> = { stm32: ['boot0', 'boot1'], mediatek: ['kcol0'], esp32: ['boot', 'gpio0', 'gpio9'] };
/** Engine names profiles used before, and the name each one has now. */
const RENAMED_ENGINES: Record<string, string> = { 'mtk-brom': 'mediatek' };

/** Loads and validates one board profile; throws ConfigError listing every problem. */
export function loadProfile(file: string): BoardProfile {
  return profileFromSource(readConfigSource(file));
}

export function profileFromSource(source: ConfigSource): BoardProfile {
  const data = source.data;
  const shape = validate(source, boardShapeSchema, data);
  // A renamed engine and a pin without its role are said once, with the fix, instead of as a bad or missing key.
  const explained = [...renamedEngine(source), ...pinRoleIssues(source)];
  const paths = new Set(explained.map((i) => i.path));
  const issues: ConfigIssue[] = shape.ok ? [] : shape.issues.filter((i) => !paths.has(i.path));
  issues.push(...explained, ...checkRules(source));

  const raw = asMap(data) ?? {};
  const family = raw.family;
  let chip: ChipFacts | undefined;
  if (raw.chip !== undefined && isChipFamily(family)) {
    const checked = validate(source, CHIP_SCHEMAS[family], raw.chip, ['chip']);
    if (!checked.ok) issues.push(...checked.issues);
    if (family === 'stm32') issues.push(...checkStm32Chip(source, raw.chip));
    const regionsOk = !issues.some((i) => i.path.startsWith('chip'));
    if (checked.ok && regionsOk) {
      chip = toChipFacts(family, checked.value);
    }
  }
  if (issues.length > 0 || !shape.ok) throw new ConfigError(issues);
  const profile = toProfile(source, shape.value, chip);
  const infeasible = checkStartup(source, profile);
  if (infeasible.length > 0) throw new ConfigError(infeasible);
  return profile;
}

/** An engine a profile names by its former name. */
function renamedEngine(source: ConfigSource): ConfigIssue[] {
  const engine = asString(asMap(asMap(source.data)?.protocol)?.engine);
  const now = engine !== undefined && Object.hasOwn(RENAMED_ENGINES, engine) ? RENAMED_ENGINES[engine] : undefined;
  if (!now) return [];
  return [source.issue(['protocol', 'engine'], `engine ${engine} was renamed to ${now}: write engine: ${now}`, 'value')];
}

function pinRoleIssues(source: ConfigSource): ConfigIssue[] {
  const raw = asMap(source.data) ?? {};
  const family = asString(raw.family);
  const straps = family !== undefined && Object.hasOwn(STRAPS, family) ? STRAPS[family] : undefined;
  return checkPinRoles(source, raw.pins, family, straps, Object.values(STRAPS).flat());
}

/** Rules across keys, run on the raw data so they are reported even when the shape has other problems. */
function checkRules(source: ConfigSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const raw = asMap(source.data) ?? {};
  const stem = fileStem(source.file);
  if (typeof raw.id === 'string' && raw.id !== stem) {
    issues.push(source.issue(['id'], `id '${raw.id}' differs from the file name '${stem}': rename one of them (or drop id)`, 'value'));
  }

  const family = asString(raw.family);
  const protocol = asMap(raw.protocol);
  const engine = asString(protocol?.engine);
  if (engine && family) {
    const wanted = ENGINE_FAMILY[engine];
    if (wanted && wanted !== family) {
      issues.push(source.issue(['protocol', 'engine'], `engine ${engine} talks to ${wanted} boards, but family is ${family} (use family: ${wanted}, or engine: script)`, 'value'));
    }
    if (!isChipFamily(family) && engine !== 'script') {
      issues.push(source.issue(['protocol', 'engine'], `family ${family} has no built-in engine: use engine: script`, 'value'));
    }
  }
  if (family && isChipFamily(family) && raw.chip === undefined) {
    issues.push(source.issue(['family'], `family ${family} needs a chip block (the facts the emulator plays: see docs/profiles.md)`));
  }
  if (family && !isChipFamily(family) && raw.chip !== undefined) {
    issues.push(source.issue(['chip'], `family ${family} has no emulator, so chip facts mean nothing here (families with one: ${Object.keys(CHIP_SCHEMAS).join(', ')})`));
  }

  const pins = Object.keys(asMap(raw.pins) ?? {});
  issues.push(...checkSteps(source, raw.enter, ['enter'], pins));
  issues.push(...checkSteps(source, raw.leave, ['leave'], pins));

  const expect = asMap(raw.expect) ?? {};
  if (engine && EXPECT_KEYS[engine]) {
    for (const key of Object.keys(expect)) {
      const owner = Object.keys(EXPECT_KEYS).find((e) => EXPECT_KEYS[e]!.includes(key));
      if (owner && owner !== engine) {
        issues.push(source.issue(['expect', key], `${key} is checked by the ${owner} engine; engine ${engine} checks ${EXPECT_KEYS[engine]!.join(', ')}`));
      }
    }
    const required = REQUIRED_EXPECT[engine];
    if (required && expect[required] === undefined) {
      issues.push(source.issue(raw.expect === undefined ? [] : ['expect'], `missing expect.${required}: the ${engine} engine checks the identity the board reports`));
    }
  }
  issues.push(...checkEsp32Profile(source, raw));
  if (engine === 'script' && protocol) {
    const captures = Object.keys(asMap(expect.captures) ?? {});
    issues.push(...checkScript(source, protocol.script, ['protocol', 'script'], captures, ['expect', 'captures']));
  }
  return issues;
}

function fileStem(file: string): string {
  return basename(file, extname(file));
}

function toSerial(input: SerialInput | undefined, engine: string): SerialSettings {
  return {
    baudRate: input?.baud ?? 115200,
    dataBits: input?.dataBits ?? 8,
    parity: input?.parity ?? (engine === 'stm32' ? 'even' : 'none'),
    stopBits: input?.stopBits ?? 1,
  };
}

function toProtocol(p: BoardInput['protocol'], chip: ChipFacts | undefined): ProtocolConfig {
  const deadlines: Deadlines = { replyMs: 500 };
  for (const [key, value] of Object.entries(p.deadlines ?? {})) if (value !== undefined) deadlines[key] = value;
  const common = { serial: toSerial(p.serial, p.engine), deadlines, retries: p.retries ?? 2 };
  switch (p.engine) {
    case 'stm32': {
      const flashStart = chip?.family === 'stm32' ? chip.flash.start : 0x08000000;
      const address = p.read?.address;
      return { engine: 'stm32', ...common, readBytes: p.read?.bytes ?? 0, readAddress: address === undefined ? flashStart : toInt(address) };
    }
    case 'mediatek':
      return { engine: 'mediatek', ...common, watchdog: { address: toInt(p.watchdog.address), value: toInt(p.watchdog.value) } };
    case 'script':
      return { engine: 'script', ...common, script: p.script.map((s) => toScriptStep(s, deadlines.replyMs)) };
    case 'esp32':
      return toEsp32Protocol(p, common);
  }
}

function toExpect(e: BoardInput['expect'], engine: string): ExpectedIdentity {
  const out: ExpectedIdentity = {};
  if (e?.productId !== undefined) out.productId = toInt(e.productId);
  if (e?.minBootloaderVersion !== undefined) out.minBootloaderVersion = toInt(e.minBootloaderVersion);
  if (e?.hwCode !== undefined) out.hwCode = toInt(e.hwCode);
  if (e?.mode !== undefined) out.mode = e.mode;
  else if (engine === 'mediatek') out.mode = 'brom';
  if (e?.captures) out.captures = Object.fromEntries(Object.entries(e.captures).map(([k, v]) => [k, toInt(v)]));
  return { ...out, ...toEsp32Expect(e) };
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
    expect: toExpect(b.expect, b.protocol.engine),
    digest: source.digest,
    file: source.file,
  };
  if (b.notes !== undefined) profile.notes = b.notes;
  if (chip) profile.chip = chip;
  return profile;
}
