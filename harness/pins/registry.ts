/**
 * Every relay backend, one line each. The rig schema's `relays:` entries, the checks of a rig and the worlds that
 * create backends all come from this list: adding a backend is its folder plus one line here
 * (docs/relay-backends.md).
 */
import { simRelay } from '../sim/relay-board.js';
import type { RelayBackendDescriptor } from './descriptor.js';
import { dtrRtsRelay } from './dtr-rts/index.js';
import { firmataRelay } from './firmata/index.js';
import { kmtronicRelay } from './kmtronic/index.js';
import { lcusRelay } from './lcus/index.js';

export const RELAY_BACKENDS: readonly RelayBackendDescriptor[] = [
  simRelay,
  firmataRelay,
  lcusRelay,
  dtrRtsRelay,
  kmtronicRelay,
];

/** The descriptor of a driver, or undefined for a driver no backend has. */
export function relayBackendOf(driver: string): RelayBackendDescriptor | undefined {
  return RELAY_BACKENDS.find((d) => d.driver === driver);
}

/** The descriptor of a board's driver; throws for a driver no backend has (a rig the loader did not check). */
export function relayBackendFor(board: { id: string; driver: string }): RelayBackendDescriptor {
  const descriptor = relayBackendOf(board.driver);
  if (!descriptor) throw new Error(`relay board ${board.id}: no relay backend '${board.driver}' is registered`);
  return descriptor;
}
