/**
 * ESP32 ROM loader over UART, as esptool talks to it: SYNC until the ROM answers (it answers each SYNC several
 * times; the copies are drained), then identify — GET_SECURITY_INFO's chip id where the ROM has the command,
 * else the magic word at 0x40001000 read with READ_REG — then the MAC from its eFuse words, and optionally
 * SPI_ATTACH + SPI_SET_PARAMS. Everything outside the answers (the boot banner, logs, noise) is kept as
 * evidence for the ladder in explain.ts.
 */
import { toHex } from '../../core/bytes.js';
import { slipEncode, SlipReader } from '../../link/slip.js';
import { hexId, type Explanation } from '../../protocols/explain.js';
import { explainNoisyIdentity } from '../../protocols/line-noise.js';
import { GRACE_FACTOR, type Session } from '../../protocols/session.js';
import { CHIPS, KNOWN_CHIP_IDS, KNOWN_MAGICS, MAGIC_ADDRESS, chipByChipId, chipByMagic, macFromWords, type ChipInfo } from './chips.js';
import {
  explainDamagedAnswer,
  explainLateAnswer,
  explainNoAnswer,
  explainNoSync,
  explainRestart,
  explainStatus,
  explainUnsteady,
  RomEvidence,
} from './explain.js';
import {
  decodeResponse,
  encodeCommand,
  INVALID_MESSAGE,
  OP,
  opName,
  readU32le,
  SYNC_ANSWERS,
  SYNC_DATA,
  SYNC_VALUE,
  words,
  type Response,
} from './packets.js';
import type { Esp32Expected, Esp32Identity, Esp32Options } from './schema.js';

/** GET_SECURITY_INFO's data before the status: flags, flash_crypt_cnt, key purposes, chip id, ECO version. */
const SECURITY_INFO_BYTES = 20;
/** Fresh SYNCs sent to learn whether a ROM that went quiet still listens. */
const PROBES = 3;
/** SPI_SET_PARAMS as esptool sends it: id, total size, block 64 KiB, sector 4 KiB, page 256, status mask. */
const SPI_PARAMS = (size: number) => words(0, size, 0x10000, 0x1000, 0x100, 0xffff);

export async function runEsp32(s: Session, protocol: Esp32Options, expected: Esp32Expected): Promise<string> {
  const found: Esp32Identity = {};
  s.identity = found;
  const rom = new RomConversation(s, expected);
  s.begin('handshake');
  await rom.sync(s.profile.protocol.retries);

  s.begin('identify');
  const chip = await identify(s, rom, found, expected);
  const mac = macFromWords(await rom.readReg('READ_REG MAC (low word)', chip.macLow), await rom.readReg('READ_REG MAC (high word)', chip.macHigh));
  found.mac = mac;
  if (protocol.flashSize !== null) {
    await rom.check('SPI_ATTACH', OP.SPI_ATTACH, words(0, 0));
    await rom.check('SPI_SET_PARAMS', OP.SPI_SET_PARAMS, SPI_PARAMS(protocol.flashSize));
  }
  s.end();
  const id = found.chipId !== undefined ? `chip id ${found.chipId}` : `magic ${hexId(found.magic ?? 0, 8)}`;
  const flash = protocol.flashSize !== null ? `, flash attached (${protocol.flashSize >>> 10} KiB)` : '';
  return `${chip.name} (${id}), MAC ${mac}${flash}`;
}

