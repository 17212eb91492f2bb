/**
 * MediaTek BROM / Preloader over UART: the A0 0A 50 05 handshake one byte at a time (restart from A0 on any
 * wrong echo), then GET_BL_VER (BROM echoes, Preloader answers a version byte), the watchdog disabled with WRITE32
 * before it resets the SoC, GET_HW_CODE, GET_HW_SW_VER and GET_TARGET_CONFIG.
 */
import { concatBytes, readU16be, readU32be, toHex, u32be } from '../../core/bytes.js';
import {
  explainFlood,
  explainReply,
  explainSilence,
  explainUnasked,
  FLOOD_BYTES,
  hexId,
  type ExpectedByte,
  type Explanation,
} from '../../protocols/explain.js';
import { Stop, type Session } from '../../protocols/session.js';
import { explainHwCode, explainMode, explainStatus } from './explain.js';
import { DEFAULT_WATCHDOG_TIMEOUT_MS, type MediatekChipFacts, type MediatekExpected, type MediatekIdentity, type MediatekOptions } from './schema.js';

const HANDSHAKE = [0xa0, 0x0a, 0x50, 0x05];
const CMD = {
  GET_VERSION: 0xff,
  GET_BL_VER: 0xfe,
  GET_HW_CODE: 0xfd,
  GET_HW_SW_VER: 0xfc,
  GET_TARGET_CONFIG: 0xd8,
  WRITE32: 0xd4,
} as const;
/** Status words at or below this mean success (BROM reports 0x0001 before WRITE32 data). */
const STATUS_OK_MAX = 0xff;

export async function runMediatek(s: Session, protocol: MediatekOptions, expected: MediatekExpected): Promise<string> {
  const found: MediatekIdentity = {};
  s.identity = found;
  s.begin('handshake');
  await handshake(s);

  const watchdog: Watchdog = { armedAt: s.link.clock.now(), timeoutMs: watchdogTimeoutMs(s), disabled: false };
  s.restartProbe = (step) => probeRestart(s, step);
  s.begin('identify');
  try {
    const mode = await blVersion(s);
    found.mode = mode.mode;
    const wanted = expected.mode;
    try {
      await identify(s, found, protocol, expected, watchdog);
    } catch (error) {
      // In the wrong mode later steps may well fail; the mode is the finding that matters.
      if (!(error instanceof Stop) || wanted === mode.mode) throw error;
    }
    if (wanted !== mode.mode) s.fail(explainMode(mode.mode, wanted, mode.reply));
  } catch (error) {
    if (error instanceof Stop && error.why.symptom === 'reset-mid') blameHeldUpHost(s, error.why.detail, watchdog);
    throw error;
  }
  s.end();

  const { hwCode, hwVersion, swVersion, targetConfig } = found;
  return `hw_code ${hexId(hwCode ?? 0, 4)} (${found.mode === 'brom' ? 'BROM' : 'Preloader'}), hw ${hexId(hwVersion ?? 0, 4)} sw ${hexId(swVersion ?? 0, 4)}, target config ${hexId(targetConfig ?? 0, 8)}`;
}

/** The SoC's watchdog, running from the handshake until WRITE32 disables it. */
interface Watchdog {
  armedAt: number;
  timeoutMs: number;
  disabled: boolean;
}

function watchdogTimeoutMs(s: Session): number {
  const chip = s.profile.chip?.family === 'mediatek' ? (s.profile.chip as MediatekChipFacts) : undefined;
  return chip?.watchdogTimeoutMs ?? DEFAULT_WATCHDOG_TIMEOUT_MS;
}

/**
 * A restart before the watchdog was disabled, once its timeout had passed, is the watchdog's. When the host was held
 * up meanwhile for so long that, had it run, the session would still have been within the timeout, the restart is
 * the host's doing: a harness error (host-busy), not a brown-out.
 */
function blameHeldUpHost(s: Session, restart: string, watchdog: Watchdog): void {
  if (!watchdog.disabled) s.failIfHostSpent('the watchdog', watchdog.armedAt, watchdog.timeoutMs, `the restart seen (${restart})`);
}

