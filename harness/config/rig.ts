/** Rigs: rigs/<id>.yaml → Rig, with the references inside the rig checked (profiles are checked in bench.ts). */
import { basename, extname } from 'node:path';
import type { Dut, PinWiring, PortMatch, RelayBoard, RelayChannel, Rig } from './types.js';
import { ConfigError, didYouMean, type ConfigIssue } from './issues.js';
import { asList, asMap, asString, type RawMap } from './raw.js';
import { followUpBudgetOf, rigSchema, type DutInput, type RigInput } from './rig-schema.js';
import { RELAY_BACKENDS, relayBackendFor, relayBackendOf } from '../pins/registry.js';
import type { PortMatchInput } from './schema-parts.js';
import { readConfigSource, type ConfigSource, type KeyPath } from './source.js';
import { validate } from './zod-issues.js';

/** Loads and validates a rig on its own (schema and references inside it); throws ConfigError with every problem. */
export function loadRig(file: string): Rig {
  return rigFromSource(readConfigSource(file));
}

export function rigFromSource(source: ConfigSource): Rig {
  const { rig, issues } = parseRig(source);
  if (!rig || issues.length > 0) throw new ConfigError(issues);
  return rig;
}

/** The rig and every problem found in it; `rig` is absent when the shape is wrong. */
export function parseRig(source: ConfigSource): { rig?: Rig; issues: ConfigIssue[] } {
  const shape = validate(source, rigSchema, source.data);
  const issues = [...(shape.ok ? [] : shape.issues), ...checkRig(source)];
  return shape.ok ? { rig: toRig(source, shape.value), issues } : { issues };
}

const LIST_KINDS = [
  ['relays', 'relay board'],
  ['hubs', 'hub'],
  ['ports', 'port'],
  ['cables', 'cable'],
  ['supplies', 'supply'],
  ['duts', 'DUT'],
] as const;

interface Declared {
  kind: string;
  path: KeyPath;
}

/** The channel ids a relay board provides, with the path that declares each. */
function channelsOf(board: RawMap, index: number): Array<{ id: string; path: KeyPath }> {
  const id = asString(board.id);
  if (!id) return [];
  const at: KeyPath = ['relays', index];
  const lines = relayBackendOf(String(board.driver))?.lines;
  if (lines) return lines.map((line) => ({ id: `${id}.${line}`, path: [...at, 'driver'] }));
  if (typeof board.channels === 'number' && Number.isInteger(board.channels) && board.channels > 0 && board.channels <= 64) {
    return Array.from({ length: board.channels }, (_, i) => ({ id: `${id}.${i + 1}`, path: [...at, 'channels'] }));
  }
  return asList(board.channels).flatMap((raw, i) => {
    const n = asMap(raw)?.n;
    return typeof n === 'number' ? [{ id: `${id}.${n}`, path: [...at, 'channels', i, 'n'] }] : [];
  });
}

