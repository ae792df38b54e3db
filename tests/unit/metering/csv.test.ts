import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { CSV_HEADERS, guardFormula } from '../../../shared/csv-columns.js';
import { exportCsv } from '../../../electron/core/metering/csv-export.js';
import { toRecord } from '../../../electron/core/metering/ledger.js';
import { zone } from '../../../electron/core/metering/time-zone.js';
import { admitRequest, ok, rig, type Rig } from './fixtures.js';

const rigs: Rig[] = [];
afterEach(() => {
  while (rigs.length) rigs.pop()!.cleanup();
});

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const c of chunks) out += c;
  return out;
}

function parse(csv: string): Record<string, string>[] {
  // papaparse: an independent RFC 4180 reader.
  const res = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(res.errors).toEqual([]);
  return res.data;
}

describe('usage CSV export', () => {
  it('round-trips through an independent parser: one header row, one row per call, equal to the ledger', async () => {
    const r = rig({ zone: 'Europe/Berlin' });
    rigs.push(r);
    const label = 'Team "A", prod\nline two';
    const agent = 'Agent Ünïcødé 日本語 🚀';
    for (let i = 0; i < 25; i++) {
      r.clock.now += 61_000;
      const res = r.metering.admission.admit(
        admitRequest({ sessionId: `s-${i % 3}`, agent: i % 2 ? agent : null, keyId: i % 4 ? 'key-1' : null, pricing: i === 7 ? null : admitRequest().pricing }),
      );
      if (i !== 24) res.settle(ok({ inputTokens: 100 + i, cacheReadTokens: i, outputTokens: 7 * i, reasoningTokens: i }));
    }
    const download = exportCsv(r.metering.ledger, {}, { zone: zone('Europe/Berlin'), now: r.clock.now, keyLabels: () => new Map([['key-1', label]]), pageSize: 4 });
    expect(download.filename).toMatch(/^switchboard-usage-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await text(download.chunks);
    expect(csv.startsWith(CSV_HEADERS.join(',') + '\r\n')).toBe(true);
    const rows = parse(csv);
    const ledgerRows = r.metering.ledger.records({}, 100, null).rows.map(toRecord).reverse();
    expect(rows).toHaveLength(25);
    rows.forEach((row, i) => {
      const rec = ledgerRows[i]!;
      expect(row.id).toBe(rec.id);
      expect(row.time_utc).toBe(new Date(rec.time).toISOString());
      expect(Date.parse(row.time_local!)).toBe(rec.time);
      expect(row.session_id).toBe(rec.sessionId);
      expect(row.agent).toBe(rec.agent ?? '');
      expect(row.key_id).toBe(rec.keyId ?? '');
      expect(row.key_label).toBe(rec.keyId ? label : '');
      expect(row.status).toBe(rec.status);
      expect(Number(row.input_tokens)).toBe(rec.usage.inputTokens);
      expect(Number(row.cache_read_tokens)).toBe(rec.usage.cacheReadTokens);
      expect(Number(row.output_tokens)).toBe(rec.usage.outputTokens);
      expect(Number(row.reasoning_tokens)).toBe(rec.usage.reasoningTokens);
      expect(row.estimated).toBe(String(rec.usage.estimated));
      if (rec.costUsd === null) expect(row.cost_usd).toBe('');
      else expect(Number(row.cost_usd)).toBeCloseTo(rec.costUsd, 9);
      expect(Number(row.reserved_tokens)).toBe(rec.reservedTokens);
    });
    // The unpriced call is empty, never 0; the running call is there as reserved.
    expect(rows[7]!.cost_usd).toBe('');
    expect(rows[24]!.status).toBe('reserved');
    expect(rows.some((x) => x.agent === agent)).toBe(true);
  });

  it('guards text cells against spreadsheet formulas and leaves numbers alone', async () => {
    const r = rig();
    rigs.push(r);
    r.metering.admission.admit(admitRequest({ agent: '=HYPERLINK("http://evil","x")', sessionId: '@session' })).settle(ok({ inputTokens: 1, outputTokens: 1 }));
    const rows = parse(await text(exportCsv(r.metering.ledger, {}, { zone: zone('UTC'), now: r.clock.now, keyLabels: () => new Map([['k1', '+cmd']]) }).chunks));
    expect(rows[0]!.agent).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(rows[0]!.session_id).toBe("'@session");
    expect(rows[0]!.key_label).toBe("'+cmd");
    expect(rows[0]!.input_tokens).toBe('1');
    expect(guardFormula('-1+2')).toBe("'-1+2");
    expect(guardFormula('plain')).toBe('plain');
  });

  it('filters by time range and never contains a secret', async () => {
    const r = rig();
    rigs.push(r);
    const secret = 'sk-test-' + 'x'.repeat(40);
    r.clock.now = Date.UTC(2026, 5, 1, 10);
    r.metering.admission.admit(admitRequest()).settle(ok({ inputTokens: 1, outputTokens: 1 }));
    r.clock.now = Date.UTC(2026, 5, 2, 10);
    r.metering.admission.admit(admitRequest()).settle(ok({ inputTokens: 2, outputTokens: 1 }));
    const csv = await text(r.metering.exportCsv({ from: '2026-06-02' }).chunks);
    const rows = parse(csv);
    expect(rows.map((x) => x.input_tokens)).toEqual(['2']);
    expect(csv).not.toContain(secret);
    expect(() => r.metering.exportCsv({ from: 'yesterday' })).toThrow(/from/);
  });

  it('streams a large ledger page by page with the same bytes as a single page', async () => {
    const r = rig();
    rigs.push(r);
    for (let i = 0; i < 120; i++) {
      r.clock.now += 1000;
      r.metering.admission.admit(admitRequest({ sessionId: `s${i}` })).settle(ok({ inputTokens: i, outputTokens: 1 }));
    }
    const opts = { zone: zone('UTC'), now: r.clock.now };
    let chunks = 0;
    let small = '';
    for await (const c of exportCsv(r.metering.ledger, {}, { ...opts, pageSize: 7 }).chunks) {
      chunks++;
      small += c;
    }
    const big = await text(exportCsv(r.metering.ledger, {}, { ...opts, pageSize: 10_000 }).chunks);
    expect(chunks).toBeGreaterThan(15);
    expect(small).toBe(big);
    expect(parse(big)).toHaveLength(120);
  });
});
