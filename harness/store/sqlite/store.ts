/**
 * The trial store in one SQLite file (WAL mode). Each trial is committed in its own transaction before addTrial
 * resolves, so a killed process loses at most the trials in flight; a crashed night can be found and resumed.
 * The diagnosis reads aggregated counts (`symptomCounts`), never the transcripts, so a million trials stay cheap.
 * better-sqlite3 is synchronous: every method does its work before its promise settles.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { newRunId } from '../../core/run-id.js';
import type { ComponentKind, HarnessErrorReason, NotRun, PhaseTimings, Symptom, TrialRecord, TrialResult } from '../../core/record.js';
import { decodeTranscript, encodeTranscript } from '../transcript-codec.js';
import type { Ack, AckScope, BeginRunOptions, NewAck, RigLock, RunRow, RunStatus, SymptomCount, TrialQuery, TrialStore } from '../types.js';
import { lockRigBeside } from './lock.js';
import { migrate, SCHEMA_VERSION } from './schema.js';

const STORE_VERSION = '1';
const DRIVER_VERSION = (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;

export class SqliteTrialStore implements TrialStore {
  readonly versions = { 'better-sqlite3': DRIVER_VERSION };
  private readonly insertTrial: Database.Statement;

  private constructor(readonly db: Database.Database, readonly location: string) {
    this.insertTrial = db.prepare(`
      INSERT OR REPLACE INTO trials (run_id, trial_id, rig, dut, seq, night, started_at, result, symptom, reason, detail,
        profile, profile_digest, cable, port, hub, supply, relays, host, phases, retries, reset_to_first_byte, identity,
        mismatch, transcript)
      VALUES (@runId, @trialId, @rig, @dut, @seq, @night, @startedAt, @result, @symptom, @reason, @detail, @profile,
        @profileDigest, @cable, @port, @hub, @supply, @relays, @host, @phases, @retries, @resetToFirstByte, @identity,
        @mismatch, @transcript)`);
  }

  /**
   * Opens (creating if needed) a store file and brings its schema up to date. A store of an older schema opened
   * read-only is brought up to date first (one transaction), so every older store can still be read.
   */
  static open(file: string, options: { readonly?: boolean } = {}): SqliteTrialStore {
    if (options.readonly) upgradeIfOlder(file);
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    try {
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        migrate(db);
      } else if ((db.pragma('user_version', { simple: true }) as number) !== SCHEMA_VERSION) {
        throw new Error(`store ${file} has schema version ${String(db.pragma('user_version', { simple: true }))}, expected ${SCHEMA_VERSION}`);
      }
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteTrialStore(db, file);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  async beginRun(options: BeginRunOptions): Promise<string> {
    const rigId = typeof options.rig === 'string' ? options.rig : options.rig.id;
    const digest = typeof options.rig === 'string' ? null : options.rig.digest;
    const startedAt = options.startedAt ?? new Date().toISOString();
    const runId = options.runId ?? newRunId(rigId, new Date(startedAt));
    this.db
      .prepare(
        `INSERT INTO runs (id, rig, night, started_at, host, versions, rig_digest, status, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)
         ON CONFLICT(id) DO UPDATE SET status = 'running', ended_at = NULL`,
      )
      .run(
        runId, rigId, options.night, startedAt, hostname(),
        JSON.stringify({ node: process.versions.node, sqlite: this.sqliteVersion(), store: STORE_VERSION }),
        digest, JSON.stringify(options.meta ?? {}),
      );
    return runId;
  }

  /** One transaction per trial: committed when this resolves (WAL, synchronous=NORMAL: a power cut may lose the last commits). */
  async addTrial(record: TrialRecord): Promise<void> {
    this.insertTrial.run(trialRow(record));
  }

  async addTrials(records: Iterable<TrialRecord>): Promise<void> {
    this.db.transaction(() => {
      for (const record of records) this.insertTrial.run(trialRow(record));
    })();
  }

  async endRun(runId: string, status: RunStatus = 'completed'): Promise<void> {
    this.db.prepare(`UPDATE runs SET status = ?, ended_at = ? WHERE id = ?`).run(status, new Date().toISOString(), runId);
  }

  async setNotRun(runId: string, notRun: readonly NotRun[]): Promise<void> {
    this.db.prepare(`UPDATE runs SET not_run = ? WHERE id = ?`).run(JSON.stringify(notRun), runId);
  }

  async findRun(query: { rig: string; night: string; command?: string }): Promise<RunRow | undefined> {
    const byCommand = query.command ? ` AND json_extract(meta, '$.command') = ?` : '';
    const params = query.command ? [query.rig, query.night, query.command] : [query.rig, query.night];
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE rig = ? AND night = ?${byCommand} ORDER BY started_at DESC, rowid DESC LIMIT 1`)
      .get(...params) as RawRun | undefined;
    return row ? runFromRow(row) : undefined;
  }

  async run(runId: string): Promise<RunRow | undefined> {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(runId) as RawRun | undefined;
    return row ? runFromRow(row) : undefined;
  }

  /**
   * Reads through a connection of its own: better-sqlite3 keeps a connection busy while a statement iterates, and
   * the caller may use the store between records. WAL gives that reader a consistent snapshot.
   */
  async *trialsFor(query: TrialQuery): AsyncIterableIterator<TrialRecord> {
    const where = ['rig = ?'];
    const params: unknown[] = [query.rig];
    if (query.runId) {
      where.push('run_id = ?');
      params.push(query.runId);
    }
    if (query.nights) {
      where.push(`night IN (${query.nights.map(() => '?').join(', ') || "''"})`);
      params.push(...query.nights);
    }
    if (query.failing) where.push(`result != 'pass'`);
    const columns = query.transcripts ? '*' : TRIAL_COLUMNS_WITHOUT_TRANSCRIPT;
    let from = `trials WHERE ${where.join(' AND ')}`;
    if (query.perDut !== undefined) {
      // The first trials of each DUT and run, numbered by the database.
      from = `(SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY run_id, dut ORDER BY seq) AS nth FROM ${from}) WHERE nth <= ?`;
      params.push(query.perDut);
    }
    const reader = new Database(this.location, { readonly: true, fileMustExist: true });
    try {
      const statement = reader.prepare(`SELECT ${columns} FROM ${from} ORDER BY night, run_id, dut, seq`);
      for (const row of statement.iterate(...params) as IterableIterator<RawTrial>) yield recordFromRow(row, query.transcripts ?? false);
    } finally {
      reader.close();
    }
  }

  async symptomCounts(query: { rig: string; nights?: string[] }): Promise<SymptomCount[]> {
    const params: unknown[] = [query.rig];
    let nightFilter = '';
    if (query.nights) {
      nightFilter = ` AND night IN (${query.nights.map(() => '?').join(', ') || "''"})`;
      params.push(...query.nights);
    }
    const rows = this.db
      .prepare(
        `SELECT night, dut, cable, port, hub, supply, relays, host, profile, symptom, COUNT(*) AS count
         FROM trials WHERE rig = ? AND result != 'error'${nightFilter}
         GROUP BY night, dut, cable, port, hub, supply, relays, host, profile, symptom`,
      )
      .all(...params) as Array<Omit<SymptomCount, 'relays' | 'hub'> & { relays: string; hub: string }>;
    return rows.map((row) => {
      const count: SymptomCount = { ...row, relays: JSON.parse(row.relays) as string[], hub: row.hub || undefined };
      if (!count.hub) delete count.hub;
      return count;
    });
  }

  async trial(trialId: string): Promise<TrialRecord | undefined> {
    const row = this.db.prepare(`SELECT * FROM trials WHERE trial_id = ?`).get(trialId) as RawTrial | undefined;
    return row ? recordFromRow(row, true) : undefined;
  }

  async trialIdsNear(trialId: string, limit: number): Promise<string[]> {
    // <run>/<dut>/<seq>: the same run and DUT, nearest trial numbers first.
    const m = /^(.*)\/([^/]+)\/(\d+)$/.exec(trialId);
    if (m) {
      const rows = this.db
        .prepare(`SELECT trial_id FROM trials WHERE run_id = ? AND dut = ? ORDER BY ABS(seq - ?), seq LIMIT ?`)
        .all(m[1], m[2], Number(m[3]), limit) as Array<{ trial_id: string }>;
      if (rows.length > 0) return rows.map((r) => r.trial_id);
    }
    // Otherwise the ids beside it in sort order, those sharing the longest start first.
    const after = this.db.prepare(`SELECT trial_id FROM trials WHERE trial_id >= ? ORDER BY trial_id LIMIT ?`).all(trialId, limit) as Array<{ trial_id: string }>;
    const before = this.db.prepare(`SELECT trial_id FROM trials WHERE trial_id < ? ORDER BY trial_id DESC LIMIT ?`).all(trialId, limit) as Array<{ trial_id: string }>;
    const shared = (id: string) => {
      let n = 0;
      while (n < id.length && id[n] === trialId[n]) n++;
      return n;
    };
    return [...before, ...after]
      .map((r) => r.trial_id)
      .sort((a, b) => shared(b) - shared(a) || a.localeCompare(b))
      .slice(0, limit);
  }

  async addAck(ack: NewAck): Promise<Ack> {
    const info = this.db
      .prepare(`INSERT INTO acks (rig, kind, component, acked_by, note, since, until, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(ack.rig, ack.kind, ack.component, ack.by, ack.note, ack.since, ack.until, JSON.stringify(ack.scope));
    return { id: Number(info.lastInsertRowid), ...ack };
  }

  async removeAcks(target: { rig: string; kind: ComponentKind; component: string }): Promise<number> {
    return this.db.prepare(`DELETE FROM acks WHERE rig = ? AND kind = ? AND component = ?`).run(target.rig, target.kind, target.component).changes;
  }

  async acks(rig: string): Promise<Ack[]> {
    const rows = this.db.prepare(`SELECT * FROM acks WHERE rig = ? ORDER BY since, id`).all(rig) as RawAck[];
    return rows.map((row) => ({
      id: row.id,
      rig: row.rig,
      kind: row.kind,
      component: row.component,
      by: row.acked_by,
      note: row.note,
      since: row.since,
      until: row.until,
      scope: JSON.parse(row.scope) as AckScope,
    }));
  }

  async nights(rig: string): Promise<string[]> {
    return (this.db.prepare(`SELECT DISTINCT night FROM trials WHERE rig = ? ORDER BY night`).all(rig) as Array<{ night: string }>).map((r) => r.night);
  }

  async rigs(): Promise<string[]> {
    return (this.db.prepare(`SELECT DISTINCT rig FROM trials ORDER BY rig`).all() as Array<{ rig: string }>).map((r) => r.rig);
  }

  async lastSeq(runId: string, dut: string): Promise<number> {
    const row = this.db.prepare(`SELECT MAX(seq) AS seq FROM trials WHERE run_id = ? AND dut = ?`).get(runId, dut) as { seq: number | null };
    return row.seq ?? 0;
  }

  async completedSeqs(runId: string, dut: string): Promise<number[]> {
    return (this.db.prepare(`SELECT seq FROM trials WHERE run_id = ? AND dut = ? ORDER BY seq`).all(runId, dut) as Array<{ seq: number }>).map(
      (r) => r.seq,
    );
  }

  /** The lock file lives beside the store file: every run on this store sees it, whatever its $TMPDIR. */
  async lockRig(rig: string): Promise<RigLock> {
    return lockRigBeside(this.location, rig);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private sqliteVersion(): string {
    return (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  }
}

/** Runs the missing migrations of an existing store of an older schema (a read-only reader needs the new columns). */
function upgradeIfOlder(file: string): void {
  const probe = new Database(file, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    version = probe.pragma('user_version', { simple: true }) as number;
  } finally {
    probe.close();
  }
  if (version >= SCHEMA_VERSION || version === 0) return;
  const db = new Database(file, { fileMustExist: true });
  try {
    migrate(db);
  } finally {
    db.close();
  }
}

interface RawAck {
  id: number;
  rig: string;
  kind: ComponentKind;
  component: string;
  acked_by: string;
  note: string;
  since: string;
  until: string | null;
  scope: string;
}

interface RawRun {
  id: string;
  rig: string;
  night: string;
  started_at: string;
  ended_at: string | null;
  host: string;
  versions: string;
  rig_digest: string | null;
  status: RunStatus;
  meta: string;
  not_run: string;
}

function runFromRow(row: RawRun): RunRow {
  return {
    id: row.id,
    rig: row.rig,
    night: row.night,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    host: row.host,
    versions: JSON.parse(row.versions) as Record<string, string>,
    rigDigest: row.rig_digest,
    status: row.status,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    notRun: JSON.parse(row.not_run) as NotRun[],
  };
}

const TRIAL_COLUMNS_WITHOUT_TRANSCRIPT =
  'run_id, trial_id, rig, dut, seq, night, started_at, result, symptom, reason, detail, profile, profile_digest, cable, port, hub, ' +
  'supply, relays, host, phases, retries, reset_to_first_byte, identity, mismatch';

interface RawTrial {
  run_id: string;
  trial_id: string;
  rig: string;
  dut: string;
  seq: number;
  night: string;
  started_at: string;
  result: TrialResult;
  /** '' for a harness error (no hardware symptom). */
  symptom: Symptom | '';
  reason: HarnessErrorReason | null;
  detail: string;
  profile: string;
  profile_digest: string;
  cable: string;
  port: string;
  hub: string;
  supply: string;
  relays: string;
  host: string;
  phases: string;
  retries: number;
  reset_to_first_byte: number | null;
  identity: string | null;
  mismatch: string | null;
  transcript?: Buffer;
}

function trialRow(record: TrialRecord): Record<string, unknown> {
  const c = record.components;
  return {
    runId: record.runId,
    trialId: record.trialId,
    rig: record.rig,
    dut: record.dut,
    seq: record.seq,
    night: record.night,
    startedAt: record.startedAt,
    result: record.result,
    symptom: record.symptom ?? '',
    reason: record.reason ?? null,
    detail: record.detail,
    profile: record.profile,
    profileDigest: record.profileDigest,
    cable: c.cable,
    port: c.port,
    hub: c.hub ?? '',
    supply: c.supply,
    relays: JSON.stringify(c.relays),
    host: c.host,
    phases: JSON.stringify(record.phases),
    retries: record.retries,
    resetToFirstByte: record.resetToFirstByteMs,
    identity: record.identity ? JSON.stringify(record.identity) : null,
    mismatch: record.mismatch ? JSON.stringify(record.mismatch) : null,
    transcript: encodeTranscript(record.transcript),
  };
}

function recordFromRow(row: RawTrial, withTranscript: boolean): TrialRecord {
  const record: TrialRecord = {
    runId: row.run_id,
    trialId: row.trial_id,
    rig: row.rig,
    dut: row.dut,
    seq: row.seq,
    night: row.night,
    components: {
      dut: row.dut,
      cable: row.cable,
      port: row.port,
      supply: row.supply,
      relays: JSON.parse(row.relays) as string[],
      host: row.host,
    },
    profile: row.profile,
    profileDigest: row.profile_digest,
    startedAt: row.started_at,
    phases: JSON.parse(row.phases) as PhaseTimings,
    resetToFirstByteMs: row.reset_to_first_byte,
    retries: row.retries,
    transcript: withTranscript && row.transcript ? decodeTranscript(row.transcript) : [],
    result: row.result,
    symptom: row.symptom === '' ? null : row.symptom,
    detail: row.detail,
  };
  if (row.reason) record.reason = row.reason;
  if (row.hub) record.components.hub = row.hub;
  if (row.identity) record.identity = JSON.parse(row.identity) as TrialRecord['identity'];
  if (row.mismatch) record.mismatch = JSON.parse(row.mismatch) as TrialRecord['mismatch'];
  return record;
}
