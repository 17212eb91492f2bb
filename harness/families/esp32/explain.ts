/**
 * What an ESP32 said, turned into a symptom and a sentence — the esptool ladder: no banner at all; a banner
 * without "waiting for download" (booted from flash: the strap was not held); download mode but no SYNC answer;
 * invalid packets; status errors. A banner that comes again mid-session means the chip restarted.
 * RomEvidence collects what came outside the answers (banner lines, logs, noise, broken frames) as the engine
 * reads; the functions below read it.
 */
import { printable, textShare, toHex } from '../../core/bytes.js';
import { LineReader } from '../../link/lines.js';
import { FLOOD_BYTES, hexId, type Explanation } from '../../protocols/explain.js';
import { differingBits, explainLineNoise, NOISE_MAX_BITS, noiseInValue } from '../../protocols/line-noise.js';
import { CHIPS } from './chips.js';
import { ROM_ERROR } from './packets.js';

/** Where the session was when something came. */
export type Phase = 'before' | 'syncing' | 'synced';

export interface Banner {
  /** The reset line as printed: `rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)`. */
  line: string;
  resetCode: number;
  boot: number;
  bootName: string;
  /** The ROM loader waits for a host (the boot name says DOWNLOAD, or "waiting for download" followed). */
  download: boolean;
  phase: Phase;
}

const RESET_LINE = /rst:0x([0-9a-fA-F]+)\s*\(([^)]*)\),\s*boot:0x([0-9a-fA-F]+)\s*\((.*)\)/;
const WAITING = /waiting for download/;
/** Reset code of a brown-out on every ESP32-family ROM. */
const BROWNOUT_CODE = 0xf;
/** The text every ROM prints as it boots, before its reset line ("ESP-ROM:esp32c3-api1-20210207", "Build:…"). */
const ROM_HEAD_LINES: readonly string[] = [...new Set(Object.values(CHIPS).flatMap((c) => c.banner.head.filter((line) => line.length >= 8)))];
/** The first of them: one per boot. */
const ROM_FIRST_LINES: readonly string[] = [...new Set(Object.values(CHIPS).map((c) => c.banner.head[0]!))];

/** One of these lines as printed, or with a bit or two flipped by line noise: the ROM booting, not an application. */
function isRomLine(line: string, lines: readonly string[] = ROM_HEAD_LINES): boolean {
  return lines.some((head) => {
    if (head.length !== line.length) return false;
    let bits = 0;
    for (let i = 0; i < head.length && bits <= NOISE_MAX_BITS; i++) bits += differingBits(head.charCodeAt(i), line.charCodeAt(i)).length;
    return bits <= NOISE_MAX_BITS;
  });
}

/** Broken frames and bad answers kept as evidence. */
const KEEP = 4;

export class RomEvidence {
  phase: Phase = 'before';
  readonly banners: Banner[] = [];
  /** The ROM's first lines (one a boot) and when they came: a restart whose reset line came garbled still shows. */
  readonly heads: Array<{ line: string; phase: Phase }> = [];
  /** Text lines outside answers that are not the ROM's banner: an application's log. */
  readonly logLines: string[] = [];
  /** Bytes outside answers, and how many of them were not text. */
  unframed = 0;
  garbage = 0;
  readonly garbageSample: number[] = [];
  /** Broken frames, malformed answers and failure statuses, described. */
  readonly damage: string[] = [];
  damageCount = 0;
  lastDamage = '';
  private readonly everything = new LineReader();
  private readonly outside = new LineReader();

  constructor(private readonly onBanner: (banner: Banner) => void = () => undefined) {}

  /** Every received byte: banners are found wherever they land, even inside a frame a restart cut short. */
  raw(bytes: Uint8Array): void {
    for (const line of this.everything.push(bytes)) {
      const reset = RESET_LINE.exec(line);
      if (reset) {
        const bootName = reset[4]!;
        const banner: Banner = {
          line: reset[0],
          resetCode: parseInt(reset[1]!, 16),
          boot: parseInt(reset[3]!, 16),
          bootName,
          download: /DOWNLOAD/i.test(bootName),
          phase: this.phase,
        };
        this.banners.push(banner);
        this.onBanner(banner);
      } else if (isRomLine(line, ROM_FIRST_LINES)) {
        this.heads.push({ line, phase: this.phase });
      } else if (WAITING.test(line) && this.banners.length > 0) {
        this.banners[this.banners.length - 1]!.download = true;
      }
    }
  }

