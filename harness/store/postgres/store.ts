/**
 * The trial store in a PostgreSQL database shared by a lab of bench PCs (node-postgres). The same interface and
 * the same answers as the SQLite store: each trial committed before addTrial resolves; many trials in one
 * statement (arrays unnested server-side); the diagnosis aggregated by the database over a covering index; records
 * read through a cursor so memory stays flat. Every query of this backend is in this file.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';
import { benchHost } from '../../core/bench-host.js';
import { newRunId } from '../../core/run-id.js';
import type { ComponentKind, NotRun, TrialRecord } from '../../core/record.js';
import { RigClaimError } from '../errors.js';
import { ackFromRow, recordFromRow, symptomCountFromRow, type CountRow, runFromRow, runRow, trialRow, TRIAL_COLUMNS_WITHOUT_TRANSCRIPT, type RawAck, type RawRun, type RawTrial } from '../rows.js';
import { nearestTrialIds, parseTrialId } from '../trial-ids.js';
import type { Ack, BeginRunOptions, LabRig, NewAck, ResultCounts, RigLock, RunListing, RunRow, RunStatus, SymptomCount, SymptomCountQuery, TrialQuery, TrialStore } from '../types.js';
import { isUnreachable, openPool, redactUrl } from './connect.js';
import { lockRigOnServer } from './lock.js';
import { migrate } from './schema.js';

const STORE_VERSION = '1';
const DRIVER_VERSION = (createRequire(import.meta.url)('pg/package.json') as { version: string }).version;
/** Rows per INSERT of many trials: large enough to pay one round trip for many, small enough for any server. */
const ROWS_PER_STATEMENT = 2_000;
/** Rows per FETCH of a cursor. */
const ROWS_PER_FETCH = 500;

/** Trial columns in table order, the key trialRow gives each, and the array type it travels in. */
const TRIAL_COLUMNS: ReadonlyArray<readonly [column: string, key: string, type: string]> = [
  ['run_id', 'runId', 'text'], ['trial_id', 'trialId', 'text'], ['rig', 'rig', 'text'], ['dut', 'dut', 'text'],
  ['seq', 'seq', 'int4'], ['night', 'night', 'text'], ['started_at', 'startedAt', 'text'], ['result', 'result', 'text'],
  ['symptom', 'symptom', 'text'], ['reason', 'reason', 'text'], ['detail', 'detail', 'text'], ['profile', 'profile', 'text'],
  ['profile_digest', 'profileDigest', 'text'], ['cable', 'cable', 'text'], ['port', 'port', 'text'], ['hub', 'hub', 'text'],
  ['supply', 'supply', 'text'], ['relays', 'relays', 'text'], ['host', 'host', 'text'], ['phases', 'phases', 'text'],
  ['retries', 'retries', 'int4'], ['reset_to_first_byte', 'resetToFirstByte', 'float8'], ['latency_ms', 'latencyMs', 'float8'], ['identity', 'identity', 'text'],
  ['mismatch', 'mismatch', 'text'], ['follow_up', 'followUp', 'int2'], ['transcript', 'transcript', 'bytea'],
];

const INSERT_TRIALS = `
  INSERT INTO trials (${TRIAL_COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM unnest(${TRIAL_COLUMNS.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (trial_id) DO UPDATE SET ${TRIAL_COLUMNS.filter(([c]) => c !== 'trial_id').map(([c]) => `${c} = EXCLUDED.${c}`).join(', ')}`;

const RUN_COLUMNS = ['id', 'rig', 'night', 'started_at', 'ended_at', 'host', 'versions', 'rig_digest', 'status', 'meta', 'not_run'] as const;
const RUN_SELECT = RUN_COLUMNS.join(', ');