/**
 * After a good handshake the target went quiet. Offer the first handshake byte again: a boot ROM that answers it
 * (inverted 5F, or A1 when not in sync) has restarted since the handshake — power dipped, or its watchdog ran out
 * while a held-up host kept the WRITE32 back — and a Preloader says READY again.
 */
async function probeRestart(s: Session, step: string): Promise<Explanation | null> {
  await s.send(Uint8Array.of(HANDSHAKE[0]!));
  const first = await s.read(1, s.deadline('replyMs'));
  const got = first.length ? concatBytes([first, await s.link.readUntilQuiet(20, s.deadline('replyMs'))]) : first;
  const text = new TextDecoder('latin1').decode(got);
  if (got[0] === 0x5f || got[0] === 0xa1 || text.includes('READY')) {
    return {
      symptom: 'reset-mid',
      detail: `no answer to ${step}, then a fresh A0 was answered ${toHex(got.subarray(0, 5))}: the target restarted mid-session — brown-out? check the supply`,
    };
  }
  return null;
}

/**
 * The watchdog first, as real tools do: it runs from the handshake on, and every exchange before its WRITE32 costs a
 * link round trip of its budget (behind 50 ms each way, the four identity exchanges alone take 0.4 s of an
 * MT6580's 1.5 s).
 */
async function identify(s: Session, found: MediatekIdentity, protocol: MediatekOptions, expected: MediatekExpected, watchdog: Watchdog): Promise<void> {
  await write32(s, protocol.watchdog.address, protocol.watchdog.value);
  watchdog.disabled = true;

  const hw = await command(s, 'GET_HW_CODE', CMD.GET_HW_CODE, 4);
  const hwCode = readU16be(hw);
  found.hwCode = hwCode;
  status(s, 'GET_HW_CODE', readU16be(hw, 2));
  if (expected.hwCode !== undefined && hwCode !== expected.hwCode) s.fail(explainHwCode(hwCode, expected.hwCode));

  const ver = await command(s, 'GET_HW_SW_VER', CMD.GET_HW_SW_VER, 8);
  found.hwSubcode = readU16be(ver);
  found.hwVersion = readU16be(ver, 2);
  found.swVersion = readU16be(ver, 4);
  status(s, 'GET_HW_SW_VER', readU16be(ver, 6));

  const config = await command(s, 'GET_TARGET_CONFIG', CMD.GET_TARGET_CONFIG, 6);
  found.targetConfig = readU32be(config);
  status(s, 'GET_TARGET_CONFIG', readU16be(config, 4));
}

/**
 * Sends each handshake byte and waits for its inverse — as long as any link may delay an answer, so that none is
 * still on its way when the engine moves on and the target and the engine never fall out of step. Any other
 * answer (or none) restarts from A0, within the whole-handshake deadline and the profile's retries; input nobody
 * asked for is taken off the line before every byte (and kept for the diagnosis). An A0 that comes back unchanged
 * from a target that then answers GET_VERSION is a target already past the handshake: as good as in sync.
 */
async function handshake(s: Session): Promise<void> {
  const { link } = s;
  const totalMs = s.deadline('handshakeMs');
  const byteMs = s.deadline('byteMs');
  const start = link.clock.now();
  const stray: Uint8Array[] = [];
  let last: { sent: number; got: Uint8Array } | null = null;
  let step = 0;
  while (step < HANDSHAKE.length) {
    if (link.clock.now() - start > totalMs || s.retries > s.profile.protocol.retries) break;
    stray.push(link.takePending());
    const sent = HANDSHAKE[step]!;
    await s.send(Uint8Array.of(sent));
    const got = await s.readImmediate(byteMs);
    if (got[0] === (~sent & 0xff)) {
      s.measureRoundTrip();
      s.accept(got);
      step++;
      continue;
    }
    let heard = got;
    if (step === 0 && got[0] === sent) {
      const probe = await commandModeProbe(s);
      if (probe.synced) return;
      heard = concatBytes([got, probe.heard]);
    }
    // Wrong or no echo: hear the rest of what the device is saying (a READY, a log line), then start again.
    const rest = heard.length ? await link.readUntilQuiet(Math.max(1, byteMs / 2), byteMs * 4) : new Uint8Array(0);
    last = { sent, got: concatBytes([heard, rest]) };
    stray.push(last.got);
    s.retries++;
    step = 0;
  }
  if (step === HANDSHAKE.length) return;

  const heard = concatBytes(stray);
  const elapsed = link.clock.now() - start;
  link.note(`handshake gave up after ${s.retries} restarts, ${Math.round(elapsed)} ms`);
  s.failIfHostSpent('the handshake', start, totalMs);
  const unasked = explainUnasked(heard, s.explainer);
  if (unasked?.symptom === 'wrong-mode') s.fail(unasked);
  if (heard.length > FLOOD_BYTES) s.fail(explainFlood('the handshake', heard));
  if (last && last.got.length > 0) {
    const expected = [~last.sent & 0xff];
    const why = explainReply({ step: 'handshake', sent: Uint8Array.of(last.sent), expected, got: last.got }, s.explainer);
    s.fail(why, s.mark('handshake', expected, last.got));
  }
  s.fail(explainSilence('handshake (A0)', elapsed, false));
}

