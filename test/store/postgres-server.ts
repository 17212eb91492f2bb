/**
 * A real PostgreSQL for the tests and benchmarks: Debian's server binaries, a cluster made by initdb in a temporary
 * folder, listening only on a unix socket in that folder (no TCP port, no system service). Started once per process
 * on first use, a fresh database per test file, stopped when the process exits — and by a watchdog if the process
 * is killed — so no test ever reaches a server it did not start. As root (CI), initdb and the server run as the
 * `postgres` user, which PostgreSQL requires.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const SUPERUSER = 'shakedown';

function binDir(): string {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // pg_config is in libpq-dev, not always installed: look where Debian puts the server.
  }
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb'))) return join('/usr/lib/postgresql', v, 'bin');
  throw new Error('no PostgreSQL server binaries (initdb): install Debian\'s postgresql package (scripts/test-everything.sh does)');
}

const asRoot = process.getuid?.() === 0;

/** The OS user's uid/gid the server runs as when we are root. */
function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a server binary, as the postgres user when we are root. */
function runBinary(bin: string, args: string[]): void {
  const command = asRoot ? ['runuser', '-u', 'postgres', '--', bin, ...args] : [bin, ...args];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${[bin, ...args].join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** A folder the server's user can use: ours, or one under /tmp when $TMPDIR is closed to that user. */
function serverFolder(): string {
  for (const base of [tmpdir(), '/tmp']) {
    const dir = mkdtempSync(join(base, 'sd-pg-'));
    if (!asRoot) return dir;
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
    const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]);
    if (probe.status === 0) return dir;
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('no temporary folder the postgres user can write');
}

export class PostgresServer {
  private readonly bin = binDir();
  readonly dir = serverFolder();
  private readonly data = join(this.dir, 'data');
  private running = false;
  private databases = 0;

  constructor() {
    runBinary(join(this.bin, 'initdb'), ['-D', this.data, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']);
  }

  /** The URL of a database on this server (the socket folder as the host). */
  url(database: string): string {
    return `postgresql://${SUPERUSER}@localhost/${database}?host=${encodeURIComponent(this.dir)}`;
  }

  start(): void {
    if (this.running) return;
    // Durability settings off: the tests check what the store does, not the disk.
    const options = `-c listen_addresses='' -c unix_socket_directories='${this.dir}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    runBinary(join(this.bin, 'pg_ctl'), ['-D', this.data, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    this.running = true;
  }

  /** Stops the server (fast: sessions are ended, as when a database host is shut down). */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!this.running) return;
    this.running = false;
    runBinary(join(this.bin, 'pg_ctl'), ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** A fresh, empty database; its URL. */
  async createDatabase(prefix = 'test'): Promise<string> {
    const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${++this.databases}`;
    const admin = new pg.Client({ connectionString: this.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
    } finally {
      await admin.end();
    }
    return this.url(name);
  }

  /** Stops the server and removes its folder. */
  destroy(): void {
    try {
      this.stop('immediate');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** A detached shell that stops the server if this process dies without doing so (SIGKILL, a crash). */
  watchOver(pid: number): void {
    const pgCtl = `${join(this.bin, 'pg_ctl')} -D '${this.data}' -m immediate stop`;
    const stop = asRoot ? `runuser -u postgres -- ${pgCtl}` : pgCtl;
    const script = `while kill -0 ${pid} 2>/dev/null; do sleep 2; done; ${stop} >/dev/null 2>&1; rm -rf '${this.dir}'`;
    spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  }
}

let shared: PostgresServer | undefined;

/** The test run's server: started on first use, stopped when the process exits however the tests end. */
export function testPostgres(): PostgresServer {
  if (shared) {
    shared.start();
    return shared;
  }
  const server = new PostgresServer();
  server.watchOver(process.pid);
  process.once('exit', () => server.destroy());
  server.start();
  shared = server;
  return server;
}

/** A fresh database on the test run's server, for one test file. */
export async function freshDatabase(prefix?: string): Promise<string> {
  return testPostgres().createDatabase(prefix);
}

