/** Runs the handshake-and-identify engine a board profile names, and turns how it ended into an outcome. */
import type { BoardProfile } from '../config/types.js';
import type { Link } from '../link/types.js';
import { engineNamed } from './engines.js';
import { Session, Stop } from './session.js';
import type { EngineOutcome } from './types.js';
import { PortLostError } from '../link/types.js';

export type { EngineOutcome } from './types.js';

/**
 * Handshake and identify over the link. Never throws for anything the device or the port does (a symptom
 * comes back instead); only a fault of the harness itself escapes.
 */
export async function runEngine(profile: BoardProfile, link: Link): Promise<EngineOutcome> {
  const engine = engineNamed(profile.protocol.engine);
  if (!engine) throw new Error(`no protocol engine "${String(profile.protocol.engine)}"`);
  const session = new Session(link, profile, engine.explainer?.(profile.expect));
  try {
    const summary = await engine.run(session, profile.protocol.options, profile.expect);
    return session.outcome(undefined, summary);
  } catch (error) {
    if (error instanceof Stop || error instanceof PortLostError || link.lost) return session.outcome(error, '');
    throw error;
  } finally {
    session.close();
  }
}
