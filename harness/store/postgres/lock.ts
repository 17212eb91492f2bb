/**
 * A rig's run lock in the lab's PostgreSQL: a session-level advisory lock held by a connection of its own. The
 * server lets go of it when that session ends, however it ends — the process killed, the bench PC switched off,
 * the network gone (TCP keepalive) — so a stale lock cannot outlive its holder. The holder is named by its
 * session's application_name (host and PID), which every role may read in pg_stat_activity.
 */
import pg from 'pg';
import { benchHost } from '../../core/bench-host.js';
import { InfrastructureError } from '../../core/exit-codes.js';
import type { RigLock } from '../types.js';
import { clientConfig, DatabaseAwayError, redactUrl } from './connect.js';

/** The first key of every rig lock ('SD'): rig locks live apart from any other advisory lock in the database. */
const RIG_LOCK_SPACE = 0x5344;

/** The second key: a 31-bit FNV-1a hash of the rig id (two rigs sharing one is possible and only ever over-cautious). */
export function rigLockKey(rig: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(rig, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash & 0x7fffffff;
}

const HOLDER_PREFIX = 'shakedown lock';

export async function lockRigOnServer(url: string, rig: string): Promise<RigLock> {
  const client = new pg.Client(clientConfig(url, `${HOLDER_PREFIX} ${process.pid} ${benchHost()}`));
  // A dropped session has already released the lock on the server; nothing is left to do here.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseAwayError(`cannot take the lock of rig ${rig} in ${redactUrl(url)}: ${(error as Error).message}`, error);
  }
  const key = rigLockKey(rig);
  const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', [RIG_LOCK_SPACE, key]);
  if (!rows[0]?.held) {
    const holder = await describeHolder(client, key).catch(() => '');
    await client.end().catch(() => undefined);
    throw new InfrastructureError(`another run of rig ${rig} is in progress${holder} (advisory lock in ${redactUrl(url)})`);
  }
  let holding = true;
  return {
    async release() {
      if (!holding) return;
      holding = false;
      await client.query('SELECT pg_advisory_unlock($1, $2)', [RIG_LOCK_SPACE, key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** " on host pc-a (PID 1234, since …)" from the holding session, or '' when it cannot be seen. */
async function describeHolder(client: pg.Client, key: number): Promise<string> {
  const { rows } = await client.query<{ name: string | null; since: Date | null }>(
    `SELECT a.application_name AS name, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [RIG_LOCK_SPACE, key],
  );
  const row = rows[0];
  const match = row?.name?.match(new RegExp(`^${HOLDER_PREFIX} (\\d+) (.+)$`));
  if (!match) return '';
  const since = row?.since ? `, since ${row.since.toISOString()}` : '';
  return ` on host ${match[2]} (PID ${match[1]}${since})`;
}