function checkRig(source: ConfigSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const raw = asMap(source.data) ?? {};
  const hardware = raw.kind === 'hardware';
  const stem = basename(source.file, extname(source.file));
  if (typeof raw.id === 'string' && raw.id !== stem) {
    issues.push(source.issue(['id'], `id '${raw.id}' differs from the file name '${stem}': rename one of them (or drop id)`, 'value'));
  }

  // Ids are unique across every kind: a trial records components by id alone.
  const ids = new Map<string, Declared>();
  const declare = (id: unknown, kind: string, path: KeyPath) => {
    if (typeof id !== 'string') return;
    const earlier = ids.get(id);
    if (earlier) {
      const pos = source.position(earlier.path, 'value');
      issues.push(source.issue(path, `duplicate id '${id}': already used by the ${earlier.kind} at line ${pos.line} (ids are unique across the whole rig)`, 'value'));
    } else ids.set(id, { kind, path });
  };
  declare(raw.host ?? 'host', 'host', raw.host === undefined ? [] : ['host']);
  for (const [key, kind] of LIST_KINDS) asList(raw[key]).forEach((item, i) => declare(asMap(item)?.id, kind, [key, i, 'id']));
  const channelIds = new Map<string, string>(); // channel id → relay board id
  asList(raw.relays).forEach((item, i) => {
    const board = asMap(item);
    if (!board) return;
    for (const channel of channelsOf(board, i)) {
      if (channelIds.has(channel.id)) {
        issues.push(source.issue(channel.path, `channel ${channel.id} is declared twice`, 'value'));
        continue;
      }
      channelIds.set(channel.id, String(board.id));
      declare(channel.id, 'relay channel', channel.path);
    }
  });

  const listIds = (key: string) => asList(raw[key]).map((x) => asString(asMap(x)?.id)).filter((x): x is string => x !== undefined);
  const dutIds = listIds('duts');
  const hubIds = listIds('hubs');

  // Simulation keys mean nothing on real hardware: say so rather than ignore them.
  if (hardware) {
    const simAt = (path: KeyPath) => issues.push(source.issue(path, 'sim blocks are only allowed on simulated rigs (kind: simulated); remove it or change kind'));
    if (raw.sim !== undefined) simAt(['sim']);
    for (const key of ['hubs', 'ports', 'cables', 'supplies', 'duts']) {
      asList(raw[key]).forEach((item, i) => asMap(item)?.sim !== undefined && simAt([key, i, 'sim']));
    }
    asList(raw.relays).forEach((item, i) =>
      asList(asMap(item)?.channels).forEach((ch, j) => asMap(ch)?.sim !== undefined && simAt(['relays', i, 'channels', j, 'sim'])),
    );
  }

  asList(raw.relays).forEach((item, i) => issues.push(...checkRelayBoard(source, asMap(item), i, hardware, dutIds)));

  asList(raw.ports).forEach((item, i) => {
    const hub = asMap(item)?.hub;
    if (typeof hub === 'string' && !hubIds.includes(hub)) {
      issues.push(source.issue(['ports', i, 'hub'], `unknown hub '${hub}'${didYouMean(hub, hubIds)} (hubs: ${hubIds.join(', ') || 'none'})`, 'value'));
    }
  });

  issues.push(...checkDuts(source, raw, hardware, channelIds));
  issues.push(...checkSpares(source, raw, { cable: listIds('cables'), port: listIds('ports') }, channelIds));
  return issues;
}

/** What the registered backend of a relay board needs, and the checks it asks for; the shape is zod's. */
function checkRelayBoard(source: ConfigSource, board: RawMap | undefined, i: number, hardware: boolean, dutIds: string[]): ConfigIssue[] {
  const backend = board && relayBackendOf(String(board.driver));
  if (!board || !backend) return [];
  const issues: ConfigIssue[] = [];
  const at = (...more: Array<string | number>): KeyPath => ['relays', i, ...more];
  const { driver } = backend;
  if (backend.needs === 'simulator' && hardware) {
    const real = RELAY_BACKENDS.filter((b) => b.needs !== 'simulator').map((b) => b.driver);
    const choices = `${real.slice(0, -1).join(', ')} or ${real.at(-1)}`;
    issues.push(source.issue(at('driver'), `a ${driver} relay board cannot switch real boards: use ${choices} on a hardware rig`, 'value'));
  }
  if (backend.needs === 'own-port' && hardware && board.port === undefined) {
    issues.push(source.issue(at('driver'), `a ${driver} relay board needs port: the serial port it is on (see shakedown ports)`));
  }
  if (backend.needs === 'dut-link' && typeof board.dut === 'string' && !dutIds.includes(board.dut)) {
    issues.push(source.issue(at('dut'), `unknown DUT '${board.dut}'${didYouMean(board.dut, dutIds)} (DUTs: ${dutIds.join(', ')})`, 'value'));
  }
  const seen = new Set<unknown>();
  asList(board.channels).forEach((raw, j) => {
    const n = asMap(raw)?.n;
    if (n !== undefined && seen.has(n)) issues.push(source.issue(at('channels', j, 'n'), `channel number ${String(n)} appears twice`, 'value'));
    seen.add(n);
  });
  for (const problem of backend.check?.(board) ?? []) issues.push(source.issue(at(...problem.path), problem.message, problem.at));
  return issues;
}

/** Relay board id → the DUT whose serial link it drives, for the boards whose backend needs one. */
function linkOwners(raw: RawMap): Map<string, string> {
  const owners = new Map<string, string>();
  for (const item of asList(raw.relays)) {
    const board = asMap(item);
    if (!board || typeof board.id !== 'string' || typeof board.dut !== 'string') continue;
    if (relayBackendOf(String(board.driver))?.needs === 'dut-link') owners.set(board.id, board.dut);
  }
  return owners;
}

function wiringChannel(wiring: unknown): string | undefined {
  return typeof wiring === 'string' ? wiring : asString(asMap(wiring)?.channel);
}

