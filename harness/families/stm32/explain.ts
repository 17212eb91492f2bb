/**
 * What an STM32's bytes mean beyond the generic readings: its bootloader never prints text, so text is the
 * application running from flash (BOOT0 was not held high); and the bootloader's own answers — a late first ACK, a
 * NACK, what a fresh 0x7F says after a command went unanswered.
 */
import { explainIdentity, explainSilence, hexId, type ByteExplainer, type Explanation } from '../../protocols/explain.js';
import { explainNoisyIdentity } from '../../protocols/line-noise.js';

export const STM32_EXPLAINER: ByteExplainer = {
  text: (step, quoted) => ({
    symptom: 'wrong-mode',
    detail: `${step}: the board prints ${quoted}: it runs its application, not the bootloader — BOOT0 not held high during reset?`,
    weak: true,
  }),
  textBeforeHandshake: (quoted) => ({
    symptom: 'wrong-mode',
    detail: `before sync the board printed ${quoted}: it runs its application — BOOT0 not held high during reset?`,
    weak: true,
  }),
};

/** Silence to the first 0x7F, then ACK (not NACK) to the second: the bootloader started after the first. */
export function explainLateBootloader(): Explanation {
  return {
    symptom: 'late',
    detail:
      'bootloader ACKed only the second 7F (the first was lost while it started; stm32flash: "Failed to init device after retry") — boot delay too short?',
  };
}

/**
 * A command went unanswered; a fresh 0x7F then told what the bootloader was doing.
 * 'ack' — it had lost its sync, so it restarted; 'nack' — it was still waiting for a byte of the command, so a
 * byte was lost on the way; 'none' — it stopped answering at all.
 */
export function explainStm32Probe(step: string, answer: 'ack' | 'nack' | 'none'): Explanation {
  if (answer === 'ack') {
    return {
      symptom: 'reset-mid',
      detail: `no answer to ${step}, then a fresh 7F was ACKed (not NACKed): the bootloader restarted mid-session — brown-out? check the supply`,
    };
  }
  if (answer === 'nack') {
    return {
      symptom: 'corrupt',
      detail: `no answer to ${step}, and a fresh 7F completed a pending command (NACK): a byte of the command was lost — cable, connector or port?`,
    };
  }
  return explainSilence(step, null, true);
}

/** A NACK (0x1F) where an ACK belonged. */
export function explainNack(step: string, afterSync: boolean): Explanation {
  return afterSync
    ? { symptom: 'corrupt', detail: `${step} was NACKed (1F): the bootloader saw a garbled command — noisy cable or port?` }
    : { symptom: 'unexpected-reply', detail: `${step} was NACKed (1F)` };
}

/**
 * Product ids the bootloader answers to Get ID (AN2606). They sit a bit or two apart (0x410 F1 medium density,
 * 0x412 low density, 0x414 high density): a near one of these is that chip, not noise.
 */
const KNOWN_PRODUCT_IDS = [
  0x410, 0x411, 0x412, 0x413, 0x414, 0x415, 0x416, 0x417, 0x418, 0x419, 0x420, 0x421, 0x422, 0x423, 0x425, 0x427, 0x428,
  0x429, 0x430, 0x431, 0x432, 0x433, 0x434, 0x435, 0x436, 0x437, 0x438, 0x439, 0x440, 0x441, 0x442, 0x444, 0x445, 0x446,
  0x447, 0x448, 0x449, 0x450, 0x451, 0x452, 0x457, 0x458, 0x460, 0x461, 0x462, 0x463, 0x464, 0x466, 0x467, 0x468, 0x469,
  0x470, 0x471, 0x472, 0x479, 0x480, 0x482, 0x483, 0x495, 0x496, 0x497,
];

/** Get ID answered another product id: one or two flipped bits are line noise, else another chip. */
export function explainProductId(got: number, expected: number): Explanation {
  return explainNoisyIdentity('Get ID', got, expected, KNOWN_PRODUCT_IDS, (id) => hexId(id)) ?? explainIdentity('Get ID', got, expected);
}

/** Versions as ST prints them: 0x22 → "2.2". */
export function bootloaderVersionText(v: number): string {
  return `${v >> 4}.${v & 0x0f}`;
}
