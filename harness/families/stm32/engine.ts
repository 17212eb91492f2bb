/**
 * STM32 system-memory bootloader over USART: sync on 0x7F, then Get Version, Get, Get ID, and an optional read
 * of the start of flash — the session order of stm32flash, with the profile's deadlines.
 */
import { concatBytes, readU16be, u32be, xorAll } from '../../core/bytes.js';
import { explainSilence, explainUnasked, hexId, type ExpectedByte } from '../../protocols/explain.js';
import { GRACE_FACTOR, type Session } from '../../protocols/session.js';
import { bootloaderVersionText, explainLateBootloader, explainNack, explainProductId, explainStm32Probe, STM32_EXPLAINER } from './explain.js';
import type { Stm32Expected, Stm32Identity, Stm32Options } from './schema.js';

const SYNC = 0x7f;
const ACK = 0x79;
const NACK = 0x1f;
const BLOCK = 256;

export async function runStm32(s: Session, protocol: Stm32Options, expect: Stm32Expected): Promise<string> {
  const found: Stm32Identity = {};
  s.identity = found;
  s.begin('handshake');
  await sync(s);

  s.begin('identify');
  const version = await getVersion(s);
  const commands = await getCommands(s);
  const productId = await getId(s);
  found.bootloaderVersion = version;
  found.commands = commands;
  found.productId = productId;

  if (expect.productId !== undefined && productId !== expect.productId) {
    s.fail(explainProductId(productId, expect.productId));
  }
  if (expect.minBootloaderVersion !== undefined && version < expect.minBootloaderVersion) {
    s.fail({
      symptom: 'unexpected-reply',
      detail: `bootloader v${bootloaderVersionText(version)} is older than the profile's minimum v${bootloaderVersionText(expect.minBootloaderVersion)} — wrong profile or wrong board?`,
    });
  }
  if (protocol.readBytes > 0) found.readBytes = await readMemory(s, protocol.readAddress, protocol.readBytes);
  s.end();
  const read = protocol.readBytes > 0 ? `, read ${protocol.readBytes} bytes` : '';
  return `PID ${hexId(productId)}, bootloader v${bootloaderVersionText(version)}${read}`;
}

/**
 * 0x7F → ACK. On silence, 0x7F again: NACK means the bootloader was synced already (it took the first 0x7F as half
 * a command); ACK means it only started listening after the first one (late). Input from before the first 0x7F is
 * stale: it is taken off the line (and only kept as a hint of what the board was doing).
 */
async function sync(s: Session): Promise<void> {
  const { link } = s;
  const syncMs = s.deadline('syncMs');
  const hint = explainUnasked(link.takePending(), STM32_EXPLAINER);
  const sent = Uint8Array.of(SYNC);
  const tries = Math.max(1, s.profile.protocol.retries);
  for (let attempt = 0; attempt <= tries; attempt++) {
    if (attempt > 0) s.retries++;
    await s.send(sent);
    const got = await s.readImmediate(syncMs);
    if (got[0] === ACK || got[0] === NACK) s.measureRoundTrip();
    if (got[0] === ACK) {
      s.accept(got);
      if (attempt > 0) {
        s.softFail(explainLateBootloader());
        await settle(s, syncMs);
      }
      return;
    }
    if (got[0] === NACK) {
      s.accept(got);
      link.note('bootloader was already synced (NACK to 7F 7F): the previous session was not closed');
      return;
    }
    if (got.length > 0) await s.mismatch('sync', [ACK], got, { sent });
  }
  // Grace: an answer this late is late, not silence.
  const late = await s.readMore(1, syncMs * (GRACE_FACTOR - 1));
  if (late[0] === ACK || late[0] === NACK) {
    s.accept(late);
    s.softFail(explainLateBootloader());
    await settle(s, syncMs);
    return;
  }
  if (late.length > 0) await s.mismatch('sync', [ACK], late, { sent });
  s.fail(hint ?? explainSilence('sync (7F)', syncMs * (tries + GRACE_FACTOR), false));
}

/**
 * After a late ACK the bootloader may hold our extra 0x7F as the first byte of a command. One or two more 0x7F
 * complete that pair (NACK) so the next command starts clean.
 */
async function settle(s: Session, syncMs: number): Promise<void> {
  for (let i = 0; i < 2; i++) {
    s.retries++;
    await s.send(Uint8Array.of(SYNC));
    const got = await s.read(1, syncMs);
    if (got[0] === NACK) return void s.accept(got);
    if (got.length > 0) await s.mismatch('sync (settle)', [NACK], got, { sent: Uint8Array.of(SYNC), afterSync: true });
  }
}

