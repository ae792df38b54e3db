import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { pick, rng } from '../../helpers/random.js';
import { startTestTeam, type TestTeam } from '../../helpers/team-server.js';
import { useFakeProviders } from '../fake-providers/harness.js';

const providers = useFakeProviders();
let pg: TestPostgres;
let team: TestTeam;
let member: { id: string; token: string };

beforeAll(async () => {
  pg = await startTestPostgres();
  team = await startTestTeam(pg, providers.fake);
  await team.openaiDefault();
  member = await team.member('fuzzed');
}, 90_000);
afterAll(async () => {
  await team?.close();
  await pg?.stop();
}, 60_000);

interface Endpoint {
  method: 'POST' | 'PUT';
  path: () => string;
  token: () => string;
  valid: () => Record<string, unknown>;
}

const usageRecord = () => ({
  id: randomUUID(),
  time: Date.now(),
  provider: 'openai',
  model: 'gpt-4o-mini',
  source: 'user',
  status: 'ok',
  usage: { inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0, estimated: false },
  costUsd: 0,
});

const ENDPOINTS: Record<string, Endpoint> = {
  createMember: { method: 'POST', path: () => '/api/admin/members', token: () => team.ownerToken, valid: () => ({ name: 'Ann', role: 'member', expiresInDays: 5 }) },
  limits: { method: 'PUT', path: () => `/api/admin/members/${member.id}/limits`, token: () => team.ownerToken, valid: () => ({ dailyTokens: 100, monthlyUsd: 2 }) },
  token: { method: 'POST', path: () => `/api/admin/members/${randomUUID()}/token`, token: () => team.ownerToken, valid: () => ({ expiresInDays: 3 }) },
  keys: { method: 'POST', path: () => '/api/admin/keys', token: () => team.ownerToken, valid: () => ({ provider: 'openai', secret: 'sk-fuzz-key-0000000000000-invalid', baseUrl: providers.fake.baseUrls.openai, label: 'l' }) },
  models: { method: 'PUT', path: () => '/api/admin/models', token: () => team.ownerToken, valid: () => ({ default: { provider: 'openai', model: 'gpt-4o-mini' }, allowed: [{ provider: 'openai', model: 'gpt-4o' }] }) },
  team: { method: 'PUT', path: () => '/api/admin/team', token: () => team.ownerToken, valid: () => ({ name: 'T', timeZone: 'UTC', monthlyUsd: 100 }) },
  sync: { method: 'POST', path: () => '/api/sync/usage', token: () => member.token, valid: () => ({ deviceId: 'd', records: [usageRecord()] }) },
  chat: { method: 'POST', path: () => '/v1/chat/completions', token: () => member.token, valid: () => ({ model: 'default', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) },
};

/** Hand-picked bad inputs and the field each answer must name. */
const CASES: Array<[keyof typeof ENDPOINTS, (v: Record<string, any>) => unknown, string]> = [
  ['createMember', (v) => ({ ...v, name: '' }), 'name'],
  ['createMember', (v) => ({ ...v, name: 'a\nb' }), 'name'],
  ['createMember', (v) => ({ ...v, role: 'owner' }), 'role'],
  ['createMember', (v) => ({ ...v, expiresInDays: 0 }), 'expiresInDays'],
  ['createMember', (v) => ({ ...v, extra: 1 }), '(request)'],
  ['limits', (v) => ({ ...v, dailyTokens: -1 }), 'dailyTokens'],
  ['limits', (v) => ({ ...v, dailyTokens: 1.5 }), 'dailyTokens'],
  ['limits', (v) => ({ ...v, monthlyUsd: '5' }), 'monthlyUsd'],
  ['token', (v) => ({ ...v, expiresInDays: 'soon' }), 'expiresInDays'],
  ['keys', (v) => ({ ...v, provider: 'acme' }), 'provider'],
  ['keys', (v) => ({ ...v, secret: 42 }), 'secret'],
  ['keys', (v) => ({ ...v, baseUrl: 'not a url' }), 'baseUrl'],
  ['keys', (v) => ({ ...v, baseUrl: 'http://example.com/v1' }), 'baseUrl'],
  ['models', (v) => ({ ...v, default: { provider: 'openai' } }), 'default.model'],
  ['models', (v) => ({ ...v, allowed: [{ provider: 'nope', model: 'x' }] }), 'allowed[0].provider'],
  ['team', (v) => ({ ...v, timeZone: 'Mars/Olympus' }), 'timeZone'],
  ['team', (v) => ({ ...v, monthlyUsd: -3 }), 'monthlyUsd'],
  ['sync', (v) => ({ ...v, deviceId: '' }), 'deviceId'],
  ['sync', (v) => ({ ...v, records: [{ ...usageRecord(), usage: { inputTokens: -1 } }] }), 'records[0].usage.inputTokens'],
  ['sync', (v) => ({ ...v, records: [{ ...usageRecord(), status: 'reserved' }] }), 'records[0].status'],
  ['sync', (v) => ({ ...v, records: [{ ...usageRecord(), time: 'yesterday' }] }), 'records[0].time'],
  ['sync', (v) => ({ ...v, records: Array.from({ length: 1001 }, usageRecord) }), 'records'],
  ['chat', (v) => ({ ...v, messages: [] }), 'messages'],
  ['chat', (v) => ({ ...v, messages: [{ role: 'wizard', content: 'x' }] }), 'messages[0].role'],
  ['chat', (v) => ({ ...v, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }), 'messages[0].content[0].type'],
  ['chat', (v) => ({ ...v, temperature: 9 }), 'temperature'],
  ['chat', (v) => ({ ...v, max_tokens: -5 }), 'max_tokens'],
  ['chat', (v) => ({ ...v, max_tokens: 10_000_000 }), 'max_tokens'],
  ['chat', (v) => ({ ...v, n: 3 }), 'n'],
  ['chat', (v) => ({ ...v, tools: [{ type: 'function' }] }), 'tools'],
  ['chat', (v) => ({ ...v, model: 42 }), 'model'],
  ['chat', (v) => ({ ...v, stream: 'yes' }), 'stream'],
];

describe('every endpoint fuzzed with bad input', () => {
  it.each(CASES.map(([name, mutate, field], i) => [`${i} ${name} → ${field}`, name, mutate, field] as const))('%s', async (_label, name, mutate, field) => {
    const ep = ENDPOINTS[name]!;
    const r = await team.api(ep.method, ep.path(), ep.token(), mutate(ep.valid()));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', type: 'invalid_request_error', param: field });
    expect(r.body.error.message).toContain(field === '(request)' ? 'Unrecognized key' : field);
  });

  it('answers random JSON of any shape with a 4xx naming a field, never a 5xx', async () => {
    const rand = rng(13);
    const scalar = () => pick(rand, [null, true, -1, 0, 1.5, 1e300, '', 'x', '\u0000', 'a'.repeat(300), '2026-13-45', [], {}]);
    const mutateDeep = (v: unknown, depth: number): unknown => {
      if (depth > 3 || rand() < 0.3) return scalar();
      if (Array.isArray(v)) return v.map((x) => (rand() < 0.5 ? mutateDeep(x, depth + 1) : x));
      if (v && typeof v === 'object') {
        const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
        for (const k of Object.keys(out)) if (rand() < 0.5) out[k] = mutateDeep(out[k], depth + 1);
        if (rand() < 0.2) delete out[pick(rand, Object.keys(out))];
        return out;
      }
      return scalar();
    };
    for (let i = 0; i < 160; i++) {
      const name = pick(rand, Object.keys(ENDPOINTS));
      const ep = ENDPOINTS[name]!;
      const body = mutateDeep(ep.valid(), 0);
      const r = await team.api(ep.method, ep.path(), ep.token(), body);
      const desc = `${name} ${JSON.stringify(body).slice(0, 200)} → ${r.status} ${r.text.slice(0, 200)}`;
      expect(r.status, desc).toBeLessThan(500);
      if (r.status === 400) {
        expect(typeof r.body.error.param, desc).toBe('string');
        expect(r.body.error.code, desc).toMatch(/^(VALIDATION|KEY_INVALID)$/);
      }
    }
  });

  it('refuses bodies that are not JSON, too large, or sent with the wrong method or type', async () => {
    for (const ep of Object.values(ENDPOINTS)) {
      const notJson = await team.api(ep.method, ep.path(), ep.token(), '{"name": ');
      expect(notJson.status).toBe(400);
      expect(notJson.body.error).toMatchObject({ code: 'VALIDATION', param: '(body)' });
      const huge = await team.api(ep.method, ep.path(), ep.token(), JSON.stringify({ pad: 'x'.repeat(17 * 1024 * 1024) }));
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      const form = await team.api(ep.method, ep.path(), ep.token(), 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
    }
    const wrong = await team.api('DELETE', '/api/admin/usage', team.ownerToken);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    const bad = await team.api('PUT', '/api/admin/members/not-an-id/limits', team.ownerToken, {});
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION', param: 'id' });
    const range = await team.api('GET', '/api/admin/usage?from=someday', team.ownerToken);
    expect(range.body.error).toMatchObject({ code: 'VALIDATION', param: 'from' });
    const unknown = await team.api('GET', '/api/admin/usage?colour=red', team.ownerToken);
    expect(unknown.status).toBe(400);
  });

  it('answers a usage range past any date with a 400 naming the field, on every usage route', async () => {
    for (const path of ['/api/admin/usage', '/api/admin/usage/daily', '/api/admin/usage.csv']) {
      for (const [field, value] of [['from', '9000000000000000'], ['to', '99999999999999999999']] as const) {
        const r = await team.api('GET', `${path}?${field}=${value}`, team.ownerToken);
        expect([path, field, r.status]).toEqual([path, field, 400]);
        expect(r.body.error).toMatchObject({ code: 'VALIDATION', param: field });
      }
    }
    const last = await team.api('GET', '/api/admin/usage?from=0&to=8640000000000000', team.ownerToken);
    expect(last.status).toBe(200);
  });
});
