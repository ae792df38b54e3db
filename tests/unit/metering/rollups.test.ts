import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallStatus, ProviderId } from '../../../shared/contract/index.js';
import { pick, rng } from '../../helpers/random.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { admitRequest, rig, type Rig } from './fixtures.js';
import { asLists, expectedRollups, rollupContents } from './rollup-oracle.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function track(r: Rig): Rig {
  cleanups.push(() => r.cleanup());
  return r;
}

/** The rollups hold exactly what the settled calls add up to, with local days in the limits zone. */
function expectConsistent(r: Rig): void {
  const zoneName = r.metering.admission.getLimits().timeZone;
  expect(asLists(rollupContents(r.metering.ledger.db))).toEqual(asLists(expectedRollups(r.metering.ledger.db, zoneName)));
}

/** Admits and settles `n` calls at random instants in [from, to) with every kind of outcome; some stay running. */
async function randomCalls(r: Rig, rand: () => number, n: number, from: number, to: number): Promise<void> {
  const statuses: Array<Exclude<CallStatus, 'reserved'>> = ['ok', 'ok', 'ok', 'error', 'cancelled', 'interrupted'];
  for (let i = 0; i < n; i++) {
    r.clock.now = Math.floor(from + rand() * (to - from));
    const res = await r.metering.admission.admit(
      admitRequest({
        provider: pick<ProviderId>(rand, ['openai', 'anthropic', 'gemini']),
        model: pick(rand, ['m1', 'm2']),
        keyId: pick(rand, [null, 'k1', 'k2']),
        agent: pick(rand, [null, 'coder', 'a, "quoted" agent']),
        sessionId: pick(rand, ['s1', 's2', 's3']),
        pricing: rand() < 0.2 ? null : admitRequest().pricing,
        promptTokens: 1 + Math.floor(rand() * 5000),
        maxOutputTokens: 1 + Math.floor(rand() * 2000),
      }),
    );
    if (rand() < 0.1) continue;
    const status = pick(rand, statuses);
    res.settle({
      status,
      usage: {
        inputTokens: Math.floor(rand() * 5000),
        cacheReadTokens: Math.floor(rand() * 500),
        cacheWriteTokens: Math.floor(rand() * 50),
        outputTokens: Math.floor(rand() * 2000),
        reasoningTokens: Math.floor(rand() * 100),
        estimated: rand() < 0.2,
      },
      errorCode: status === 'error' ? 'PROVIDER_ERROR' : null,
      latencyMs: 100,
      ttftMs: null,
    });
  }
}

