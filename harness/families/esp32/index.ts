/** The ESP32 family (ESP32, ESP32-S3, ESP32-C3): the ROM's UART download loader, its engine and its emulator. */
import { esp32Physics } from './physics.js';
import { hexId } from '../../protocols/explain.js';
import { defineFamily } from '../family.js';
import { createEsp32Device } from './emulator/index.js';
import { runEsp32 } from './engine.js';
import {
  checkEsp32Profile,
  esp32ChipSchema,
  esp32Deadlines,
  esp32ExpectShape,
  esp32ProtocolKeys,
  toEsp32Chip,
  toEsp32Expect,
  toEsp32Options,
  type Esp32ChipFacts,
  type Esp32ChipInput,
  type Esp32Expected,
  type Esp32Options,
} from './schema.js';

export const esp32Family = defineFamily<Esp32Options, Esp32Expected, Esp32ChipFacts>({
  name: 'esp32',
  title: 'ESP32',
  engine: {
    name: 'esp32',
    protocolKeys: esp32ProtocolKeys,
    deadlines: esp32Deadlines,
    expectKeys: esp32ExpectShape,
    requiredExpect: { anyOf: ['chipId', 'magic'], hint: 'chipId for ESP32-S3/C3, magic for ESP32' },
    toOptions: (input) => toEsp32Options(input),
    toExpected: toEsp32Expect,
    describeExpected: (expected) =>
      expected.chipId !== undefined ? `chip id ${expected.chipId}` : expected.magic !== undefined ? `magic ${hexId(expected.magic, 8)}` : null,
    run: runEsp32,
  },
  chip: {
    schema: esp32ChipSchema,
    toFacts: (input) => toEsp32Chip(input as Esp32ChipInput),
  },
  // One strap: GPIO0 on the ESP32 and ESP32-S3, GPIO9 on the ESP32-C3; shipped profiles call it boot.
  straps: ['boot', 'gpio0', 'gpio9'],
  check: checkEsp32Profile,
  chipId: (expected, chip) => {
    if (expected?.chipId !== undefined) return String(expected.chipId);
    const magic = expected?.magic ?? chip?.magic;
    return magic === undefined ? undefined : hexId(magic, 8);
  },
  physics: esp32Physics,
  emulator: { create: createEsp32Device, modes: ['bootloader', 'app'] },
  simulation: { modes: ['app', 'bootloader'], wrongMode: 'app' },
  stub: {
    banner: 'what the application logs after a boot from flash (ESP32)',
    withBanner: (chip, text) => ({ ...chip, appLog: text }),
  },
});

