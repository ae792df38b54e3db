import Papa from 'papaparse';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_CONTEXT } from '../../../electron/core/app/context.js';
import type { AppError, ModelInfo, UsageRecord } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { rejection } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

// Metering, prices and limits through the real core: keys, router and the official SDKs against
// the fake provider server, the ledger in a real SQLite file.

let fake: FakeProviders;
let t: TestCore;
const secrets = {
  openai: `sk-test-${'m'.repeat(24)}${Math.random().toString(36).slice(2)}`,
  anthropic: `sk-ant-test-${'n'.repeat(24)}`,
  gemini: `AIza${'p'.repeat(35)}`,
};
const ids: Record<string, string> = {};
const LABEL = 'Team "A", prod – Zürich';

const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);
const generations = () =>
  Object.entries(fake.stats().requests)
    .filter(([k]) => /chat\/completions|\/messages|generateContent/i.test(k))
    .reduce((s, [, n]) => s + n, 0);

async function model(provider: string, id: string): Promise<ModelInfo> {
  const { models } = await call<{ models: ModelInfo[] }>('models.list', { provider });
  const m = models.find((x) => x.id === id);
  if (!m) throw new Error(`${provider}/${id} not in the catalog`);
  return m;
}

function send(keyId: string, model: string, content: string, extra: Record<string, unknown> = {}) {
  return call<{ costUsd: number | null; usage: UsageRecord['usage'] }>('chat.send', {
    sessionId: 'meter',
    target: { keyId, model },
    messages: [{ role: 'user', content }],
    stream: false,
    ...extra,
  });
}

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  t = await startTestCore();
  ids.openai = (await call<{ id: string }>('keys.add', { provider: 'openai', secret: secrets.openai, baseUrl: fake.baseUrls.openai, label: LABEL })).id;
  ids.anthropic = (await call<{ id: string }>('keys.add', { provider: 'anthropic', secret: secrets.anthropic, baseUrl: fake.baseUrls.anthropic })).id;
  ids.gemini = (await call<{ id: string }>('keys.add', { provider: 'gemini', secret: secrets.gemini, baseUrl: fake.baseUrls.gemini })).id;
}, 60_000);

afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('cost from provider-reported usage at catalog prices', () => {
  it('OpenAI: cached tokens inside the prompt, reasoning inside the completion', async () => {
    const m = await model('openai', 'gpt-4o-mini');
    const r = await send(ids.openai!, m.id, 'a [[usage:in=1200,out=300,cached=200,reasoning=40]]');
    expect(r.usage).toMatchObject({ inputTokens: 1000, cacheReadTokens: 200, outputTokens: 300, reasoningTokens: 40, estimated: false });
    expect(r.costUsd).toBeCloseTo((1000 * m.pricing!.input! + 200 * m.pricing!.cacheRead! + 300 * m.pricing!.output!) / 1e6, 12);
  });

  it('Anthropic: cache reads beside input, each at its own price', async () => {
    const m = await model('anthropic', 'claude-sonnet-4-6');
    const r = await send(ids.anthropic!, m.id, 'b [[usage:in=5000,out=400,cached=3000]]');
    expect(r.usage).toMatchObject({ inputTokens: 2000, cacheReadTokens: 3000, outputTokens: 400 });
    expect(r.costUsd).toBeCloseTo((2000 * m.pricing!.input! + 3000 * m.pricing!.cacheRead! + 400 * m.pricing!.output!) / 1e6, 12);
  });

  it('Anthropic: 1-hour cache writes at twice the input price, 5-minute ones at the cache-write price', async () => {
    const m = await model('anthropic', 'claude-sonnet-4-6');
    const r = await send(ids.anthropic!, m.id, 'b1 [[usage:in=5000,out=400,write=3000,write1h=1000]]');
    expect(r.usage).toMatchObject({ inputTokens: 2000, cacheWriteTokens: 3000, cacheWrite1hTokens: 1000, outputTokens: 400 });
    const p = m.pricing!;
    expect(r.costUsd).toBeCloseTo((2000 * p.input! + 2000 * p.cacheWrite! + 1000 * 2 * p.input! + 400 * p.output!) / 1e6, 12);
    const { records } = await call<{ records: UsageRecord[] }>('usage.records', { limit: 1 });
    expect(records[0]!.pricing).toMatchObject({ cacheWrite: p.cacheWrite, cacheWrite1h: 2 * p.input! });
  });

  it('Gemini: thinking tokens billed as output', async () => {
    const m = await model('gemini', 'gemini-2.5-flash');
    const r = await send(ids.gemini!, m.id, 'c [[usage:in=1000,out=500,reasoning=200]]');
    expect(r.usage).toMatchObject({ inputTokens: 1000, outputTokens: 500, reasoningTokens: 200 });
    expect(r.costUsd).toBeCloseTo((1000 * m.pricing!.input! + 500 * m.pricing!.output!) / 1e6, 12);
  });

  it('a model the catalog does not know costs null, never 0, and is still usable', async () => {
    const r = await send(ids.openai!, 'my-finetune-xyz', 'd [[usage:in=100,out=10]]');
    expect(r.costUsd).toBeNull();
    const q = await call<{ totals: { unknownCostCalls: number } }>('usage.query', { model: 'my-finetune-xyz' });
    expect(q.totals.unknownCostCalls).toBe(1);
  });
});

