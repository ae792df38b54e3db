import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../../electron/core/metering/db.js';
import { Ledger } from '../../../electron/core/metering/ledger.js';
import { currentVersion, migrate, MIGRATIONS, type Migration } from '../../../electron/core/metering/migrations.js';
import { localDaySql, QUARTER_MS, zone } from '../../../electron/core/metering/time-zone.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { admitRequest, ok, rig, type Rig } from './fixtures.js';
import { asLists, expectedRollups, rollupContents } from './rollup-oracle.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function track(r: Rig): Rig {
  cleanups.push(() => r.cleanup());
  return r;
}

describe('migrations', () => {
  it('creates the schema in versioned steps and records each in schema_version', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = openDb(join(t.path, 'usage.db'));
    expect(migrate(db)).toEqual({ from: 0, to: MIGRATIONS.length });
    expect(migrate(db)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
    const versions = db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
    expect(statSync(join(t.path, 'usage.db')).mode & 0o777).toBe(0o600);
  });

  it('a failed migration leaves the database as the previous one left it', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = openDb(join(t.path, 'usage.db'));
    migrate(db, MIGRATIONS.slice(0, 1));
    db.exec("INSERT INTO kv (key, value) VALUES ('keep', 'me')");
    const broken: Migration = {
      version: 2,
      name: 'half done',
      up: (d) => {
        d.exec('CREATE TABLE half (x INTEGER)');
        d.exec("UPDATE kv SET value = 'changed'");
        d.exec('THIS IS NOT SQL');
      },
    };
    expect(() => migrate(db, [MIGRATIONS[0]!, broken])).toThrow(/step 2 \(half done\).*unchanged/);
    expect(currentVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all()).toEqual([]);
    expect((db.prepare("SELECT value FROM kv WHERE key = 'keep'").get() as { value: string }).value).toBe('me');
    // The real step 2 still applies afterwards.
    expect(migrate(db).to).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a ledger written by a newer version instead of guessing', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = openDb(join(t.path, 'usage.db'));
    migrate(db);
    db.exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 0)`);
    expect(() => migrate(db)).toThrow(/newer version of Switchboard/);
    db.close();
  });

  it('backfills the 15-minute rollup from calls already in the ledger', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = openDb(join(t.path, 'usage.db'));
    migrate(db, MIGRATIONS.slice(0, 1));
    db.exec(`INSERT INTO calls (id, time, session_id, provider, model, source, status, input_tokens, output_tokens, cost_nusd,
      prompt_estimate, max_output_tokens, reserved_tokens) VALUES ('a', 900000, 's', 'openai', 'm', 'user', 'ok', 10, 5, 700, 10, 5, 15)`);
    migrate(db);
    expect(db.prepare('SELECT bucket, calls, input_tokens, cost_nusd FROM rollup_q').all()).toEqual([{ bucket: 1, calls: 1, input_tokens: 10, cost_nusd: 700 }]);
    db.close();
  });
});

/** A ledger as version 2 left it: calls (settled and running) with rollup_q and rollup_day filled, day rollup in `zoneName`. */
function v2Ledger(path: string, zoneName: string | null) {
  const db = openDb(path);
  migrate(db, MIGRATIONS.slice(0, 1));
  const insert = db.prepare(`INSERT INTO calls (id, time, session_id, agent, provider, model, key_id, source, status, error_code,
    input_tokens, cache_read_tokens, output_tokens, estimated, cost_nusd, prompt_estimate, max_output_tokens, reserved_tokens, reserved_nusd)
    VALUES (?, ?, ?, ?, ?, 'm', ?, 'user', ?, NULL, ?, ?, ?, ?, ?, 10, 10, 20, ?)`);
  const statuses = ['ok', 'error', 'cancelled', 'interrupted', 'reserved'];
  // Every 47 minutes across the US fall-back night (2026-11-01) and the days around it.
  for (let i = 0; i < 200; i++) {
    insert.run(`c${i}`, Date.UTC(2026, 9, 30, 3) + i * 47 * 60_000 + i, `s${i % 4}`, i % 3 ? null : `agent${i % 2}`, i % 2 ? 'openai' : 'gemini', i % 5 ? 'k1' : null,
      statuses[i % 5], i, i % 7, 2 * i, i % 9 === 0 ? 1 : 0, i % 6 ? 1000 + i : null, 500 + i);
  }
  migrate(db, MIGRATIONS.slice(0, 2));
  if (zoneName) {
    db.exec(`INSERT INTO kv (key, value) VALUES ('rollup_day_tz', '${zoneName}')`);
    const lo = Date.UTC(2026, 9, 29);
    db.exec(`INSERT INTO rollup_day SELECT ${localDaySql(zone(zoneName), `bucket * ${QUARTER_MS}`, lo, lo + 30 * 86_400_000)}, provider, model, key_id, source, status,
      SUM(calls), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens),
      SUM(cost_nusd), SUM(unknown_cost_calls), SUM(cap_nusd), SUM(estimated_calls) FROM rollup_q GROUP BY 1, 2, 3, 4, 5, 6`);
  }
  return db;
}

describe('migration 3: hourly, agent and conversation rollups', () => {
  it('backfills the new rollups of an existing ledger from its calls, local days in its limits zone', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const path = join(t.path, 'usage.db');
    const db = v2Ledger(path, 'America/New_York');
    expect(migrate(db)).toEqual({ from: 2, to: MIGRATIONS[MIGRATIONS.length - 1]!.version });
    // Checked before any Ledger opens it: the migration alone filled them.
    expect(asLists(rollupContents(db))).toEqual(asLists(expectedRollups(db, 'America/New_York')));
    db.close();
    const ledger = Ledger.open({ path, timeZone: 'UTC' });
    expect(ledger.timeZone).toBe('America/New_York');
    expect(asLists(rollupContents(ledger.db))).toEqual(asLists(expectedRollups(ledger.db, 'America/New_York')));
    ledger.close();
  });

  it('a ledger without a limits zone yet gets its local-day rollups when it first opens', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const path = join(t.path, 'usage.db');
    const db = v2Ledger(path, null);
    migrate(db);
    expect((db.prepare('SELECT COUNT(*) AS n FROM rollup_agent_day').get() as { n: number }).n).toBe(0);
    db.close();
    const ledger = Ledger.open({ path, timeZone: 'Australia/Adelaide' });
    expect(asLists(rollupContents(ledger.db))).toEqual(asLists(expectedRollups(ledger.db, 'Australia/Adelaide')));
    ledger.close();
  });

  it('a failure in step 3 leaves the version 2 ledger exactly as it was', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = v2Ledger(join(t.path, 'usage.db'), 'America/New_York');
    const schema = () => db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const dump = () => ['calls', 'kv', 'rollup_q', 'rollup_day'].map((table) => db.prepare(`SELECT * FROM ${table}`).raw(true).all());
    const before = { schema: schema(), data: dump() };
    const step3 = MIGRATIONS[2]!;
    const failing: Migration = {
      ...step3,
      up: (d) => {
        step3.up(d);
        throw new Error('disk I/O error');
      },
    };
    expect(() => migrate(db, [MIGRATIONS[0]!, MIGRATIONS[1]!, failing])).toThrow(/step 3 .*left unchanged/);
    expect(currentVersion(db)).toBe(2);
    expect({ schema: schema(), data: dump() }).toEqual(before);
    // The real step applies afterwards.
    expect(migrate(db)).toEqual({ from: 2, to: MIGRATIONS[MIGRATIONS.length - 1]!.version });
    expect(asLists(rollupContents(db))).toEqual(asLists(expectedRollups(db, 'America/New_York')));
    db.close();
  });
});

describe('migration 4: retry, key failover and fallback told apart', () => {
  it('reads the old chain of fallback_of links: attempt 1 a fallback, the same key a retry, another key a key failover', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = openDb(join(t.path, 'usage.db'));
    migrate(db, MIGRATIONS.slice(0, 1));
    const insert = db.prepare(`INSERT INTO calls (id, time, session_id, provider, model, key_id, source, status, input_tokens, output_tokens, cost_nusd,
      prompt_estimate, max_output_tokens, reserved_tokens, attempt, fallback_of) VALUES (?, ?, 's', ?, ?, ?, 'user', ?, 10, 5, 700, 10, 5, 15, ?, ?)`);
    // One turn as version 3 recorded it: a 500, a retry, the provider's other key, then a fallback that was retried.
    const rows: Array<[string, string, string, string | null, string, number, string | null]> = [
      ['c1', 'openai', 'gpt-4o-mini', 'k1', 'error', 1, null],
      ['c2', 'openai', 'gpt-4o-mini', 'k1', 'error', 2, 'c1'],
      ['c3', 'openai', 'gpt-4o-mini', 'k2', 'error', 3, 'c2'],
      ['c4', 'anthropic', 'claude-haiku-4-5', 'k3', 'error', 1, 'c3'],
      ['c5', 'anthropic', 'claude-haiku-4-5', 'k3', 'ok', 2, 'c4'],
      ['c6', 'openai', 'gpt-4o-mini', null, 'ok', 1, null],
    ];
    rows.forEach(([id, provider, model, key, status, attempt, prev], i) => insert.run(id, 900_000 + i, provider, model, key, status, attempt, prev));
    migrate(db, MIGRATIONS.slice(0, 3));
    const rollups = () => db.prepare('SELECT * FROM rollup_q ORDER BY 1, 2, 3, 4, 5, 6, 7').raw(true).all();
    const before = rollups();
    migrate(db);
    const after = db.prepare('SELECT id, kind, retry_of, fallback_of, replaced_key_id FROM calls ORDER BY id').raw(true).all();
    expect(after).toEqual([
      ['c1', 'first', null, null, null],
      ['c2', 'retry', 'c1', null, null],
      ['c3', 'key-failover', null, null, 'k1'],
      ['c4', 'fallback', null, 'c3', null],
      ['c5', 'retry', 'c4', null, null],
      ['c6', 'first', null, null, null],
    ]);
    // The relabelling touches no rollup.
    expect(rollups()).toEqual(before);
    db.close();
  });

  it('a new call keeps its kind and links through settle, records and the export pages', async () => {
    const r = track(rig());
    const res = await r.metering.admission.admit(admitRequest({ attempt: 2, kind: 'key-failover', replacedKeyId: 'k0' }));
    const rec = await res.settle(ok({ inputTokens: 10, outputTokens: 10 }));
    expect(rec).toMatchObject({ kind: 'key-failover', replacedKeyId: 'k0', retryOf: null, fallbackOf: null });
    const retry = await r.metering.admission.admit(admitRequest({ attempt: 3, kind: 'retry', retryOf: res.id }));
    await retry.settle(ok({ inputTokens: 1, outputTokens: 1 }));
    const listed = r.metering.ledger.records({}, 10, null).rows.map((x) => [x.kind, x.retry_of, x.replaced_key_id]);
    expect(listed).toEqual([
      ['retry', res.id, null],
      ['key-failover', null, 'k0'],
    ]);
    const page = r.metering.ledger.exportPage({}, null, r.metering.ledger.maxSeq(), 10).records;
    expect(page.map((x) => [x.kind, x.retryOf, x.replacedKeyId])).toEqual([
      ['key-failover', null, 'k0'],
      ['retry', res.id, null],
    ]);
  });
});

describe('reservation and settle', () => {
  it('writes a reservation at admission and replaces it with the actual usage on settle', async () => {
    const r = track(rig());
    const res = (await r.metering.admission.admit(admitRequest({ promptTokens: 1000, maxOutputTokens: 500, agent: 'planner', attempt: 2, fallbackOf: 'prev-id' })));
    expect(res.reservedTokens).toBe(1500);
    expect(res.reservedUsd).toBeCloseTo((1000 * 2 + 500 * 10) / 1e6, 12);
    const reserved = r.metering.ledger.get(res.id)!;
    expect(reserved.status).toBe('reserved');
    expect(reserved.prompt_estimate).toBe(1000);

    r.clock.now += 1500;
    const rec = (await res.settle({ ...ok({ inputTokens: 800, cacheReadTokens: 200, outputTokens: 300, reasoningTokens: 50 }), errorCode: null }));
    expect(rec).toMatchObject({
      id: res.id,
      sessionId: 's1',
      agent: 'planner',
      provider: 'openai',
      model: 'test-model',
      keyId: 'k1',
      source: 'user',
      status: 'ok',
      errorCode: null,
      usage: { inputTokens: 800, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 50, estimated: false },
      pricing: { input: 2, output: 10, cacheRead: 0.5, cacheWrite: 2.5 },
      latencyMs: 120,
      ttftMs: 40,
      attempt: 2,
      fallbackOf: 'prev-id',
      reservedTokens: 1500,
      settledAt: r.clock.now,
    });
    expect(rec.costUsd).toBeCloseTo((800 * 2 + 200 * 0.5 + 300 * 10) / 1e6, 12);
    expect(r.events.filter((e) => e.name === 'usage.recorded')).toHaveLength(1);
  });

  it('settles exactly once: a second settle returns the first result', async () => {
    const r = track(rig());
    const res = (await r.metering.admission.admit(admitRequest()));
    const first = (await res.settle(ok({ inputTokens: 10, outputTokens: 10 })));
    const second = (await res.settle({ status: 'error', usage: first.usage, errorCode: 'X', latencyMs: 1, ttftMs: null }));
    expect(second).toEqual(first);
    expect(r.metering.ledger.get(res.id)!.status).toBe('ok');
  });

  it('records error, cancelled and interrupted outcomes with their usage', async () => {
    const r = track(rig());
    for (const status of ['error', 'cancelled', 'interrupted'] as const) {
      const res = (await r.metering.admission.admit(admitRequest()));
      const rec = (await res.settle({ status, usage: { inputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0, estimated: true }, errorCode: status === 'error' ? 'PROVIDER_UNAVAILABLE' : null, latencyMs: 10, ttftMs: null }));
      expect(rec.status).toBe(status);
      expect(rec.usage.estimated).toBe(true);
    }
  });

  it('a model with an unknown price has cost null in the ledger, never 0', async () => {
    const r = track(rig());
    const res = (await r.metering.admission.admit(admitRequest({ pricing: null, model: 'who-knows' })));
    expect(res.reservedUsd).toBeNull();
    const rec = (await res.settle(ok({ inputTokens: 100, outputTokens: 10 })));
    expect(rec.costUsd).toBeNull();
    expect(rec.pricing).toBeNull();
  });

  it('prices a long prompt at the tier the actual prompt falls in, from the catalog snapshot', async () => {
    const r = track(rig());
    const pro = r.catalog.find('gemini', 'gemini-2.5-pro')!;
    const res = (await r.metering.admission.admit(admitRequest({ provider: 'gemini', model: 'gemini-2.5-pro', pricing: pro.pricing, pricingTiers: pro.pricingTiers, promptTokens: 250_000, maxOutputTokens: 1000 })));
    const tier = pro.pricingTiers![0]!.pricing;
    expect(res.reservedUsd).toBeCloseTo((250_000 * tier.input! + 1000 * tier.output!) / 1e6, 9);
    const rec = (await res.settle(ok({ inputTokens: 250_000, outputTokens: 1000 })));
    expect(rec.pricing).toEqual(tier);
    expect(rec.costUsd).toBeCloseTo((250_000 * tier.input! + 1000 * tier.output!) / 1e6, 9);
  });

  it('ledger rows survive everything the app does: nothing deletes them', async () => {
    const r = track(rig());
    const res = (await r.metering.admission.admit(admitRequest({ sessionId: 'conversation-to-delete' })));
    (await res.settle(ok({ inputTokens: 1, outputTokens: 1 })));
    const again = track(r.reopen());
    expect(again.metering.ledger.records({ sessionId: 'conversation-to-delete' }, 10, null).rows).toHaveLength(1);
  });

  it('closing settles running calls as interrupted so none stay reserved', async () => {
    const r = track(rig());
    const res = (await r.metering.admission.admit(admitRequest({ promptTokens: 321 })));
    r.metering.close();
    const rec = (await res.settle(ok({ inputTokens: 999, outputTokens: 999 })));
    expect(rec.status).toBe('interrupted');
    const again = track(rig({ dir: r.dir }));
    const row = again.metering.ledger.get(res.id)!;
    expect(row.status).toBe('interrupted');
    expect(row.input_tokens).toBe(321);
  });
});

describe('totals the limits read', () => {
  it('dayTokens: settled tokens of one local day per provider and key, null for calls without a key', async () => {
    const r = track(rig());
    const admission = r.metering.admission;
    const today = r.clock.now;
    r.clock.now = today - 86_400_000;
    (await admission.admit(admitRequest())).settle(ok({ inputTokens: 1000, outputTokens: 1000 }));
    r.clock.now = today;
    (await admission.admit(admitRequest())).settle(ok({ inputTokens: 100, cacheReadTokens: 10, outputTokens: 50 }));
    (await admission.admit(admitRequest({ keyId: null, source: 'environment' }))).settle(ok({ inputTokens: 20, outputTokens: 5 }));
    (await admission.admit(admitRequest({ provider: 'anthropic', keyId: 'k2' }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));
    (await admission.admit(admitRequest({ promptTokens: 5000 }))); // still running: not settled use
    const rows = r.metering.ledger.dayTokens(zone('UTC').dayIndex(today));
    const byKey = (x: { provider: string; keyId: string | null }) => `${x.provider}/${x.keyId ?? ''}`;
    expect(rows.sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual([
      { provider: 'anthropic', keyId: 'k2', tokens: 2 },
      { provider: 'openai', keyId: null, tokens: 25 },
      { provider: 'openai', keyId: 'k1', tokens: 160 },
    ]);
  });

  it('monthCapNano: settled spend per provider over a range of local days', async () => {
    const r = track(rig());
    const admission = r.metering.admission;
    const z = zone('UTC');
    const today = r.clock.now;
    r.clock.now = today - 86_400_000;
    (await admission.admit(admitRequest())).settle(ok({ inputTokens: 1000, outputTokens: 1000 }));
    r.clock.now = today;
    (await admission.admit(admitRequest({ keyId: null }))).settle(ok({ inputTokens: 100, cacheReadTokens: 10, outputTokens: 50 }));
    (await admission.admit(admitRequest({ provider: 'anthropic', keyId: 'k2' }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));
    (await admission.admit(admitRequest({ promptTokens: 5000 })));
    // PRICE: input 2, cache read 0.5, output 10 USD per million tokens, so nano-USD = tokens × price × 1000.
    const sorted = (rows: Array<{ provider: string; nano: number }>) => rows.sort((x, y) => x.provider.localeCompare(y.provider));
    const month = z.monthWindow(today);
    expect(sorted(r.metering.ledger.monthCapNano(z.dayIndex(month.start), z.dayIndex(month.end)))).toEqual([
      { provider: 'anthropic', nano: 12_000 },
      { provider: 'openai', nano: 12_000_000 + 705_000 },
    ]);
    expect(sorted(r.metering.ledger.monthCapNano(z.dayIndex(today), z.dayIndex(today) + 1))).toEqual([
      { provider: 'anthropic', nano: 12_000 },
      { provider: 'openai', nano: 705_000 },
    ]);
  });
});

describe('crash recovery', () => {
  it('a reservation left by a killed process is settled as interrupted at its reservation (the worst case) on the next start', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url)), t.path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /ADMITTED .*\n/.exec(out);
        if (m) resolve(m[0]);
      });
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
    });
    const [, id, , reservedPrompt] = line.trim().split(' ');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    // Before recovery the row is there, still reserved.
    const raw = Ledger.open({ path: join(t.path, 'usage.db'), timeZone: 'UTC' });
    expect(raw.get(id!)!.status).toBe('reserved');
    raw.close();

    // The child admitted on the real clock: reopen on it, so today is the call's day.
    const r = track(rig({ dir: t.path, now: Date.now() }));
    const row = r.metering.ledger.get(id!)!;
    expect(row.status).toBe('interrupted');
    expect(row.estimated).toBe(1);
    // The provider had the request and may have answered in full: the reserved prompt and every allowed output token.
    expect(row.input_tokens).toBe(Number(reservedPrompt));
    expect(row.output_tokens).toBe(2000);
    expect(row.input_tokens + row.output_tokens).toBe(row.reserved_tokens);
    expect(row.session_id).toBe('crash-session');
    // Priced with the snapshot taken at admission (gpt-4o-mini: input $0.15, output $0.60 per million): the reserved worst case.
    expect(row.cost_nusd).toBe(Math.round((Number(reservedPrompt) * 0.15 + 2000 * 0.6) * 1000));
    expect(row.cost_nusd).toBe(row.reserved_nusd);
    expect(r.metering.ledger.openReservations()).toEqual([]);
    // The limits count it whole: the day's tokens for OpenAI are the reservation, not a 0-output guess.
    r.metering.admission.setLimits({ dailyTokens: { provider: { openai: 1_000_000 } }, monthlyUsd: { total: 100 } });
    const states = r.metering.admission.states();
    expect(states.find((s) => s.scope === 'dailyTokens.provider')!.used).toBe(row.reserved_tokens);
    expect(states.find((s) => s.scope === 'monthlyUsd.total')!.used).toBeCloseTo(row.reserved_nusd! / 1e9, 12);
  }, 60_000);
});
