/** Wire-level numbers of the MediaTek BROM / Preloader download protocol, and the emulator's own choices. */

/** The four bytes the host sends, one at a time, to get a target into command mode. */
export const HANDSHAKE_BYTES: readonly number[] = [0xa0, 0x0a, 0x50, 0x05];

export const CMD = {
  GET_HW_CODE: 0xfd,
  GET_HW_SW_VER: 0xfc,
  GET_TARGET_CONFIG: 0xd8,
  GET_BL_VER: 0xfe,
  GET_VERSION: 0xff,
  READ32: 0xd1,
  WRITE32: 0xd4,
  GET_ME_ID: 0xe1,
  GET_SOC_ID: 0xe7,
  SEND_DA: 0xd7,
  JUMP_DA: 0xd5,
  UART1_SET_BAUDRATE: 0xdc,
} as const;

export const STATUS = {
  OK: 0x0000,
  /** What the BROM (not the Preloader) says between WRITE32's arguments and its data. */
  BROM_WRITE_PENDING: 0x0001,
  BAUD_TOO_HIGH: 0x1d1d,
  /**
   * Not from the protocol: the emulator's answer to a request it will not carry out (a READ32/WRITE32 count above
   * MAX_WORDS, JUMP_DA to an address where no DA was sent). Real silicon would misbehave in its own way.
   */
  REFUSED: 0x3001,
} as const;

/** UART rate of BROM and Preloader (115200 8N1), whatever the profile says: a wrong profile then shows as noise. */
export const PROTOCOL_BAUD = 115200;

/** Highest rate UART1_SET_BAUDRATE accepts; above it (or 0) the answer is BAUD_TOO_HIGH. */
export const MAX_UART_BAUD = 921600;

/** Largest READ32/WRITE32 word count served (keeps a garbage count from allocating gigabytes). */
export const MAX_WORDS = 0x10000;

/** The one byte the emulated download agent sends when JUMP_DA starts it; after that it ignores input. */
export const DA_RUNNING_MARKER = 0xc0;

/** What the Preloader pushes while it waits for a host. */
export const READY_TEXT = 'READY';

/** Watchdog register and disable value of most chips, used when the profile's protocol is not mediatek. */
export const DEFAULT_WATCHDOG = { address: 0x10007000, value: 0x22000064 } as const;
