import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { jsonSchema, jsonSchemaText } from '../../harness/config/json-schema.js';
import { ROOT } from './helpers.js';

describe('config: JSON Schemas', () => {
  for (const kind of ['board', 'rig'] as const) {
    it(`schema/${kind}.schema.json matches the code`, () => {
      const committed = readFileSync(join(ROOT, 'schema', `${kind}.schema.json`), 'utf8');
      expect(committed === jsonSchemaText(kind), `schema/${kind}.schema.json is out of date: regenerate it with \`npx shakedown schema --out schema\``).to.equal(true);
    });
  }

  it('describes the top-level keys and forbids unknown ones, for editor completion', () => {
    const board = jsonSchema('board') as { properties: Record<string, unknown>; additionalProperties: boolean; required: string[] };
    expect(board.additionalProperties).to.equal(false);
    expect(Object.keys(board.properties)).to.include.members(['title', 'family', 'protocol', 'pins', 'enter', 'leave', 'expect', 'chip']);
    expect(board.required).to.include.members(['title', 'family', 'protocol', 'pins', 'enter', 'leave']);
    const rig = jsonSchema('rig') as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(rig.properties)).to.include.members(['kind', 'relays', 'hubs', 'ports', 'cables', 'supplies', 'duts', 'nightly', 'sim']);
    expect(rig.required).to.include.members(['title', 'kind', 'duts']);
  });
});