/**
 * A0 came back unchanged: a target in command mode echoes it as an unknown command — one that completed a
 * handshake whose last answer never reached us, or one a previous session left synced. GET_VERSION tells such a
 * target (it answers a version byte) from a line that echoes everything (FF back).
 */
async function commandModeProbe(s: Session): Promise<{ synced: boolean; heard: Uint8Array }> {
  await s.send(Uint8Array.of(CMD.GET_VERSION));
  const got = await s.readImmediate(s.deadline('replyMs'));
  if (got.length === 0 || got[0] === CMD.GET_VERSION) return { synced: false, heard: got };
  s.measureRoundTrip();
  s.accept(got);
  s.link.note(`A0 came back unchanged and GET_VERSION answered ${toHex(got)}: the target was already past the handshake`);
  return { synced: true, heard: got };
}

/** GET_BL_VER: the BROM echoes FE, the Preloader answers one version byte instead. */
async function blVersion(s: Session): Promise<{ mode: 'brom' | 'preloader'; reply: number }> {
  const sent = Uint8Array.of(CMD.GET_BL_VER);
  await s.send(sent);
  const [reply] = await s.expect('GET_BL_VER', [null], s.deadline('replyMs'), { sent, afterSync: true, immediate: true });
  if (reply === CMD.GET_BL_VER) return { mode: 'brom', reply };
  if (reply! >= 1 && reply! <= 0x0f) return { mode: 'preloader', reply: reply! };
  return s.mismatch('GET_BL_VER', [CMD.GET_BL_VER], Uint8Array.of(reply!), { sent, afterSync: true });
}

/** A command byte (echoed), then a fixed-size reply. */
async function command(s: Session, step: string, code: number, replyBytes: number): Promise<Uint8Array> {
  await echoed(s, step, Uint8Array.of(code));
  return s.expect(step, new Array<ExpectedByte>(replyBytes).fill(null), s.deadline('replyMs'), { afterSync: true });
}

/** Sends bytes the target must echo back unchanged (at once: the echo measures the link). */
async function echoed(s: Session, step: string, bytes: Uint8Array): Promise<void> {
  await s.send(bytes);
  await s.expect(step, Array.from(bytes), s.deadline('replyMs'), { sent: bytes, afterSync: true, immediate: true });
}

async function write32(s: Session, address: number, value: number): Promise<void> {
  const step = `WRITE32 watchdog @${hexId(address, 8)}`;
  const replyMs = s.deadline('replyMs');
  await echoed(s, step, Uint8Array.of(CMD.WRITE32));
  await echoed(s, `${step} (address)`, u32be(address));
  await echoed(s, `${step} (count)`, u32be(1));
  status(s, step, readU16be(await s.expect(step, [null, null], replyMs, { afterSync: true })));
  await echoed(s, `${step} (value)`, u32be(value));
  status(s, step, readU16be(await s.expect(step, [null, null], replyMs, { afterSync: true })));
}

function status(s: Session, step: string, value: number): void {
  if (value > STATUS_OK_MAX) s.fail(explainStatus(step, value));
}
