/** Fake relay hardware for tests and the pty stub: a StandardFirmata Uno and an LCUS relay module. */
export {
  FakeStandardFirmata,
  FIRMATA_BAUD,
  UNO_PIN_COUNT,
  type FakeFirmataOptions,
  type FirmataVersion,
  type PinLevel,
  type PinLevelChange,
} from './fake-standard-firmata.js';
export { FakeLcusModule, LCUS_BAUD, type LcusRelayChange } from './fake-lcus-module.js';
export { FirmataMessageReader, FIRMATA, PIN_MODE, type FirmataMessage } from './firmata-messages.js';
