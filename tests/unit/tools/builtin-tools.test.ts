import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculatorTool } from '../../../electron/core/tools/builtin/calculator.js';
import { clockTool } from '../../../electron/core/tools/builtin/clock.js';
import { evaluateExpression } from '../../../electron/core/tools/builtin/expression.js';
import { htmlToText, isAllowedUrl, readUrlTool } from '../../../electron/core/tools/builtin/read-url.js';

const signal = new AbortController().signal;

describe('calculator', () => {
  it('evaluates arithmetic with precedence, powers, functions and constants', () => {
    expect(evaluateExpression('2 + 3 * 4')).toBe(14);
    expect(evaluateExpression('(2 + 3) * 4')).toBe(20);
    expect(evaluateExpression('2^3^2')).toBe(512);
    expect(evaluateExpression('-2^2')).toBe(-4);
    expect(evaluateExpression('2**10 % 1000')).toBe(24);
    expect(evaluateExpression('sqrt(16) + max(1, 7, 3) + round(2.345, 2)')).toBe(13.35);
    expect(evaluateExpression('1_000 * 3 × 2 ÷ 4')).toBe(1500);
    expect(evaluateExpression('log(8, 2)')).toBeCloseTo(3, 12);
    expect(evaluateExpression('2 * pi')).toBeCloseTo(6.283185307, 8);
  });

  it('never runs anything but arithmetic, and says what is wrong', () => {
    for (const [src, msg] of [
      ['constructor.constructor("return process")()', /unknown name "constructor"|unexpected "\."/],
      ['__proto__', /unknown name/],
      ['process.exit(1)', /unknown name "process"|unexpected "\."/],
      ['1/0', /division by zero/],
      ['sqrt(-1)', /not a number/],
      ['(1 + 2', /"\)" is missing/],
      ['1 +', /ends too early/],
      ['max()', /takes 1 to 50 arguments, not 0/],
      ['"1"', /unexpected """/],
      ['', /empty/],
      ['('.repeat(500) + '1' + ')'.repeat(500), /nested too deeply/],
      ['1'.repeat(3000), /longer than/],
    ] as const) {
      expect(() => evaluateExpression(src), src.slice(0, 30)).toThrow(msg);
    }
  });

  it('as a tool: a result for the model, or a tool error it can act on', async () => {
    const tool = calculatorTool();
    expect(await tool.run({ expression: '0.1 + 0.2' }, signal)).toEqual({ ok: true, content: '0.1 + 0.2 = 0.3' });
    expect(await tool.run({ expression: '2 +' }, signal)).toMatchObject({ ok: false, content: expect.stringContaining('Could not evaluate') });
    expect(await tool.run({}, signal)).toMatchObject({ ok: false });
  });
});

describe('current time', () => {
  it('answers UTC and local time in the zone asked for, and refuses an unknown zone', async () => {
    const tool = clockTool(() => Date.UTC(2026, 6, 1, 12, 0, 0), () => 'Europe/Berlin');
    const here = JSON.parse((await tool.run({}, signal)).content) as { utc: string; timeZone: string; local: string };
    expect(here).toMatchObject({ utc: '2026-07-01T12:00:00.000Z', timeZone: 'Europe/Berlin' });
    expect(here.local).toContain('14:00:00');
    expect(JSON.parse((await tool.run({ timeZone: 'Asia/Tokyo' }, signal)).content).local).toContain('21:00:00');
    expect(await tool.run({ timeZone: 'Mars/Olympus' }, signal)).toMatchObject({ ok: false });
  });
});

describe('read a URL', () => {
  let server: Server;
  let base: string;
  let other: Server;
  let otherBase: string;

  beforeAll(async () => {
    other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('secret elsewhere'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    server = createServer((req, res) => {
      if (req.url === '/docs/page') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Doc &amp; co</title><script>evil()</script></head><body><h1>Hello</h1><p>World&nbsp;&#33;</p></body></html>');
      else if (req.url === '/docs/big') res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000));
      else if (req.url === '/docs/away') res.writeHead(302, { location: `${otherBase}/` }).end();
      else if (req.url === '/docs/hop') res.writeHead(301, { location: '/docs/page' }).end();
      else if (req.url === '/docs/slow') setTimeout(() => res.writeHead(200).end('late'), 3000);
      else if (req.url === '/docs/image') res.writeHead(200, { 'content-type': 'image/png' }).end('png');
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    other.closeAllConnections();
    await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
  });

  it('matches the allow list by origin and path prefix, never with credentials', () => {
    const allow = ['https://example.com/docs', 'https://site.org'];
    expect(isAllowedUrl(new URL('https://example.com/docs'), allow)).toBe(true);
    expect(isAllowedUrl(new URL('https://example.com/docs/a/b?q=1'), allow)).toBe(true);
    expect(isAllowedUrl(new URL('https://example.com/docsx'), allow)).toBe(false);
    expect(isAllowedUrl(new URL('https://example.com/'), allow)).toBe(false);
    expect(isAllowedUrl(new URL('http://example.com/docs'), allow)).toBe(false);
    expect(isAllowedUrl(new URL('https://site.org/anything'), allow)).toBe(true);
    expect(isAllowedUrl(new URL('https://user:pw@site.org/'), allow)).toBe(false);
    expect(isAllowedUrl(new URL('file:///etc/passwd'), allow)).toBe(false);
  });

  it('reads an allowed page as text, follows redirects that stay on the list and none that leave it', async () => {
    const tool = readUrlTool({ allowList: () => [`${base}/docs/`] });
    const page = await tool.run({ url: `${base}/docs/page` }, signal);
    expect(page.ok).toBe(true);
    expect(page.content).toContain('Doc & co');
    expect(page.content).toContain('Hello');
    expect(page.content).toContain('World !');
    expect(page.content).not.toContain('evil');
    expect((await tool.run({ url: `${base}/docs/hop` }, signal)).content).toContain('Hello');
    const away = await tool.run({ url: `${base}/docs/away` }, signal);
    expect(away).toMatchObject({ ok: false, content: expect.stringContaining('not on the allowed list') });
    expect(away.content).not.toContain('secret elsewhere');
    expect(await tool.run({ url: `${base}/private` }, signal)).toMatchObject({ ok: false, content: expect.stringContaining('Settings → Tools') });
    expect(await tool.run({ url: `${base}/docs/image` }, signal)).toMatchObject({ ok: false, content: expect.stringContaining('not text') });
  });

  it('is bounded in size and time', async () => {
    const tool = readUrlTool({ allowList: () => [base], limits: { maxBytes: 1000, timeoutMs: 300 } });
    const big = await tool.run({ url: `${base}/docs/big` }, signal);
    expect(big.content).toContain('only the first 1 KB were read');
    expect(big.content.length).toBeLessThan(1200);
    expect(await tool.run({ url: `${base}/docs/slow` }, signal)).toMatchObject({ ok: false, content: expect.stringContaining('did not answer within') });
    expect(tool.unavailable).toBeUndefined();
    expect(readUrlTool({ allowList: () => [] }).unavailable).toMatch(/No addresses/);
  });

  it('htmlToText keeps the words and drops markup', () => {
    expect(htmlToText('<p>a<br>b</p><style>x{}</style><!-- c -->&lt;d&gt;')).toBe('a\nb\n<d>');
  });
});
