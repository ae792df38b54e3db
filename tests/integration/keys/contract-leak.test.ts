import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { filesUnder, waitFor } from '../../helpers/assert.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { randomBytes } from 'node:crypto';

const hex = (n: number) => randomBytes(n).toString('hex');
const CTX = { transport: 'web' as const, actor: 'test' };

describe('secrets never leave the vault (through the contract)', () => {
  const dir = tempDir();
  const answers: string[] = [];
  let fake: FakeProviders;
  let t: TestCore;

  const secrets = {
    openai: `sk-proj-leak${hex(20)}`,
    openaiRotated: `sk-proj-leak${hex(20)}`,
    openaiBadRotation: `sk-proj-leak${hex(16)}-invalid`,
    openaiInvalid: `sk-proj-leak${hex(16)}-invalid`,
    anthropic: `sk-ant-api03-leak${hex(20)}`,
    gemini: `AIza${hex(17)}x`,
    azure: hex(16),
    draft: `sk-proj-leak${hex(20)}`,
    env: `sk-ant-api03-env${hex(20)}`,
    openrouter: `sk-or-v1-leak${hex(24)}`,
    passphrase: `pass-${hex(12)}`,
  };

  async function call(method: string, input: unknown): Promise<unknown> {
    try {
      const r = await t.call(method, input);
      answers.push(JSON.stringify(r));
      return r;
    } catch (err) {
      answers.push(JSON.stringify(err instanceof AppError ? err.toPayload() : String(err)));
      return err;
    }
  }

  beforeAll(async () => {
    fake = await startFakeProviders({ port: 0 });
    // The test's own folder (the restart below opens it again); the log file is written as the app writes it.
    t = await startTestCore({
      dataDir: dir.path,
      passphrase: secrets.passphrase,
      env: { ANTHROPIC_API_KEY: secrets.env, SWITCHBOARD_MODELS_DEV_URL: `${fake.url}/models.dev/api.json` },
      logLevel: 'debug',
      logFile: true,
      ctx: CTX,
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
    dir.cleanup();
  });

  it('in no answer, error, log line or file of the data folder', async () => {
    const add = (await call('keys.add', { provider: 'openai', label: 'main', secret: secrets.openai, baseUrl: fake.baseUrls.openai })) as { id: string };
    expect(add.id).toBeTruthy();
    expect(await call('keys.add', { provider: 'openai', secret: secrets.openaiInvalid, baseUrl: fake.baseUrls.openai })).toMatchObject({ code: 'KEY_INVALID' });
    const claude = (await call('keys.add', { provider: 'anthropic', secret: secrets.anthropic, baseUrl: fake.baseUrls.anthropic })) as { id: string };
    await call('keys.add', { provider: 'gemini', secret: secrets.gemini, baseUrl: fake.baseUrls.gemini });
    await call('keys.add', { provider: 'azure', secret: secrets.azure, baseUrl: fake.baseUrls.azure, options: { deployment: 'gpt-4o-mini' } });
    await call('keys.add', { provider: 'anthropic', secret: ` ${secrets.anthropic}` });
    await call('keys.add', { provider: 'openai', secret: secrets.openai, baseUrl: 'http://api.example.com/v1' });
    await call('keys.testDraft', { provider: 'openai', secret: secrets.draft, baseUrl: fake.baseUrls.openai });
    await call('keys.test', { id: add.id });
    await call('keys.test', { id: 'env:anthropic' });
    // A chat whose first model stalls until the user skips it: its waiting and attempt events, the skip and the answer.
    const turn = call('chat.send', {
      sessionId: 'leak-chat',
      target: { keyId: add.id, model: 'gpt-4o-mini' },
      fallbacks: [{ keyId: claude.id, model: 'claude-haiku-4-5' }],
      messages: [{ role: 'user', content: 'Hello [[fault:stall@openai]]' }],
      stream: true,
      streamId: 'leak-stream',
    });
    await waitFor(() => t.events.some((e) => e.name === 'chat.waiting'));
    expect(await call('chat.skip', { streamId: 'leak-stream' })).toEqual({ skipped: true });
    expect(await turn).toMatchObject({ provider: 'anthropic' });
    await call('usage.records', { sessionId: 'leak-chat' });
    answers.push(...t.events.map((e) => JSON.stringify(e)));
    expect(await call('keys.update', { id: add.id, secret: secrets.openaiBadRotation })).toMatchObject({ code: 'KEY_INVALID' });
    await call('keys.update', { id: add.id, secret: secrets.openaiRotated, label: 'rotated' });
    await call('keys.list', {});
    await call('keys.audit', {});
    await call('vault.status', {});
    await call('app.info', {});
    await call('vault.unlock', { passphrase: 'wrong passphrase' });
    await call('keys.delete', { id: add.id });
    await call('keys.delete', { id: 'env:anthropic' });
    // The catalog's files and answers: OpenRouter's listing (fetched with the key), the online price update.
    await call('keys.add', { provider: 'openrouter', secret: secrets.openrouter, baseUrl: fake.baseUrls.openrouter });
    await call('models.refresh', {});
    await call('settings.set', { onlinePriceUpdates: true });
    await call('models.updatePrices', {});
    await call('models.list', { provider: 'openrouter' });
    expect(filesUnder(dir.path).some((f) => f.endsWith('provider-models.json'))).toBe(true);
    expect(filesUnder(dir.path).some((f) => f.endsWith('models-dev-prices.json'))).toBe(true);

    const list = (await call('keys.list', {})) as { keys: Array<{ source: string; last4: string }> };
    expect(list.keys.some((k) => k.source === 'environment' && k.last4 === secrets.env.slice(-4))).toBe(true);
    const info = (await call('app.info', {})) as { vault: { protection: string; persistent: boolean } };
    expect(info.vault).toMatchObject({ protection: 'passphrase', persistent: true });

    const all = Object.entries(secrets);
    for (const [name, value] of all) {
      for (const a of answers) expect(a.includes(value), `${name} in an answer`).toBe(false);
      for (const l of t.lines) expect(l.includes(value), `${name} in a log line`).toBe(false);
      for (const f of filesUnder(dir.path)) expect(readFileSync(f).includes(Buffer.from(value)), `${name} in ${f}`).toBe(false);
    }
    expect(filesUnder(dir.path).some((f) => f.endsWith('vault.json'))).toBe(true);
  });

  it('the saved keys still open after a restart with the passphrase', async () => {
    await t.close();
    t = await startTestCore({ dataDir: dir.path, passphrase: secrets.passphrase, ctx: CTX });
    const { keys } = (await t.call('keys.list', {})) as { keys: Array<{ provider: string; status: string }> };
    expect(keys.map((k) => k.provider).sort()).toEqual(['anthropic', 'azure', 'gemini', 'openrouter']);
    expect(keys.every((k) => k.status === 'ok')).toBe(true);
  });
});
