/**
 * How faults show on the ESP32 ROM loader: SLIP frames, a SYNC answered several times, long exchanges. A supply
 * dip reboots the chip, which prints its boot banner again (`reset-mid`) or, on a deep dip, says nothing; latency
 * only delays the framed answers (`late`). A reset (EN) relay that does not switch either leaves the chip running
 * the application the last trial booted (`wrong-mode`) or holds it in reset (`silent`), both often; a boot (GPIO0)
 * relay that does not switch lets the chip boot its application (`wrong-mode`), and seldom anything else. Bit errors
 * on the cable mostly break a frame's checksum (`corrupt`) and now and then turn a reply into another one
 * (`unexpected-reply`), as on the other boot ROMs.
 */
import type { FamilyPhysics } from '../../diagnose/physics.js';

export const esp32Physics: FamilyPhysics = {
  family: 'esp32',
  modes: [
    { kind: 'supply', mode: 'brownout', faces: { 'reset-mid': 1, silent: 0.6, flood: 0.3, late: 0.3 } },
    { kind: 'supply', mode: 'slow-start', faces: { late: 1, silent: 0.4 } },
    { kind: 'hub', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.6, corrupt: 0.3 } },
    { kind: 'hub', mode: 'latency', faces: { late: 0.8, silent: 0.3 } },
    { kind: 'port', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.8, corrupt: 0.3 } },
    { kind: 'port', mode: 'latency', faces: { late: 0.8, silent: 0.3 } },
    { kind: 'port', mode: 'noise', faces: { corrupt: 0.8 } },
    { kind: 'relay', mode: 'stuck', pins: ['reset'], faces: { silent: 1, 'wrong-mode': 0.9, 'reset-mid': 0.5, flood: 0.4, late: 0.3 }, intermittent: true },
    { kind: 'cable', mode: 'noise', faces: { corrupt: 1, 'unexpected-reply': 0.9 } },
    { kind: 'cable', mode: 'open', faces: { silent: 1 } },
    { kind: 'cable', mode: 'disconnect', faces: { 'port-lost': 0.8, 'port-open-failed': 0.4 } },
    { kind: 'relay', mode: 'stuck', pins: ['boot'], faces: { 'wrong-mode': 1, silent: 0.3, 'unexpected-reply': 0.4, flood: 0.3 }, intermittent: true },
  ],
};
