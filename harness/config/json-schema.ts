/** JSON Schemas of the two file kinds, generated from the zod schemas, for editors (yaml-language-server). */
import { z } from 'zod';
import { boardSchema } from './board-schema.js';
import { rigSchema } from './rig-schema.js';

export const SCHEMA_KINDS = ['board', 'rig'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

const TITLES: Record<SchemaKind, string> = {
  board: 'shakedown board profile (boards/<id>.yaml)',
  rig: 'shakedown rig (rigs/<id>.yaml)',
};

export function jsonSchema(kind: SchemaKind): Record<string, unknown> {
  const schema = kind === 'board' ? boardSchema : rigSchema;
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema: json.$schema, title: TITLES[kind], ...json };
}

/** The text committed as schema/<kind>.schema.json. */
export function jsonSchemaText(kind: SchemaKind): string {
  return JSON.stringify(jsonSchema(kind), null, 2) + '\n';
}