/**
 * Sends a command code and its complement and waits for ACK; on silence, probes what the bootloader is doing.
 * The bootloader checks the pair and ACKs at once, so the ACK measures the link's round trip.
 */
async function command(s: Session, step: string, code: number): Promise<void> {
  const sent = Uint8Array.of(code, code ^ 0xff);
  await s.send(sent);
  await ack(s, step, sent, true);
}

async function ack(s: Session, step: string, sent: Uint8Array, immediate = false): Promise<void> {
  const replyMs = s.deadline('replyMs');
  const start = s.link.clock.now();
  let got = await s.read(1, replyMs);
  if (got[0] === ACK && immediate) s.measureRoundTrip();
  if (got.length === 0) {
    got = await s.readMore(1, replyMs * (GRACE_FACTOR - 1));
    if (got[0] === ACK) s.judgeArrival(step, start, replyMs, 1);
  }
  if (got[0] === ACK) return void s.accept(got);
  if (got[0] === NACK) s.fail(explainNack(step, true), s.mark(step, [ACK], got));
  if (got.length > 0) await s.mismatch(step, [ACK], got, { sent, afterSync: true });
  s.fail(explainStm32Probe(step, await probe(s)));
}

/** A command went unanswered: a fresh 0x7F says whether the bootloader restarted, waits for a byte, or is gone. */
async function probe(s: Session): Promise<'ack' | 'nack' | 'none'> {
  const syncMs = s.deadline('syncMs');
  for (let i = 0; i < 2; i++) {
    s.retries++;
    await s.send(Uint8Array.of(SYNC));
    const got = await s.read(1, syncMs);
    if (got[0] === ACK) return 'ack';
    if (got[0] === NACK) return 'nack';
  }
  return 'none';
}

/** Reads a reply of variable length: count byte N, then N+1 bytes, then ACK. */
async function counted(s: Session, step: string): Promise<Uint8Array> {
  const replyMs = s.deadline('replyMs');
  const [n] = await s.expect(step, [null], replyMs, { afterSync: true });
  const body = await s.expect(step, [...new Array<ExpectedByte>(n! + 1).fill(null), ACK], replyMs, { afterSync: true });
  return body.subarray(0, n! + 1);
}

async function getVersion(s: Session): Promise<number> {
  await command(s, 'Get Version', 0x01);
  const reply = await s.expect('Get Version', [null, null, null, ACK], s.deadline('replyMs'), { afterSync: true });
  return reply[0]!;
}

async function getCommands(s: Session): Promise<number[]> {
  await command(s, 'Get', 0x00);
  const body = await counted(s, 'Get');
  return Array.from(body.subarray(1));
}

async function getId(s: Session): Promise<number> {
  await command(s, 'Get ID', 0x02);
  const body = await counted(s, 'Get ID');
  return body.length >= 2 ? readU16be(body, body.length - 2) : body[0]!;
}

/** Read Memory in 256-byte blocks; returns how many bytes came. */
async function readMemory(s: Session, address: number, total: number): Promise<number> {
  const readMs = s.deadline('readMs');
  let done = 0;
  while (done < total) {
    const n = Math.min(BLOCK, total - done);
    const step = `Read Memory @${hexId(address + done, 8)}`;
    await s.send(Uint8Array.of(0x11, 0xee));
    await readAck(s, step);
    const addr = u32be(address + done);
    await s.send(concatBytes([addr, Uint8Array.of(xorAll(addr))]));
    await ack(s, `${step} (address)`, addr);
    await s.send(Uint8Array.of(n - 1, (n - 1) ^ 0xff));
    await ack(s, `${step} (length)`, Uint8Array.of(n - 1));
    await s.expect(step, new Array<ExpectedByte>(n).fill(null), readMs, { afterSync: true });
    done += n;
  }
  return done;
}

/** Read Memory's first ACK: a NACK here means readout protection, not a garbled command. */
async function readAck(s: Session, step: string): Promise<void> {
  const got = await s.read(1, s.deadline('replyMs'));
  if (got[0] === NACK) {
    s.fail({ symptom: 'unexpected-reply', detail: `${step} was NACKed: readout protection is on?` }, s.mark(step, [ACK], got));
  }
  if (got[0] === ACK) return void s.accept(got);
  if (got.length > 0) await s.mismatch(step, [ACK], got, { sent: Uint8Array.of(0x11, 0xee), afterSync: true });
  s.fail(explainStm32Probe(step, await probe(s)));
}
