/**
 * How faults show on the STM32 USART bootloader: a short exchange (0x7F sync, ACKed commands) that the bootloader
 * restarts from scratch after any reset. A supply dip restarts it mid-handshake: the STM32 engine reads that
 * (`reset-mid`: sync lost, the ACK of a fresh boot), while a profile run by the script engine, which cannot tell a
 * restart, only finds its expected reply missing (`silent`); USB latency costs a few late answers at most; bit errors on the cable corrupt frames or turn an ACK
 * into another byte (an unexpected reply). A reset relay that does not switch leaves the board held in reset or
 * unrestarted (silent), or restarted by the next trial's edge into the application the last trial left behind,
 * whose banner shows (`wrong-mode`, about one failure in three on a board whose application prints one). A BOOT0
 * relay that does not switch boots the application: on one board either always its banner (`wrong-mode`) or, when
 * it prints none, always nothing — never both, which is the reset relay's mix.
 */
import type { FamilyPhysics } from '../../diagnose/physics.js';

export const stm32Physics: FamilyPhysics = {
  family: 'stm32',
  modes: [
    // The STM32 engine probes an unanswered command with a fresh 0x7F: an ACK tells the bootloader restarted.
    { kind: 'supply', mode: 'brownout', when: { readsRestart: true }, faces: { 'reset-mid': 1, silent: 0.6, late: 0.4, corrupt: 0.2 } },
    // A script of fixed steps never probes: the restarted bootloader waits for a sync no one sends, and the reply
    // the script expects never comes (now and then a retried step meets the fresh bootloader's answer instead).
    { kind: 'supply', mode: 'brownout', when: { readsRestart: false }, faces: { silent: 1, 'unexpected-reply': 0.5, late: 0.4 } },
    { kind: 'supply', mode: 'slow-start', faces: { late: 1, silent: 0.4 } },
    { kind: 'hub', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.6, corrupt: 0.3 } },
    { kind: 'hub', mode: 'latency', faces: { late: 0.6 } },
    { kind: 'port', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.8, corrupt: 0.3 } },
    { kind: 'port', mode: 'latency', faces: { late: 0.6 } },
    { kind: 'port', mode: 'noise', faces: { corrupt: 0.8, 'unexpected-reply': 0.5 } },
    { kind: 'relay', mode: 'stuck', pins: ['reset', 'power'], faces: { silent: 1, 'wrong-mode': 0.5, 'reset-mid': 0.3, late: 0.3 }, intermittent: true },
    // Two ways, not one: an application prints its banner or it does not.
    { kind: 'relay', mode: 'stuck-app-banner', faces: { 'wrong-mode': 1, 'unexpected-reply': 0.5, flood: 0.3 }, intermittent: true },
    { kind: 'relay', mode: 'stuck-app-quiet', faces: { silent: 1 }, intermittent: true },
    { kind: 'cable', mode: 'noise', faces: { corrupt: 1, 'unexpected-reply': 0.9 } },
    { kind: 'cable', mode: 'open', faces: { silent: 1 } },
    { kind: 'cable', mode: 'disconnect', faces: { 'port-lost': 0.8, 'port-open-failed': 0.4 } },
  ],
};
