/**
 * The lab's database with a local spool in front: a bench keeps recording when PostgreSQL is away. Runs are
 * written to both the database and a SQLite file on the bench (`<out>/spool/<rig>.db`); trials go to the database,
 * or to the spool from the moment the database cannot be reached (at start or mid-run). The spool is uploaded —
 * runs upserted, trials written by id, so nothing arrives twice — under the rig's lock: when the next run takes
 * it, at the end of a run once the database answers again, and by `shakedown sync`. Reads go to the database
 * while it answers, else to the spool (then a report covers only what the spool holds, and says so).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ComponentKind, NotRun, TrialRecord } from '../core/record.js';
import { DatabaseAwayError, isUnreachable, redactUrl } from './postgres/connect.js';
import { PostgresTrialStore } from './postgres/store.js';
import { lockRigBeside } from './sqlite/lock.js';
import { SqliteTrialStore } from './sqlite/store.js';
import type { Ack, BeginRunOptions, LabRig, NewAck, ResultCounts, RigLock, RunListing, RunRow, RunStatus, SpoolStatus, SymptomCount, SymptomCountQuery, TrialQuery, TrialStore } from './types.js';

/** Where a rig's spool lives: beside the reports of the bench, one file per rig. */
export function spoolFileFor(outDir: string, rig: string): string {
  return join(resolve(outDir), 'spool', `${encodeURIComponent(rig)}.db`);
}

/** Trials per transaction when a spool is uploaded. */
const UPLOAD_BATCH = 2_000;

export class SpoolingStore implements TrialStore {
  readonly location: string;
  private spooled = 0;
  private uploaded = 0;
  private pending = 0;
  private unreachable: string | null = null;

  private constructor(
    private readonly url: string,
    private readonly spool: SqliteTrialStore,
    private database: PostgresTrialStore | undefined,
  ) {
    this.location = redactUrl(url);
  }

  /** Opens the spool and tries the database; a database that is away is noted, not an error. */
  static async open(url: string, spoolFile: string): Promise<SpoolingStore> {
    mkdirSync(dirname(spoolFile), { recursive: true });
    const spool = SqliteTrialStore.open(spoolFile);
    const store = new SpoolingStore(url, spool, undefined);
    store.pending = await spool.trialCount();
    await store.connect();
    return store;
  }

  get versions(): Readonly<Record<string, string>> {
    return this.database?.versions ?? this.spool.versions;
  }

  spoolStatus(): SpoolStatus {
    return { file: this.spool.location, spooled: this.spooled, pending: this.pending, uploaded: this.uploaded, unreachable: this.unreachable };
  }

  /** Whether the database answers now (connecting once more if it was away). */
  private async connect(): Promise<boolean> {
    if (this.database) return true;
    try {
      this.database = await PostgresTrialStore.open(this.url);
      return true;
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.setAside(error);
      return false;
    }
  }

  private setAside(error: unknown): void {
    this.unreachable ??= `${new Date().toISOString()}: ${(error as Error).message}`;
    const database = this.database;
    this.database = undefined;
    void database?.close();
  }