/** Two port matches that would find the same adapter. */
function samePort(a: RawMap, b: RawMap): boolean {
  if (typeof a.path === 'string' && a.path === b.path) return true;
  if (typeof a.location === 'string' && a.location === b.location) return true;
  if (typeof a.serialNumber === 'string' && a.serialNumber === b.serialNumber) {
    const differs = (key: string) => typeof a[key] === 'string' && typeof b[key] === 'string' && String(a[key]).toLowerCase() !== String(b[key]).toLowerCase();
    return !differs('vendorId') && !differs('productId');
  }
  return false;
}

function checkDuts(source: ConfigSource, raw: RawMap, hardware: boolean, channelIds: Map<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const idsOf = (key: string) => asList(raw[key]).map((x) => asString(asMap(x)?.id)).filter((x): x is string => x !== undefined);
  const known: Record<string, string[]> = { cable: idsOf('cables'), port: idsOf('ports'), supply: idsOf('supplies') };
  const dtrOwner = linkOwners(raw); // relay board id → the DUT whose adapter lines it is
  const channelUser = new Map<string, { dut: string; path: KeyPath }>();
  const exclusiveUser = new Map<string, string>(); // `cable:c1` → DUT id: one cable and one port per DUT
  const serials: Array<{ dut: string; match: RawMap }> = [];

  asList(raw.duts).forEach((item, i) => {
    const dut = asMap(item);
    if (!dut) return;
    const dutId = String(dut.id ?? `#${i + 1}`);
    for (const key of ['cable', 'port', 'supply'] as const) {
      const ref = dut[key];
      if (typeof ref !== 'string') continue;
      const list = known[key]!;
      if (!list.includes(ref)) {
        const plural = key === 'supply' ? 'supplies' : `${key}s`;
        issues.push(source.issue(['duts', i, key], `unknown ${key} '${ref}'${didYouMean(ref, list)} (declare it under ${plural}: ${list.join(', ') || 'none yet'})`, 'value'));
      } else if (key !== 'supply') {
        const other = exclusiveUser.get(`${key}:${ref}`);
        if (other) issues.push(source.issue(['duts', i, key], `${key} '${ref}' is already used by DUT ${other}: a ${key} serves one DUT`, 'value'));
        else exclusiveUser.set(`${key}:${ref}`, dutId);
      }
    }
    const serial = asMap(dut.serial);
    if (serial) {
      if (Object.keys(serial).length === 0) issues.push(source.issue(['duts', i, 'serial'], 'empty serial: give path, or serialNumber/vendorId/productId/location'));
      const clash = serials.find((s) => samePort(s.match, serial));
      if (clash) issues.push(source.issue(['duts', i, 'serial'], `DUT ${clash.dut} is already on this serial port: two DUTs cannot share one`));
      serials.push({ dut: dutId, match: serial });
    } else if (hardware && dut.serial === undefined) {
      issues.push(source.issue(['duts', i, 'id'], 'missing serial: a DUT on a hardware rig needs its serial port ({ path: /dev/ttyUSB0 } or a USB identity, see shakedown ports)'));
    }
    const pins = asMap(dut.pins) ?? {};
    for (const [pin, wiring] of Object.entries(pins)) {
      const channel = wiringChannel(wiring);
      if (channel === undefined) continue;
      const path: KeyPath = typeof wiring === 'string' ? ['duts', i, 'pins', pin] : ['duts', i, 'pins', pin, 'channel'];
      const board = channelIds.get(channel);
      if (!board) {
        issues.push(source.issue(path, unknownChannel(channel, channelIds), 'value'));
        continue;
      }
      const owner = dtrOwner.get(board);
      if (owner !== undefined && owner !== dutId) {
        issues.push(source.issue(path, `channel ${channel} is a line of DUT ${owner}'s serial adapter, not of ${dutId}'s`, 'value'));
      }
      const user = channelUser.get(channel);
      if (user) {
        const who = user.dut === dutId ? 'another pin of this DUT' : `DUT ${user.dut}`;
        issues.push(source.issue(path, `relay channel ${channel} is already wired to ${who} (line ${source.position(user.path, 'value').line}): one channel drives one pin`, 'value'));
      } else channelUser.set(channel, { dut: dutId, path });
    }
  });
  return issues;
}

