/**
 * The trial store in one SQLite file (WAL mode). Each trial is committed in its own transaction before addTrial
 * resolves, so a killed process loses at most the trials in flight; a crashed night can be found and resumed.
 * The diagnosis reads aggregated counts (`symptomCounts`), never the transcripts, so a million trials stay cheap.
 * better-sqlite3 is synchronous: every method does its work before its promise settles.
 */
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { benchHost } from '../../core/bench-host.js';
import { newRunId } from '../../core/run-id.js';
import type { ComponentKind, NotRun, TrialRecord } from '../../core/record.js';
import { storeError } from '../errors.js';
import { ackFromRow, recordFromRow, symptomCountFromRow, type CountRow, runFromRow, runRow, trialRow, TRIAL_COLUMNS_WITHOUT_TRANSCRIPT, type RawAck, type RawRun, type RawTrial } from '../rows.js';
import type { Ack, BeginRunOptions, LabRig, NewAck, ResultCounts, RigLock, RunListing, RunRow, RunStatus, SymptomCount, SymptomCountQuery, TrialQuery, TrialStore } from '../types.js';
import { nearestTrialIds, parseTrialId } from '../trial-ids.js';
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
        profile, profile_digest, cable, port, hub, supply, relays, host, phases, retries, reset_to_first_byte, latency_ms,
        identity, mismatch, follow_up, transcript)
      VALUES (@runId, @trialId, @rig, @dut, @seq, @night, @startedAt, @result, @symptom, @reason, @detail, @profile,
        @profileDigest, @cable, @port, @hub, @supply, @relays, @host, @phases, @retries, @resetToFirstByte, @latencyMs,
        @identity, @mismatch, @followUp, @transcript)`);
  }

  /**
   * Opens (creating if needed) a store file and brings its schema up to date. A store of an older schema opened
   * read-only is brought up to date first (one transaction), so every older store can still be read.
   */
  static open(file: string, options: { readonly?: boolean } = {}): SqliteTrialStore {
    try {
      return SqliteTrialStore.openFile(file, options);
    } catch (error) {
      throw storeError(error, file, 'opening it');
    }
  }

  private static openFile(file: string, options: { readonly?: boolean }): SqliteTrialStore {
    if (options.readonly) upgradeIfOlder(file);
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    try {
      // Reading the schema reads the file's first pages: a file that is not a store, or a damaged one, fails here.
      db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
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
    this.guard('starting a run', () =>
      this.db
        .prepare(
          `INSERT INTO runs (id, rig, night, started_at, host, versions, rig_digest, status, meta)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)
           ON CONFLICT(id) DO UPDATE SET status = 'running', ended_at = NULL`,
        )
        .run(
          runId, rigId, options.night, startedAt, benchHost(),
          JSON.stringify({ node: process.versions.node, sqlite: this.sqliteVersion(), store: STORE_VERSION }),
          digest, JSON.stringify(options.meta ?? {}),
        ),
    );
    return runId;
  }

  /** One transaction per trial: committed when this resolves (WAL, synchronous=NORMAL: a power cut may lose the last commits). */
  async addTrial(record: TrialRecord): Promise<void> {
    this.guard('storing a trial', () => this.insertTrial.run(trialRow(record)));
  }

  async addTrials(records: Iterable<TrialRecord>): Promise<void> {
    this.guard('storing trials', () =>
      this.db.transaction(() => {
        for (const record of records) this.insertTrial.run(trialRow(record));
      })(),
    );
  }

  async endRun(runId: string, status: RunStatus = 'completed'): Promise<void> {
    this.guard('ending a run', () => this.db.prepare(`UPDATE runs SET status = ?, ended_at = ? WHERE id = ?`).run(status, new Date().toISOString(), runId));
  }

  async setNotRun(runId: string, notRun: readonly NotRun[]): Promise<void> {
    this.guard('storing the trials not run', () => this.db.prepare(`UPDATE runs SET not_run = ? WHERE id = ?`).run(JSON.stringify(notRun), runId));
  }

  async setRunMeta(runId: string, meta: Record<string, unknown>): Promise<void> {
    this.guard('storing the run', () => this.db.prepare(`UPDATE runs SET meta = ? WHERE id = ?`).run(JSON.stringify(meta), runId));
  }

  async findRun(query: { rig: string; night: string; command?: string }): Promise<RunRow | undefined> {
    const byCommand = query.command ? ` AND json_extract(meta, '$.command') = ?` : '';
    const params = query.command ? [query.rig, query.night, query.command] : [query.rig, query.night];
    const row = this.guard('reading runs', () =>
      this.db.prepare(`SELECT * FROM runs WHERE rig = ? AND night = ?${byCommand} ORDER BY started_at DESC, rowid DESC LIMIT 1`).get(...params),
    ) as RawRun | undefined;
    return row ? runFromRow(row) : undefined;
  }

  async run(runId: string): Promise<RunRow | undefined> {
    const row = this.guard('reading runs', () => this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(runId)) as RawRun | undefined;
    return row ? runFromRow(row) : undefined;
  }

  async runs(query: { rig: string; nights?: string[] }): Promise<RunListing[]> {
    const params: unknown[] = [query.rig];
    let nightFilter = '';
    if (query.nights) {
      nightFilter = ` AND r.night IN (${query.nights.map(() => '?').join(', ') || "''"})`;
      params.push(...query.nights);
    }
    const rows = this.guard('reading runs', () =>
      this.db
        .prepare(
          `SELECT r.*, (SELECT COUNT(*) FROM trials t WHERE t.run_id = r.id) AS trial_count
           FROM runs r WHERE r.rig = ?${nightFilter} ORDER BY r.started_at, r.rowid`,
        )
        .all(...params),
    ) as Array<RawRun & { trial_count: number }>;
    return rows.map((row) => ({ ...runFromRow(row), trials: row.trial_count }));
  }

  async upsertRun(run: RunRow): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO runs (id, rig, night, started_at, ended_at, host, versions, rig_digest, status, meta, not_run)
         VALUES (@id, @rig, @night, @started_at, @ended_at, @host, @versions, @rig_digest, @status, @meta, @not_run)
         ON CONFLICT(id) DO UPDATE SET ended_at = excluded.ended_at, status = excluded.status, not_run = excluded.not_run`,
      )
      .run(runRow(run));
  }

  async resultCounts(runId: string): Promise<ResultCounts> {
    const counts: ResultCounts = { pass: 0, fail: 0, error: 0 };
    const rows = this.db.prepare(`SELECT result, COUNT(*) AS n FROM trials WHERE run_id = ? GROUP BY result`).all(runId) as Array<{ result: keyof ResultCounts; n: number }>;
    for (const row of rows) counts[row.result] = row.n;
    return counts;
  }

  /** One store file, one bench: the rigs are those of its runs, with the host of each rig's latest run. */
  async labRigs(): Promise<LabRig[]> {
    const rows = this.db
      .prepare(
        `SELECT rig AS id, (SELECT host FROM runs AS latest WHERE latest.rig = runs.rig ORDER BY started_at DESC, rowid DESC LIMIT 1) AS host,
           MIN(started_at) AS since FROM runs GROUP BY rig ORDER BY rig`,
      )
      .all() as Array<{ id: string; host: string; since: string }>;
    return rows.map((row) => ({ ...row, site: null, title: null }));
  }

  /** Every run of the file, oldest first (a spool hands them on to the database). */
  async allRuns(): Promise<RunRow[]> {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY started_at, rowid`).all() as RawRun[]).map(runFromRow);
  }

  /** Forgets a run and its trials (a spool, once they are safe in the database). */
  async removeRun(runId: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM trials WHERE run_id = ?`).run(runId);
      this.db.prepare(`DELETE FROM runs WHERE id = ?`).run(runId);
    })();
  }

  /** Trials in the file. */
  async trialCount(): Promise<number> {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM trials`).get() as { n: number }).n;
  }

  /** A store file belongs to one bench: no other PC holds a rig id in it. */
  async adoptRig(): Promise<void> {}

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
    const reader = this.guard('reading trials', () => new Database(this.location, { readonly: true, fileMustExist: true }));
    try {
      const rows = this.guard('reading trials', () =>
        reader.prepare(`SELECT ${columns} FROM ${from} ORDER BY night, run_id, dut, seq`).iterate(...params),
      ) as IterableIterator<RawTrial>;
      try {
        while (true) {
          const next = this.guard('reading trials', () => rows.next());
          if (next.done) break;
          yield recordFromRow(next.value, query.transcripts ?? false);
        }
      } finally {
        rows.return?.(); // a caller that stops early leaves the statement running
      }
    } finally {
      reader.close();
    }
  }

  async symptomCounts(query: SymptomCountQuery): Promise<SymptomCount[]> {
    const params: unknown[] = [query.rig];
    let filter = '';
    if (query.nights) {
      filter += ` AND night IN (${query.nights.map(() => '?').join(', ') || "''"})`;
      params.push(...query.nights);
    }
    if (query.runIds) {
      filter += ` AND run_id IN (${query.runIds.map(() => '?').join(', ') || "''"})`;
      params.push(...query.runIds);
    }
    const rows = this.guard('counting trials', () =>
      this.db
        .prepare(
          `SELECT night, dut, cable, port, hub, supply, relays, host, profile, symptom, COUNT(*) AS count,
                  COUNT(latency_ms) AS latency_trials, COALESCE(SUM(latency_ms), 0) AS latency_sum
           FROM trials WHERE rig = ? AND result != 'error'${filter}
           GROUP BY night, dut, cable, port, hub, supply, relays, host, profile, symptom
           ORDER BY night, dut, cable, port, hub, supply, relays, host, profile, symptom`,
        )
        .all(...params),
    ) as Array<CountRow>;
    return rows.map(symptomCountFromRow);
  }

  async trial(trialId: string): Promise<TrialRecord | undefined> {
    const row = this.db.prepare(`SELECT * FROM trials WHERE trial_id = ?`).get(trialId) as RawTrial | undefined;
    return row ? recordFromRow(row, true) : undefined;
  }

  async trialIdsNear(trialId: string, limit: number): Promise<string[]> {
    const parsed = parseTrialId(trialId);
    if (parsed) {
      const rows = this.db
        .prepare(`SELECT trial_id FROM trials WHERE run_id = ? AND dut = ? ORDER BY ABS(seq - ?), seq LIMIT ?`)
        .all(parsed.runId, parsed.dut, parsed.seq, limit) as Array<{ trial_id: string }>;
      if (rows.length > 0) return rows.map((r) => r.trial_id);
    }
    const after = this.db.prepare(`SELECT trial_id FROM trials WHERE trial_id >= ? ORDER BY trial_id LIMIT ?`).all(trialId, limit) as Array<{ trial_id: string }>;
    const before = this.db.prepare(`SELECT trial_id FROM trials WHERE trial_id < ? ORDER BY trial_id DESC LIMIT ?`).all(trialId, limit) as Array<{ trial_id: string }>;
    return nearestTrialIds(trialId, [...before, ...after].map((r) => r.trial_id), limit);
  }

  async addAck(ack: NewAck): Promise<Ack> {
    return { id: this.insertAck(null, ack), ...ack };
  }

  /** One ack row; a null id is given the next one. */
  private insertAck(id: number | null, ack: NewAck): number {
    const info = this.db
      .prepare(`INSERT INTO acks (id, rig, kind, component, acked_by, note, since, until, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, ack.rig, ack.kind, ack.component, ack.by, ack.note, ack.since, ack.until, JSON.stringify(ack.scope));
    return Number(info.lastInsertRowid);
  }

  async removeAcks(target: { rig: string; kind: ComponentKind; component: string }): Promise<number> {
    return this.db.prepare(`DELETE FROM acks WHERE rig = ? AND kind = ? AND component = ?`).run(target.rig, target.kind, target.component).changes;
  }

  /** Makes the file's acks of a rig exactly these, ids included (a spool's copy of the database's). */
  async replaceAcks(rig: string, acks: readonly Ack[]): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM acks WHERE rig = ?`).run(rig);
      for (const { id, ...ack } of acks) this.insertAck(id, ack);
    })();
  }

  async acks(rig: string): Promise<Ack[]> {
    const rows = this.db.prepare(`SELECT * FROM acks WHERE rig = ? ORDER BY since, id`).all(rig) as RawAck[];
    return rows.map(ackFromRow);
  }

  async nights(rig: string): Promise<string[]> {
    const rows = this.guard('listing nights', () => this.db.prepare(`SELECT DISTINCT night FROM trials WHERE rig = ? ORDER BY night`).all(rig)) as Array<{ night: string }>;
    return rows.map((r) => r.night);
  }

  async rigs(): Promise<string[]> {
    const rows = this.guard('listing rigs', () => this.db.prepare(`SELECT DISTINCT rig FROM trials ORDER BY rig`).all()) as Array<{ rig: string }>;
    return rows.map((r) => r.rig);
  }

  async lastSeq(runId: string, dut: string): Promise<number> {
    const row = this.guard('reading trials', () => this.db.prepare(`SELECT MAX(seq) AS seq FROM trials WHERE run_id = ? AND dut = ?`).get(runId, dut)) as { seq: number | null };
    return row.seq ?? 0;
  }

  async completedSeqs(runId: string, dut: string): Promise<number[]> {
    const rows = this.guard('reading trials', () => this.db.prepare(`SELECT seq FROM trials WHERE run_id = ? AND dut = ? ORDER BY seq`).all(runId, dut)) as Array<{ seq: number }>;
    return rows.map((r) => r.seq);
  }

  /** The lock file lives beside the store file: every run on this store sees it, whatever its $TMPDIR. */
  async lockRig(rig: string): Promise<RigLock> {
    return lockRigBeside(this.location, rig);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Runs one database step; its failure becomes a StoreError that says what failed and what to do. */
  private guard<T>(doing: string, step: () => T): T {
    try {
      return step();
    } catch (error) {
      throw storeError(error, this.location, doing);
    }
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
