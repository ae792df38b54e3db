// One "replica" of the budget bench: a process with its own pool deciding budgets against the shared
// database for a fixed time, `concurrency` calls in flight. Prints one JSON line: decisions and latencies.
import { randomUUID } from 'node:crypto';
import { silentLogger } from '../../electron/core/app/logger.js';
import type { TokenCounter } from '../../electron/core/metering/token-counter.js';
import { CallContexts, PgCallAdmission } from '../../server/budget/admission.js';
import { createPool } from '../../server/db/pool.js';

const [url, membersJson, seconds, concurrency] = process.argv.slice(2);
const members = JSON.parse(membersJson!) as string[];
const db = createPool({ url: url!, max: Number(concurrency) });
const replica = randomUUID();
await db.query('INSERT INTO replicas (id, host, pid) VALUES ($1, $2, $3)', [replica, 'bench', process.pid]);
const contexts = new CallContexts();
members.forEach((m) => contexts.set(`s-${m}`, { memberId: m }));
const admission = new PgCallAdmission(db, replica, contexts, {} as TokenCounter, silentLogger);
const pricing = { input: 0.15, output: 0.6, cacheRead: 0.075, cacheWrite: null };
const usage = { inputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0, estimated: false };

const until = Date.now() + Number(seconds) * 1000;
const admitUs: number[] = [];
let decisions = 0;
let refused = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async (_, w) => {
    let i = w;
    while (Date.now() < until) {
      const m = members[i++ % members.length]!;
      const t0 = process.hrtime.bigint();
      try {
        const r = await admission.admit({ sessionId: `s-${m}`, agent: null, provider: 'openai', model: 'gpt-4o-mini', keyId: null, source: 'team', promptTokens: 30, maxOutputTokens: 60, pricing, attempt: 1, kind: 'first', retryOf: null, fallbackOf: null, replacedKeyId: null });
        admitUs.push(Number(process.hrtime.bigint() - t0) / 1000);
        await r.settle({ status: 'ok', usage, latencyMs: 1, ttftMs: 1 });
      } catch {
        admitUs.push(Number(process.hrtime.bigint() - t0) / 1000);
        refused++;
      }
      decisions++;
    }
  }),
);
await db.query('DELETE FROM replicas WHERE id = $1', [replica]);
await db.end();
process.stdout.write(JSON.stringify({ decisions, refused, admitUs }) + '\n');
