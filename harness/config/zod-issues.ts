/**
 * Turns zod's issues into ConfigIssues a person can act on: the line and column of the key, what was expected,
 * what was found, and "did you mean" for misspelt keys and values.
 */
import { plural } from '../core/plural.js';
import type { z } from 'zod';
import { describeValue, didYouMean, type ConfigIssue } from './issues.js';
import type { ConfigSource, KeyPath } from './source.js';

type Def = { type: string; [key: string]: unknown };
type Issue = z.core.$ZodIssue;

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Validates `data` (found at `base` in the file) and returns its issues in our form, or the parsed value. */
export function validate<T extends z.ZodType>(
  source: ConfigSource,
  schema: T,
  data: unknown,
  base: KeyPath = [],
): { ok: true; value: z.output<T> } | { ok: false; issues: ConfigIssue[] } {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.flatMap((issue) => translate(source, schema, data, issue, base));
  return { ok: false, issues: dedupe(issues) };
}

function translate(source: ConfigSource, schema: z.ZodType, data: unknown, issue: Issue, base: KeyPath): ConfigIssue[] {
  const rel = issue.path as Array<string | number>;
  const path = [...base, ...rel];
  const value = valueAt(data, rel);
  const at = (message: string, where: KeyPath = path) => source.issue(where, message);
  // A schema may say itself what a missing key is for, by an error message that starts with "missing ".
  const missing = () => at(issue.message.startsWith('missing ') ? issue.message : `missing required key '${String(path[path.length - 1])}'`);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schemaAt(schema, data, rel), value);
      return issue.keys.map((key) => {
        const elsewhere = ownersElsewhere(schema, data, rel, key);
        if (elsewhere) return at(`unknown key '${key}' for ${elsewhere.discriminator} ${elsewhere.own}: ${key} belongs to ${elsewhere.discriminator} ${orList(elsewhere.owners)} only`, [...path, key]);
        const hint = didYouMean(key, known);
        const list = !hint && known.length > 0 && known.length <= 14 ? ` (expected one of: ${known.join(', ')})` : '';
        return at(`unknown key '${key}'${hint}${list}`, [...path, key]);
      });
    }
    case 'invalid_type':
      if (value === undefined) return [missing()];
      if (!issue.message.startsWith('Invalid input')) return [at(`${issue.message}, found ${describeValue(value)}`)];
      return [at(`expected ${issue.expected === 'int' ? 'an integer' : article(issue.expected)}, found ${describeValue(value)}`)];
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      if (value === undefined) return [at(`missing required key '${String(path[path.length - 1])}' (one of ${options.join(' | ')})`)];
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
      return [at(`expected ${options.length === 1 ? options[0] : `one of ${options.join(' | ')}`}, found ${describeValue(value)}${hint}`)];
    }
    case 'invalid_union': {
      const note = (issue as { note?: string }).note;
      const options = (issue as { options?: unknown[] }).options;
      if (note === 'No matching discriminator' && options) {
        if (value === undefined) return [at(`missing required key '${String(path[path.length - 1])}' (one of ${options.join(' | ')})`)];
        const hint = typeof value === 'string' ? didYouMean(value, options.map(String)) : '';
        return [at(`expected one of ${options.map((o) => JSON.stringify(o)).join(' | ')}, found ${describeValue(value)}${hint}`)];
      }
      if (value === undefined) return [missing()];
      if (!issue.message.startsWith('Invalid input')) return [at(`${issue.message}, found ${describeValue(value)}`)];
      // The branch that accepted the value's type explains the problem best.
      const branch = issue.errors.find((errors) => errors.every((e) => !(e.code === 'invalid_type' && e.path.length === 0)));
      const branchSchema = schemaAt(schema, data, rel);
      if (branch) return branch.flatMap((e) => translate(source, branchSchema, value, e, path));
      const expected = issue.errors.map((errors) => errors[0]).filter((e) => e?.code === 'invalid_type').map((e) => article((e as { expected: string }).expected));
      return [at(`expected ${expected.join(' or ') || 'another kind of value'}, found ${describeValue(value)}`)];
    }
    case 'too_small':
    case 'too_big': {
      // A limit that explains itself (how many channels a module has) keeps its words; a type's hint does not.
      if (!/^(Too |expected )/.test(issue.message)) return [at(`${issue.message}, found ${describeValue(value)}`)];
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') return [at(`expected ${word} ${plural(Number(limit), 'item')}, found ${describeValue(value)}`)];
      if (issue.origin === 'string') return [at(`expected ${word} ${plural(Number(limit), 'character')}, found ${describeValue(value)}`)];
      const bound = issue.code === 'too_small' ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
      return [at(`expected a number ${bound} ${limit}, found ${describeValue(value)}`)];
    }
    case 'invalid_format':
      return [at(`${issue.message}, found ${describeValue(value)}`)];
    default:
      return [at(issue.message)];
  }
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * For a key unknown where it stands inside an option of a discriminated union (a relay board entry): the other
 * options that have that key there, by their discriminator value — so the message can say whose key it is.
 */
