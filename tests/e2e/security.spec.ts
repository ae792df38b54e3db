import { test, expect } from './fixtures.js';

test('the CSP blocks injected inline script and outside connections', async ({ app, host }) => {
  // The served HTML carries no inline script at all.
  const html = await (await app.request.get(`${host.url}/`)).text();
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    expect(m[1]).toMatch(/\bsrc=/);
    expect((m[2] ?? '').trim()).toBe('');
  }

  // page.evaluate itself bypasses CSP, so the test injects a <script> element and checks its effect.
  const result = await app.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    const w = window as unknown as { __injected?: boolean };
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.body.append(s);
    let fetched: string;
    try {
      await fetch('http://example.com/', { mode: 'no-cors' });
      fetched = 'allowed';
    } catch {
      fetched = 'blocked';
    }
    await new Promise((r) => setTimeout(r, 100));
    return { injected: w.__injected === true, fetched, violations };
  });
  expect(result.injected).toBe(false);
  expect(result.fetched).toBe('blocked');
  expect(result.violations).toContain('script-src-elem');
  expect(result.violations).toContain('connect-src');
});

test('API calls without the token are refused', async ({ host, request }) => {
  const res = await request.post(`${host.url}/api/rpc/app.info`, { data: {} });
  expect(res.status()).toBe(401);
  const body = (await res.json()) as { error: { code: string } };
  expect(body.error.code).toBe('UNAUTHORIZED');
});
