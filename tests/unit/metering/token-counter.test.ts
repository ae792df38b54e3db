import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/core/app/logger.js';
import { TokenCountCache } from '../../../electron/core/metering/token-cache.js';
import { TokenCounter, type TokenizerWorker } from '../../../electron/core/metering/token-counter.js';
import { startTokenizerWorker, type ToWorker } from '../../../electron/core/metering/tokenizer-worker.js';
import { CONSERVATIVE_TOKENIZER, estimatePromptTokens, type Encoding } from '../../../electron/core/metering/tokenizer.js';
import type { ChatMessage } from '../../../shared/contract/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const user = (content: string): ChatMessage => ({ role: 'user', content });
const counters: TokenCounter[] = [];

function counter(options: Partial<ConstructorParameters<typeof TokenCounter>[0]> = {}): { c: TokenCounter; lines: string[] } {
  const lines: string[] = [];
  const c = new TokenCounter({ logger: createLogger({ write: (l) => lines.push(l) }), ...options });
  counters.push(c);
  return { c, lines };
}

/** A real worker whose messages to it are recorded. */
function recordingWorker(posted: ToWorker[]): (preload: Encoding[]) => TokenizerWorker {
  return (preload) => {
    const w = startTokenizerWorker(preload);
    const post = w.postMessage.bind(w);
    w.postMessage = (m: ToWorker) => {
      posted.push(m);
      post(m);
    };
    return w;
  };
}

/** A stand-in worker that starts but never loads anything (the first moments after start, stretched). */
class SilentWorker extends EventEmitter implements TokenizerWorker {
  posted: ToWorker[] = [];
  terminated = false;
  postMessage(m: ToWorker): void {
    this.posted.push(m);
  }
  async terminate(): Promise<number> {
    this.terminated = true;
    return 0;
  }
  ref(): void {}
  unref(): void {}
}

afterEach(async () => {
  await Promise.all(counters.splice(0).map((c) => c.close()));
});

const samples = {
  prose: readFileSync(join(root, 'README.md'), 'utf8').slice(0, 6000),
  code: readFileSync(join(root, 'electron', 'core', 'router', 'router.ts'), 'utf8').slice(0, 6000),
  json: readFileSync(join(root, 'package.json'), 'utf8'),
  cjk: '日本語のテキストを数えるためのサンプル文章です。我们正在测试分词器。'.repeat(20),
  cyrillic: 'Быстрая коричневая лиса прыгает через ленивую собаку. '.repeat(20),
};

