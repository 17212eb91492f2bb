/** The STM32 family: the system-memory USART bootloader (AN2606, AN3155), its engine and its emulator. */
import { stm32Physics } from './physics.js';
import { hexId } from '../../protocols/explain.js';
import { defineFamily } from '../family.js';
import { createStm32Device } from './emulator/index.js';
import { runStm32 } from './engine.js';
import { STM32_EXPLAINER } from './explain.js';
import {
  checkStm32Chip,
  stm32ChipSchema,
  stm32Deadlines,
  stm32ExpectKeys,
  stm32ProtocolKeys,
  toStm32Chip,
  toStm32Expected,
  toStm32Options,
  type Stm32ChipFacts,
  type Stm32ChipInput,
  type Stm32Expected,
  type Stm32Options,
} from './schema.js';

export const stm32Family = defineFamily<Stm32Options, Stm32Expected, Stm32ChipFacts>({
  name: 'stm32',
  title: 'STM32',
  engine: {
    name: 'stm32',
    protocolKeys: stm32ProtocolKeys,
    deadlines: stm32Deadlines,
    // The bootloader frames with even parity (AN3155).
    serial: { parity: 'even' },
    expectKeys: stm32ExpectKeys,
    requiredExpect: { anyOf: ['productId'] },
    toOptions: (input, { chip }) => toStm32Options(input, chip as Stm32ChipFacts | undefined),
    toExpected: toStm32Expected,
    describeExpected: (expected) => (expected.productId === undefined ? null : hexId(expected.productId)),
    explainer: () => STM32_EXPLAINER,
    run: runStm32,
  },
  chip: {
    schema: stm32ChipSchema,
    check: checkStm32Chip,
    toFacts: (input) => toStm32Chip(input as Stm32ChipInput),
  },
  straps: ['boot0', 'boot1'],
  chipId: (expected, chip) => {
    const id = expected?.productId ?? chip?.productId;
    return id === undefined ? undefined : hexId(id);
  },
  physics: stm32Physics,
  emulator: { create: createStm32Device, modes: ['bootloader', 'app', 'sram'] },
  simulation: { modes: ['app', 'bootloader'], wrongMode: 'app' },
  stub: {
    pinFlags: [
      { pin: 'boot0', description: 'BOOT0 at power-on (STM32; default 1 = bootloader)' },
      { pin: 'boot1', description: 'BOOT1 at power-on (STM32; default 0)' },
    ],
    startingPins: { boot0: true, boot1: false },
    impliedPins: ['boot1'],
    banner: 'what the application prints at start (STM32)',
    withBanner: (chip, text) => ({ ...chip, appBanner: text }),
  },
});
