/** Serving emulated devices on pseudo-terminals. */
export { servePty, DEFAULT_RESET_PULSE_MS, type PtyServer, type PtyServerOptions } from './server.js';
export { parseControl, CONTROL_HELP, type ControlCommand } from './control.js';
export { LinePacer } from './pacer.js';
export { NoisyWire, type CableFaultRates } from './cable.js';
