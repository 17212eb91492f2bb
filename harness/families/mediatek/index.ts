/** The MediaTek family: the BROM and Preloader download modes over UART, their engine and their emulator. */
import { mediatekPhysics } from './physics.js';
import { hexId } from '../../protocols/explain.js';
import { defineFamily } from '../family.js';
import { createMediatekDevice } from './emulator/index.js';
import { runMediatek } from './engine.js';
import { mediatekExplainer } from './explain.js';
import {
  MEDIATEK,
  mediatekChipSchema,
  mediatekDeadlines,
  mediatekExpectKeys,
  mediatekProtocolKeys,
  toMediatekChip,
  toMediatekExpected,
  toMediatekOptions,
  type MediatekChipFacts,
  type MediatekChipInput,
  type MediatekExpected,
  type MediatekOptions,
} from './schema.js';

export const mediatekFamily = defineFamily<MediatekOptions, MediatekExpected, MediatekChipFacts>({
  name: MEDIATEK,
  title: 'MediaTek',
  formerNames: ['mtk-brom', 'mtk'],
  engine: {
    name: MEDIATEK,
    protocolKeys: mediatekProtocolKeys,
    deadlines: mediatekDeadlines,
    expectKeys: mediatekExpectKeys,
    requiredExpect: { anyOf: ['hwCode'] },
    toOptions: (input) => toMediatekOptions(input as Parameters<typeof toMediatekOptions>[0]),
    toExpected: toMediatekExpected,
    describeExpected: (expected) => (expected.hwCode === undefined ? null : `${hexId(expected.hwCode, 4)} (${expected.mode})`),
    explainer: (expected) => mediatekExplainer(expected.mode),
    run: runMediatek,
  },
  chip: {
    schema: mediatekChipSchema,
    toFacts: (input) => toMediatekChip(input as MediatekChipInput),
  },
  straps: ['kcol0'],
  chipId: (expected, chip) => {
    const id = expected?.hwCode ?? chip?.hwCode;
    return id === undefined ? undefined : hexId(id, 4);
  },
  physics: mediatekPhysics,
  emulator: { create: createMediatekDevice, modes: ['brom', 'preloader'] },
  simulation: { modes: ['brom', 'preloader'], wrongMode: 'preloader' },
  stub: {
    banner: "the Preloader's log text (MediaTek)",
    withBanner: (chip, text) => ({ ...chip, preloader: { ...chip.preloader, logText: text } }),
  },
});
