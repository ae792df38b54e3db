import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERNAL_CONTEXT } from '../../electron/core/app/context.js';
import { silentLogger } from '../../electron/core/app/logger.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { startWebHost, type WebHost } from '../../electron/host/server.js';
import { startFakeProviders, type FakeProviders } from '../../tests/fake-providers/index.js';

/** Fake secrets in each provider's format; the fake server accepts any key not ending in `-invalid`. */
export const BENCH_SECRETS = {
  openai: `sk-bench-${'o'.repeat(32)}`,
  anthropic: `sk-ant-bench-${'a'.repeat(32)}`,
  gemini: `AIza${'g'.repeat(35)}`,
} as const;

export type BenchWire = keyof typeof BENCH_SECRETS;

export interface BenchFixture {
  dir: string;
  fake: FakeProviders;
  core: Core;
  /** Key ids added through keys.add (skipTest), each pointing at the fake server. */
  keyIds: Record<BenchWire, string>;
  call<T = unknown>(method: string, input: unknown): Promise<T>;
  /** Starts the web host on port 0 with a token of ours (closed by close()). */
  webHost(): Promise<{ host: WebHost; token: string }>;
  /** Closes host, core and fake server and removes the temp dir. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Waits until the core's tokenizer worker counts exactly (chat.estimate names o200k_base), so the
 * benches measure a warm app: until then prompts get the stand-in estimate and the worker's build
 * competes for CPU. At most 60 s; a bench still runs (and shows it) if it never gets there.
 */
async function tokenizerReady(call: <T>(method: string, input: unknown) => Promise<T>): Promise<void> {
  const until = Date.now() + 60_000;
  const req = { target: { provider: 'openai', model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'warm-up' }] };
  while (Date.now() < until) {
    const r = await call<{ tokenizer: string }>('chat.estimate', req);
    if (r.tokenizer === 'o200k_base') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  process.stderr.write('bench: the tokenizer worker was not ready after 60 s; prompts are estimated\n');
}

/** A real core on a temp data dir, a fake provider server and one key per wire format. */
export async function benchFixture(): Promise<BenchFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  let fake: FakeProviders | null = null;
  let core: Core | null = null;
  let host: WebHost | null = null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (host) await host.close();
    if (core) await core.close();
    if (fake) await fake.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    fake = await startFakeProviders({ port: 0 });
    // env: {} so a developer's real OPENAI_API_KEY etc. never joins the bench as an environment key.
    core = await createCore({ dataDir: join(dir, 'data'), transport: 'web', version: 'bench', logger: silentLogger, env: {} });
    const c = core;
    const call = <T,>(method: string, input: unknown) => c.call(method, input, INTERNAL_CONTEXT) as Promise<T>;
    await tokenizerReady(call);
    const keyIds = {} as Record<BenchWire, string>;
    for (const wire of Object.keys(BENCH_SECRETS) as BenchWire[]) {
      const added = await call<{ id: string }>('keys.add', { provider: wire, secret: BENCH_SECRETS[wire], baseUrl: fake.baseUrls[wire], skipTest: true });
      keyIds[wire] = added.id;
    }
    return {
      dir,
      fake,
      core,
      keyIds,
      call,
      webHost: async () => {
        const staticDir = join(dir, 'static');
        mkdirSync(staticDir, { recursive: true });
        writeFileSync(join(staticDir, 'index.html'), '<html></html>');
        const token = `bench-token-${'x'.repeat(32)}`;
        host = await startWebHost({ core: c, token, staticDir, port: 0 });
        return { host, token };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
