import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdapter } from '../../../electron/core/providers/adapters/index.js';
import type { ResolvedKey } from '../../../electron/core/ports.js';
import type { AdapterRequest } from '../../../electron/core/providers/adapters/types.js';
import type { ProviderId } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';

// The providers' free count endpoints through the official SDKs (what admission asks near a limit),
// and Anthropic's 1-hour cache writes read from usage.cache_creation.

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake?.close();
});

function adapter(provider: ProviderId, baseUrl: string) {
  const key: ResolvedKey = { id: `k-${provider}`, provider, label: 'x', secret: provider === 'gemini' ? `AIza${'c'.repeat(35)}` : `sk-ant-test-${'c'.repeat(24)}`, baseUrl, options: {}, source: 'user' };
  return buildAdapter(key);
}

const request = (provider: ProviderId, model: string, text: string, system?: string): AdapterRequest => ({
  provider,
  model,
  messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: text }],
  maxTokens: 100,
  stream: true,
});

describe('provider token counts', () => {
  it('Anthropic messages/count_tokens answers what the provider bills', async () => {
    const a = adapter('anthropic', fake.baseUrls.anthropic);
    const n = await a.countTokens!(request('anthropic', 'claude-sonnet-4-6', '长文本 [[usage:in=1234,out=5]]', 'Be brief.'), new AbortController().signal);
    expect(n).toBe(1234);
    expect(fake.stats().requests['POST /anthropic/v1/messages/count_tokens']).toBeGreaterThan(0);
  });

  it('Gemini countTokens answers what the provider bills, the system prompt counted as a turn', async () => {
    const g = adapter('gemini', fake.baseUrls.gemini);
    expect(await g.countTokens!(request('gemini', 'gemini-2.5-flash', 'x [[usage:in=777,out=5]]', 'Be brief.'), new AbortController().signal)).toBe(777);
    // Without a directive: the fake's estimate, which grows with the system text it was given.
    const bare = await g.countTokens!(request('gemini', 'gemini-2.5-flash', 'hello there'), new AbortController().signal);
    const withSystem = await g.countTokens!(request('gemini', 'gemini-2.5-flash', 'hello there', 'S'.repeat(400)), new AbortController().signal);
    expect(withSystem).toBeGreaterThan(bare + 90);
  });

  it('a count that fails rejects (admission then refuses near a limit rather than guess)', async () => {
    const bad = buildAdapter({ id: 'k', provider: 'anthropic', label: 'x', secret: 'sk-ant-test-invalid', baseUrl: fake.baseUrls.anthropic, options: {}, source: 'user' });
    await expect(bad.countTokens!(request('anthropic', 'claude-sonnet-4-6', 'hi'), new AbortController().signal)).rejects.toThrow();
  });

  it('OpenAI-format providers have no count endpoint', () => {
    expect(adapter('deepseek', fake.baseUrls.openai).countTokens).toBeUndefined();
  });

  it('Anthropic: 1-hour cache writes are read from usage.cache_creation and priced apart', async () => {
    const a = adapter('anthropic', fake.baseUrls.anthropic);
    for (const stream of [true, false]) {
      let usage = null;
      for await (const ev of a.stream({ ...request('anthropic', 'claude-sonnet-4-6', 'c [[usage:in=5000,out=10,write=3000,write1h=1000]]'), stream }, new AbortController().signal)) {
        if (ev.type === 'usage') usage = ev.usage;
      }
      expect(usage).toEqual({ inputTokens: 2000, cacheReadTokens: 0, cacheWriteTokens: 3000, cacheWrite1hTokens: 1000, outputTokens: 10, reasoningTokens: 0, estimated: false });
    }
  });
});