function ownersElsewhere(
  schema: z.ZodType,
  data: unknown,
  path: KeyPath,
  key: string,
): { discriminator: string; own: string; owners: string[] } | undefined {
  let current = unwrap(schema);
  let value = data;
  let union: { def: Def; value: unknown; rest: KeyPath } | undefined;
  for (let i = 0; ; i++) {
    const def = defOf(current);
    if (def.type === 'union' && typeof def.discriminator === 'string') union = { def, value, rest: path.slice(i) };
    if (i === path.length) break;
    const next = childSchema(current, value, path[i]!);
    if (!next) return undefined;
    current = unwrap(next);
    value = valueAt(value, [path[i]!]);
  }
  if (!union || union.value === null || typeof union.value !== 'object') return undefined;
  const discriminator = union.def.discriminator as string;
  const own = (union.value as Record<string, unknown>)[discriminator];
  const owners: string[] = [];
  for (const option of (union.def.options as z.ZodType[]).map(unwrap)) {
    const values = discriminatorValues(option, discriminator);
    if (values.includes(own)) continue;
    const there = schemaAt(option, union.value, union.rest);
    if (knownKeys(there, valueAt(union.value, union.rest)).includes(key)) owners.push(...values.map(String));
  }
  return owners.length > 0 ? { discriminator, own: String(own), owners } : undefined;
}

function discriminatorValues(option: z.ZodType, discriminator: string): unknown[] {
  const field = (defOf(option).shape as Record<string, z.ZodType> | undefined)?.[discriminator];
  return (field ? (defOf(unwrap(field)).values as unknown[] | undefined) : undefined) ?? [];
}

function article(type: string): string {
  if (type === 'object' || type === 'record') return 'a mapping';
  if (type === 'array' || type === 'tuple') return 'a list';
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.col}:${i.path}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function valueAt(data: unknown, path: KeyPath): unknown {
  let node = data;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** Strips wrappers that do not change the shape (optional, default, …). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(def.type)) {
      current = def.innerType as z.ZodType;
    } else if (def.type === 'pipe') {
      current = def.in as z.ZodType;
    } else if (def.type === 'lazy') {
      current = (def.getter as () => z.ZodType)();
    } else {
      return current;
    }
  }
  return current;
}

/** The object options of a union that fit `value` (by discriminator when there is one). */
function fittingOptions(def: Def, value: unknown): z.ZodType[] {
  const options = (def.options as z.ZodType[]).map(unwrap);
  const discriminator = def.discriminator as string | undefined;
  if (!discriminator || value === null || typeof value !== 'object') return options;
  const wanted = (value as Record<string, unknown>)[discriminator];
  const fit = options.filter((option) => discriminatorValues(option, discriminator).includes(wanted));
  return fit.length > 0 ? fit : options;
}

/** The schema that validated the value at `path`, following the data through unions. */
function schemaAt(schema: z.ZodType, data: unknown, path: KeyPath): z.ZodType {
  let current = unwrap(schema);
  let value = data;
  for (const part of path) {
    const next = childSchema(current, value, part);
    if (!next) return current;
    current = unwrap(next);
    value = valueAt(value, [part]);
  }
  return current;
}

function childSchema(schema: z.ZodType, value: unknown, key: string | number): z.ZodType | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return (def.shape as Record<string, z.ZodType>)[key];
    case 'record':
      return def.valueType as z.ZodType;
    case 'array':
      return def.element as z.ZodType;
    case 'tuple':
      return (def.items as z.ZodType[])[Number(key)];
    case 'union':
      for (const option of fittingOptions(def, value)) {
        const child = childSchema(option, value, key);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Keys an object schema (or a union of them) accepts for `value`. */
function knownKeys(schema: z.ZodType, value: unknown): string[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'object') return Object.keys(def.shape as object);
  if (def.type === 'union') return [...new Set(fittingOptions(def, value).flatMap((o) => knownKeys(o, value)))];
  return [];
}
