import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeyTester } from '../../../electron/core/keys/key-tester.js';
import { AppError, type KeyInfo, type KeyOptions } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

// The Azure key test checks the deployment with a one-token chat completion, so a wrong deployment
// name shows when the key is added, not at the first chat.

const AZURE_KEY = `${'k'.repeat(28)}${Math.random().toString(36).slice(2, 6)}`;
let fake: FakeProviders;
const tester = createKeyTester();

beforeAll(async () => {
  fake = await startFakeProviders({ port: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const azure = (options: KeyOptions, secret = AZURE_KEY) => ({ provider: 'azure' as const, secret, baseUrl: fake.baseUrls.azure, options });

describe('Azure key test', () => {
  it('with a deployment: one chat completion of at most 1 token against that deployment', async () => {
    const r = await tester.test(azure({ deployment: 'team-gpt4o', apiVersion: '2024-10-21' }));
    expect(r).toMatchObject({ ok: true });
    expect(r.message).toMatch(/team-gpt4o/);
    const sent = fake.requests();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/azure/openai/deployments/team-gpt4o/chat/completions', keyPresent: true });
    expect(sent[0]?.query['api-version']).toBe('2024-10-21');
    expect(sent[0]?.body).toMatchObject({ max_tokens: 1 });
    expect((sent[0]?.body as { stream?: boolean }).stream).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain(AZURE_KEY);
  });

  it('a deployment Azure does not have (404 DeploymentNotFound): the wrong endpoint or deployment hint, naming it', async () => {
    const r = await tester.test(azure({ deployment: 'gpt4o-missing' }));
    expect(r).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(r.hint).toMatch(/^Wrong endpoint or deployment: 127\.0\.0\.1:\d+ has no deployment named “gpt4o-missing”/);
    expect(r.hint).toMatch(/Azure AI Foundry/);
    expect(r.message).toMatch(/HTTP 404/);
    expect(JSON.stringify(r)).not.toContain(AZURE_KEY);
  });

  it('a rejected key (401) is KEY_INVALID, whatever the deployment', async () => {
    for (const deployment of ['team-gpt4o', 'missing']) {
      const r = await tester.test(azure({ deployment }, `${AZURE_KEY}-invalid`));
      expect(r).toMatchObject({ ok: false, code: 'KEY_INVALID' });
      expect(r.hint).toMatch(/wrong, revoked/);
      expect(JSON.stringify(r)).not.toContain(AZURE_KEY);
    }
  });

  it('Azure’s v1 endpoint: the deployment goes in the body, and a missing one is caught the same way', async () => {
    const base = `${fake.baseUrls.azure}/openai/v1`;
    const ok = await tester.test({ provider: 'azure', secret: AZURE_KEY, baseUrl: base, options: { deployment: 'team-gpt4o' } });
    expect(ok).toMatchObject({ ok: true });
    expect(fake.requests().at(-1)).toMatchObject({ path: '/azure/openai/v1/chat/completions', body: { model: 'team-gpt4o', max_tokens: 1 } });
    const missing = await tester.test({ provider: 'azure', secret: AZURE_KEY, baseUrl: base, options: { deployment: 'missing-v1' } });
    expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(missing.hint).toMatch(/no deployment named “missing-v1”/);
  });

  it('without a deployment it still only lists models (nothing is generated)', async () => {
    const r = await tester.test(azure({}));
    expect(r).toMatchObject({ ok: true });
    expect(r.modelCount).toBeGreaterThan(0);
    expect(fake.requests().map((q) => `${q.method} ${q.path}`)).toEqual(['GET /azure/openai/models']);
  });

  it('a reasoning-model deployment that refuses max_tokens is asked again with max_completion_tokens', async () => {
    const bodies: Array<Record<string, unknown>> = [];
    const fussy: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
      bodies.push(body);
      if ('max_tokens' in body) {
        return new Response(
          JSON.stringify({ error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        );
      }
      return fetch(input, init);
    };
    const r = await createKeyTester({ fetch: fussy }).test(azure({ deployment: 'o4-mini-dep' }));
    expect(r).toMatchObject({ ok: true });
    expect(bodies).toEqual([expect.objectContaining({ max_tokens: 1 }), expect.objectContaining({ max_completion_tokens: 1 })]);
    expect(bodies[1]).not.toHaveProperty('max_tokens');
  });
});

describe('adding an Azure key through the core', () => {
  let t: TestCore;
  const call = <T = Record<string, unknown>>(method: string, input: unknown) => t.call<T>(method, input);

  beforeAll(async () => {
    t = await startTestCore();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a key whose deployment does not exist, says which, and saves nothing', async () => {
    const err = (await call('keys.add', { provider: 'azure', secret: AZURE_KEY, baseUrl: fake.baseUrls.azure, options: { deployment: 'prod-missing', apiVersion: '2024-10-21' } }).catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    // The key service answers a provider 404 as VALIDATION (the address typed is wrong), with the test's hint.
    expect(err.code).toBe('VALIDATION');
    expect(err.message).toMatch(/Wrong endpoint or deployment: .* no deployment named “prod-missing”/);
    expect((err.details?.test as { code?: string }).code).toBe('NOT_FOUND');
    // The form can point at the deployment field rather than the endpoint.
    expect(err.details?.field).toBe('options.deployment');
    expect((await call<{ keys: KeyInfo[] }>('keys.list', {})).keys.filter((k) => k.provider === 'azure')).toEqual([]);

    const draft = await call<{ ok: boolean; code?: string; hint?: string }>('keys.testDraft', { provider: 'azure', secret: AZURE_KEY, baseUrl: fake.baseUrls.azure, options: { deployment: 'prod-missing' } });
    expect(draft).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    const added = await call<{ id: string; test?: { ok: boolean } }>('keys.add', { provider: 'azure', secret: AZURE_KEY, baseUrl: fake.baseUrls.azure, options: { deployment: 'prod-gpt4o', apiVersion: '2024-10-21' } });
    expect(added.test?.ok).toBe(true);
    expect(await call('keys.test', { id: added.id })).toMatchObject({ ok: true });
    expect(t.lines.join('\n')).not.toContain(AZURE_KEY);
  });
});
