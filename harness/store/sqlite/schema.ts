/**
 * The store's schema as a list of migrations. `PRAGMA user_version` says how many have run; opening a file runs
 * the missing ones in one transaction, so an old file is brought up to date and a new one is built the same way.
 */
import type Database from 'better-sqlite3';
import { InfrastructureError } from '../../core/exit-codes.js';

export const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [
  // 1: runs and trials, with the component ids as columns so the diagnosis can aggregate in SQL.
  (db) => {
    db.exec(`
      CREATE TABLE runs (
        id          TEXT PRIMARY KEY,
        rig         TEXT NOT NULL,
        night       TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        host        TEXT NOT NULL,
        versions    TEXT NOT NULL,
        rig_digest  TEXT,
        status      TEXT NOT NULL,
        meta        TEXT NOT NULL
      );
      CREATE INDEX runs_by_rig_night ON runs (rig, night, started_at);

      CREATE TABLE trials (
        rowid               INTEGER PRIMARY KEY,
        run_id              TEXT NOT NULL,
        trial_id            TEXT NOT NULL UNIQUE,
        rig                 TEXT NOT NULL,
        dut                 TEXT NOT NULL,
        seq                 INTEGER NOT NULL,
        night               TEXT NOT NULL,
        started_at          TEXT NOT NULL,
        result              TEXT NOT NULL,
        symptom             TEXT NOT NULL,
        detail              TEXT NOT NULL,
        profile             TEXT NOT NULL,
        profile_digest      TEXT NOT NULL,
        cable               TEXT NOT NULL,
        port                TEXT NOT NULL,
        hub                 TEXT NOT NULL,
        supply              TEXT NOT NULL,
        relays              TEXT NOT NULL,
        host                TEXT NOT NULL,
        phases              TEXT NOT NULL,
        retries             INTEGER NOT NULL,
        reset_to_first_byte REAL,
        identity            TEXT,
        mismatch            TEXT,
        transcript          BLOB NOT NULL
      );
      -- Covers the diagnosis query (group by configuration and symptom within a rig's nights) without table reads.
      CREATE INDEX trials_diagnosis ON trials (rig, night, dut, cable, port, hub, supply, relays, host, profile, symptom);
      CREATE INDEX trials_by_run ON trials (run_id, dut, seq);
    `);
  },
  // 2: harness errors carry a reason and no hardware symptom (symptom '' in the table); runs keep the trials they
  // did not attempt. Error trials of version 1 were exceptions recorded as 'silent': they become what they were.
  (db) => {
    db.exec(`
      ALTER TABLE trials ADD COLUMN reason TEXT;
      UPDATE trials SET symptom = '', reason = 'exception' WHERE result = 'error';
      ALTER TABLE runs ADD COLUMN not_run TEXT NOT NULL DEFAULT '[]';
    `);
  },
  // 3: acknowledgements of known problems (shakedown ack), with the verdict and symptoms they cover.
  (db) => {
    db.exec(`
      CREATE TABLE acks (
        id          INTEGER PRIMARY KEY,
        rig         TEXT NOT NULL,
        kind        TEXT NOT NULL,
        component   TEXT NOT NULL,
        acked_by    TEXT NOT NULL,
        note        TEXT NOT NULL,
        since       TEXT NOT NULL,
        until       TEXT,
        scope       TEXT NOT NULL
      );
      CREATE INDEX acks_by_component ON acks (rig, kind, component);
    `);
  },
  // 4: follow-up trials (run after the planned ones, on parts the diagnosis left at suspect or watch) are marked.
  (db) => {
    db.exec(`ALTER TABLE trials ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0;`);
  },
  // 5: the link's measured round trip is kept, and the diagnosis index carries it (a slow hub shows on the boards it
  // does not break too).
  (db) => {
    db.exec(`
      ALTER TABLE trials ADD COLUMN latency_ms REAL;
      DROP INDEX trials_diagnosis;
      CREATE INDEX trials_diagnosis ON trials (rig, night, dut, cable, port, hub, supply, relays, host, profile, symptom, latency_ms);
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Runs the migrations the file has not seen yet; refuses a file written by a newer version. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new InfrastructureError(`store schema version ${current} is newer than this shakedown understands (${SCHEMA_VERSION}): upgrade shakedown`);
  }
  if (current === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = current; v < SCHEMA_VERSION; v++) MIGRATIONS[v]!(db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
