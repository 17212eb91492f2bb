/** `shakedown schema [board|rig] [--out DIR]`: JSON Schemas of profiles and rigs, for editors. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Command } from 'commander';
import { jsonSchemaText, SCHEMA_KINDS, type SchemaKind } from '../../config/json-schema.js';
import { InfrastructureError } from '../../core/exit-codes.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of board profiles or rigs (both with --out)')
    .addArgument(new Argument('[kind]', 'board or rig (default: both)').choices(SCHEMA_KINDS))
    .option('--out <dir>', 'write <dir>/board.schema.json and <dir>/rig.schema.json instead of printing')
    .action((kind: SchemaKind | undefined, flags: { out?: string }) => {
      const kinds = kind ? [kind] : [...SCHEMA_KINDS];
      if (!flags.out) {
        process.stdout.write(kinds.map(jsonSchemaText).join('\n'));
        return;
      }
      try {
        mkdirSync(flags.out, { recursive: true });
        for (const k of kinds) {
          const file = join(flags.out, `${k}.schema.json`);
          writeFileSync(file, jsonSchemaText(k));
          process.stdout.write(`wrote ${file}\n`);
        }
      } catch (error) {
        throw new InfrastructureError(`cannot write the schema: ${(error as Error).message}`);
      }
    });
}