describe('token counter (tokenizer in a worker thread)', () => {
  it('counts OpenAI prompts in the worker exactly as the tokenizer does in-thread, long texts sampled alike', async () => {
    const { c } = counter();
    expect(await c.whenReady('o200k_base')).toBe(true);
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      user(samples.prose),
      { role: 'assistant' as const, content: samples.code },
      user('hello world'),
    ];
    expect(await c.estimate(messages, 'openai', 'gpt-4o-mini')).toEqual(estimatePromptTokens(messages, 'openai', 'gpt-4o-mini'));
    const long = [user('word '.repeat(40_000))];
    const est = await c.estimate(long, 'openai', 'gpt-4o');
    expect(est).toEqual(estimatePromptTokens(long, 'openai', 'gpt-4o'));
    expect(est.tokenizer).toBe('o200k_base (long text sampled)');
    // cl100k_base is loaded on first use.
    expect(await c.whenReady('cl100k_base')).toBe(true);
    expect(await c.estimate(messages, 'openai', 'gpt-4-turbo')).toEqual(estimatePromptTokens(messages, 'openai', 'gpt-4-turbo'));
  });

  it('answers other model families with their calibrated approximation and starts no worker for them', async () => {
    let started = 0;
    const { c } = counter({ startWorker: () => (started++, new SilentWorker()) });
    const messages = [user('The quick brown fox jumps over the lazy dog. '.repeat(20))];
    expect(await c.estimate(messages, 'anthropic', 'claude-sonnet-5')).toEqual(estimatePromptTokens(messages, 'anthropic', 'claude-sonnet-5'));
    expect(await c.estimate(messages, 'gemini', 'gemini-2.5-flash')).toEqual(estimatePromptTokens(messages, 'gemini', 'gemini-2.5-flash'));
    expect(started).toBe(0);
    // Each text is counted once per approximation and then looked up, like exact counts.
    expect(c.cachedChars).toBe(2 * messages[0]!.content.length);
    const cjk = [user('日本語のテキスト🚀'), ...messages];
    expect(await c.estimate(cjk, 'anthropic', 'claude-haiku-4-5')).toEqual(estimatePromptTokens(cjk, 'anthropic', 'claude-haiku-4-5'));
    expect(await c.estimate(cjk, 'anthropic', 'claude-haiku-4-5')).toEqual(estimatePromptTokens(cjk, 'anthropic', 'claude-haiku-4-5'));
  });

  it('counts a special-token name typed by a user as plain text instead of failing', async () => {
    const { c } = counter();
    await c.whenReady();
    const messages = [user('Explain what <|endoftext|> and <|im_start|> mean.')];
    const est = await c.estimate(messages, 'openai', 'gpt-4o');
    expect(est.tokenizer).toBe('o200k_base');
    expect(est).toEqual(estimatePromptTokens(messages, 'openai', 'gpt-4o'));
  });

  it('while the tokenizer loads, answers at once with a named estimate at or above the real count', async () => {
    const silent = new SilentWorker();
    const { c } = counter({ startWorker: () => silent });
    for (const [name, text] of Object.entries(samples)) {
      const est = await c.estimate([user(text)], 'openai', 'gpt-4o-mini');
      expect(est.tokenizer, name).toBe(CONSERVATIVE_TOKENIZER);
      expect(est.tokens, name).toBeGreaterThanOrEqual(estimatePromptTokens([user(text)], 'openai', 'gpt-4o-mini').tokens);
    }
    // Nothing was sent to count: the worker was only asked to load.
    expect(silent.posted.every((m) => m.type === 'load')).toBe(true);
  });

  it('falls back to the estimate when the worker cannot be started, and says so in the log', async () => {
    const { c, lines } = counter({
      startWorker: () => {
        throw new Error('worker threads are not available');
      },
    });
    const est = await c.estimate([user('hello world')], 'openai', 'gpt-4o');
    // The stand-in is no bound: the reservation takes one token per UTF-8 byte plus the template allowance.
    expect(est).toEqual({ tokens: Math.ceil(11 / 2) + 4 + 1 + 3, tokenizer: CONSERVATIVE_TOKENIZER, upperBound: 11 + 8 + 16 });
    expect(await c.whenReady()).toBe(false);
    expect(lines.join('\n')).toMatch(/tokenizer worker is not available/);
  });

  it('falls back when the worker crashes on start', async () => {
    const { c, lines } = counter({ startWorker: () => new Worker('throw new Error("no tokenizer here")', { eval: true }) });
    expect((await c.estimate([user('hello')], 'openai', 'gpt-4o')).tokenizer).toBe(CONSERVATIVE_TOKENIZER);
    expect(await c.whenReady()).toBe(false);
    expect((await c.estimate([user('hello')], 'openai', 'gpt-4o')).tokenizer).toBe(CONSERVATIVE_TOKENIZER);
    expect(lines.join('\n')).toMatch(/tokenizer worker is not available/);
  });

  it('falls back when the worker cannot load the tokenizer files', async () => {
    const missing = join(root, 'no-such-dir', 'x.cjs');
    const { c, lines } = counter({ startWorker: (preload) => startTokenizerWorker(preload, { lite: missing, ranks: { o200k_base: missing, cl100k_base: missing } }) });
    expect(await c.whenReady('o200k_base')).toBe(false);
    expect((await c.estimate([user('hello')], 'openai', 'gpt-4o')).tokenizer).toBe(CONSERVATIVE_TOKENIZER);
    expect(lines.join('\n')).toMatch(/tokenizer could not be loaded/);
  });

  it('falls back when the worker dies or stops answering while a count is awaited', async () => {
    class DyingWorker extends SilentWorker {
      override postMessage(m: ToWorker): void {
        super.postMessage(m);
        if (m.type === 'count') setImmediate(() => this.emit('exit', 1));
      }
    }
    const dying = new DyingWorker();
    const a = counter({ startWorker: () => dying }).c;
    a.start();
    dying.emit('message', { type: 'ready', enc: 'o200k_base' });
    expect((await a.estimate([user('hello')], 'openai', 'gpt-4o')).tokenizer).toBe(CONSERVATIVE_TOKENIZER);
    expect(dying.posted.some((m) => m.type === 'count')).toBe(true);
    expect(await a.whenReady()).toBe(false);

    const mute = new SilentWorker();
    const b = counter({ startWorker: () => mute, timeoutMs: 20 });
    b.c.start();
    mute.emit('message', { type: 'ready', enc: 'o200k_base' });
    expect((await b.c.estimate([user('hello')], 'openai', 'gpt-4o')).tokenizer).toBe(CONSERVATIVE_TOKENIZER);
    expect(b.lines.join('\n')).toMatch(/did not answer in time/);
  });

  it('a conversation’s later turns send only their new messages to the tokenizer', async () => {
    const posted: ToWorker[] = [];
    const { c } = counter({ startWorker: recordingWorker(posted) });
    await c.whenReady();
    const history = [user(samples.prose), { role: 'assistant' as const, content: samples.code }, user('And now?')];
    const first = await c.estimate(history, 'openai', 'gpt-4o-mini');
    const next = [...history, { role: 'assistant' as const, content: 'Here.' }, user('Thanks, one more thing.')];
    const second = await c.estimate(next, 'openai', 'gpt-4o-mini');
    const counted = posted.flatMap((m) => (m.type === 'count' ? m.texts : []));
    expect(counted).toEqual([samples.prose, samples.code, 'And now?', 'Here.', 'Thanks, one more thing.']);
    expect(first).toEqual(estimatePromptTokens(history, 'openai', 'gpt-4o-mini'));
    expect(second).toEqual(estimatePromptTokens(next, 'openai', 'gpt-4o-mini'));
    // The same history again costs no worker round trip at all.
    await c.estimate(next, 'openai', 'gpt-4o-mini');
    expect(posted.filter((m) => m.type === 'count')).toHaveLength(2);
  });

  it('keeps the cache within its character budget', async () => {
    const { c } = counter({ cacheChars: 10_000 });
    await c.whenReady();
    for (let i = 0; i < 30; i++) await c.estimate([user(`${i} ${'lorem ipsum dolor sit amet '.repeat(40)}`)], 'openai', 'gpt-4o');
    expect(c.cachedChars).toBeGreaterThan(0);
    expect(c.cachedChars).toBeLessThanOrEqual(10_000);
  });

  it('close() stops the worker; later estimates still answer', async () => {
    const silent = new SilentWorker();
    const { c } = counter({ startWorker: () => silent });
    c.start();
    await c.close();
    expect(silent.terminated).toBe(true);
    expect((await c.estimate([user('hi')], 'openai', 'gpt-4o')).tokenizer).toBe(CONSERVATIVE_TOKENIZER);
    expect(await c.whenReady()).toBe(false);
  });
});

