/** What a MediaTek SoC does when it comes out of power-on or reset: pins first, then board faults on top. */
import type { DeviceFaults } from '../../../../firmware-stubs/device.js';

export type BootPlan = 'brom' | 'preloader' | 'dead' | 'bootloop';

/**
 * KCOL0 held at power-on keeps the SoC in its boot ROM; released, the ROM hands over to the Preloader.
 * A dead board does nothing; a bootlooping board floods its log whatever the pin says; a forced mode
 * ('brom' or 'preloader') wins over the pin. Other forced modes (STM32 names) are ignored here.
 */
export function planBoot(kcol0Asserted: boolean, faults: DeviceFaults): BootPlan {
  if (faults.dead) return 'dead';
  if (faults.bootloop) return 'bootloop';
  if (faults.forcedMode === 'brom' || faults.forcedMode === 'preloader') return faults.forcedMode;
  return kcol0Asserted ? 'brom' : 'preloader';
}
