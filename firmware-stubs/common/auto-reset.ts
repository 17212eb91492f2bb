/**
 * The two-transistor auto-reset circuit of most ESP32 boards (and of some STM32 ones): RTS drives EN (reset)
 * and DTR the boot strap, each through a transistor whose emitter sits on the other line. A line pulls its pin
 * only while it is asserted and the other is not; with both asserted — as every tty is just after open —
 * neither transistor conducts and the board is left alone.
 */
export interface ModemLineLevels {
  dtr: boolean;
  rts: boolean;
}

/** Which pins the circuit pulls for these line levels: `rts` = EN held low, `dtr` = the strap held low. */
export function autoResetCircuit(lines: ModemLineLevels): ModemLineLevels {
  return { dtr: lines.dtr && !lines.rts, rts: lines.rts && !lines.dtr };
}