/** Chip id where the profile expects one (falling back to the magic word to name a chip without it), else magic. */
async function identify(s: Session, rom: RomConversation, found: Esp32Identity, expected: Esp32Expected): Promise<ChipInfo> {
  if (expected.chipId !== undefined) {
    const info = await rom.command('GET_SECURITY_INFO', OP.GET_SECURITY_INFO, new Uint8Array(0), SECURITY_INFO_BYTES);
    if (info.unsupported) {
      const magic = await rom.readReg('READ_REG magic', MAGIC_ADDRESS);
      found.magic = magic;
      const chip = chipByMagic(magic);
      if (chip && chip.chipId === expected.chipId) {
        s.fail({ symptom: 'corrupt', detail: `GET_SECURITY_INFO was turned down, yet the magic word says ${chip.name} as expected: the command arrived damaged — noisy cable or port?` });
      }
      s.fail({
        symptom: 'unexpected-reply',
        detail: `GET_SECURITY_INFO is not supported: the magic word says ${chip ? `an ${chip.name}` : `${hexId(magic, 8)}, no known chip`}, profile expects chip id ${expected.chipId}${nameOf(chipByChipId(expected.chipId))} — wrong profile or wrong board?`,
      });
    }
    let chipId = readU32le(info.response.body, 12);
    if (chipId !== expected.chipId) {
      const noise = explainNoisyIdentity('GET_SECURITY_INFO chip id', chipId, expected.chipId, KNOWN_CHIP_IDS, String);
      if (noise) s.fail(noise);
    }
    if (chipId !== expected.chipId) chipId = await confirm(s, 'GET_SECURITY_INFO chip id', chipId, expected.chipId, async () => {
      const again = await rom.command('GET_SECURITY_INFO', OP.GET_SECURITY_INFO, new Uint8Array(0), SECURITY_INFO_BYTES);
      return again.unsupported ? -1 : readU32le(again.response.body, 12);
    });
    found.chipId = chipId;
    return chipByChipId(chipId)!;
  }
  const wanted = expected.magic!;
  let magic = await rom.readReg('READ_REG magic', MAGIC_ADDRESS);
  if (magic !== wanted) {
    const noise = explainNoisyIdentity('READ_REG magic', magic, wanted, KNOWN_MAGICS, (v) => hexId(v >>> 0, 8));
    if (noise) s.fail(noise);
    magic = await confirm(s, 'READ_REG magic', magic, wanted, () => rom.readReg('READ_REG magic', MAGIC_ADDRESS));
  }
  found.magic = magic;
  return chipByMagic(magic) ?? CHIPS.esp32;
}

/**
 * An identity other than the profile's: read it again. The expected value now means the first read was damaged
 * on the way; another value means the answers change (noise); the same value means another chip.
 */
async function confirm(s: Session, step: string, first: number, expected: number, again: () => Promise<number>): Promise<never> {
  const second = await again();
  if (second === expected) s.fail(explainUnsteady(step, first, second));
  if (second !== first) s.fail(explainUnsteady(step, first, second));
  const byId = step.includes('chip id');
  const named = byId ? chipByChipId(first) : chipByMagic(first);
  const wanted = byId ? chipByChipId(expected) : chipByMagic(expected);
  const show = (v: number) => (byId ? String(v) : hexId(v >>> 0, 8));
  s.fail({
    symptom: 'unexpected-reply',
    detail: `${step} says ${show(first)}${nameOf(named)}, profile expects ${show(expected)}${nameOf(wanted)} — wrong profile or wrong board?`,
  });
}

function nameOf(chip: ChipInfo | undefined): string {
  return chip ? ` (${chip.name})` : '';
}

type Answer = { unsupported: false; response: Response } | { unsupported: true };

/** One ROM loader conversation: commands out, answers in, and everything else kept as evidence. */
class RomConversation {
  private readonly evidence: RomEvidence;
  private readonly reader: SlipReader;

  constructor(
    private readonly s: Session,
    private readonly expected: Esp32Expected,
  ) {
    this.evidence = new RomEvidence((banner) => s.link.note(`banner: ${banner.line}`));
    this.reader = new SlipReader(s.link, {
      raw: (bytes) => this.evidence.raw(bytes),
      noise: (bytes) => this.evidence.noise(bytes),
      invalid: (event) => this.evidence.damaged(`a frame with a bad ${event.reason === 'escape' ? 'escape sequence' : 'length'} (${toHex(event.bytes.subarray(0, 12))} …)`),
    });
  }

