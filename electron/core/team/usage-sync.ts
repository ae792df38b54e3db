import { randomUUID } from 'node:crypto';
import { TEAM_SHARED_FIELDS, type KeySource, type TeamSharedField, type UsageRecord } from '../../../shared/contract/index.js';
import { toRecord, type CallRow, type Ledger } from '../metering/ledger.js';
import type { SyncCursor, TeamFiles } from './team-store.js';

/** The calls the app uploads: its own keys' and environment keys'. Team calls are recorded by the server itself. */
export const SHARED_SOURCES: readonly KeySource[] = ['user', 'environment'];

const SHARED = new Set<string>(SHARED_SOURCES);
const FIELDS: readonly TeamSharedField[] = TEAM_SHARED_FIELDS.map((f) => f.field);

/** The upload form of one call: the `usage.records` record cut down to TEAM_SHARED_FIELDS, nothing else. */
export function sharedRecord(record: UsageRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) out[f] = record[f];
  return out;
}

export type SyncLedger = Pick<Ledger, 'callsAfter' | 'countAfter' | 'maxSeq'>;

export interface UsageSyncOptions {
  ledger: SyncLedger;
  files: Pick<TeamFiles, 'readCursor' | 'writeCursor'>;
  now: () => number;
  /** Records per request; the server bounds request bodies. */
  batchSize?: number;
}

export interface SyncRun {
  /** Records the server acknowledged in this run (new or already known). */
  uploaded: number;
  pending: number;
}

const DEFAULT_BATCH = 200;

/**
 * The upload cursor over the ledger. Own calls are read in ledger order (seq), a settled call at a
 * time; a call still running stops the walk (it is sent once it has settled). Each batch carries the
 * calls' own ids; the cursor moves past a batch only after the server answered it, and is written
 * atomically, so a crash or kill mid-upload resends that batch (counted once by the server) and an
 * app that was offline sends everything it missed when the server answers again.
 */
export class UsageSync {
  private cursor: SyncCursor | null = null;
  private readonly batchSize: number;

  constructor(private readonly opts: UsageSyncOptions) {
    this.batchSize = opts.batchSize ?? DEFAULT_BATCH;
  }

  /** A new connection: calls made before it are not shared. */
  begin(connectionId: string, sharing = true): void {
    this.save({
      version: 1,
      connectionId,
      sharing,
      ackedSeq: this.opts.ledger.maxSeq(),
      skip: [],
      offFromSeq: sharing ? null : this.opts.ledger.maxSeq() + 1,
      uploaded: 0,
      lastSyncAt: null,
    });
  }

  /** The cursor of this connection from disk; a missing or foreign one starts afresh. */
  load(connectionId: string): void {
    const c = this.opts.files.readCursor();
    if (c && c.connectionId === connectionId) this.cursor = c;
    else this.begin(connectionId);
  }

  forget(): void {
    this.cursor = null;
  }

  get state(): SyncCursor | null {
    return this.cursor ? { ...this.cursor, skip: this.cursor.skip.map((r) => [r[0], r[1]] as [number, number]) } : null;
  }

  get sharing(): boolean {
    return this.cursor?.sharing ?? false;
  }

  /** Turning sharing off keeps the calls made from then on out of every upload, also after it is turned on again. */
  setSharing(on: boolean): void {
    const c = this.cursor;
    if (!c || c.sharing === on) return;
    const max = this.opts.ledger.maxSeq();
    if (!on) {
      this.save({ ...c, sharing: false, offFromSeq: max + 1 });
      return;
    }
    const from = c.offFromSeq ?? max + 1;
    const skip = from <= max ? [...c.skip, [from, max] as [number, number]] : c.skip;
    this.save({ ...c, sharing: true, offFromSeq: null, skip });
  }

