/**
 * The lab store's schema in PostgreSQL as a list of migrations, versioned in the table shakedown_schema the way
 * SQLite's user_version versions a file: opening a store runs the missing ones in one transaction, under an
 * advisory lock so two bench PCs starting at once do not both migrate. A store of a newer version is refused.
 * Text columns collate "C" (byte order), so every ORDER BY sorts as SQLite's BINARY does and both stores give the
 * same answers in the same order. JSON parts stay text: the bytes written are the bytes read.
 */
import type pg from 'pg';
import { InfrastructureError } from '../../core/exit-codes.js';

export const MIGRATIONS: readonly string[] = [
  // 1: runs, trials with the component ids as columns, and the rigs of the lab with the bench PC that runs each.
  `
  CREATE TABLE runs (
    id          TEXT COLLATE "C" PRIMARY KEY,
    position    BIGINT GENERATED ALWAYS AS IDENTITY,
    rig         TEXT COLLATE "C" NOT NULL,
    night       TEXT COLLATE "C" NOT NULL,
    started_at  TEXT COLLATE "C" NOT NULL,
    ended_at    TEXT,
    host        TEXT NOT NULL,
    versions    TEXT NOT NULL,
    rig_digest  TEXT,
    status      TEXT NOT NULL,
    meta        TEXT NOT NULL,
    not_run     TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX runs_by_rig_night ON runs (rig, night, started_at, position);

  CREATE TABLE trials (
    trial_id            TEXT COLLATE "C" PRIMARY KEY,
    run_id              TEXT COLLATE "C" NOT NULL,
    rig                 TEXT COLLATE "C" NOT NULL,
    dut                 TEXT COLLATE "C" NOT NULL,
    seq                 INTEGER NOT NULL,
    night               TEXT COLLATE "C" NOT NULL,
    started_at          TEXT NOT NULL,
    result              TEXT COLLATE "C" NOT NULL,
    symptom             TEXT COLLATE "C" NOT NULL,
    reason              TEXT,
    detail              TEXT NOT NULL,
    profile             TEXT COLLATE "C" NOT NULL,
    profile_digest      TEXT NOT NULL,
    cable               TEXT COLLATE "C" NOT NULL,
    port                TEXT COLLATE "C" NOT NULL,
    hub                 TEXT COLLATE "C" NOT NULL,
    supply              TEXT COLLATE "C" NOT NULL,
    relays              TEXT COLLATE "C" NOT NULL,
    host                TEXT COLLATE "C" NOT NULL,
    phases              TEXT NOT NULL,
    retries             INTEGER NOT NULL,
    reset_to_first_byte DOUBLE PRECISION,
    identity            TEXT,
    mismatch            TEXT,
    transcript          BYTEA NOT NULL
  );
  -- Covers the diagnosis query (group by configuration and symptom within a rig's nights, errors left out) with an
  -- index-only scan, and the rig and night lists (loose index scans).
  CREATE INDEX trials_diagnosis ON trials (rig, night, dut, cable, port, hub, supply, relays, host, profile, symptom) INCLUDE (result);
  CREATE INDEX trials_by_run ON trials (run_id, dut, seq);

  CREATE TABLE rigs (
    id     TEXT COLLATE "C" PRIMARY KEY,
    host   TEXT NOT NULL,
    site   TEXT,
    title  TEXT,
    since  TEXT NOT NULL
  );
  `,
  // 2: acknowledgements of known problems (shakedown ack), with the verdict and symptoms they cover.
  `
  CREATE TABLE acks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rig         TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    component   TEXT COLLATE "C" NOT NULL,
    acked_by    TEXT NOT NULL,
    note        TEXT NOT NULL,
    since       TEXT COLLATE "C" NOT NULL,
    until       TEXT,
    scope       TEXT NOT NULL
  );
  CREATE INDEX acks_by_component ON acks (rig, kind, component);
  `,
  // 3: follow-up trials (run after the planned ones, on parts the diagnosis left at suspect or watch) are marked.
  `
  ALTER TABLE trials ADD COLUMN follow_up SMALLINT NOT NULL DEFAULT 0;
  `,
  // 4: the link's measured round trip is kept, and the diagnosis index carries it (a slow hub shows on the boards it
  // does not break too).
  `
  ALTER TABLE trials ADD COLUMN latency_ms DOUBLE PRECISION;
  DROP INDEX trials_diagnosis;
  CREATE INDEX trials_diagnosis ON trials (rig, night, dut, cable, port, hub, supply, relays, host, profile, symptom) INCLUDE (result, latency_ms);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Any 32-bit key for the migration lock, apart from the rig locks' namespace. */
const MIGRATION_LOCK = 0x5344_4d47;

async function versionOf(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('shakedown_schema')::text AS t`);
  if (!exists.rows[0]?.t) return 0;
  const row = await client.query<{ version: number }>(`SELECT version FROM shakedown_schema`);
  return row.rows[0]?.version ?? 0;
}

/**
 * Runs the migrations the database has not seen yet; refuses a store written by a newer version. A store already
 * up to date needs no right beyond reading the version, so a bench's role need not own the tables.
 */
export async function migrate(client: pg.ClientBase, location: string): Promise<number> {
  const current = await versionOf(client);
  if (current > SCHEMA_VERSION) throw newerStore(location, current);
  if (current === SCHEMA_VERSION) return current;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS shakedown_schema (version INTEGER NOT NULL)');
    const now = await versionOf(client); // another PC may have migrated while this one waited for the lock
    if (now > SCHEMA_VERSION) throw newerStore(location, now);
    for (let v = now; v < SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v]!);
    await client.query('DELETE FROM shakedown_schema');
    await client.query('INSERT INTO shakedown_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '42501') {
      throw new InfrastructureError(
        `the store's schema is version ${current} and this shakedown needs ${SCHEMA_VERSION}, but this role may not change it: ` +
          `open it once with the lab's owner role (docs/lab.md) — ${(error as Error).message}`,
      );
    }
    throw error;
  }
  return SCHEMA_VERSION;
}

function newerStore(location: string, version: number): Error {
  return new InfrastructureError(`store ${location} has schema version ${version}, newer than this shakedown understands (${SCHEMA_VERSION}): upgrade shakedown on this PC`);
}
