/**
 * Connections to the lab's PostgreSQL: the URL as libpq writes it (postgres://user:password@host:port/db?sslmode=…,
 * or ?host=/run/postgresql for a unix socket), a small pool per process, and the one place that tells a database
 * that is away (refused, reset, shutting down) from a query that is wrong.
 */
import pg from 'pg';
import { InfrastructureError } from '../../core/exit-codes.js';

/** `postgres://…` or `postgresql://…`: a PostgreSQL store; anything else is a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(location);
}

/** The URL with its password hidden: it goes into messages, logs and reports. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@').replace(/([?&]password=)[^&#]*/i, '$1***');
}

/** How long to wait for a connection before calling the database away. */
const CONNECT_TIMEOUT_MS = 10_000;
/** No query of a bench waits longer than this for an answer (a network cut otherwise blocks until TCP gives up). */
const QUERY_TIMEOUT_MS = 120_000;

export function clientConfig(url: string, applicationName: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: applicationName.slice(0, 63),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
  };
}

export function openPool(url: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(url, applicationName), max: 4, idleTimeoutMillis: 10_000 });
  // An idle connection the server drops (restart, failover) is an event, not a crash: the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/** OS errors of a database out of reach. */
const AWAY_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT', 'EPIPE']);

/**
 * Errors that mean the database cannot take the bench's work now — out of reach, going away, or out of resources
 * (disk full, memory, connection slots: fifty bench PCs starting at midnight) — not that the query was wrong. The
 * spool keeps the trials until it can.
 */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof DatabaseAwayError) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // SQLSTATE class 08: connection exception; 57P01–57P03: the server is shutting down or starting up; class 53:
  // insufficient resources (53100 disk full, 53200 out of memory, 53300 too many connections).
  if (AWAY_ERRNO.has(code) || code.startsWith('08') || code.startsWith('53') || /^57P0[1-3]$/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|not queryable|timeout exceeded when trying to connect|Query read timeout|connect ETIMEDOUT/i.test(message);
}

/** The database could not be reached (exit 3); `cause` is the driver's error. */
export class DatabaseAwayError extends InfrastructureError {
  constructor(message: string, override readonly cause: unknown) {
    super(message);
    this.name = 'DatabaseAwayError';
  }
}
