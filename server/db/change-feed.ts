import pg from 'pg';
import type { Logger } from '../../electron/core/app/logger.js';
import type { Queryable } from './pool.js';

/** What changed: caches of that kind are dropped in every server process. '*' means anything may have. */
export type ChangeTopic = 'team' | 'keys' | 'tokens' | '*';

const CHANNEL = 'sb_changed';

/** Tells every server process (LISTEN sb_changed) that something changed; delivered when the transaction commits. */
export async function notifyChange(db: Queryable, topic: Exclude<ChangeTopic, '*'>): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CHANNEL, topic]);
}

/**
 * Cache invalidation across replicas through PostgreSQL's LISTEN/NOTIFY: each process keeps one
 * listening connection. While it is down (database restart), notifications could be missed, so on
 * every (re)connect listeners hear '*' and drop everything they keep.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(topic: ChangeTopic) => void>();
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  on(listener: (topic: ChangeTopic) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'switchboard-team-server/listen' });
    client.on('notification', (n) => {
      const topic = n.payload === 'team' || n.payload === 'keys' || n.payload === 'tokens' ? n.payload : '*';
      this.emit(topic);
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => {});
      if (!this.closed) this.scheduleReconnect();
    };
    client.on('error', (err) => {
      this.logger.warn('change feed connection lost; caches are dropped until it is back', { error: err.message });
      lost();
    });
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.emit('*');
  }

  private scheduleReconnect(): void {
    this.emit('*');
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start().catch(() => this.scheduleReconnect());
    }, 1000);
    this.retry.unref();
  }

  private emit(topic: ChangeTopic): void {
    for (const l of this.listeners) {
      try {
        l(topic);
      } catch (err) {
        this.logger.warn('change listener failed', { err });
      }
    }
  }

  /** Whether notifications arrive now (caches may be trusted only then). */
  get live(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}

/**
 * One value loaded from the database and kept until a change of its topic, or for at most `ttlMs`;
 * never kept while the change feed is down. Concurrent readers share one load.
 */
export class Cached<T> {
  private value: { v: T; at: number } | null = null;
  private loading: Promise<T> | null = null;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly feed: Pick<ChangeFeed, 'on' | 'live'>,
    topic: Exclude<ChangeTopic, '*'>,
    private readonly ttlMs = 30_000,
  ) {
    feed.on((t) => {
      if (t === topic || t === '*') this.invalidate();
    });
  }

  invalidate(): void {
    this.value = null;
    this.loading = null;
    this.generation++;
  }

  async get(): Promise<T> {
    const now = Date.now();
    if (this.value && now - this.value.at < this.ttlMs && this.feed.live) return this.value.v;
    if (this.loading) return this.loading;
    const gen = this.generation;
    const p = this.load().then(
      (v) => {
        // A change that arrived while loading may not be in what was read: keep it only if none did.
        if (gen === this.generation) {
          this.value = { v, at: now };
          this.loading = null;
        }
        return v;
      },
      (err: unknown) => {
        if (gen === this.generation) this.loading = null;
        throw err;
      },
    );
    this.loading = p;
    return p;
  }
}
