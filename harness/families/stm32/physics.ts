/**
 * How faults show on the STM32 USART bootloader: a short exchange (0x7F sync, ACKed commands) that the bootloader
 * restarts from scratch after any reset. A supply dip restarts it mid-handshake (`reset-mid`: sync lost, the ACK
 * of a fresh boot) rather than silencing it; USB latency costs a few late answers at most; bit errors on the cable
 * corrupt frames or turn an ACK into another byte (an unexpected reply).
 */
import type { FamilyPhysics } from '../../diagnose/physics.js';

export const stm32Physics: FamilyPhysics = {
  family: 'stm32',
  modes: [
    { kind: 'supply', mode: 'brownout', faces: { 'reset-mid': 1, late: 0.4, silent: 0.3, corrupt: 0.2 } },
    { kind: 'supply', mode: 'slow-start', faces: { late: 1, silent: 0.4 } },
    { kind: 'hub', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.6, corrupt: 0.3 } },
    { kind: 'hub', mode: 'latency', faces: { late: 0.6 } },
    { kind: 'port', mode: 'disconnect', faces: { 'port-lost': 1, 'port-open-failed': 0.8, corrupt: 0.3 } },
    { kind: 'port', mode: 'latency', faces: { late: 0.6 } },
    { kind: 'port', mode: 'noise', faces: { corrupt: 0.8, 'unexpected-reply': 0.5 } },
    { kind: 'cable', mode: 'noise', faces: { corrupt: 1, 'unexpected-reply': 0.9 } },
    { kind: 'cable', mode: 'open', faces: { silent: 1 } },
    { kind: 'cable', mode: 'disconnect', faces: { 'port-lost': 0.8, 'port-open-failed': 0.4 } },
  ],
};