  /** Runs `op` on the database; undefined when it is away (and from then on it is set aside). */
  private async onDatabase<T>(op: (db: PostgresTrialStore) => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.database) return undefined;
    try {
      return { value: await op(this.database) };
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.setAside(error);
      return undefined;
    }
  }

  /** The database while it answers, else the spool. */
  private async read<T>(op: (store: TrialStore) => Promise<T>): Promise<T> {
    const answer = await this.onDatabase(op);
    return answer ? answer.value : op(this.spool);
  }

  // Runs: in both places, so a spooled trial always has its run beside it.

  async beginRun(options: BeginRunOptions): Promise<string> {
    const started = await this.onDatabase((db) => db.beginRun(options));
    const runId = started?.value ?? options.runId;
    return this.spool.beginRun({ ...options, runId });
  }

  async endRun(runId: string, status: RunStatus = 'completed'): Promise<void> {
    await this.spool.endRun(runId, status);
    await this.onDatabase((db) => db.endRun(runId, status));
    // The database may be back: the night's spooled trials go up now, so the report reads the whole history.
    if (this.unreachable !== null && (await this.connect())) await this.upload();
  }

  async setNotRun(runId: string, notRun: readonly NotRun[]): Promise<void> {
    await this.spool.setNotRun(runId, notRun);
    await this.onDatabase((db) => db.setNotRun(runId, notRun));
  }

  async setRunMeta(runId: string, meta: Record<string, unknown>): Promise<void> {
    await this.spool.setRunMeta(runId, meta);
    await this.onDatabase((db) => db.setRunMeta(runId, meta));
  }

  async upsertRun(run: RunRow): Promise<void> {
    await this.spool.upsertRun(run);
    await this.onDatabase((db) => db.upsertRun(run));
  }

  // Trials: to the database, or to the spool while it is away.

  async addTrial(record: TrialRecord): Promise<void> {
    if (await this.onDatabase((db) => db.addTrial(record))) return;
    await this.spool.addTrial(record);
    this.spooled++;
    this.pending++;
  }

  async addTrials(records: Iterable<TrialRecord>): Promise<void> {
    const all = [...records];
    if (await this.onDatabase((db) => db.addTrials(all))) return;
    await this.spool.addTrials(all);
    this.spooled += all.length;
    this.pending += all.length;
  }

  /**
   * Moves everything in the spool into the database, run by run: the run upserted, its trials written by id (a
   * trial already there stays one), then forgotten by the spool. Call it holding the rig's lock.
   */
  async upload(): Promise<number> {
    if (!(await this.connect())) return 0;
    let moved = 0;
    for (const run of await this.spool.allRuns()) {
      const done = await this.onDatabase(async (db) => {
        await db.upsertRun(run);
        let batch: TrialRecord[] = [];
        let count = 0;
        for await (const record of this.spool.trialsFor({ rig: run.rig, runId: run.id, transcripts: true })) {
          batch.push(record);
          if (batch.length >= UPLOAD_BATCH) {
            await db.addTrials(batch);
            count += batch.length;
            batch = [];
          }
        }
        await db.addTrials(batch);
        return count + batch.length;
      });
      if (!done) break;
      await this.spool.removeRun(run.id);
      moved += done.value;
    }
    this.uploaded += moved;
    this.pending = await this.spool.trialCount();
    return moved;
  }

  async findRun(query: { rig: string; night: string; command?: string }): Promise<RunRow | undefined> {
    return this.read((s) => s.findRun(query));
  }

  async run(runId: string): Promise<RunRow | undefined> {
    return this.read((s) => s.run(runId));
  }

  async runs(query: { rig: string; nights?: string[] }): Promise<RunListing[]> {
    return this.read((s) => s.runs(query));
  }

  async resultCounts(runId: string): Promise<ResultCounts> {
    return this.read((s) => s.resultCounts(runId));
  }

  async labRigs(): Promise<LabRig[]> {
    return this.read((s) => s.labRigs());
  }

  async adoptRig(rig: string, host: string): Promise<void> {
    await this.onLab(`hand rig ${rig} to ${host}`, (db) => db.adoptRig(rig, host));
  }

  /** A change only the lab's database may hold: refused while it is away. */
  private async onLab<T>(what: string, op: (db: PostgresTrialStore) => Promise<T>): Promise<T> {
    if (!(await this.connect())) throw new DatabaseAwayError(`cannot reach ${this.location} to ${what}: ${this.unreachable}`, undefined);
    return op(this.database!);
  }

  /** Records from the database while it answers; a read cut short by it going away is not resumed elsewhere. */
  trialsFor(query: TrialQuery): AsyncIterable<TrialRecord> {
    return (this.database ?? this.spool).trialsFor(query);
  }

  async symptomCounts(query: SymptomCountQuery): Promise<SymptomCount[]> {
    return this.read((s) => s.symptomCounts(query));
  }

  async nights(rig: string): Promise<string[]> {
    return this.read((s) => s.nights(rig));
  }

  async rigs(): Promise<string[]> {
    return this.read((s) => s.rigs());
  }

  async trial(trialId: string): Promise<TrialRecord | undefined> {
    return this.read((s) => s.trial(trialId));
  }

  async trialIdsNear(trialId: string, limit: number): Promise<string[]> {
    return this.read((s) => s.trialIdsNear(trialId, limit));
  }

  // Acks are the lab's: changed in the database only; the spool keeps a copy to read while it is away.

  async addAck(ack: NewAck): Promise<Ack> {
    return this.onLab(`acknowledge ${ack.component}`, (db) => db.addAck(ack));
  }

  async removeAcks(target: { rig: string; kind: ComponentKind; component: string }): Promise<number> {
    return this.onLab(`remove the acks of ${target.component}`, (db) => db.removeAcks(target));
  }

  /** The database's acks, kept in the spool as they are read: while it is away, the last copy this bench read. */
  async acks(rig: string): Promise<Ack[]> {
    const answer = await this.onDatabase((db) => db.acks(rig));
    if (!answer) return this.spool.acks(rig);
    await this.spool.replaceAcks(rig, answer.value);
    return answer.value;
  }

  async lastSeq(runId: string, dut: string): Promise<number> {
    return this.read((s) => s.lastSeq(runId, dut));
  }

  async completedSeqs(runId: string, dut: string): Promise<number[]> {
    return this.read((s) => s.completedSeqs(runId, dut));
  }

  /**
   * The spool's lock (this bench), then the database's (the lab) while it answers; holding both, the spool left
   * by an earlier run is uploaded, so a resumed night counts every trial already done.
   */
  async lockRig(rig: string): Promise<RigLock> {
    const local = lockRigBeside(this.spool.location, rig);
    let remote: RigLock | undefined;
    try {
      remote = (await this.onDatabase((db) => db.lockRig(rig)))?.value;
      if (this.pending > 0 || (await this.spool.allRuns()).length > 0) await this.upload();
    } catch (error) {
      await remote?.release();
      await local.release();
      throw error;
    }
    return {
      async release() {
        await remote?.release();
        await local.release();
      },
    };
  }

  async close(): Promise<void> {
    await this.database?.close();
    await this.spool.close();
  }
}