  /** Bytes between frames. */
  noise(bytes: Uint8Array): void {
    this.unframed += bytes.length;
    for (const b of bytes) {
      if (printable(b) !== null) continue;
      this.garbage++;
      if (this.garbageSample.length < 16) this.garbageSample.push(b);
    }
    for (const line of this.outside.push(bytes)) {
      if (!RESET_LINE.test(line) && !WAITING.test(line) && !isRomLine(line) && textShare(Buffer.from(line, 'latin1')) >= 0.8) this.logLines.push(line);
    }
  }

  damaged(what: string): void {
    this.damageCount++;
    this.lastDamage = what;
    if (this.damage.length < KEEP) this.damage.push(what);
  }

  /**
   * More SYNCs cannot help: the chip restarted, bootloops, or booted from flash (the ROM loader is gone until
   * the next reset).
   */
  get settled(): boolean {
    const last = this.banners[this.banners.length - 1];
    return this.restart !== undefined || this.banners.length >= 3 || (last !== undefined && !last.download);
  }

  /** The first banner that says the chip started again once the host had begun to talk. */
  get restart(): Banner | undefined {
    const banner = this.banners.find((b, i) => b.phase !== 'before' && (i > 0 || b.resetCode === BROWNOUT_CODE || b.phase === 'synced'));
    if (banner) return banner;
    // Its reset line unreadable (noise flipped a bit of it), the ROM's head line still says the chip booted again.
    const head = this.heads.find((h, i) => h.phase !== 'before' && (i > 0 || h.phase === 'synced'));
    return head ? { line: head.line, resetCode: Number.NaN, boot: Number.NaN, bootName: '', download: false, phase: head.phase } : undefined;
  }
}

/** What the ladder needs to know of the board besides what came. */
export interface LadderContext {
  /** The strapping pin that selects download mode (GPIO0, GPIO9). */
  strapPin: string;
  attempts: number;
}

/** SYNC never got a good answer: the esptool ladder, most specific reading first. */
export function explainNoSync(e: RomEvidence, ctx: LadderContext): Explanation {
  const { banners } = e;
  if (banners.length >= 3) {
    return { symptom: 'flood', detail: `the ROM's banner came ${banners.length} times with ${e.unframed} bytes of log: the board bootloops — a crashing application, or a supply that cannot hold it up?` };
  }
  const restart = e.restart;
  if (restart) return explainRestart(restart, 'SYNC');
  if (e.unframed > FLOOD_BYTES && banners.length === 0) {
    return { symptom: 'flood', detail: `${e.unframed} unasked bytes and no SYNC answer: the board floods the line — bootloop, or an application printing logs?` };
  }
  const last = banners[banners.length - 1];
  if (last && !last.download) {
    return {
      symptom: 'wrong-mode',
      detail: `the ROM printed ${last.line}: it booted from flash, not into the ROM loader — ${ctx.strapPin} not held low when EN rose?`,
    };
  }
  if (e.damageCount > 0) {
    const what = e.damage[0]!;
    return { symptom: 'corrupt', detail: `no clean SYNC answer in ${ctx.attempts} attempts: ${what}${e.damageCount > 1 ? ` (and ${e.damageCount - 1} more)` : ''} — noisy cable or port?` };
  }
  if (last) {
    return {
      symptom: 'silent',
      detail: `the ROM printed "waiting for download" but never answered SYNC (${ctx.attempts} attempts): the host → board line (TX → RX) seems down — cable, connector, or TX/RX swapped?`,
    };
  }
  if (e.logLines.length > 0) {
    return {
      symptom: 'wrong-mode',
      detail: `no boot banner, and the board prints ${quote(e.logLines[0]!)}: its application runs, the chip was not reset into the ROM loader — EN not pulsed?`,
      weak: true,
    };
  }
  if (e.garbage > 0) {
    return {
      symptom: 'corrupt',
      detail: `no SYNC answer, only ${e.unframed} bytes of garbage (invalid packet head ${toHex(e.garbageSample.slice(0, 1))}: ${toHex(e.garbageSample.slice(0, 8))} …) — wrong baud (a 26 MHz ESP32 prints at 74880), or noise on the line?`,
    };
  }
  return {
    symptom: 'silent',
    detail: `no boot banner and no answer to SYNC (${ctx.attempts} attempts): nothing at all — power, EN, TX/RX swapped, or wrong port?`,
  };
}