/** A spare is a declared part that no DUT uses: a cable or port listed under cables/ports, a relay board's channel. */
function checkSpares(source: ConfigSource, raw: RawMap, declared: { cable: string[]; port: string[] }, channelIds: Map<string, string>): ConfigIssue[] {
  const spares = asMap(raw.spares);
  if (!spares) return [];
  const users = new Map<string, string>(); // `cable:c1`, `port:hub1.p1`, `relay:rb1.3` → DUT id
  asList(raw.duts).forEach((item, i) => {
    const dut = asMap(item);
    if (!dut) return;
    const dutId = String(dut.id ?? `#${i + 1}`);
    for (const key of ['cable', 'port'] as const) if (typeof dut[key] === 'string') users.set(`${key}:${dut[key]}`, dutId);
    for (const wiring of Object.values(asMap(dut.pins) ?? {})) {
      const channel = wiringChannel(wiring);
      if (channel !== undefined) users.set(`relay:${channel}`, dutId);
    }
  });
  const adapterOf = linkOwners(raw); // relay board id → the DUT whose adapter lines it is

  const problemOf = (kind: 'cable' | 'port' | 'relay', id: string): string | undefined => {
    if (kind === 'relay') {
      const board = channelIds.get(id);
      if (board === undefined) return unknownChannel(id, channelIds);
      if (adapterOf.has(board)) return `channel ${id} is a line of DUT ${adapterOf.get(board)}'s serial adapter: it cannot serve another DUT's pin`;
    } else if (!declared[kind].includes(id)) {
      return `unknown ${kind} '${id}'${didYouMean(id, declared[kind])}: declare a spare under ${kind}s first (${kind}s: ${declared[kind].join(', ') || 'none yet'})`;
    }
    const user = users.get(`${kind}:${id}`);
    if (user === undefined) return undefined;
    return `${kind === 'relay' ? `relay channel ${id} is wired to DUT ${user}` : `${kind} '${id}' is used by DUT ${user}`}: a spare is a part no DUT uses`;
  };

  const issues: ConfigIssue[] = [];
  for (const [key, kind] of [['cables', 'cable'], ['ports', 'port'], ['relays', 'relay']] as const) {
    const seen = new Set<string>();
    asList(spares[key]).forEach((id, j) => {
      if (typeof id !== 'string') return;
      const problem = seen.has(id) ? `spare '${id}' is listed twice` : problemOf(kind, id);
      if (problem) issues.push(source.issue(['spares', key, j], problem, 'value'));
      seen.add(id);
    });
  }
  return issues;
}

function unknownChannel(channel: string, channelIds: Map<string, string>): string {
  const dot = channel.lastIndexOf('.');
  const boardId = dot > 0 ? channel.slice(0, dot) : channel;
  const ofBoard = [...channelIds].filter(([, b]) => b === boardId).map(([id]) => id);
  if (ofBoard.length > 0) {
    const range = ofBoard.length > 4 ? `${ofBoard[0]} … ${ofBoard[ofBoard.length - 1]}` : ofBoard.join(', ');
    return `unknown relay channel '${channel}': relay board ${boardId} has ${range}`;
  }
  const boards = [...new Set(channelIds.values())];
  const hint = didYouMean(boardId, boards);
  return `unknown relay channel '${channel}': no relay board '${boardId}'${hint} (channels are <relay board>.<n>, e.g. rb1.3)`;
}

function toPortMatch(p: PortMatchInput): PortMatch {
  const out: PortMatch = {};
  for (const key of ['path', 'serialNumber', 'vendorId', 'productId', 'location'] as const) if (p[key] !== undefined) out[key] = p[key];
  return out;
}

/** The keys every relay board entry may have; each backend's schema says which it has (validated before). */
interface RelayEntry {
  id: string;
  driver: string;
  port?: PortMatchInput;
  dut?: string;
  circuit?: 'auto-reset';
  polarity?: 'active-high' | 'active-low';
  safe?: 'open' | 'closed';
  channels?: number | Array<{ n: number; pin?: number; safe?: 'open' | 'closed'; sim?: RelayChannel['sim'] }>;
}