describe('usage queries and export', () => {
  it('usage.query groups the ledger by provider and model; usage.records pages newest first', async () => {
    const q = await call<{ groups: Array<{ key: Record<string, string>; calls: number; costUsd: number }>; totals: { calls: number } }>('usage.query', {
      groupBy: ['day', 'provider'],
    });
    expect(q.groups.map((g) => g.key.provider).sort()).toEqual(['anthropic', 'gemini', 'openai']);
    expect(q.totals.calls).toBe(5);
    const page1 = await call<{ records: UsageRecord[]; nextCursor: string | null }>('usage.records', { limit: 3 });
    expect(page1.records).toHaveLength(3);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await call<{ records: UsageRecord[]; nextCursor: string | null }>('usage.records', { limit: 3, cursor: page1.nextCursor });
    expect(page2.records).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();
    const all = [...page1.records, ...page2.records];
    expect(all.map((x) => x.time)).toEqual([...all.map((x) => x.time)].sort((a, b) => b - a));
    await expect(call('usage.records', { cursor: 'bogus' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('Core.exportCsv streams every call; labels with quotes and commas and non-ASCII agents survive; no secret', async () => {
    await send(ids.openai!, 'gpt-4o-mini', 'e [[usage:in=10,out=5]]', { agent: 'Écrivain 日本 ✍️' });
    const download = await t.core.exportCsv({}, INTERNAL_CONTEXT);
    let csv = '';
    for await (const chunk of download.chunks) csv += chunk;
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const records = (await call<{ records: UsageRecord[] }>('usage.records', { limit: 100 })).records;
    expect(parsed.data.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    const openaiRows = parsed.data.filter((r) => r.key_id === ids.openai);
    expect(openaiRows.length).toBeGreaterThan(0);
    for (const row of openaiRows) expect(row.key_label).toBe(LABEL);
    expect(parsed.data.some((r) => r.agent === 'Écrivain 日本 ✍️')).toBe(true);
    for (const s of Object.values(secrets)) expect(csv).not.toContain(s);
    await expect(t.core.exportCsv({ from: 'nope' }, INTERNAL_CONTEXT)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('limits hold before any provider request', () => {
  it('a daily token limit refuses with LIMIT_EXCEEDED, names the limit, emits limits.exceeded, and calls no provider', async () => {
    await call('limits.set', { dailyTokens: { provider: { openai: 100 } } });
    const before = generations();
    const err = await rejection(send(ids.openai!, 'gpt-4o-mini', 'over'));
    expect(err.code).toBe('LIMIT_EXCEEDED');
    expect(err.details).toMatchObject({ scope: 'dailyTokens.provider', subject: 'openai', limit: 100 });
    expect(typeof err.details!.resetsAt).toBe('number');
    expect(generations()).toBe(before);
    expect(t.events.some((e) => e.name === 'limits.exceeded')).toBe(true);
    const got = await call<{ states: Array<{ scope: string; level: string }> }>('limits.get', {});
    expect(got.states).toEqual([expect.objectContaining({ scope: 'dailyTokens.provider', level: 'exceeded' })]);
    await call('limits.set', { dailyTokens: { provider: { openai: null } } });
    await send(ids.openai!, 'gpt-4o-mini', 'fine again [[usage:in=5,out=5]]');
  });

  it('20 concurrent calls under a per-key token limit never overshoot; the refused ones never reach the provider', async () => {
    const k2 = (await call<{ id: string }>('keys.add', { provider: 'openai', secret: `sk-test-${'z'.repeat(30)}`, baseUrl: fake.baseUrls.openai })).id;
    await call('limits.set', { dailyTokens: { key: { [k2]: 5000 } } });
    const before = generations();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        call('chat.send', {
          sessionId: `conc-${i}`,
          target: { keyId: k2, model: 'gpt-4o-mini' },
          messages: [{ role: 'user', content: `c${i} [[usage:in=10,out=1000]] [[delay:20]]` }],
          params: { maxTokens: 1000 },
          stream: true,
        }),
      ),
    );
    const okCount = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected' && (r.reason as AppError).code === 'LIMIT_EXCEEDED').length;
    expect(okCount).toBeGreaterThanOrEqual(1);
    expect(okCount + refused).toBe(20);
    expect(generations() - before).toBe(okCount);
    const q = await call<{ totals: { inputTokens: number; outputTokens: number; cacheReadTokens: number } }>('usage.query', { keyId: k2 });
    expect(q.totals.inputTokens + q.totals.outputTokens + q.totals.cacheReadTokens).toBeLessThanOrEqual(5000);
  });

  it('a USD cap refuses a model it cannot price, until the user sets its price', async () => {
    await call('limits.set', { monthlyUsd: { total: 50 } });
    const before = generations();
    const err = await rejection(send(ids.openai!, 'unpriced-model', 'p [[usage:in=10,out=10]]'));
    expect(err.details).toMatchObject({ reason: 'price-unknown', model: 'unpriced-model' });
    expect(generations()).toBe(before);
    await call('models.setPrice', { provider: 'openai', model: 'unpriced-model', pricing: { input: 1, output: 2, cacheRead: null, cacheWrite: null } });
    const r = await send(ids.openai!, 'unpriced-model', 'p [[usage:in=10,out=10]]');
    expect(r.costUsd).toBeCloseTo((10 * 1 + 10 * 2) / 1e6, 12);
    await call('limits.set', { monthlyUsd: { total: null } });
  });
});

describe('data folder', () => {
  it('keeps the ledger and user prices private, and no secret in any file but the vault ciphertext', async () => {
    const data = t.dataDir;
    const files = readdirSync(data);
    expect(files).toEqual(expect.arrayContaining(['usage.db', 'model-prices.json']));
    for (const f of ['usage.db', 'model-prices.json']) {
      const text = readFileSync(join(data, f)).toString('latin1');
      for (const s of Object.values(secrets)) expect(text).not.toContain(s);
    }
    const info = await call<{ catalogCheckedAt?: string }>('app.info', {});
    expect(info.catalogCheckedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const line of t.lines) for (const s of Object.values(secrets)) expect(line).not.toContain(s);
  });
});
