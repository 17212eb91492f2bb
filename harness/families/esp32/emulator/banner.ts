/** What an ESP32 prints on its UART as it starts: the ROM's banner, a flash boot's load lines, a crash. */
import type { ChipInfo, ResetCause } from '../chips.js';

const CRLF = '\r\n';

/** The ROM's banner up to its reset line, and `waiting for download` in download mode. */
export function romBanner(chip: ChipInfo, cause: ResetCause, download: boolean): string {
  const { head, reset, download: dl, flash } = chip.banner;
  const strap = download ? dl : flash;
  const why = reset[cause];
  const resetLine = `rst:0x${why.code.toString(16)} (${why.name}),boot:0x${strap.value.toString(16)} (${strap.name})`;
  const lines = [...head, resetLine, ...(download ? ['waiting for download'] : chip.banner.flashLoad)];
  return lines.join(CRLF) + CRLF;
}

/** What a crashing application prints before the chip restarts (ESP-IDF's panic handler). */
export function panicText(round: number): string {
  const pc = (0x400d1000 + ((round * 0x1d4) % 0x8000)).toString(16);
  return (
    `Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.${CRLF}` +
    `PC      : 0x${pc}  PS      : 0x00060330  A0      : 0x800d1040${CRLF}` +
    `Backtrace: 0x${pc}:0x3ffb1f60 0x400d1040:0x3ffb1f80${CRLF}${CRLF}` +
    `Rebooting...${CRLF}`
  );
}