function toRelayBoard(b: RelayEntry): RelayBoard {
  const safe = b.safe ?? 'open';
  const lines = relayBackendFor(b).lines;
  let channels: RelayChannel[];
  if (lines) {
    channels = lines.map((line) => ({ id: `${b.id}.${line}`, board: b.id, channel: line as RelayChannel['channel'], safe }));
  } else if (typeof b.channels === 'number') {
    channels = Array.from({ length: b.channels }, (_, i) => ({ id: `${b.id}.${i + 1}`, board: b.id, channel: i + 1, safe }));
  } else {
    channels = (b.channels ?? []).map((c) => {
      const channel: RelayChannel = { id: `${b.id}.${c.n}`, board: b.id, channel: c.n, safe: c.safe ?? safe };
      if (c.pin !== undefined) channel.pin = c.pin;
      if (c.sim) channel.sim = c.sim;
      return channel;
    });
  }
  const board: RelayBoard = { id: b.id, driver: b.driver, polarity: b.polarity ?? 'active-high', channels };
  if (b.port) board.port = toPortMatch(b.port);
  if (b.dut) board.dut = b.dut;
  if (b.circuit) board.circuit = b.circuit;
  return board;
}

function toDut(d: DutInput): Dut {
  const pins: Record<string, PinWiring> = {};
  for (const [pin, w] of Object.entries(d.pins)) {
    pins[pin] = typeof w === 'string' ? { channel: w, closed: 'active' } : { channel: w.channel, closed: w.closed ?? 'active' };
  }
  const dut: Dut = { id: d.id, board: d.board, cable: d.cable, port: d.port, supply: d.supply, pins };
  if (d.serial) dut.serial = toPortMatch(d.serial);
  if (d.serialOverrides) {
    const o = d.serialOverrides;
    dut.serialOverrides = {
      ...(o.baud !== undefined ? { baudRate: o.baud } : {}),
      ...(o.dataBits !== undefined ? { dataBits: o.dataBits } : {}),
      ...(o.parity !== undefined ? { parity: o.parity } : {}),
      ...(o.stopBits !== undefined ? { stopBits: o.stopBits } : {}),
    };
  }
  if (d.sim) dut.sim = d.sim;
  if (d.notes !== undefined) dut.notes = d.notes;
  if (d.health !== undefined && d.health !== 'good') dut.health = d.health;
  return dut;
}

/** Copies an optional `notes` / `sim` without writing `undefined` keys. */
function withOptional<T extends { id: string }>(item: T & { notes?: string; sim?: object }, keys: Array<'notes' | 'sim' | 'hub' | 'upstream'>): T {
  const out: Record<string, unknown> = { id: item.id };
  for (const key of keys) if ((item as Record<string, unknown>)[key] !== undefined) out[key] = (item as Record<string, unknown>)[key];
  return out as T;
}

function toRig(source: ConfigSource, r: RigInput): Rig {
  const rig: Rig = {
    id: r.lab?.id ?? basename(source.file, extname(source.file)),
    title: r.title,
    kind: r.kind,
    host: r.host ?? 'host',
    nightly: {
      trialsPerDut: r.nightly?.trials ?? 100,
      concurrency: r.nightly?.concurrency ?? 8,
      trialTimeoutMs: r.nightly?.trialTimeoutMs ?? 10000,
      historyNights: r.nightly?.historyNights ?? 14,
      ...(r.nightly?.followUp ? { followUp: followUpBudgetOf(r.nightly.followUp) } : {}),
      ...(r.nightly?.notify ? { notify: { command: r.nightly.notify, timeoutMs: r.nightly.notifyTimeoutMs ?? 30_000 } } : {}),
      // Absent, not undefined, when the rig sets no budget: a rig reads back as it was written.
      ...(r.nightly?.maxMinutes === undefined ? {} : { maxMinutes: r.nightly.maxMinutes }),
    },
    // Each entry passed its backend's schema, which admits only keys of RelayEntry.
    relays: (r.relays ?? []).map((entry) => toRelayBoard(entry as unknown as RelayEntry)),
    hubs: (r.hubs ?? []).map((h) => withOptional(h, ['upstream', 'sim'])),
    ports: (r.ports ?? []).map((p) => withOptional(p, ['hub', 'sim'])),
    cables: (r.cables ?? []).map((c) => withOptional(c, ['notes', 'sim'])),
    supplies: (r.supplies ?? []).map((s) => withOptional(s, ['notes', 'sim'])),
    duts: r.duts.map(toDut),
    digest: source.digest,
    file: source.file,
  };
  if (r.sim) rig.sim = { seed: r.sim.seed };
  if (r.lab) rig.lab = r.lab.site === undefined ? { id: r.lab.id } : { id: r.lab.id, site: r.lab.site };
  if (r.spares) rig.spares = { cables: r.spares.cables ?? [], ports: r.spares.ports ?? [], relays: r.spares.relays ?? [] };
  return rig;
}
