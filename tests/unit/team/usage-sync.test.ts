import { FileNotices } from '../../../electron/core/app/file-notices.js';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { TEAM_SHARED_FIELDS } from '../../../shared/contract/index.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { TeamFiles } from '../../../electron/core/team/team-store.js';
import { UsageSync } from '../../../electron/core/team/usage-sync.js';
import { admitRequest, ok, rig, type Rig } from '../metering/fixtures.js';

let r: Rig | null = null;
afterEach(() => {
  r?.cleanup();
  r = null;
});

function setup(batchSize = 3) {
  r = rig();
  const files = new TeamFiles(r.dir, { notices: new FileNotices(silentLogger), now: () => r!.clock.now });
  const make = () => new UsageSync({ ledger: r!.metering.ledger, files, now: () => r!.clock.now, batchSize });
  const sync = make();
  /** What the "server" received, one array per request. */
  const batches: Array<Record<string, unknown>[]> = [];
  const upload = async (records: Record<string, unknown>[]) => {
    batches.push(records);
    return { accepted: records.length, duplicates: 0 };
  };
  return { rig: r, files, sync, make, batches, upload };
}

/** One settled call of `source`, returns its ledger id. */
async function call(rg: Rig, source: 'user' | 'environment' | 'team' = 'user', tokens = 10): Promise<string> {
  const res = await rg.metering.admission.admit(admitRequest({ source, sessionId: 'secret-session-title', agent: 'My private agent' }));
  await res.settle(ok({ inputTokens: tokens, outputTokens: 5 }));
  return res.id;
}

