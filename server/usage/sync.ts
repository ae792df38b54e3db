import { z } from 'zod';
import { KeySource, ProviderId, Usage } from '../../shared/contract/index.js';
import type { Db } from '../db/pool.js';

/**
 * One record as the app's usage.records answers it (DESIGN.md section 2). Fields the report does not
 * use (pricing, latency, agent, ...) may be present and are ignored; `time` may be epoch ms (the app's
 * shape) or an ISO time.
 */
export const SyncRecord = z.object({
  id: z.string().min(1).max(200),
  time: z.union([z.number().int().nonnegative().max(8.64e15), z.iso.datetime({ offset: true })]),
  sessionId: z.string().max(200).nullable().optional(),
  provider: ProviderId,
  model: z.string().min(1).max(300),
  keyId: z.string().max(200).nullable().optional(),
  source: KeySource,
  // A reservation is not final: the app uploads a call once it has settled.
  status: z.enum(['ok', 'error', 'cancelled', 'interrupted']),
  errorCode: z.string().max(100).nullable().optional(),
  usage: Usage,
  costUsd: z.number().nonnegative().max(1_000_000).nullable(),
});

export const MAX_SYNC_RECORDS = 1000;

export const SyncRequest = z
  .object({
    deviceId: z.string().min(1).max(200),
    records: z.array(SyncRecord).max(MAX_SYNC_RECORDS),
  })
  .strict();
export type SyncRequest = z.infer<typeof SyncRequest>;

export interface SyncResult {
  /** Records counted now. */
  accepted: number;
  /** Records already received from this member (a replay, or the same id twice in the batch), and calls through the team, which the server recorded itself. */
  duplicates: number;
}

/**
 * Stores a batch in one INSERT: either all its new records are counted or none (a connection cut
 * mid-upload), and a record id this member already sent is never counted again, whatever the order
 * or number of replays.
 */
export async function storeSynced(db: Db, memberId: string, req: SyncRequest): Promise<SyncResult> {
  const rows = req.records.filter((r) => r.source !== 'team');
  if (rows.length === 0) return { accepted: 0, duplicates: req.records.length };
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  const r = await db.query(
    /* sql */ `
    INSERT INTO synced_usage (member_id, device_id, record_id, time, session_id, provider, model, source, status, error_code,
      input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, estimated, cost_nano)
    SELECT $1, $2, u.* FROM unnest($3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
      $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::boolean[], $17::bigint[]) AS u
    ON CONFLICT (member_id, record_id) DO NOTHING`,
    [
      memberId,
      req.deviceId,
      col((x) => x.id),
      col((x) => new Date(x.time)),
      col((x) => x.sessionId ?? null),
      col((x) => x.provider),
      col((x) => x.model),
      col((x) => x.source),
      col((x) => x.status),
      col((x) => x.errorCode ?? null),
      col((x) => x.usage.inputTokens),
      col((x) => x.usage.cacheReadTokens),
      col((x) => x.usage.cacheWriteTokens),
      col((x) => x.usage.outputTokens),
      col((x) => x.usage.reasoningTokens),
      col((x) => x.usage.estimated),
      col((x) => (x.costUsd === null ? null : Math.round(x.costUsd * 1e9))),
    ],
  );
  const accepted = r.rowCount ?? 0;
  return { accepted, duplicates: req.records.length - accepted };
}
