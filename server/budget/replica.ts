import { hostname } from 'node:os';
import type { Logger } from '../../electron/core/app/logger.js';
import type { Db } from '../db/pool.js';

export interface ReplicaOptions {
  /** How often this process says it is alive. */
  heartbeatMs?: number;
  /** A process silent this long is taken for dead: its open reservations expire as interrupted. */
  deadAfterMs?: number;
  /** Any reservation open this long expires, whatever its process (a call is bounded far below this). */
  maxCallMs?: number;
}

/**
 * This server process in the replicas table: a heartbeat, and a sweep that settles as "interrupted"
 * (at their reservation) the calls of processes that died. Every process sweeps; sb_settle makes a
 * second settlement of the same call a no-op.
 */
export class Replica {
  private timer: NodeJS.Timeout | null = null;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly maxCallMs: number;

  constructor(
    private readonly db: Db,
    readonly id: string,
    private readonly logger: Logger,
    options: ReplicaOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.deadAfterMs = options.deadAfterMs ?? 30_000;
    this.maxCallMs = options.maxCallMs ?? 2 * 3_600_000;
  }

  async start(): Promise<void> {
    await this.db.query('INSERT INTO replicas (id, host, pid) VALUES ($1, $2, $3)', [this.id, hostname(), process.pid]);
    await this.sweep();
    this.timer = setInterval(() => void this.tick(), this.heartbeatMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.db.query('UPDATE replicas SET seen_at = clock_timestamp() WHERE id = $1', [this.id]);
      await this.sweep();
    } catch (err) {
      this.logger.warn('replica heartbeat failed', { error: (err as Error).message });
    }
  }

  /** Settles reservations left by dead processes; returns how many. */
  async sweep(): Promise<number> {
    const r = await this.db.query<{ n: number }>('SELECT sb_expire($1::interval, $2::interval) AS n', [`${this.deadAfterMs} milliseconds`, `${this.maxCallMs} milliseconds`]);
    const n = r.rows[0]?.n ?? 0;
    if (n > 0) this.logger.warn('settled calls of a stopped server process as interrupted, counted at their reservation', { count: n });
    // Processes gone for a day with nothing left open leave the table.
    await this.db.query(
      "DELETE FROM replicas r WHERE r.seen_at < clock_timestamp() - interval '1 day' AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.replica_id = r.id AND c.status = 'reserved')",
    );
    return n;
  }

  /** A clean stop: this process's open calls (none, once the router has closed) expire now, and it leaves the table. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.db.query("UPDATE replicas SET seen_at = '-infinity' WHERE id = $1", [this.id]).catch(() => {});
    await this.sweep().catch(() => {});
    await this.db.query('DELETE FROM replicas WHERE id = $1', [this.id]).catch(() => {});
  }
}
