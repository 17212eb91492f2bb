/** Runs the handshake-and-identify engine a board profile names, and turns how it ended into an outcome. */
import type { BoardProfile, EngineKind } from '../config/types.js';
import type { Link } from '../link/types.js';
import { runMtk } from '../families/mediatek/engine.js';
import { runScript } from './script.js';
import { Session, Stop } from './session.js';
import { runStm32 } from '../families/stm32/engine.js';
import { runEsp32 } from '../families/esp32/engine.js';
import type { EngineOutcome } from './types.js';
import type { Exchange } from './explain.js';
import { PortLostError } from '../link/types.js';

export type { EngineOutcome } from './types.js';

const ENGINES: Record<EngineKind, { family: Exchange['family']; run: (s: Session) => Promise<string> }> = {
  stm32: { family: 'stm32', run: runStm32 },
  'mediatek': { family: 'mediatek', run: runMtk },
  script: { family: 'script', run: runScript },
  esp32: { family: 'esp32', run: runEsp32 },
};

/**
 * Handshake and identify over the link. Never throws for anything the device or the port does (a symptom
 * comes back instead); only a fault of the harness itself escapes.
 */
export async function runEngine(profile: BoardProfile, link: Link): Promise<EngineOutcome> {
  const engine = ENGINES[profile.protocol.engine];
  if (!engine) throw new Error(`no protocol engine "${String(profile.protocol.engine)}"`);
  const session = new Session(link, profile, engine.family);
  try {
    const summary = await engine.run(session);
    return session.outcome(undefined, summary);
  } catch (error) {
    if (error instanceof Stop || error instanceof PortLostError || link.lost) return session.outcome(error, '');
    throw error;
  }
}
