/**
 * Reading a configuration file safely: size and encoding checks before parsing, YAML parse errors in our
 * `file:line:col` form, alias bombs refused, and a way back from a key path to the line and column it sits on.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { ConfigError, formatPath, type ConfigIssue } from './issues.js';

/** Larger than any real profile or rig by two orders of magnitude; refused before parsing. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases allowed while building data; a "billion laughs" document needs far more. */
const MAX_ALIAS_COUNT = 100;
/** Collections inside collections; real profiles and rigs use fewer than ten. */
const MAX_DEPTH = 64;
const NESTING_TOO_DEEP = 'the nesting is far too deep to be a configuration file';

export type KeyPath = ReadonlyArray<string | number>;

export interface ConfigSource {
  file: string;
  /** sha256 hex of the file's bytes. */
  digest: string;
  doc: Document.Parsed;
  /** The parsed data (plain objects, arrays, scalars). */
  data: unknown;
  /** Line and column of the key (or, failing that, the value) at `path`; the nearest existing parent if absent. */
  position(path: KeyPath, prefer?: 'key' | 'value'): { line: number; col: number };
  /** An issue at `path`. */
  issue(path: KeyPath, message: string, prefer?: 'key' | 'value'): ConfigIssue;
}

/** Reads and parses `file`; throws ConfigError for anything that is not a YAML mapping. */
export function readConfigSource(file: string): ConfigSource {
  const bytes = readBytes(file);
  const fail = (message: string, line = 1, col = 1): never => {
    throw new ConfigError([{ file, line, col, path: '', message }]);
  };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('not a text file: the bytes are not valid UTF-8 (expected a YAML file)');
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) return fail(`not a text file: found a NUL byte at offset ${nul} (expected a YAML file)`);

  const lineCounter = new LineCounter();
  // Duplicate keys are found below in one pass: yaml's own check compares every pair of keys.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  const at = (offset: number) => lineCounter.linePos(offset);

  const syntax: ConfigIssue[] = doc.errors.map((error) => {
    // Where the parser ran out of stack depends on the stack size, not on the file: blame the file as a whole.
    const pos = /call stack/i.test(error.message) ? { line: 1, col: 1 } : (error.linePos?.[0] ?? at(error.pos[0]));
    return { file, line: pos.line, col: pos.col, path: '', message: yamlMessage(error.code, error.message) };
  });
  if (syntax.length > 0) throw new ConfigError(syntax);

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return fail('the file is empty: expected a mapping of keys (see docs/profiles.md or docs/rigs.md)');
  }
  if (!isMap(doc.contents)) {
    const pos = at(doc.contents.range?.[0] ?? 0);
    const found = isSeq(doc.contents) ? 'a list' : isScalar(doc.contents) ? 'a single value' : 'something else';
    return fail(`expected a mapping of keys at the top level, found ${found}`, pos.line, pos.col);
  }

  const keyProblems: ConfigIssue[] = [];
  let tooDeep = false;
  visit(doc, {
    Collection(_, _node, ancestors) {
      if (ancestors.length <= MAX_DEPTH) return undefined;
      tooDeep = true;
      return visit.BREAK;
    },
  });
  if (tooDeep) return fail(NESTING_TOO_DEEP);
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, number>();
      for (const pair of map.items) {
        const start = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
        const pos = at(start);
        if (pair.key !== null && !isScalar(pair.key)) {
          keyProblems.push({ file, line: pos.line, col: pos.col, path: '', message: 'keys must be plain names, found a list or mapping used as a key' });
          continue;
        }
        const key = String(pair.key?.value ?? '');
        const earlier = first.get(key);
        if (earlier === undefined) first.set(key, pos.line);
        else keyProblems.push({ file, line: pos.line, col: pos.col, path: '', message: `duplicate key '${key}': it already appears at line ${earlier} of the same mapping` });
      }
    },
  });
  if (keyProblems.length > 0) throw new ConfigError(keyProblems);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      return fail(`too many aliases (more than ${MAX_ALIAS_COUNT}): this looks like an alias bomb, refusing to expand it`);
    }
    return fail(`cannot build the data: ${message.split('\n')[0]}`);
  }

  const position = (path: KeyPath, prefer: 'key' | 'value' = 'key') => at(locateOffset(doc, path, prefer));
  return {
    file,
    digest: createHash('sha256').update(bytes).digest('hex'),
    doc,
    data,
    position,
    issue(path, message, prefer) {
      const pos = position(path, prefer);
      return { file, line: pos.line, col: pos.col, path: formatPath(path), message };
    },
  };
}

function readBytes(file: string): Buffer {
  const fail = (message: string): never => {
    throw new ConfigError([{ file, line: 1, col: 1, path: '', message }]);
  };
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return fail('is a directory, expected a YAML file');
    size = stat.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`);
  }
  if (size > MAX_CONFIG_BYTES) {
    return fail(`the file is ${size} bytes, larger than the ${MAX_CONFIG_BYTES}-byte limit for a configuration file`);
  }
  try {
    const bytes = readFileSync(file);
    // The file may have grown between stat and read.
    if (bytes.length > MAX_CONFIG_BYTES) return fail(`the file is larger than the ${MAX_CONFIG_BYTES}-byte limit`);
    return bytes;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`cannot read the file (${code ?? String(error)})`);
  }
}

/** yaml's message without its "at line…" tail and code frame, plus a hint for the usual causes. */
function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return 'a tab is used for indentation: YAML allows spaces only';
  if (/call stack/i.test(first)) return NESTING_TOO_DEEP;
  return `YAML syntax: ${first}`;
}

const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** Pairs of a mapping by key, built once: a file with many problems must not cost a scan per problem. */
function pairIndex(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
    pairIndexes.set(map, index);
  }
  return index;
}

/** Offset of the node at `path`, walking the document tree; stops at the deepest part that exists. */
function locateOffset(doc: Document.Parsed, path: KeyPath, prefer: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const last = i === path.length - 1;
    if (isAlias(node)) return offset;
    if (isMap(node)) {
      const pair = pairIndex(node).get(String(part));
      if (!pair) return offset;
      const keyStart = (pair.key as Node).range?.[0] ?? offset;
      const valueStart = (pair.value as Node | null)?.range?.[0];
      offset = last && prefer === 'value' && valueStart !== undefined ? valueStart : keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item?.range) return offset;
      offset = item.range[0];
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}