  /** Own calls not acknowledged yet that will be uploaded (made while sharing was on). */
  pending(): number {
    this.followReplacedLedger();
    const c = this.cursor;
    if (!c) return 0;
    const skip = c.offFromSeq !== null ? [...c.skip, [c.offFromSeq, Number.MAX_SAFE_INTEGER] as [number, number]] : c.skip;
    return this.opts.ledger.countAfter(c.ackedSeq, SHARED_SOURCES, skip);
  }

  /**
   * Uploads every settled own call after the cursor, batch by batch, until none is left. A failed
   * request throws (the batches already answered stay acknowledged).
   */
  async run(upload: (records: Record<string, unknown>[]) => Promise<unknown>): Promise<SyncRun> {
    let uploaded = 0;
    this.followReplacedLedger();
    for (;;) {
      const c = this.cursor;
      if (!c || !c.sharing) break;
      const { records, walkedTo, exhausted } = this.nextBatch(c);
      if (records.length > 0) {
        await upload(records);
        // The cursor may have been replaced meanwhile (disconnect, reconnect): only its own connection moves it.
        if (this.cursor?.connectionId !== c.connectionId) break;
        uploaded += records.length;
        this.save({ ...this.cursor, ackedSeq: Math.max(this.cursor.ackedSeq, walkedTo), skip: pruneSkip(this.cursor.skip, walkedTo), uploaded: this.cursor.uploaded + records.length, lastSyncAt: this.opts.now() });
      } else if (walkedTo > c.ackedSeq) {
        this.save({ ...c, ackedSeq: walkedTo, skip: pruneSkip(c.skip, walkedTo), lastSyncAt: this.opts.now() });
      } else if (c.lastSyncAt === null || exhausted) {
        this.save({ ...c, lastSyncAt: this.opts.now() });
      }
      if (exhausted) break;
    }
    return { uploaded, pending: this.pending() };
  }

  /** The next batch of own calls after the cursor, and how far the walk got. */
  private nextBatch(c: SyncCursor): { records: Record<string, unknown>[]; walkedTo: number; exhausted: boolean } {
    const records: Record<string, unknown>[] = [];
    let walkedTo = c.ackedSeq;
    let after = c.ackedSeq;
    const pageSize = this.batchSize * 2;
    for (;;) {
      const rows = this.opts.ledger.callsAfter(after, pageSize);
      for (const row of rows) {
        const shared = this.isShared(row, c);
        // A running call of our own blocks the walk until it settles: the cursor never passes an unsent call.
        if (shared && row.status === 'reserved') return { records, walkedTo, exhausted: true };
        if (shared) records.push(sharedRecord(toRecord(row)));
        walkedTo = row.seq;
        if (records.length >= this.batchSize) return { records, walkedTo, exhausted: false };
      }
      if (rows.length < pageSize) return { records, walkedTo, exhausted: true };
      after = rows[rows.length - 1]!.seq;
    }
  }

  /**
   * A ledger moved aside for a new one (ledger.reset) numbers its calls from 1 again, so a cursor
   * past its last call would never upload the new ones: walk it from the start. Calls carry their own
   * ids and the server counts each once, so nothing is counted twice.
   */
  private followReplacedLedger(): void {
    const c = this.cursor;
    if (!c || this.opts.ledger.maxSeq() >= c.ackedSeq) return;
    this.save({ ...c, ackedSeq: 0, skip: [], offFromSeq: c.offFromSeq === null ? null : 1 });
  }

  private isShared(row: CallRow, c: SyncCursor): boolean {
    if (!SHARED.has(row.source)) return false;
    if (c.offFromSeq !== null && row.seq >= c.offFromSeq) return false;
    return !c.skip.some(([from, to]) => row.seq >= from && row.seq <= to);
  }

  private save(next: SyncCursor): void {
    this.opts.files.writeCursor(next);
    this.cursor = next;
  }
}

/** Ranges wholly behind the cursor are no longer needed. */
function pruneSkip(skip: SyncCursor['skip'], ackedSeq: number): SyncCursor['skip'] {
  return skip.filter(([, to]) => to > ackedSeq);
}

export function newConnectionId(): string {
  return randomUUID();
}
