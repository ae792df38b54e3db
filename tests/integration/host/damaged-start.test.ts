import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHostProcess, type HostProcess } from '../../helpers/host-process.js';
import { tempDir } from '../../helpers/temp-dir.js';

// `npm run web` itself, as the probe ran it: a truncated settings.json stopped it with "failed to
// start: Unexpected end of JSON input", and a damaged usage.db with "file is not a database".

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function startOn(files: Record<string, string>): Promise<{ host: HostProcess; dataDir: string }> {
  const t = tempDir('sb-damaged-host-');
  cleanup.push(t.cleanup);
  const dataDir = join(t.path, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dataDir, name), content);
  const host = await startHostProcess({ dataDir, staticDir: join(t.path, 'static') });
  cleanup.push(() => host.stop());
  return { host, dataDir };
}

describe('the web host starts on a data folder with damaged files', () => {
  it('a truncated settings.json: listening, defaults in force, the file kept aside and named in app.info', async () => {
    const { host, dataDir } = await startOn({ 'settings.json': '{"settings":{"keyFailover":false,"credentialChan' });
    expect(host.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect((await host.rpc('settings.get')).json).toMatchObject({ keyFailover: true });
    const { notices } = (await host.rpc('app.info')).json as { notices: Array<{ file: string; keptAs?: string }> };
    expect(notices).toEqual([expect.objectContaining({ file: 'settings.json', keptAs: expect.stringMatching(/^settings\.json\.damaged-/) })]);
    expect(readdirSync(dataDir)).toContain(notices[0]!.keptAs);
    expect(host.output()).toMatch(/damaged file: settings\.json/);
  });

  it('a usage.db that is not a database: listening, chat refused with LEDGER_UNAVAILABLE naming the file', async () => {
    const garbage = 'this is not a SQLite database '.repeat(100);
    const { host, dataDir } = await startOn({ 'usage.db': garbage });
    // A local server entry (nothing listens there): the refusal comes before any request is made.
    const key = await host.rpc('keys.add', { provider: 'openai-compatible', secret: '', baseUrl: 'http://127.0.0.1:9/v1', skipTest: true });
    const chat = await host.rpc('chat.send', { sessionId: 's', target: { keyId: key.json.id, model: 'llama' }, messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(chat.status).toBe(503);
    expect(chat.json.error.code).toBe('LEDGER_UNAVAILABLE');
    expect(chat.json.error.message).toContain(join(dataDir, 'usage.db'));
    expect(readFileSync(join(dataDir, 'usage.db'), 'utf8')).toBe(garbage);
  });

  it('a garbage host-token: replaced by this run’s token (it is never read, only written)', async () => {
    const { host, dataDir } = await startOn({ 'host-token': '\u0000\u00ffnot a token' });
    expect(readFileSync(join(dataDir, 'host-token'), 'utf8').trim()).toBe(host.token);
    expect((await host.rpc('app.info')).status).toBe(200);
  });
});