export class PostgresTrialStore implements TrialStore {
  readonly versions = { pg: DRIVER_VERSION };
  readonly location: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    readonly schemaVersion: number,
    private readonly serverVersion: string,
  ) {
    this.location = redactUrl(url);
  }

  /** Connects and brings the schema up to date (refusing a newer one). Throws what the driver throws when the server is away. */
  static async open(url: string): Promise<PostgresTrialStore> {
    const pool = openPool(url, `shakedown ${process.pid} ${benchHost()}`);
    try {
      const client = await pool.connect();
      try {
        const version = await migrate(client, redactUrl(url));
        const server = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
        return new PostgresTrialStore(pool, url, version, server);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  async beginRun(options: BeginRunOptions): Promise<string> {
    const rig = typeof options.rig === 'string' ? { id: options.rig } : options.rig;
    const digest = typeof options.rig === 'string' ? null : options.rig.digest;
    const startedAt = options.startedAt ?? new Date().toISOString();
    const runId = options.runId ?? newRunId(rig.id, new Date(startedAt));
    const host = benchHost();
    await this.claimRig({ id: rig.id, host, site: 'lab' in rig ? (rig.lab?.site ?? null) : null, title: 'title' in rig ? rig.title : null, since: startedAt });
    await this.pool.query(
      `INSERT INTO runs (id, rig, night, started_at, host, versions, rig_digest, status, meta)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8)
       ON CONFLICT (id) DO UPDATE SET status = 'running', ended_at = NULL`,
      [
        runId, rig.id, options.night, startedAt, host,
        JSON.stringify({ node: process.versions.node, postgres: this.serverVersion, store: STORE_VERSION }),
        digest, JSON.stringify(options.meta ?? {}),
      ],
    );
    return runId;
  }

  /**
   * The rig id is this bench PC's from its first run on: a run of the same id from another PC is refused, never
   * mixed. Title and site follow the rig file.
   */
  private async claimRig(claim: LabRig): Promise<void> {
    const { rows } = await this.pool.query(
      `INSERT INTO rigs (id, host, site, title, since) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET site = COALESCE(EXCLUDED.site, rigs.site), title = COALESCE(EXCLUDED.title, rigs.title)
         WHERE rigs.host = EXCLUDED.host
       RETURNING host`,
      [claim.id, claim.host, claim.site, claim.title, claim.since],
    );
    if (rows.length > 0) return;
    const holder = (await this.pool.query<LabRig>(`SELECT id, host, site, title, since FROM rigs WHERE id = $1`, [claim.id])).rows[0]!;
    throw new RigClaimError(claim.id, holder, claim.host, this.location);
  }

  /**
   * Group commit: trials that end while a write is under way (many lanes finish at once) go in the next write
   * together, one statement and one commit for all; each promise resolves when its trial is committed.
   */
  async addTrial(record: TrialRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private waiting: Array<{ record: TrialRecord; resolve: () => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, ROWS_PER_STATEMENT);
      try {
        await this.insertTrials(this.pool, [...new Map(batch.map((w) => [w.record.trialId, w.record])).values()]);
        for (const w of batch) w.resolve();
      } catch (error) {
        // One refused record must not fail the others: alone, each gets its own answer.
        if (batch.length === 1 || isUnreachable(error)) for (const w of batch) w.reject(error);
        else for (const w of batch) await this.insertTrials(this.pool, [w.record]).then(w.resolve, w.reject);
      }
    }
    this.writing = false;
  }

  /** All or none: one transaction, a few thousand rows per statement. */
  async addTrials(records: Iterable<TrialRecord>): Promise<void> {
    // One statement may not touch a row twice: the last record of a trial id wins, as a second addTrial would.
    const byId = new Map<string, TrialRecord>();
    for (const record of records) byId.set(record.trialId, record);
    const all = [...byId.values()];
    if (all.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < all.length; i += ROWS_PER_STATEMENT) await this.insertTrials(client, all.slice(i, i + ROWS_PER_STATEMENT));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async insertTrials(on: pg.Pool | pg.PoolClient, records: TrialRecord[]): Promise<void> {
    const rows = records.map(trialRow);
    await on.query(INSERT_TRIALS, TRIAL_COLUMNS.map(([, key]) => rows.map((row) => row[key] ?? null)));
  }

  async endRun(runId: string, status: RunStatus = 'completed'): Promise<void> {
    await this.pool.query(`UPDATE runs SET status = $1, ended_at = $2 WHERE id = $3`, [status, new Date().toISOString(), runId]);
  }

  async setNotRun(runId: string, notRun: readonly NotRun[]): Promise<void> {
    await this.pool.query(`UPDATE runs SET not_run = $1 WHERE id = $2`, [JSON.stringify(notRun), runId]);
  }

  async setRunMeta(runId: string, meta: Record<string, unknown>): Promise<void> {
    await this.pool.query(`UPDATE runs SET meta = $1 WHERE id = $2`, [JSON.stringify(meta), runId]);
  }

  async findRun(query: { rig: string; night: string; command?: string }): Promise<RunRow | undefined> {
    const byCommand = query.command ? ` AND (meta::jsonb ->> 'command') = $3` : '';
    const params = query.command ? [query.rig, query.night, query.command] : [query.rig, query.night];
    const { rows } = await this.pool.query<RawRun>(
      `SELECT ${RUN_SELECT} FROM runs WHERE rig = $1 AND night = $2${byCommand} ORDER BY started_at DESC, position DESC LIMIT 1`,
      params,
    );
    return rows[0] ? runFromRow(rows[0]) : undefined;
  }

  async run(runId: string): Promise<RunRow | undefined> {
    const { rows } = await this.pool.query<RawRun>(`SELECT ${RUN_SELECT} FROM runs WHERE id = $1`, [runId]);
    return rows[0] ? runFromRow(rows[0]) : undefined;
  }

  async runs(query: { rig: string; nights?: string[] }): Promise<RunListing[]> {
    const params: unknown[] = [query.rig];
    let nightFilter = '';
    if (query.nights) {
      params.push(query.nights);
      nightFilter = ` AND r.night = ANY($2::text[])`;
    }
    const { rows } = await this.pool.query<RawRun & { trial_count: number }>(
      `SELECT ${RUN_COLUMNS.map((c) => `r.${c}`).join(', ')}, (SELECT COUNT(*)::int FROM trials t WHERE t.run_id = r.id) AS trial_count
         FROM runs r WHERE r.rig = $1${nightFilter} ORDER BY r.started_at, r.position`,
      params,
    );
    return rows.map((row) => ({ ...runFromRow(row), trials: row.trial_count }));
  }

  /** A run from elsewhere (a spool): its rig is claimed for the host that ran it, like any run. */
  async upsertRun(run: RunRow): Promise<void> {
    await this.claimRig({ id: run.rig, host: run.host, site: null, title: null, since: run.startedAt });
    const row = runRow(run);
    await this.pool.query(
      `INSERT INTO runs (${RUN_SELECT}) VALUES (${RUN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ended_at = EXCLUDED.ended_at, status = EXCLUDED.status, not_run = EXCLUDED.not_run`,
      RUN_COLUMNS.map((c) => row[c]),
    );
  }

  async resultCounts(runId: string): Promise<ResultCounts> {
    const counts: ResultCounts = { pass: 0, fail: 0, error: 0 };
    const { rows } = await this.pool.query<{ result: keyof ResultCounts; n: number }>(
      `SELECT result, COUNT(*)::int AS n FROM trials WHERE run_id = $1 GROUP BY result`,
      [runId],
    );
    for (const row of rows) counts[row.result] = row.n;
    return counts;
  }

  async labRigs(): Promise<LabRig[]> {
    return (await this.pool.query<LabRig>(`SELECT id, host, site, title, since FROM rigs ORDER BY id`)).rows;
  }

  async adoptRig(rig: string, host: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO rigs (id, host, since) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, since = EXCLUDED.since`,
      [rig, host, new Date().toISOString()],
    );
  }

  /**
   * Reads through a cursor on a connection of its own, in one read-only snapshot: the caller may use the store
   * between records, and stopping early closes the cursor.
   */
  async *trialsFor(query: TrialQuery): AsyncIterableIterator<TrialRecord> {
    const where = ['rig = $1'];
    const params: unknown[] = [query.rig];
    if (query.runId) {
      params.push(query.runId);
      where.push(`run_id = $${params.length}`);
    }
    if (query.nights) {
      params.push(query.nights);
      where.push(`night = ANY($${params.length}::text[])`);
    }
    if (query.failing) where.push(`result <> 'pass'`);
    const columns = query.transcripts ? `${TRIAL_COLUMNS_WITHOUT_TRANSCRIPT}, transcript` : TRIAL_COLUMNS_WITHOUT_TRANSCRIPT;
    let from = `trials WHERE ${where.join(' AND ')}`;
    if (query.perDut !== undefined) {
      // The first trials of each DUT and run, numbered by the database.
      params.push(query.perDut);
      from = `(SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY run_id, dut ORDER BY seq) AS nth FROM ${from}) AS numbered WHERE nth <= $${params.length}`;
    }
    const client = await this.pool.connect();
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await client.query(`DECLARE trials_cursor NO SCROLL CURSOR FOR SELECT ${columns} FROM ${from} ORDER BY night, run_id, dut, seq`, params);
      for (;;) {
        const { rows } = await client.query<RawTrial>(`FETCH ${ROWS_PER_FETCH} FROM trials_cursor`);
        if (rows.length === 0) break;
        for (const row of rows) yield recordFromRow(row, query.transcripts ?? false);
      }
      await client.query('COMMIT');
      open = false;
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async symptomCounts(query: SymptomCountQuery): Promise<SymptomCount[]> {
    const params: unknown[] = [query.rig];
    let filter = '';
    if (query.nights) {
      params.push(query.nights);
      filter += ` AND night = ANY($${params.length}::text[])`;
    }
    if (query.runIds) {
      params.push(query.runIds);
      filter += ` AND run_id = ANY($${params.length}::text[])`;
    }
    const { rows } = await this.pool.query<CountRow>(
      `SELECT night, dut, cable, port, hub, supply, relays, host, profile, symptom, COUNT(*)::int AS count,
                  COUNT(latency_ms)::int AS latency_trials, COALESCE(SUM(latency_ms), 0)::float8 AS latency_sum
         FROM trials WHERE rig = $1 AND result <> 'error'${filter}
        GROUP BY night, dut, cable, port, hub, supply, relays, host, profile, symptom
        ORDER BY night, dut, cable, port, hub, supply, relays, host, profile, symptom`,
      params,
    );
    return rows.map(symptomCountFromRow);
  }

  /** Distinct nights by a loose index scan: one index probe per night, not one row per trial. */
  async nights(rig: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ night: string }>(
      `WITH RECURSIVE n AS (
         SELECT MIN(night) AS night FROM trials WHERE rig = $1
         UNION ALL
         SELECT (SELECT MIN(night) FROM trials WHERE rig = $1 AND night > n.night) FROM n WHERE n.night IS NOT NULL
       ) SELECT night FROM n WHERE night IS NOT NULL ORDER BY night`,
      [rig],
    );
    return rows.map((r) => r.night);
  }

  async rigs(): Promise<string[]> {
    const { rows } = await this.pool.query<{ rig: string }>(
      `WITH RECURSIVE r AS (
         SELECT MIN(rig) AS rig FROM trials
         UNION ALL
         SELECT (SELECT MIN(rig) FROM trials WHERE rig > r.rig) FROM r WHERE r.rig IS NOT NULL
       ) SELECT rig FROM r WHERE rig IS NOT NULL ORDER BY rig`,
    );
    return rows.map((r) => r.rig);
  }

  async trial(trialId: string): Promise<TrialRecord | undefined> {
    const { rows } = await this.pool.query<RawTrial>(`SELECT ${TRIAL_COLUMNS_WITHOUT_TRANSCRIPT}, transcript FROM trials WHERE trial_id = $1`, [trialId]);
    return rows[0] ? recordFromRow(rows[0], true) : undefined;
  }

  async trialIdsNear(trialId: string, limit: number): Promise<string[]> {
    const parsed = parseTrialId(trialId);
    if (parsed) {
      const { rows } = await this.pool.query<{ trial_id: string }>(
        `SELECT trial_id FROM trials WHERE run_id = $1 AND dut = $2 ORDER BY ABS(seq - $3), seq LIMIT $4`,
        [parsed.runId, parsed.dut, parsed.seq, limit],
      );
      if (rows.length > 0) return rows.map((r) => r.trial_id);
    }
    const after = await this.pool.query<{ trial_id: string }>(`SELECT trial_id FROM trials WHERE trial_id >= $1 ORDER BY trial_id LIMIT $2`, [trialId, limit]);
    const before = await this.pool.query<{ trial_id: string }>(`SELECT trial_id FROM trials WHERE trial_id < $1 ORDER BY trial_id DESC LIMIT $2`, [trialId, limit]);
    return nearestTrialIds(trialId, [...before.rows, ...after.rows].map((r) => r.trial_id), limit);
  }

  async addAck(ack: NewAck): Promise<Ack> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO acks (rig, kind, component, acked_by, note, since, until, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [ack.rig, ack.kind, ack.component, ack.by, ack.note, ack.since, ack.until, JSON.stringify(ack.scope)],
    );
    return { id: Number(rows[0]!.id), ...ack };
  }

  async removeAcks(target: { rig: string; kind: ComponentKind; component: string }): Promise<number> {
    const result = await this.pool.query(`DELETE FROM acks WHERE rig = $1 AND kind = $2 AND component = $3`, [target.rig, target.kind, target.component]);
    return result.rowCount ?? 0;
  }

  async acks(rig: string): Promise<Ack[]> {
    const { rows } = await this.pool.query<RawAck>(
      `SELECT id, rig, kind, component, acked_by, note, since, until, scope FROM acks WHERE rig = $1 ORDER BY since, id`,
      [rig],
    );
    return rows.map(ackFromRow);
  }

  async lastSeq(runId: string, dut: string): Promise<number> {
    const { rows } = await this.pool.query<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM trials WHERE run_id = $1 AND dut = $2`, [runId, dut]);
    return rows[0]?.seq ?? 0;
  }

  async completedSeqs(runId: string, dut: string): Promise<number[]> {
    const { rows } = await this.pool.query<{ seq: number }>(`SELECT seq FROM trials WHERE run_id = $1 AND dut = $2 ORDER BY seq`, [runId, dut]);
    return rows.map((r) => r.seq);
  }

  async lockRig(rig: string): Promise<RigLock> {
    return lockRigOnServer(this.url, rig);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