describe('rollups stay equal to the calls table', () => {
  it('through settles of every outcome, across DST changes of the limits zone', async () => {
    const r = track(rig({ zone: 'America/New_York' }));
    const rand = rng(1);
    // Around the US spring-forward (Mar 8) and fall-back (Nov 1) days.
    await randomCalls(r, rand, 150, Date.UTC(2026, 2, 6), Date.UTC(2026, 2, 11));
    await randomCalls(r, rand, 150, Date.UTC(2026, 9, 30), Date.UTC(2026, 10, 3));
    expectConsistent(r);
  });

  it('when closing settles running calls as interrupted, and after a reopen', async () => {
    const r = track(rig({ zone: 'Australia/Adelaide' }));
    await randomCalls(r, rng(2), 60, Date.UTC(2026, 3, 3), Date.UTC(2026, 3, 7));
    for (let i = 0; i < 5; i++) r.metering.admission.admit(admitRequest({ promptTokens: 100 + i, agent: 'left-running', sessionId: 'open' }));
    r.metering.close();
    const again = track(rig({ dir: r.dir, zone: 'Australia/Adelaide' }));
    expect(again.metering.ledger.openReservations()).toEqual([]);
    expect(again.metering.ledger.db.prepare("SELECT COUNT(*) AS n FROM calls WHERE agent = 'left-running' AND status = 'interrupted'").get()).toMatchObject({ n: 5 });
    expectConsistent(again);
  });

  it('when a crash left reservations that the next start settles as interrupted', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url)), t.path], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (/ADMITTED /.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const r = track(rig({ dir: t.path }));
    const row = r.metering.ledger.db.prepare("SELECT status, agent, input_tokens FROM calls WHERE session_id = 'crash-session'").get() as { status: string; agent: string; input_tokens: number };
    expect(row.status).toBe('interrupted');
    expect(r.metering.ledger.db.prepare("SELECT calls, input_tokens FROM rollup_agent_day WHERE agent = 'writer'").get()).toMatchObject({ calls: 1, input_tokens: row.input_tokens });
    expect(r.metering.ledger.db.prepare("SELECT calls FROM rollup_session_day WHERE session_id = 'crash-session'").get()).toMatchObject({ calls: 1 });
    expectConsistent(r);
  }, 60_000);

  it('when a settled row is changed, removed or inserted directly (any path that touches the calls)', async () => {
    const r = track(rig({ zone: 'Asia/Kolkata' }));
    await randomCalls(r, rng(3), 80, Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 4));
    const db = r.metering.ledger.db;
    const settled = () => db.prepare("SELECT seq FROM calls WHERE status <> 'reserved' ORDER BY seq").all() as { seq: number }[];
    const [a, b, c, d] = settled();
    db.prepare('UPDATE calls SET input_tokens = input_tokens + 1000, cost_nusd = NULL WHERE seq = ?').run(a!.seq);
    db.prepare("UPDATE calls SET provider = 'mistral', agent = 'moved', session_id = 's9', time = time + 86400000 WHERE seq = ?").run(b!.seq);
    db.prepare("UPDATE calls SET status = 'error' WHERE seq = ?").run(c!.seq);
    db.prepare("UPDATE calls SET status = 'reserved' WHERE seq = ?").run(d!.seq);
    // Columns no rollup sums: no change to them.
    db.prepare('UPDATE calls SET latency_ms = 1, error_code = NULL').run();
    expectConsistent(r);
    db.prepare('DELETE FROM calls WHERE seq = ?').run(settled()[5]!.seq);
    db.prepare(`INSERT INTO calls (id, time, session_id, agent, provider, model, key_id, source, status, input_tokens, output_tokens, cost_nusd,
      prompt_estimate, max_output_tokens, reserved_tokens, reserved_nusd) VALUES ('direct', ?, 's1', NULL, 'openai', 'm1', NULL, 'user', 'ok', 7, 3, NULL, 7, 3, 10, 99)`).run(
      Date.UTC(2026, 5, 2, 18, 31),
    );
    expectConsistent(r);
  });

  it('when the limits zone changes: local days are rebuilt, and later settles use the new zone', async () => {
    const r = track(rig({ zone: 'UTC' }));
    const rand = rng(4);
    await randomCalls(r, rand, 80, Date.UTC(2026, 9, 20), Date.UTC(2026, 9, 28));
    expectConsistent(r);
    r.metering.admission.setLimits({ timeZone: 'Europe/Berlin' });
    expectConsistent(r);
    await randomCalls(r, rand, 80, Date.UTC(2026, 9, 20), Date.UTC(2026, 9, 28));
    expectConsistent(r);
    r.metering.admission.setLimits({ timeZone: 'Asia/Kathmandu' });
    await randomCalls(r, rand, 40, Date.UTC(2026, 9, 20), Date.UTC(2026, 9, 28));
    expectConsistent(r);
  });

  it('for calls far from today: the offsets the triggers use are extended first', async () => {
    const r = track(rig({ zone: 'America/St_Johns' }));
    const rand = rng(5);
    await randomCalls(r, rand, 20, Date.UTC(2019, 2, 1), Date.UTC(2019, 2, 20));
    await randomCalls(r, rand, 20, Date.UTC(2041, 10, 1), Date.UTC(2041, 10, 9));
    expectConsistent(r);
    const reopened = track(r.reopen());
    await randomCalls(reopened, rand, 20, Date.UTC(2030, 2, 1), Date.UTC(2030, 2, 20));
    expectConsistent(reopened);
  });

  it('a settle that fails leaves the rollups as they were, and the reservation open', async () => {
    const r = track(rig({ zone: 'UTC' }));
    await randomCalls(r, rng(6), 10, Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 2));
    const before = rollupContents(r.metering.ledger.db);
    r.clock.now = Date.UTC(2026, 5, 1, 12);
    const res = await r.metering.admission.admit(admitRequest({ sessionId: 'new-session' }));
    // A rollup write that fails (here: a trigger-time constraint) fails the settle as a whole.
    r.metering.ledger.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON rollup_session_day BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(res.settle({ status: 'ok', usage: { inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0, estimated: false }, errorCode: null, latencyMs: 1, ttftMs: 1 })).rejects.toThrow(
      /worst case stays counted/,
    );
    expect(rollupContents(r.metering.ledger.db)).toEqual(before);
    expect(r.metering.ledger.get(res.id)!.status).toBe('reserved');
    r.metering.ledger.db.exec('DROP TRIGGER refuse');
    expectConsistent(r);
  });
});