describe('token count cache', () => {
  const n = (tokens: number) => ({ tokens, sampled: false });

  it('evicts the least recently used texts first when over its character budget', () => {
    const cache = new TokenCountCache(100);
    const [a, b, c] = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
    cache.set('o200k_base', a, n(1));
    cache.set('o200k_base', b, n(2));
    expect(cache.get('o200k_base', a)).toEqual(n(1)); // a is now the most recent
    cache.set('o200k_base', c, n(3));
    expect(cache.size).toBe(80);
    expect(cache.get('o200k_base', b)).toBeUndefined();
    expect(cache.get('o200k_base', a)).toEqual(n(1));
    expect(cache.get('o200k_base', c)).toEqual(n(3));
  });

  it('bounds the total across encodings, never drops the text just written, and skips texts over the budget', () => {
    const cache = new TokenCountCache(100);
    cache.set('cl100k_base', 'x'.repeat(60), n(1));
    cache.set('o200k_base', 'y'.repeat(60), n(2));
    expect(cache.size).toBe(60);
    expect(cache.get('o200k_base', 'y'.repeat(60))).toEqual(n(2));
    expect(cache.get('cl100k_base', 'x'.repeat(60))).toBeUndefined();
    cache.set('o200k_base', 'z'.repeat(101), n(3));
    expect(cache.get('o200k_base', 'z'.repeat(101))).toBeUndefined();
    expect(cache.size).toBe(60);
    // The same text under another encoding is another entry.
    expect(cache.get('cl100k_base', 'y'.repeat(60))).toBeUndefined();
  });
});
