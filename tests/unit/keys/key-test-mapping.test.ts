import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyOptions, ProviderId } from '../../../shared/contract/index.js';
import { createKeyTester } from '../../../electron/core/keys/key-tester.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { anthropicError } from '../../fake-providers/anthropic-wire.js';
import { geminiError } from '../../fake-providers/gemini-wire.js';
import { openaiError } from '../../fake-providers/openai-wire.js';
import type { WireError, WireResponse } from '../../fake-providers/types.js';
import { closedPort, startStub } from './stub-provider.js';

const OPENAI_KEY = 'sk-proj-test0123456789abcdefghijklmn';
const ANTHROPIC_KEY = 'sk-ant-api03-test0123456789abcdefghij';
const GEMINI_KEY = 'AIzaTest0123456789abcdefghijklmnopqrstu';
const AZURE_KEY = '0123456789abcdef0123456789abcdef';

let fake: FakeProviders;
let stub: Awaited<ReturnType<typeof startStub>>;
const tester = createKeyTester();

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
  stub = await startStub();
});
afterAll(async () => {
  await fake.close();
  await stub.close();
});

function key(provider: ProviderId, secret: string, baseUrl: string, options: KeyOptions = {}) {
  return { provider, secret, baseUrl, options };
}

describe('key test against the fake provider server', () => {
  it.each([
    ['openai', OPENAI_KEY, 'openai'],
    ['anthropic', ANTHROPIC_KEY, 'anthropic'],
    ['gemini', GEMINI_KEY, 'gemini'],
    ['deepseek', 'sk-0123456789abcdefghijklmnop', 'openai'],
    ['groq', 'gsk_0123456789abcdefghijklmnop', 'openai'],
  ] as const)('%s: a good key passes with the models the provider listed', async (provider, secret, door) => {
    const r = await tester.test(key(provider, secret, fake.baseUrls[door]));
    expect(r).toMatchObject({ ok: true });
    expect(r.modelCount).toBeGreaterThan(0);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('azure: endpoint + deployment + API version', async () => {
    const r = await tester.test(key('azure', AZURE_KEY, fake.baseUrls.azure, { deployment: 'gpt-4o-mini', apiVersion: '2024-10-21' }));
    expect(r).toMatchObject({ ok: true });
  });

  it('openai-compatible without a key', async () => {
    const r = await tester.test(key('openai-compatible', '', fake.baseUrls.openai));
    // The fake insists on a key, as vLLM with --api-key does: the hint says the server wants one.
    expect(r).toMatchObject({ ok: false, code: 'KEY_INVALID' });
    expect(r.hint).toMatch(/server/);
  });

  it.each([
    ['openai', `${OPENAI_KEY}-invalid`, 'openai'],
    ['anthropic', `${ANTHROPIC_KEY}-invalid`, 'anthropic'],
    ['gemini', `${GEMINI_KEY}-invalid`, 'gemini'],
    ['azure', `${AZURE_KEY}-invalid`, 'azure'],
  ] as const)('%s: a rejected key is KEY_INVALID with plain advice', async (provider, secret, door) => {
    const r = await tester.test(key(provider, secret, fake.baseUrls[door], provider === 'azure' ? { deployment: 'gpt-4o-mini' } : {}));
    expect(r).toMatchObject({ ok: false, code: 'KEY_INVALID' });
    expect(r.hint).toMatch(/wrong, revoked/);
    expect(JSON.stringify(r)).not.toContain(secret);
  });

  it('wrong endpoint (404): says to check the base URL', async () => {
    const r = await tester.test(key('openai', OPENAI_KEY, `${fake.url}/nothing-here/v1`));
    expect(r).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(r.hint).toMatch(/base URL/);
  });
});

describe('key test: each cause gets its own code and advice', () => {
  const render = {
    openai: (e: WireError) => openaiError('openai', e, 1),
    azure: (e: WireError) => openaiError('azure', e, 1),
    anthropic: (e: WireError) => anthropicError(e, 1),
    gemini: (e: WireError) => geminiError(e),
  };
  const bases = () => ({ openai: `${stub.url}/v1`, azure: stub.url, anthropic: stub.url, gemini: stub.url });
  const secrets: Record<string, string> = { openai: OPENAI_KEY, deepseek: 'sk-0123456789abcdefghijklmnop', azure: AZURE_KEY, anthropic: ANTHROPIC_KEY, gemini: GEMINI_KEY };

  const cases: Array<[string, ProviderId, 'openai' | 'azure' | 'anthropic' | 'gemini', WireResponse | (() => WireResponse), string, RegExp]> = [
    ['OpenAI out of quota (429 insufficient_quota)', 'openai', 'openai', () => render.openai({ kind: 'quota' }), 'QUOTA_EXHAUSTED', /credit|quota/],
    ['OpenAI rate limited (429 rate_limit_exceeded)', 'openai', 'openai', () => render.openai({ kind: 'rate_limit' }), 'RATE_LIMITED', /key itself is fine/],
    ['OpenAI region not served (403)', 'openai', 'openai', () => render.openai({ kind: 'permission' }), 'REGION_NOT_SUPPORTED', /region/],
    ['OpenAI overloaded (503)', 'openai', 'openai', () => render.openai({ kind: 'overloaded' }), 'PROVIDER_UNAVAILABLE', /try again/i],
    ['DeepSeek empty balance (402)', 'deepseek', 'openai', () => render.openai({ kind: 'status', status: 402 }), 'QUOTA_EXHAUSTED', /credit/],
    ['Azure deployment not found (404)', 'azure', 'azure', () => render.azure({ kind: 'not_found' }), 'NOT_FOUND', /deployment/],
    ['Anthropic no credit (400 credit balance)', 'anthropic', 'anthropic', () => render.anthropic({ kind: 'quota' }), 'QUOTA_EXHAUSTED', /credit/],
    ['Anthropic billing_error (402)', 'anthropic', 'anthropic', () => render.anthropic({ kind: 'status', status: 402 }), 'QUOTA_EXHAUSTED', /credit/],
    ['Anthropic permission_error (403)', 'anthropic', 'anthropic', () => render.anthropic({ kind: 'permission' }), 'PERMISSION_DENIED', /permission/],
    ['Anthropic overloaded (529)', 'anthropic', 'anthropic', () => render.anthropic({ kind: 'overloaded' }), 'PROVIDER_UNAVAILABLE', /busy/],
    ['Gemini permission denied (403)', 'gemini', 'gemini', () => render.gemini({ kind: 'permission' }), 'PERMISSION_DENIED', /permission/],
    ['Gemini daily quota used up (429 PerDay)', 'gemini', 'gemini', () => render.gemini({ kind: 'quota' }), 'QUOTA_EXHAUSTED', /quota/],
    ['Gemini rate limited (429 RetryInfo)', 'gemini', 'gemini', () => render.gemini({ kind: 'rate_limit' }), 'RATE_LIMITED', /Wait about 1 s/],
    [
      'Gemini region not served (400 FAILED_PRECONDITION)',
      'gemini',
      'gemini',
      {
        status: 400,
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ error: { code: 400, message: 'User location is not supported for the API use.', status: 'FAILED_PRECONDITION' } }),
      },
      'REGION_NOT_SUPPORTED',
      /region/,
    ],
  ];

  it.each(cases)('%s', async (_name, provider, door, answer, code, hint) => {
    stub.set(typeof answer === 'function' ? answer() : answer);
    const r = await tester.test(key(provider, secrets[provider]!, bases()[door], provider === 'azure' ? { deployment: 'gpt-4o-mini' } : {}));
    expect(r).toMatchObject({ ok: false, code });
    expect(r.hint).toMatch(hint);
    expect(r.message).toBeTruthy();
  });

  it('never repeats a secret the provider echoes back', async () => {
    stub.set({ status: 400, body: JSON.stringify({ error: { message: `Bad key ${OPENAI_KEY} in header Authorization: Bearer ${OPENAI_KEY}`, type: 'invalid_request_error', code: null } }) });
    const r = await tester.test(key('openai', OPENAI_KEY, `${stub.url}/v1`));
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(OPENAI_KEY);
  });
});

