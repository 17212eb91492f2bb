/**
 * The pin a relay channel drove on a board on a given night. A trial records which channels served its DUT, not
 * which pin each drove, and the diagnosis is given the rig as it stands now; a swap since may have rewired a
 * channel to another pin or another board (a reset channel that sometimes sticks, moved to a MediaTek board's
 * power pin). Read with the wrong pin, the channel's failures on the night before the swap would not fit the
 * channel (a stuck reset is a silent board, a stuck power pin on a board that has none is nothing) and would be
 * left to the board's other parts.
 */
import type { Rig } from '../config/types.js';
import type { PinOf } from './physics.js';

/** Pins by relay channel as `rig` wires them now, resolved per board and night when one is given. */
export function relayPins(rig: Rig | undefined): PinOf {
  const wiredNow = new Map<string, { dut: string; pin: string }>();
  const pinsOfDut = new Map<string, Map<string, string>>();
  for (const dut of rig?.duts ?? []) {
    const pins = new Map<string, string>();
    for (const [pin, wiring] of Object.entries(dut.pins)) {
      wiredNow.set(wiring.channel, { dut: dut.id, pin });
      pins.set(pin, wiring.channel);
    }
    pinsOfDut.set(dut.id, pins);
  }
  return (channel, seen) => {
    const now = wiredNow.get(channel);
    if (!seen) return now?.pin;
    if (now?.dut === seen.dut) return now.pin;
    const pins = pinsOfDut.get(seen.dut);
    const ranWith = new Set(seen.components.filter((c) => c.kind === 'relay').map((c) => c.id));
    if (!pins || !ranWith.has(channel)) return undefined;
    // The board's other channels are where they were: the one pin whose channel it did not run with then is the
    // pin this channel drove (a swap of two channels).
    const rewiredPins = [...pins].filter(([, ch]) => !ranWith.has(ch)).map(([pin]) => pin);
    const channelsNotNow = [...ranWith].filter((ch) => ![...pins.values()].includes(ch));
    if (rewiredPins.length === 1 && channelsNotNow.length === 1) return rewiredPins[0];
    // Boards that traded places took each other's wiring whole: the channel's pin now is the one it drove then,
    // if this board has a pin of that name.
    return now && pins.has(now.pin) ? now.pin : undefined;
  };
}
