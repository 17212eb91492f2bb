/**
 * `shakedown schema [board|rig] [--out DIR]`: JSON Schemas of profiles and rigs, for editors. One kind prints its
 * schema (or writes it into --out); no kind writes both into a folder (--out, default `schema`), one file each —
 * never two JSON documents back to back on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Command } from 'commander';
import { jsonSchemaText, SCHEMA_KINDS, type SchemaKind } from '../../config/json-schema.js';
import { InfrastructureError } from '../../core/exit-codes.js';

/** Where the schemas live in a checkout; profiles and rigs name them as ../schema/<kind>.schema.json. */
const DEFAULT_SCHEMA_DIR = 'schema';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of board profiles or rigs; with no kind, write both into a folder')
    .addArgument(new Argument('[kind]', 'board or rig (default: both, written into --out)').choices(SCHEMA_KINDS))
    .option('--out <dir>', `write <dir>/<kind>.schema.json instead of printing (default with no kind: ${DEFAULT_SCHEMA_DIR})`)
    .action((kind: SchemaKind | undefined, flags: { out?: string }) => {
      if (kind && !flags.out) {
        process.stdout.write(jsonSchemaText(kind));
        return;
      }
      const kinds = kind ? [kind] : [...SCHEMA_KINDS];
      const out = flags.out ?? DEFAULT_SCHEMA_DIR;
      try {
        mkdirSync(out, { recursive: true });
        for (const k of kinds) {
          const file = join(out, `${k}.schema.json`);
          writeFileSync(file, jsonSchemaText(k));
          process.stdout.write(`wrote ${file}\n`);
        }
      } catch (error) {
        throw new InfrastructureError(`cannot write the schema: ${(error as Error).message}`);
      }
    });
}
