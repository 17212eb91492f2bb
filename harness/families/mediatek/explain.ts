/**
 * What a MediaTek SoC's bytes mean beyond the generic readings: `READY` is its Preloader (the KCOL0 test point was
 * not held at power-on), and READY after a good handshake means the SoC restarted; GET_BL_VER tells BROM from
 * Preloader; the BROM's status words.
 */
import { explainIdentity, GENERIC_EXPLAINER, hex1, hexId, type ByteExplainer, type Explanation } from '../../protocols/explain.js';
import { explainNoisyIdentity } from '../../protocols/line-noise.js';
import type { MediatekMode } from './schema.js';

const READY = [0x52, 0x45, 0x41, 0x44, 0x59];

export function containsReady(bytes: Uint8Array): boolean {
  outer: for (let i = 0; i + READY.length <= bytes.length; i++) {
    for (let j = 0; j < READY.length; j++) if (bytes[i + j] !== READY[j]) continue outer;
    return true;
  }
  return false;
}

/** The explainer for a session that wants `expected` (READY is only wrong when BROM is wanted). */
export function mediatekExplainer(expected: MediatekMode): ByteExplainer {
  return {
    otherMode(bytes, when, step) {
      if (!containsReady(bytes)) return null;
      if (expected === 'preloader') return 'expected';
      return when === 'after-sync'
        ? { symptom: 'reset-mid', detail: `READY again at ${step}: the board restarted into its Preloader mid-session — brown-out? check the supply` }
        : { symptom: 'wrong-mode', detail: 'READY from Preloader, expected BROM' };
    },
    text: GENERIC_EXPLAINER.text,
    textBeforeHandshake: (quoted) => ({
      symptom: 'unexpected-reply',
      detail: `before the handshake the board printed ${quoted}: a log, not the boot ROM — test point not held?`,
      weak: true,
    }),
  };
}

/** GET_BL_VER tells BROM (echo FE) from Preloader (a version byte). */
export function explainMode(got: MediatekMode, expected: MediatekMode, reply: number): Explanation {
  return got === 'preloader'
    ? {
        symptom: 'wrong-mode',
        detail: `GET_BL_VER answered ${hex1(reply)} (a Preloader version byte, BROM echoes FE): Preloader, expected BROM — test point (KCOL0) not held at power-on?`,
      }
    : {
        symptom: 'wrong-mode',
        detail: `GET_BL_VER echoed FE: BROM, expected Preloader — test point held, or the preloader is missing or broken?`,
      };
}

/** hw_codes that MediaTek BROMs answer (their marketing numbers differ): a near one of these is that chip. */
const KNOWN_HW_CODES = [0x0766, 0x0717, 0x0707, 0x0813, 0x0321, 0x6580, 0x8163, 0x0699, 0x1208];

/** GET_HW_CODE answered another hw_code: one or two flipped bits are line noise, else another chip. */
export function explainHwCode(got: number, expected: number): Explanation {
  const show = (id: number) => hexId(id, 4);
  return explainNoisyIdentity('GET_HW_CODE', got, expected, KNOWN_HW_CODES, show) ?? explainIdentity('GET_HW_CODE', got, expected, 4);
}

/** A status word other than success. */
export function explainStatus(step: string, status: number): Explanation {
  const known: Record<number, string> = {
    0x1d0c: 'no auth needed',
    0x1d0d: 'SLA required (secure boot)',
    0x7017: 'DAA security error',
    0x1d1d: 'baud rate too high',
  };
  const why = known[status] ? ` (${known[status]})` : '';
  return { symptom: 'unexpected-reply', detail: `${step} returned status ${hexId(status, 4)}${why}` };
}
