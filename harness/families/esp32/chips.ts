/**
 * Everything about each ESP32 chip in one place: how it identifies itself (GET_SECURITY_INFO chip id, the magic
 * word at 0x40001000), where its eFuses keep the MAC, which pin straps download mode, and what its ROM prints.
 * The engine reads the identity and eFuse facts; the emulator plays all of it.
 *
 * Identity, eFuse addresses and banner formats follow Espressif's esptool target definitions and its Serial
 * Protocol / Boot Mode Selection pages. Build dates, load addresses and the other eFuse words (package,
 * revision) are plausible values of one real part each.
 */

export const VARIANTS = ['esp32', 'esp32-s3', 'esp32-c3'] as const;
export type Esp32Variant = (typeof VARIANTS)[number];

/** Where a chip's ROM says why it started: power-on (or EN), a brown-out, a software reset. */
export type ResetCause = 'poweron' | 'brownout' | 'software';

export interface BootStrap {
  /** The boot value the ROM prints (`boot:0x13`): the strapping pins as latched. */
  value: number;
  name: string;
}

export interface ChipInfo {
  variant: Esp32Variant;
  /** As esptool names it. */
  name: string;
  /** GET_SECURITY_INFO chip id; null when the ROM has no GET_SECURITY_INFO (ESP32). */
  chipId: number | null;
  /** Values of the word at MAGIC_ADDRESS; the first is what the emulator plays by default. */
  magics: readonly number[];
  /** The strapping pin that selects download mode when held low at reset. */
  strapPin: string;
  /** eFuse words holding the MAC: the low word has bytes 2..5, the high word bytes 0..1 in its low 16 bits. */
  macLow: number;
  macHigh: number;
  /** UART0 clock divider: the ROM sets it for the baud it detected; esptool derives the crystal from it. */
  uartClockDivider: number | null;
  /** Register words the ROM reads back as the chip leaves the factory (package, revision, features). */
  registers: Readonly<Record<number, number>>;
  /** GET_SECURITY_INFO's last word (the chip's ECO version), where it has the command. */
  ecoVersion: number;
  banner: {
    /** Lines before the reset line. */
    head: readonly string[];
    reset: Record<ResetCause, { code: number; name: string }>;
    download: BootStrap;
    flash: BootStrap;
    /** What the ROM prints after a flash-boot reset line, before the second-stage bootloader runs. */
    flashLoad: readonly string[];
  };
}

/** Where every ESP32-family ROM keeps its magic word (esptool CHIP_DETECT_MAGIC_REG_ADDR). */
export const MAGIC_ADDRESS = 0x40001000;