describe('key test: network causes', () => {
  it('unknown host (DNS): names the host and says to check the base URL', async () => {
    const r = await tester.test(key('openai', OPENAI_KEY, 'https://no-such-host.invalid/v1'));
    expect(r).toMatchObject({ ok: false, code: 'NETWORK' });
    expect(r.hint).toMatch(/no-such-host\.invalid/);
    expect(r.hint).toMatch(/base URL/);
  });

  it('nothing listening (local server not running)', async () => {
    const port = await closedPort();
    const r = await tester.test(key('openai-compatible', '', `http://127.0.0.1:${port}/v1`));
    expect(r).toMatchObject({ ok: false, code: 'NETWORK' });
    expect(r.hint).toMatch(/Is the local server .* running/);
  });

  it('no answer in time: TIMEOUT', async () => {
    stub.set('hang');
    const r = await createKeyTester({ timeoutMs: 300 }).test(key('anthropic', ANTHROPIC_KEY, stub.url));
    expect(r).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(r.hint).toMatch(/internet connection/);
    const g = await createKeyTester({ timeoutMs: 300 }).test(key('gemini', GEMINI_KEY, stub.url));
    expect(g).toMatchObject({ ok: false, code: 'TIMEOUT' });
  });

  it('a provider with no default base URL and none given', async () => {
    const r = await tester.test({ provider: 'azure', secret: AZURE_KEY, baseUrl: null, options: {} });
    expect(r).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect(r.hint).toMatch(/endpoint/);
  });
});
