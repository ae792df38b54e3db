import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../electron/core/app/logger.js';
import { CatalogService } from '../electron/core/catalog/catalog-service.js';
import { createMetering } from '../electron/core/metering/create-metering.js';
import { TokenCounter } from '../electron/core/metering/token-counter.js';
import { estimatePromptTokens } from '../electron/core/metering/tokenizer.js';
import { contract, parseRequest, type ChatMessage } from '../shared/contract/index.js';
import { machineRow } from './lib/machine.js';
import { percentile } from './lib/stats.js';
import type { Bench, BenchRow } from './lib/types.js';

const BENCH = 'turn costs';
const N = 2_000;
const WARMUP = 200;

/** Microseconds per call of a synchronous operation: p50 over `n` timed calls (the mean is mostly scheduler noise on a busy machine). */
function micro(op: () => unknown, n = N, warmup = WARMUP): { p50: number; n: number } {
  for (let i = 0; i < warmup; i++) op();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    op();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { p50: percentile(samples, 50), n };
}

/** The same for an asynchronous operation (awaited one at a time). */
async function microAsync(op: () => Promise<unknown>, n = N, warmup = WARMUP): Promise<{ p50: number; n: number }> {
  for (let i = 0; i < warmup; i++) await op();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { p50: percentile(samples, 50), n };
}

function row(label: string, r: { p50: number; n: number }, perTurn: number): BenchRow {
  return { bench: BENCH, case: label, values: { 'p50 µs': r.p50, 'calls/turn': String(perTurn), 'p50 µs/turn': r.p50 * perTurn, n: r.n } };
}

const SHORT: ChatMessage[] = [{ role: 'user', content: 'Say hello in one sentence.' }];
const LONG: ChatMessage[] = Array.from({ length: 41 }, (_, i) => ({
  role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
  content: `Message ${i}: ${'The quick brown fox jumps over the lazy dog while the router counts every token. '.repeat(18)}`,
}));

/**
 * The synchronous pieces a chat.send turn runs besides the provider request, each timed alone so the
 * router-overhead gap can be attributed: request/answer validation, prompt tokens, the ledger's
 * admit + settle, the limits read inside them.
 */
const bench: Bench = {
  name: 'turn-costs',
  about: `per-turn service costs in isolation, ${N} calls each after ${WARMUP} warm-up`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
    const rows: BenchRow[] = [machineRow(BENCH)];
    try {
      const request = { sessionId: 's1', target: { keyId: 'k1', model: 'gpt-4o-mini' }, messages: SHORT, stream: true, streamId: 'x1' };
      rows.push(row('zod: parse chat.send request (short)', micro(() => parseRequest('chat.send', request)), 1));
      const answer = {
        text: 'Hello from gpt-4o-mini. You said: "Say hello in one sentence.". This is a deterministic reply from the fake provider.',
        usage: { inputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 28, reasoningTokens: 0, estimated: false },
        costUsd: 0.0000178,
        provider: 'openai',
        model: 'gpt-4o-mini',
        keyId: 'k1',
        source: 'user',
        attempts: [{ provider: 'openai', model: 'gpt-4o-mini', keyId: 'k1', status: 'ok', chainIndex: 0, attempt: 1, latencyMs: 3 }],
        streamId: 'x1',
        finishReason: 'stop',
        latencyMs: 3,
        ttftMs: 1,
      };
      rows.push(row('zod: check chat.send answer', micro(() => contract['chat.send'].response.safeParse(answer)), 1));
      const chars = LONG.reduce((n, m) => n + m.content.length, 0);
      const size = `${LONG.length} msgs / ${Math.round(chars / 1000)}k chars`;
      // What admission runs per turn: TokenCounter (worker-owned tokenizer, per-text cache).
      const tokens = new TokenCounter({ logger: silentLogger });
      try {
        await tokens.whenReady('o200k_base');
        rows.push(row('prompt tokens, 1 short msg (o200k, cached)', await microAsync(() => tokens.estimate(SHORT, 'openai', 'gpt-4o-mini')), 1));
        rows.push(row(`prompt tokens, ${size} (o200k, history cached)`, await microAsync(() => tokens.estimate(LONG, 'openai', 'gpt-4o-mini')), 1));
        let turn = 0;
        const withNew = () => tokens.estimate([...LONG, { role: 'user', content: `A new question, number ${turn++}, about the fox.` }], 'openai', 'gpt-4o-mini');
        rows.push(row(`prompt tokens, ${size} + 1 new msg (o200k, worker round trip)`, await microAsync(withNew, 400, 40), 1));
      } finally {
        await tokens.close();
      }
      rows.push(row(`prompt tokens, ${LONG.length} msgs (approx, claude)`, await microAsync(() => tokens.estimate(LONG, 'anthropic', 'claude-haiku-4-5'), 200, 10), 1));
      // The encoding work itself, now done in the worker (in-thread here, uncached): what a turn used to pay.
      rows.push(row('in-thread encode, 1 short msg (o200k, off the turn path)', micro(() => estimatePromptTokens(SHORT, 'openai', 'gpt-4o-mini')), 0));
      rows.push(row(`in-thread encode, ${size} (o200k, off the turn path)`, micro(() => estimatePromptTokens(LONG, 'openai', 'gpt-4o-mini'), 40, 3), 0));

      const catalog = new CatalogService({ dataDir: dir, logger: silentLogger });
      const metering = createMetering({ dataDir: dir, logger: silentLogger, emit: () => {} });
      try {
        rows.push(row('limits read (admission.getLimits)', micro(() => metering.admission.getLimits()), 3));
        rows.push(row('catalog.find (router)', micro(() => catalog.find('openai', 'gpt-4o-mini')), 1));
        const info = catalog.find('openai', 'gpt-4o-mini');
        const usage = { inputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 28, reasoningTokens: 0, estimated: false };
        let i = 0;
        const admitSettle = async () => {
          const r = (await metering.admission.admit({
            sessionId: `s${i++ % 8}`,
            agent: null,
            provider: 'openai',
            model: 'gpt-4o-mini',
            keyId: 'k1',
            source: 'user',
            promptTokens: 7,
            maxOutputTokens: 16_384,
            pricing: info?.pricing ?? null,
            pricingTiers: info?.pricingTiers,
            attempt: 1,
            kind: 'first',
            retryOf: null,
            fallbackOf: null,
            replacedKeyId: null,
          }));
          (await r.settle({ status: 'ok', usage, errorCode: null, latencyMs: 3, ttftMs: 1 }));
        };
        rows.push(row('ledger: admit + settle (incl. 3 limits reads)', await microAsync(admitSettle), 1));
      } finally {
        await metering.close();
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