export const CHIPS: Record<Esp32Variant, ChipInfo> = {
  esp32: {
    variant: 'esp32',
    name: 'ESP32',
    chipId: null,
    magics: [0x00f01d83],
    strapPin: 'GPIO0',
    macLow: 0x3ff5a004,
    macHigh: 0x3ff5a008,
    uartClockDivider: 0x3ff40014,
    // eFuse word 3: revision bit 15, rated 240 MHz (bit 13), package 0 (D0WDQ6); APB_CTL_DATE bit 31 clear.
    registers: { 0x3ff5a00c: 0x0000a000, 0x3ff5a010: 0, 0x3ff5a014: 0, 0x3ff5a018: 0, 0x3ff6607c: 0x16042000 },
    ecoVersion: 1,
    banner: {
      head: ['ets Jun  8 2016 00:22:57', ''],
      reset: {
        poweron: { code: 0x1, name: 'POWERON_RESET' },
        brownout: { code: 0xf, name: 'RTCWDT_BROWN_OUT_RESET' },
        software: { code: 0xc, name: 'SW_CPU_RESET' },
      },
      download: { value: 0x03, name: 'DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2)' },
      flash: { value: 0x13, name: 'SPI_FAST_FLASH_BOOT' },
      flashLoad: [
        'configsip: 0, SPIWP:0xee',
        'clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00',
        'mode:DIO, clock div:2',
        'load:0x3fff0030,len:7104',
        'load:0x40078000,len:15576',
        'load:0x40080400,len:4',
        'entry 0x40080680',
      ],
    },
  },
  'esp32-s3': {
    variant: 'esp32-s3',
    name: 'ESP32-S3',
    chipId: 9,
    magics: [0x00000009],
    strapPin: 'GPIO0',
    macLow: 0x60007044,
    macHigh: 0x60007048,
    uartClockDivider: null,
    // eFuse BLOCK1 word 3: package 0 (QFN56), minor revision 2; word 5: major revision 0; BLOCK2 word 4: 0.
    registers: { 0x60007050: 0x00080000, 0x60007054: 0, 0x60007058: 0, 0x6000706c: 0 },
    ecoVersion: 0,
    banner: {
      head: ['ESP-ROM:esp32s3-20210327', 'Build:Mar 27 2021'],
      reset: {
        poweron: { code: 0x1, name: 'POWERON' },
        brownout: { code: 0xf, name: 'BROWN_OUT_RST' },
        software: { code: 0xc, name: 'RTC_SW_CPU_RST' },
      },
      download: { value: 0x0, name: 'DOWNLOAD(USB/UART0)' },
      flash: { value: 0x8, name: 'SPI_FAST_FLASH_BOOT' },
      flashLoad: [
        'SPIWP:0xee',
        'mode:DIO, clock div:1',
        'load:0x3fce3818,len:0x508',
        'load:0x403c9700,len:0x4',
        'load:0x403c9704,len:0xad0',
        'load:0x403cc700,len:0x29e4',
        'entry 0x403c9880',
      ],
    },
  },
  'esp32-c3': {
    variant: 'esp32-c3',
    name: 'ESP32-C3',
    chipId: 5,
    magics: [0x1b31506f, 0x6921506f, 0x4881606f, 0x4361606f],
    strapPin: 'GPIO9',
    macLow: 0x60008844,
    macHigh: 0x60008848,
    uartClockDivider: null,
    // eFuse BLOCK1 word 3: package 0 (QFN32), minor revision 3; word 5: major revision 0.
    registers: { 0x60008850: 0x000c0000, 0x60008854: 0, 0x60008858: 0 },
    ecoVersion: 3,
    banner: {
      head: ['ESP-ROM:esp32c3-api1-20210207', 'Build:Feb  7 2021'],
      reset: {
        poweron: { code: 0x1, name: 'POWERON' },
        brownout: { code: 0xf, name: 'BROWN_OUT_RST' },
        software: { code: 0xc, name: 'RTC_SW_CPU_RST' },
      },
      download: { value: 0x5, name: 'DOWNLOAD(USB/UART0/1)' },
      flash: { value: 0xc, name: 'SPI_FAST_FLASH_BOOT' },
      flashLoad: [
        'SPIWP:0xee',
        'mode:DIO, clock div:1',
        'load:0x3fcd5820,len:0x1714',
        'load:0x403cc710,len:0x968',
        'load:0x403ce710,len:0x2f9c',
        'entry 0x403cc710',
      ],
    },
  },
};

/**
 * Identities of every ESP32-family chip esptool knows, the emulated ones and the rest (S2, C2, C6, H2, P4, C5,
 * C61): chip ids sit a bit apart (S3 9, C6 13), so a near id is another chip, not noise.
 */
export const KNOWN_CHIP_IDS: readonly number[] = [...Object.values(CHIPS).flatMap((c) => (c.chipId === null ? [] : [c.chipId])), 12, 13, 16, 18, 20, 23];
export const KNOWN_MAGICS: readonly number[] = [...Object.values(CHIPS).flatMap((c) => c.magics), 0x000007c6];

/** The chip a GET_SECURITY_INFO chip id names. */
export function chipByChipId(chipId: number): ChipInfo | undefined {
  return Object.values(CHIPS).find((c) => c.chipId === chipId);
}

/** The chip a magic word names. */
export function chipByMagic(magic: number): ChipInfo | undefined {
  return Object.values(CHIPS).find((c) => c.magics.includes(magic >>> 0));
}

/** "24:0a:c4:00:00:01" from the two eFuse words. */
export function macFromWords(low: number, high: number): string {
  const bytes = [(high >>> 8) & 0xff, high & 0xff, (low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The two eFuse words for a MAC written "aa:bb:cc:dd:ee:ff". */
export function macToWords(mac: Uint8Array): { low: number; high: number } {
  return { low: ((mac[2]! << 24) | (mac[3]! << 16) | (mac[4]! << 8) | mac[5]!) >>> 0, high: (mac[0]! << 8) | mac[1]! };
}
