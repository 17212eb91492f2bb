/**
 * The serialport binding of the simulated bench: list() shows each DUT's adapter while it is plugged in, open()
 * fails as Linux does (ENOENT for an unknown or vanished path, EBUSY for a port already held) and otherwise hands
 * out a port handle wired to the DUT's emulator.
 */
import type { BindingInterface, OpenOptions, PortInfo } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import type { DutStation } from './dut-station.js';
import { noSuchPortError } from './errors.js';
import type { SimPortBinding } from './port.js';

const DATA_BITS = [5, 6, 7, 8];
const STOP_BITS = [1, 1.5, 2];
const PARITIES = ['none', 'even', 'odd', 'mark', 'space'];

export class SimBinding implements BindingInterface<SimPortBinding> {
  constructor(private readonly stations: ReadonlyMap<string, DutStation>) {}

  async list(): Promise<PortInfo[]> {
    return [...this.stations.values()].filter((s) => s.present).map((s) => s.info());
  }

  async open(options: OpenOptions): Promise<SimPortBinding> {
    const settings = withDefaults(options);
    // The OS looks the path up when the open call runs, not when it was requested.
    await new Promise<void>((resolve) => process.nextTick(resolve));
    const station = this.stations.get(settings.path);
    if (!station) throw noSuchPortError(settings.path);
    return station.open(settings);
  }
}

function withDefaults(options: OpenOptions): Required<OpenOptions> {
  if (!options || typeof options !== 'object' || Array.isArray(options)) throw new TypeError('"options" is not an object');
  if (!options.path) throw new TypeError('"path" is not a valid port');
  if (typeof options.baudRate !== 'number' || !(options.baudRate > 0)) throw new TypeError('"baudRate" is not a valid baudRate');
  const settings: Required<OpenOptions> = {
    dataBits: 8,
    lock: true,
    stopBits: 1,
    parity: 'none',
    rtscts: false,
    xon: false,
    xoff: false,
    xany: false,
    hupcl: true,
    ...definedOnly(options),
  } as Required<OpenOptions>;
  if (!DATA_BITS.includes(settings.dataBits)) throw new TypeError(`"dataBits" is invalid: ${settings.dataBits}`);
  if (!STOP_BITS.includes(settings.stopBits)) throw new TypeError(`"stopBits" is invalid: ${settings.stopBits}`);
  if (!PARITIES.includes(settings.parity)) throw new TypeError(`"parity" is invalid: ${settings.parity}`);
  return settings;
}

/** Keys given as undefined keep their defaults (as the hardware binding's Object.assign would not). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
