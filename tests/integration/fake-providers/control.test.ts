import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parseDirectives, stripDirectives } from '../../fake-providers/directives.js';
import { FaultBook } from '../../fake-providers/faults.js';
import { failure, raw, useFakeProviders } from './harness.js';

const ctx = useFakeProviders();
const ROOT = new URL('../../../', import.meta.url).pathname;

const openai = () => new OpenAI({ apiKey: 'sk-test-control-0123456789', baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: 'sk-ant-test-control-0123456789', baseURL: ctx.fake.baseUrls.anthropic, maxRetries: 0 });
const gemini = () => new GoogleGenAI({ apiKey: 'AIza-test-control', httpOptions: { baseUrl: ctx.fake.baseUrls.gemini, retryOptions: { attempts: 1 } } });

function askAll(text: string) {
  return {
    openai: () => openai().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] }),
    anthropic: () => anthropic().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: text }] }),
    gemini: () => gemini().models.generateContent({ model: 'gemini-2.5-flash', contents: text }),
  };
}

describe('directives', () => {
  it('parses faults with counts and scopes, usage, delay, reply and tool', () => {
    const d = parseDirectives('hi [[fault:429x2@gemini]] [[fault:500]] [[fault:context]] [[usage:in=10, out=5,cached=2,write=1,reasoning=3]] [[delay:25]] [[reply:a [b] c]] [[tool:search]]');
    expect(d.faults.map((f) => [f.fault, f.times, f.scope])).toEqual([
      [{ type: 'error', kind: 'rate_limit' }, 2, 'gemini'],
      [{ type: 'error', kind: 'server' }, null, null],
      [{ type: 'error', kind: 'context' }, null, null],
    ]);
    expect(d.usage).toEqual({ in: 10, out: 5, cached: 2, write: 1, write1h: 0, reasoning: 3 });
    expect(d.delayMs).toBe(25);
    expect(d.reply).toBe('a [b] c');
    expect(d.tool).toEqual({ names: ['search'] });
    expect(parseDirectives('[[tool]] [[fault:418]] [[fault:nonsense]] [[fault:cutx1]]').faults.map((f) => f.fault)).toEqual([
      { type: 'error', kind: 'status', status: 418 },
      { type: 'body', name: 'cut' },
    ]);
    expect(stripDirectives('  hello [[fault:500]]   world [[usage:in=1]] ')).toBe('hello world');
  });

  it('cycles counted faults per format and text, in the order written, then starts over', () => {
    const book = new FaultBook();
    const faults = parseDirectives('[[fault:429x2]] [[fault:500x1]]').faults;
    const kinds = Array.from({ length: 8 }, () => {
      const d = book.decide('openai', 't', faults);
      return d.type === 'error' ? d.error.kind : 'ok';
    });
    expect(kinds).toEqual(['rate_limit', 'rate_limit', 'server', 'ok', 'rate_limit', 'rate_limit', 'server', 'ok']);
    // Another format or another text has its own cycle; Azure shares OpenAI's wire format.
    expect(book.decide('anthropic', 't', faults).type).toBe('error');
    expect(book.decide('openai', 'other', faults).type).toBe('error');
    expect(book.decide('azure', 't', faults).type).toBe('error');
  });
});

