/**
 * How faults show on the MediaTek BROM: a byte-by-byte handshake (each start byte answered by its inverse, then
 * echoed commands) with tight gaps between bytes. A supply dip restarts the BROM: the engine sees the handshake
 * start over (`reset-mid`), or, where the restart shows nothing it could catch, silence; extra USB latency breaks
 * the byte-by-byte exchange first (replies land out of step: unexpected bytes, or none); a noisy cable flips bits of
 * known replies: one or two flipped bits the engine reports as corrupt, more (or a handshake thrown out of step) as
 * unexpected replies; a cable that drops bytes leaves the BROM waiting for the byte it never got (silent) about as
 * often as it garbles a reply.
 */
import type { FamilyPhysics } from '../../diagnose/physics.js';

export const mediatekPhysics: FamilyPhysics = {
  family: 'mediatek',
  modes: [
    { kind: 'supply', mode: 'brownout', faces: { silent: 1, 'reset-mid': 1, late: 0.3, 'unexpected-reply': 0.3 } },
    { kind: 'supply', mode: 'slow-start', faces: { late: 1, silent: 0.6 } },
    { kind: 'hub', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.6, corrupt: 0.3 } },
    { kind: 'hub', mode: 'latency', faces: { 'unexpected-reply': 1, silent: 0.8, late: 0.8 } },
    { kind: 'port', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.8, corrupt: 0.3 } },
    { kind: 'port', mode: 'latency', faces: { 'unexpected-reply': 1, silent: 0.8, late: 0.8 } },
    { kind: 'port', mode: 'noise', faces: { corrupt: 0.8, 'unexpected-reply': 0.7 } },
    // A power relay that does not switch leaves the board unpowered (silent) or in the mode the last trial left it
    // (its Preloader, or a log flooding the line); a key relay that does not switch lets it boot past the BROM.
    { kind: 'relay', mode: 'stuck', pins: ['power', 'reset'], faces: { silent: 1, 'wrong-mode': 0.9, flood: 0.4 }, intermittent: true },
    { kind: 'relay', mode: 'stuck', faces: { 'wrong-mode': 1, flood: 0.3, silent: 0.3 }, intermittent: true },
    { kind: 'cable', mode: 'noise', faces: { corrupt: 1, 'unexpected-reply': 0.9 } },
    // A dropped byte stalls the byte-by-byte handshake as often as it garbles a reply.
    { kind: 'cable', mode: 'drop', faces: { corrupt: 1, silent: 0.8, 'unexpected-reply': 0.6 } },
    { kind: 'cable', mode: 'open', faces: { silent: 1 } },
    { kind: 'cable', mode: 'disconnect', faces: { 'port-lost': 0.8, 'port-open-failed': 0.4 } },
  ],
};
