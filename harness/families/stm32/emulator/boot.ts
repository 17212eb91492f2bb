/** What an STM32 does when it leaves reset: which memory it boots from, and what a crashing firmware prints. */
import type { Stm32ChipFacts } from '../schema.js';

export type BootMode = 'bootloader' | 'app' | 'sram';

const FORCEABLE: readonly string[] = ['bootloader', 'app', 'sram'];

/**
 * BOOT0/BOOT1 sampled at reset release (AN2606): 1/0 system memory, 0/x main flash, 1/1 SRAM.
 * A board stuck in one mode (a fault) ignores its pins; modes of other families are ignored here.
 */
export function chooseBootMode(boot0: boolean, boot1: boolean, forcedMode?: string): BootMode {
  if (forcedMode && FORCEABLE.includes(forcedMode)) return forcedMode as BootMode;
  if (!boot0) return 'app';
  return boot1 ? 'sram' : 'bootloader';
}

/** One round of a bootlooping firmware's console output: start-up lines, then the crash that restarts it. */
export function bootloopBurst(chip: Stm32ChipFacts, round: number): string {
  const banner = chip.appBanner ? chip.appBanner.replace(/\r?\n?$/, '\r\n') : '';
  const fault = (0x08000000 + ((round * 0x1d4) % 0x4000)).toString(16).toUpperCase();
  return (
    banner +
    `[${round}] clocks: HSE 8 MHz, PLL 72 MHz\r\n` +
    `[${round}] init: peripherals ok, starting scheduler\r\n` +
    `[${round}] HardFault: PC=0x${fault} LR=0xFFFFFFF9 CFSR=0x00008200\r\n` +
    `[${round}] watchdog reset, rebooting...\r\n`
  );
}

/** Rounds per second of the bootloop: with ~200 bytes a round this floods several KB/s. */
export const BOOTLOOP_ROUND_MS = 40;