describe('usage sync', () => {
  it('uploads own and environment calls in batches with their ids, never team calls, and only the shared fields', async () => {
    const s = setup(2);
    s.sync.begin('conn-0001');
    const own = [await call(s.rig, 'user'), await call(s.rig, 'environment'), await call(s.rig, 'user')];
    await call(s.rig, 'team');
    expect(s.sync.pending()).toBe(3);

    const res = await s.sync.run(s.upload);
    expect(res).toEqual({ uploaded: 3, pending: 0 });
    expect(s.batches.map((b) => b.length)).toEqual([2, 1]);
    const sent = s.batches.flat();
    expect(sent.map((x) => x.id)).toEqual(own);
    for (const rec of sent) expect(Object.keys(rec).sort()).toEqual(TEAM_SHARED_FIELDS.map((f) => f.field).sort());
    const text = JSON.stringify(sent);
    expect(text).not.toContain('secret-session-title');
    expect(text).not.toContain('My private agent');
    expect(sent.every((x) => x.source !== 'team')).toBe(true);
    expect(sent[0]).toMatchObject({ provider: 'openai', model: 'test-model', status: 'ok', usage: { inputTokens: 10, outputTokens: 5 } });
  });

  it('after the ledger was replaced by a new one (numbered from 1 again), uploads the new ledger’s calls', async () => {
    const s = setup();
    s.sync.begin('conn-0001');
    for (let i = 0; i < 4; i++) await call(s.rig);
    await s.sync.run(s.upload);
    expect(s.sync.state?.ackedSeq).toBeGreaterThanOrEqual(4);
    // A new, empty ledger (what ledger.reset leaves) under the same team files and cursor.
    const fresh = rig();
    const replaced = new UsageSync({ ledger: fresh.metering.ledger, files: s.files, now: () => fresh.clock.now, batchSize: 3 });
    try {
      replaced.load('conn-0001');
      const id = await call(fresh);
      expect(replaced.pending()).toBe(1);
      s.batches.length = 0;
      expect(await replaced.run(s.upload)).toEqual({ uploaded: 1, pending: 0 });
      expect(s.batches.flat().map((x) => x.id)).toEqual([id]);
    } finally {
      fresh.cleanup();
    }
  });

  it('does not share calls made before the connection began', async () => {
    const s = setup();
    await call(s.rig);
    await call(s.rig);
    s.sync.begin('conn-0001');
    const after = await call(s.rig);
    await s.sync.run(s.upload);
    expect(s.batches.flat().map((x) => x.id)).toEqual([after]);
  });

  it('waits for a running own call instead of passing it', async () => {
    const s = setup();
    s.sync.begin('conn-0001');
    const first = await call(s.rig);
    const running = await s.rig.metering.admission.admit(admitRequest());
    const later = await call(s.rig);
    expect((await s.sync.run(s.upload)).uploaded).toBe(1);
    expect(s.batches.flat().map((x) => x.id)).toEqual([first]);
    expect(s.sync.pending()).toBe(2);

    await running.settle(ok({ inputTokens: 1 }));
    await s.sync.run(s.upload);
    expect(s.batches.flat().map((x) => x.id)).toEqual([first, running.id, later]);
    expect(s.sync.pending()).toBe(0);
  });

  it('a failed upload leaves the cursor where it was, and the next run sends the same records', async () => {
    const s = setup(2);
    s.sync.begin('conn-0001');
    const ids = [await call(s.rig), await call(s.rig), await call(s.rig)];
    let n = 0;
    const flaky = async (records: Record<string, unknown>[]) => {
      n++;
      if (n === 2) throw new Error('offline');
      return s.upload(records);
    };
    await expect(s.sync.run(flaky)).rejects.toThrow('offline');
    expect(s.sync.pending()).toBe(1);
    await s.sync.run(s.upload);
    expect(s.batches.flat().map((x) => x.id)).toEqual(ids);
  });

  it('a crash after the server answered but before the cursor was saved resends that batch (the server counts ids once)', async () => {
    const s = setup();
    s.sync.begin('conn-0001');
    const ids = [await call(s.rig), await call(s.rig)];
    // The process dies between the server's answer and the cursor write: the write never happens.
    const crashing = new UsageSync({
      ledger: s.rig.metering.ledger,
      files: { readCursor: () => s.files.readCursor(), writeCursor: () => { throw new Error('killed'); } },
      now: () => 0,
    });
    crashing.load('conn-0001');
    await expect(crashing.run(s.upload)).rejects.toThrow('killed');

    const restarted = s.make();
    restarted.load('conn-0001');
    expect(restarted.pending()).toBe(2);
    await restarted.run(s.upload);
    expect(s.batches.map((b) => b.map((x) => x.id))).toEqual([ids, ids]);
    expect(restarted.pending()).toBe(0);
  });

  it('keeps its progress in the data folder, written whole', async () => {
    const s = setup();
    s.sync.begin('conn-0001');
    await call(s.rig);
    await s.sync.run(s.upload);
    const saved = JSON.parse(readFileSync(s.files.syncPath, 'utf8')) as { ackedSeq: number; uploaded: number };
    expect(saved.uploaded).toBe(1);
    expect(saved.ackedSeq).toBe(s.rig.metering.ledger.maxSeq());

    const again = s.make();
    again.load('conn-0001');
    expect(again.state?.uploaded).toBe(1);
    await again.run(s.upload);
    expect(s.batches.length).toBe(1);

    // Another connection's cursor is not reused.
    const other = s.make();
    other.load('conn-0002');
    expect(other.state?.uploaded).toBe(0);
  });

  it('with sharing off uploads nothing; calls made while it was off are never shared, earlier ones still are', async () => {
    const s = setup();
    s.sync.begin('conn-0001');
    const before = await call(s.rig);
    s.sync.setSharing(false);
    await call(s.rig);
    await call(s.rig);
    expect(s.sync.pending()).toBe(1);
    expect(await s.sync.run(s.upload)).toEqual({ uploaded: 0, pending: 1 });
    expect(s.batches).toEqual([]);

    s.sync.setSharing(true);
    const after = await call(s.rig);
    expect(s.sync.pending()).toBe(2);
    await s.sync.run(s.upload);
    expect(s.batches.flat().map((x) => x.id)).toEqual([before, after]);
    expect(s.sync.state?.skip).toEqual([]);
  });
});