describe('fault scoping', () => {
  it('[[fault:500@openai]] fails only OpenAI, so a fallback to another format succeeds', async () => {
    const ask = askAll('scoped [[fault:500@openai]]');
    await expect(ask.openai()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await ask.anthropic()).stop_reason).toBe('end_turn');
    expect((await ask.gemini()).text).toContain('scoped');
  });

  it('[[fault:529@anthropic]] and [[fault:429x2@gemini]] leave the other formats alone', async () => {
    const a = askAll('scoped [[fault:529@anthropic]]');
    await expect(a.anthropic()).rejects.toBeInstanceOf(Anthropic.OverloadedError);
    await expect(a.openai()).resolves.toBeDefined();
    const g = askAll('scoped [[fault:429x2@gemini]]');
    await expect(g.openai()).resolves.toBeDefined();
    await expect(g.anthropic()).resolves.toBeDefined();
    await expect(g.gemini()).rejects.toMatchObject({ status: 429 });
    await expect(g.gemini()).rejects.toMatchObject({ status: 429 });
    await expect(g.gemini()).resolves.toBeDefined();
  });

  it('without @ a fault applies to every format, each keeping its own 429 cycle', async () => {
    const ask = askAll('all [[fault:429x1]]');
    await expect(ask.openai()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(ask.anthropic()).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    await expect(ask.gemini()).rejects.toMatchObject({ status: 429 });
    await expect(ask.openai()).resolves.toBeDefined();
    await expect(ask.anthropic()).resolves.toBeDefined();
    await expect(ask.gemini()).resolves.toBeDefined();
  });

  it('[[fault:401]] rejects a good key the way each provider rejects a bad one', async () => {
    const ask = askAll('x [[fault:401]]');
    await expect(ask.openai()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(ask.anthropic()).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const err = (await failure(ask.gemini)) as { status: number; message: string };
    expect(err.status).toBe(400);
    expect(err.message).toContain('API_KEY_INVALID');
  });

  it('a counted error can precede a body fault: 429 once, then a cut stream', async () => {
    const ask = () => openai().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x [[fault:429x1]] [[fault:cut]]' }], stream: true });
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const stream = await ask();
    await expect((async () => {
      for await (const _ of stream) void _;
    })()).rejects.toThrow();
  });
});

describe('control endpoints', () => {
  it('GET /_stats counts every request by method and path (faults included, itself not), with aborted and inFlight', async () => {
    await askAll('a').openai();
    await failure(askAll('b [[fault:500]]').openai);
    await askAll('c').gemini();
    await openai().models.list();
    await raw(`${ctx.fake.url}/_stats`);
    const stats = (await raw(`${ctx.fake.url}/_stats`)).json();
    expect(stats).toEqual({
      requests: {
        'POST /openai/v1/chat/completions': 2,
        'POST /gemini/v1beta/models/gemini-2.5-flash:generateContent': 1,
        'GET /openai/v1/models': 1,
      },
      aborted: {},
      inFlight: 0,
    });
  });

  it('POST /_reset clears counters, the request log and fault cycles', async () => {
    const ask = askAll('reset me [[fault:429x1]]').openai;
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect((await raw(`${ctx.fake.url}/_reset`, { method: 'POST' })).status).toBe(200);
    expect(ctx.fake.stats().requests).toEqual({});
    expect(ctx.fake.requests()).toEqual([]);
    // The cycle started over: the next call is a 429 again, not the success that would have followed.
    await expect(ask()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('GET /_requests returns recent bodies with key presence but never the key', async () => {
    const secret = 'sk-test-very-secret-value-0123456789';
    await new OpenAI({ apiKey: secret, baseURL: ctx.fake.baseUrls.openai, maxRetries: 0 }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'recorded' }],
      temperature: 0.2,
    });
    await raw(`${ctx.fake.baseUrls.gemini}/v1beta/models/g:generateContent?key=AIza-query-secret`, { body: { contents: [{ parts: [{ text: 'q' }] }] } });
    const res = await raw(`${ctx.fake.url}/_requests`);
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain('AIza-query-secret');
    const { requests } = res.json() as { requests: Array<Record<string, unknown>> };
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/openai/v1/chat/completions',
      flavor: 'openai',
      keyPresent: true,
      body: { model: 'gpt-4o-mini', temperature: 0.2, messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'recorded' }] },
    });
    expect(requests[1]).toMatchObject({ flavor: 'gemini', keyPresent: true, query: {} });
  });

  it('answers unknown routes with each provider\'s 404 shape', async () => {
    const o = await raw(`${ctx.fake.baseUrls.openai}/nope`, { headers: { authorization: 'Bearer sk-test' } });
    expect(o.status).toBe(404);
    expect(o.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const a = await raw(`${ctx.fake.baseUrls.anthropic}/v1/nope`);
    expect(a.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function firstLine(child: ChildProcess): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout ?? []) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return out.split('\n')[0] ?? '';
}

/** The npm script's own command line, run without npm's start-up cost. */
function scriptCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [node, ...args] = (pkg.scripts['fake-providers'] ?? '').split(' ');
  expect(node).toBe('node');
  return args;
}

async function stopsCleanly(child: ChildProcess, port: string, signal: NodeJS.Signals): Promise<void> {
  // A stalled request must not keep the process from exiting.
  const stalled = fetch(`http://127.0.0.1:${port}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '[[fault:stall]]' }] }),
  }).catch(() => 'dropped');
  await new Promise((r) => setTimeout(r, 50));
  child.kill(signal);
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
  expect(await stalled).toBe('dropped');
}

describe('CLI', () => {
  it('the fake-providers script with --port <p> prints exactly the listening line, serves, and exits on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [...scriptCommand(), '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(await firstLine(child)).toBe(`listening on http://127.0.0.1:${port}`);
    expect((await raw(`http://127.0.0.1:${port}/_stats`)).json()).toEqual({ requests: {}, aborted: {}, inFlight: 0 });
    await stopsCleanly(child, String(port), 'SIGTERM');
  });

  it('--port 0 prints the real port, and SIGINT ends it cleanly', async () => {
    const child = spawn(process.execPath, [...scriptCommand(), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(await firstLine(child));
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThan(0);
    await stopsCleanly(child, m?.[1] ?? '', 'SIGINT');
  });
});
