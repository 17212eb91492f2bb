/** What a protocol engine reports about one handshake-and-identify. */
import type { Identity, Symptom } from '../core/record.js';

export interface EngineOutcome {
  /** The board answered in time and its identity matched the profile's expectation. */
  ok: boolean;
  /** 'ok' when ok. */
  symptom: Symptom;
  /** One line a person can act on; a short identity summary when ok. */
  detail: string;
  identity?: Identity;
  /** Handshake restarts and resent commands. */
  retries: number;
  /** Time spent in the handshake phase. */
  handshakeMs: number;
  /** Time spent identifying (and reading, when the profile asks). */
  identifyMs: number;
  /** The link's round trip beyond wire time (median over the answers the device gives at once), when measured. */
  latencyMs?: number;
  /** Expected and received bytes (hex) and the µs time of the deviating bytes. */
  mismatch?: { expected: string; got: string; at: number };
}