/** The chip printed its banner again after the session began. */
export function explainRestart(banner: Banner, step: string): Explanation {
  const why = banner.resetCode === BROWNOUT_CODE ? 'a brown-out reset' : 'the chip restarted';
  return {
    symptom: 'reset-mid',
    detail: `the ROM printed its banner again during ${step} (${banner.line}): ${why} mid-session — check the supply`,
  };
}

/**
 * A failure status in an answer. "Invalid message" or "invalid CRC" after a good SYNC means our packet arrived
 * damaged; a status the ROM never sends, a bit or two away from success, was damaged on its way back.
 */
export function explainStatus(step: string, status: number, error: number): Explanation {
  const name = ROM_ERROR[error];
  const code = toHex([status, error]);
  if (status === 1 && (error === 0x05 || error === 0x07)) {
    return { symptom: 'corrupt', detail: `${step} answered status ${code} (${name}): the ROM received a damaged packet — noisy cable or port?` };
  }
  if (status === 1 && name) return { symptom: 'unexpected-reply', detail: `${step} answered status ${code} (${name})` };
  const flipped = noiseInValue((status << 8) | error, 0);
  if (flipped) return explainLineNoise(`${step} answered status ${code}, which the ROM never sends`, flipped);
  return { symptom: 'unexpected-reply', detail: `${step} answered status ${code}, not a ROM loader status` };
}

/** An identity read twice that came back different each time. */
export function explainUnsteady(step: string, first: number, second: number): Explanation {
  return {
    symptom: 'corrupt',
    detail: `${step} read ${hexId(first >>> 0, 8)}, then ${hexId(second >>> 0, 8)}: the answers change on the way — noisy cable or port?`,
  };
}

/**
 * No answer to a command after a good SYNC. `probe`: whether a fresh SYNC was answered (the ROM still listens,
 * so the command or its answer was lost); `earlier`: damage seen before in the session.
 */
export function explainNoAnswer(step: string, waitedMs: number, probe: boolean, earlier?: string): Explanation {
  const waited = `no answer to ${step} within ${Math.round(waitedMs)} ms`;
  if (probe) {
    return { symptom: 'corrupt', detail: `${waited}, yet the ROM still answers SYNC: the command or its answer was lost on the way — cable or port?` };
  }
  if (earlier) return { symptom: 'corrupt', detail: `${waited}, after damaged answers earlier (${earlier}) — noisy cable or port?` };
  return { symptom: 'silent', detail: `${waited} after a good SYNC, and no answer to SYNC since: the stream stopped — board reset or lost power?` };
}

/** Answers that never made it whole. */
export function explainDamagedAnswer(step: string, what: string): Explanation {
  return { symptom: 'corrupt', detail: `the answer to ${step} came damaged (${what}) — noisy cable or port?` };
}

/** The right answer after its deadline. */
export function explainLateAnswer(step: string, afterMs: number, deadlineMs: number): Explanation {
  return { symptom: 'late', detail: `${step} answered after ${Math.round(afterMs)} ms, deadline ${deadlineMs} ms — USB latency, or a slow board?` };
}

function quote(line: string): string {
  const text = line.length > 40 ? line.slice(0, 40) + '…' : line;
  return JSON.stringify(text);
}
