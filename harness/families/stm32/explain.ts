/**
 * What an STM32's bytes mean beyond the generic readings: its bootloader never prints text, so text is the
 * application running from flash (BOOT0 was not held high); and the bootloader's own answers — a late first ACK, a
 * NACK, what a fresh 0x7F says after a command went unanswered.
 */
import { explainSilence, type ByteExplainer, type Explanation } from '../../protocols/explain.js';

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

/** Versions as ST prints them: 0x22 → "2.2". */
export function bootloaderVersionText(v: number): string {
  return `${v >> 4}.${v & 0x0f}`;
}