  /**
   * SYNC until a good answer, up to 1 + retries attempts. A late ROM (its banner came only after the first SYNC)
   * is `late`; attempts lost while the ROM was waiting, or damaged answers, are `corrupt` — both let the session
   * go on identifying. No good answer at all is read by the ladder.
   */
  async sync(retries: number): Promise<void> {
    const s: Session = this.s;
    const began = s.link.clock.now();
    this.reader.feed(s.link.takePending());
    const syncMs = s.deadline('syncMs');
    const waitingBefore = this.evidence.banners.some((b) => b.download);
    this.evidence.phase = 'syncing';
    let unanswered = 0;
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      attempts++;
      if (attempt > 0) s.retries++;
      // The first SYNC, and any SYNC to a ROM known to wait for download, get the grace period: an answer that
      // comes late (USB latency) then reads as late, not as a ROM that started late.
      const listening = this.evidence.banners.some((b) => b.download);
      const sentAt = s.link.clock.now();
      await this.send(OP.SYNC, SYNC_DATA);
      const answer = await this.answer('SYNC', OP.SYNC, 0, listening || attempt === 0 ? syncMs * GRACE_FACTOR : syncMs);
      if (answer === 'silence') {
        if (listening) unanswered++;
        if (this.evidence.settled) break;
        continue;
      }
      const waited = s.link.clock.now() - sentAt;
      if (waited > syncMs) s.lateAnswer('SYNC', sentAt, waited, syncMs, waited - syncMs, explainLateAnswer('SYNC', waited, syncMs));
      if (answer.unsupported || answer.response.status !== 0) {
        const r = answer.unsupported ? null : answer.response;
        this.evidence.damaged(r ? `SYNC answered status ${toHex([r.status, r.error])}` : 'SYNC answered as an unknown command');
        continue;
      }
      const { value } = answer.response;
      if (value === 0) {
        s.fail({
          symptom: 'wrong-mode',
          detail: "SYNC answered with value 0: esptool's flasher stub runs, not the ROM — the chip was not reset since a flashing session (EN not pulsed?)",
        });
      }
      if (value !== SYNC_VALUE) {
        this.evidence.damaged(`a SYNC answer with value ${hexId(value, 8)}, not ${hexId(SYNC_VALUE, 8)}`);
        continue;
      }
      this.evidence.phase = 'synced';
      await this.drainSyncCopies(syncMs);
      if (attempt > 0) this.judgeSlowSync(attempt, waitingBefore, unanswered);
      return;
    }
    s.link.note(`no SYNC answer: ${attempts} attempts in ${Math.round(s.link.clock.now() - began)} ms`);
    s.fail(explainNoSync(this.evidence, { strapPin: this.strapPin(), attempts }));
  }

  /** READ_REG: the word is the answer's value. */
  async readReg(step: string, address: number): Promise<number> {
    const answer = await this.command(`${step} @${hexId(address, 8)}`, OP.READ_REG, words(address));
    if (answer.unsupported) this.s.fail({ symptom: 'unexpected-reply', detail: `${step}: the ROM does not know READ_REG (secure download mode?)` });
    return answer.response.value >>> 0;
  }

  /** A command whose only result is its status. */
  async check(step: string, op: number, data: Uint8Array): Promise<void> {
    const answer = await this.command(step, op, data);
    if (answer.unsupported) this.s.fail({ symptom: 'unexpected-reply', detail: `${step}: the ROM does not know ${opName(op)}` });
  }

  /** Sends a command and waits for its answer; failure statuses other than "unknown command" stop the session. */
  async command(step: string, op: number, data: Uint8Array, bodyBytes = 0): Promise<Answer> {
    const s: Session = this.s;
    const replyMs = s.deadline('replyMs');
    this.reader.discard();
    await this.send(op, data);
    const start = s.link.clock.now();
    const damageBefore = this.evidence.damageCount;
    const answer = await this.answer(step, op, bodyBytes, replyMs * GRACE_FACTOR);
    if (answer === 'silence') s.fail(await this.silence(step, replyMs * GRACE_FACTOR, damageBefore));
    const waited = s.link.clock.now() - start;
    if (waited > replyMs) s.lateAnswer(step, start, waited, replyMs, waited - replyMs, explainLateAnswer(step, waited, replyMs));
    if (!answer.unsupported && answer.response.status !== 0) {
      const { status, error } = answer.response;
      s.fail(explainStatus(step, status, error), s.mark(step, [0, 0], Uint8Array.of(status, error)));
    }
    return answer;
  }

  /**
   * The answer to `op` within timeoutMs. Answers to other commands (stale SYNC copies) are skipped; an
   * "invalid message" answer under another opcode is how the ROM turns down a command it does not know.
   */
  private async answer(step: string, op: number, bodyBytes: number, timeoutMs: number): Promise<Answer | 'silence'> {
    const s: Session = this.s;
    const deadline = s.link.clock.now() + timeoutMs;
    for (;;) {
      const frame = await this.reader.next(deadline - s.link.clock.now());
      if (!frame) return 'silence';
      const response = decodeResponse(frame.payload, bodyBytes);
      if ('invalid' in response) {
        this.evidence.damaged(`${step}: ${response.invalid} (${toHex(frame.payload.subarray(0, 12))})`);
        continue;
      }
      s.accept(new Uint8Array(frame.wire));
      if (response.op === op) {
        if (response.status !== 0 && response.error === INVALID_MESSAGE && op === OP.GET_SECURITY_INFO) return { unsupported: true };
        return { unsupported: false, response };
      }
      if (response.status !== 0 && response.error === INVALID_MESSAGE) {
        await this.drainUnsupported();
        return { unsupported: true };
      }
    }
  }

  /**
   * Why a command got nothing back: the chip restarted (its banner came), its answer came broken, or — asked
   * with a fresh SYNC — the ROM still listens (the command or the answer was lost), or it went quiet.
   */
  private async silence(step: string, waitedMs: number, damageBefore: number): Promise<Explanation> {
    const e = this.evidence;
    const restarted = () => e.restart;
    if (restarted()) return explainRestart(restarted()!, step);
    if (e.damageCount > damageBefore) return explainDamagedAnswer(step, e.lastDamage);
    const alive = await this.probe();
    if (restarted()) return explainRestart(restarted()!, step);
    return explainNoAnswer(step, waitedMs, alive, damageBefore > 0 ? e.damage[0] : undefined);
  }

  /** Whether the ROM still listens: any answer to a fresh SYNC (even a failure, even a damaged one) says so. */
  private async probe(): Promise<boolean> {
    const syncMs = this.s.deadline('syncMs');
    for (let i = 0; i < PROBES; i++) {
      this.s.retries++;
      const damageBefore = this.evidence.damageCount;
      await this.send(OP.SYNC, SYNC_DATA);
      const answer = await this.answer('SYNC (probe)', OP.SYNC, 0, syncMs * GRACE_FACTOR);
      if (answer !== 'silence') {
        await this.drainSyncCopies(syncMs);
        return true;
      }
      if (this.evidence.damageCount > damageBefore) return true;
    }
    return false;
  }

  /** The ROM answers one SYNC several times; read the copies so the next command starts clean. */
  private async drainSyncCopies(syncMs: number): Promise<void> {
    for (let copy = 1; copy < SYNC_ANSWERS; copy++) {
      const frame = await this.reader.next(syncMs);
      if (!frame) return;
      this.s.accept(new Uint8Array(frame.wire));
    }
  }

  /** The ROM repeats its "unknown command" answer; let the copies pass. */
  private async drainUnsupported(): Promise<void> {
    const quietMs = Math.max(5, this.s.deadline('replyMs') / 4);
    while (await this.reader.next(quietMs)) {
      /* stale copies */
    }
  }

  /** Sync came, but not on the first SYNC: why. */
  private judgeSlowSync(attempt: number, waitingBefore: boolean, unanswered: number): void {
    const s: Session = this.s;
    const e = this.evidence;
    const restart = e.restart;
    if (restart) return s.softFail(explainRestart(restart, 'SYNC'));
    if (e.damageCount > 0) return s.softFail({ symptom: 'corrupt', detail: `SYNC took ${attempt + 1} attempts: ${e.damage[0]} — noisy cable or port?` });
    if (unanswered > 0 && waitingBefore) {
      return s.softFail({ symptom: 'corrupt', detail: `SYNC took ${attempt + 1} attempts though the ROM was waiting for download: SYNC packets were lost on the way — cable or port?` });
    }
    s.softFail({
      symptom: 'late',
      detail: `the ROM answered SYNC only on attempt ${attempt + 1}: it was not listening yet when the first SYNC went out — boot delay too short, or a slow power-up?`,
    });
  }

  private async send(op: number, data: Uint8Array): Promise<void> {
    this.s.link.note(opName(op));
    await this.s.send(slipEncode(encodeCommand(op, data)));
  }

  private strapPin(): string {
    const { chipId, magic } = this.expected;
    const chip = chipId !== undefined ? chipByChipId(chipId) : magic !== undefined ? chipByMagic(magic) : undefined;
    return chip?.strapPin ?? 'GPIO0';
  }
}
