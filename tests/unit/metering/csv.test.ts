import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { CSV_HEADERS, guardFormula } from '../../../shared/csv-columns.js';
import { stringify } from 'csv-stringify/sync';
import { CsvRowWriter, exportCsv, STRINGIFY } from '../../../electron/core/metering/csv-export.js';
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
      const res = (await r.metering.admission.admit(
        admitRequest({ sessionId: `s-${i % 3}`, agent: i % 2 ? agent : null, keyId: i % 4 ? 'key-1' : null, pricing: i === 7 ? null : admitRequest().pricing }),
      ));
      if (i !== 24) (await res.settle(ok({ inputTokens: 100 + i, cacheReadTokens: i, outputTokens: 7 * i, reasoningTokens: i })));
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

  it('says which call was a retry, a key failover or a fallback: fallback_of only for the fallback', async () => {
    const r = rig();
    rigs.push(r);
    const settle = async (over: Parameters<typeof admitRequest>[0]) => {
      const res = await r.metering.admission.admit(admitRequest(over));
      await res.settle(ok({ inputTokens: 1, outputTokens: 1 }));
      return res.id;
    };
    const first = await settle({ keyId: 'k1' });
    const retry = await settle({ keyId: 'k1', attempt: 2, kind: 'retry', retryOf: first });
    const failover = await settle({ keyId: 'k2', attempt: 3, kind: 'key-failover', replacedKeyId: 'k1' });
    await settle({ keyId: 'k3', provider: 'anthropic', kind: 'fallback', fallbackOf: failover });
    const labels = () => new Map([['k1', 'Work'], ['k2', 'Backup'], ['k3', 'Claude']]);
    const rows = parse(await text(exportCsv(r.metering.ledger, {}, { zone: zone('UTC'), now: r.clock.now, keyLabels: labels }).chunks));
    const cols = rows.map((x) => [x.call_kind, x.retry_of, x.fallback_of, x.replaced_key_id, x.replaced_key_label]);
    expect(cols).toEqual([
      ['first', '', '', '', ''],
      ['retry', first, '', '', ''],
      ['key-failover', '', '', 'k1', 'Work'],
      ['fallback', '', failover, '', ''],
    ]);
    expect(retry).toBe(rows[1]!.id);
  });

  it('guards text cells against spreadsheet formulas and leaves numbers alone', async () => {
    const r = rig();
    rigs.push(r);
    (await r.metering.admission.admit(admitRequest({ agent: '=HYPERLINK("http://evil","x")', sessionId: '@session' }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));
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
    (await r.metering.admission.admit(admitRequest())).settle(ok({ inputTokens: 1, outputTokens: 1 }));
    r.clock.now = Date.UTC(2026, 5, 2, 10);
    (await r.metering.admission.admit(admitRequest())).settle(ok({ inputTokens: 2, outputTokens: 1 }));
    const csv = await text(r.metering.exportCsv({ from: '2026-06-02' }).chunks);
    const rows = parse(csv);
    expect(rows.map((x) => x.input_tokens)).toEqual(['2']);
    expect(csv).not.toContain(secret);
    expect(() => r.metering.exportCsv({ from: 'yesterday' })).toThrow(/from/);
  });

  it('names each conversation by the title the app reported (session_title), read per page, renamed and forgotten on request', async () => {
    const r = rig();
    rigs.push(r);
    for (let i = 0; i < 9; i++) {
      r.clock.now += 1000;
      await (await r.metering.admission.admit(admitRequest({ sessionId: `s-${i % 3}` }))).settle(ok({ inputTokens: 1, outputTokens: 1 }));
    }
    const setTitles = (titles: Array<{ sessionId: string; title: string | null }>) => r.metering.handlers['usage.setSessionTitles']({ titles }, { transport: 'web', actor: 'test' });
    await setTitles([
      { sessionId: 's-0', title: 'Budget, "Q3" planning' },
      { sessionId: 's-1', title: '=cmd() trip' },
      { sessionId: 's-2', title: 'My key sk-proj-abcdefghijklmnopqrstuvwxyz0123 leaked' },
    ]);
    const csv = await text(r.metering.exportCsv({}).chunks);
    const rows = parse(csv);
    expect(CSV_HEADERS.indexOf('session_title')).toBe(CSV_HEADERS.indexOf('session_id') + 1);
    expect(rows.filter((x) => x.session_id === 's-0').map((x) => x.session_title)).toEqual(['Budget, "Q3" planning', 'Budget, "Q3" planning', 'Budget, "Q3" planning']);
    expect(rows.find((x) => x.session_id === 's-1')!.session_title).toBe("'=cmd() trip");
    // A key pasted into a first message (and so into the title) never reaches the file.
    expect(csv).not.toContain('abcdefghijklmnopqrstuvwxyz0123');

    await setTitles([{ sessionId: 's-0', title: 'Renamed' }, { sessionId: 's-1', title: null }]);
    const again = parse(await text(r.metering.exportCsv({}).chunks));
    expect(again.find((x) => x.session_id === 's-0')!.session_title).toBe('Renamed');
    expect(again.find((x) => x.session_id === 's-1')!.session_title).toBe('');
    // The same titles answer usage.sessionTitles: known ids only, a forgotten one left out.
    const answered = await r.metering.handlers['usage.sessionTitles']({ sessionIds: ['s-0', 's-1', 'unknown'] }, { transport: 'web', actor: 'test' });
    expect(answered).toEqual({ titles: { 's-0': 'Renamed' } });

    // Titles are looked up a page at a time: never more ids than a page holds.
    const lookups: number[] = [];
    const paged = exportCsv(r.metering.ledger, {}, { zone: zone('UTC'), now: r.clock.now, pageSize: 4, sessionTitles: (ids) => (lookups.push(ids.length), new Map([['s-2', 'x']])) });
    expect(parse(await text(paged.chunks)).filter((x) => x.session_title === 'x')).toHaveLength(3);
    expect(Math.max(...lookups)).toBeLessThanOrEqual(4);
  });

  it('streams a large ledger page by page with the same bytes as a single page', async () => {
    const r = rig();
    rigs.push(r);
    for (let i = 0; i < 120; i++) {
      r.clock.now += 1000;
      (await r.metering.admission.admit(admitRequest({ sessionId: `s${i}` }))).settle(ok({ inputTokens: i, outputTokens: 1 }));
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

describe('the CSV row writer', () => {
  // Characters that decide quoting (delimiter, quote, CR, LF, whitespace JS's \s knows at the ends:
  // space, tab, no-break space, line separator, BOM), a formula start, and plain text.
  const ALPHABET = ['a', ',', '"', '\r', '\n', ' ', '\t', '\u00a0', '\u2028', '\ufeff', '=', 'é', '日'];
  function* strings(maxLength: number): Generator<string> {
    yield '';
    let level = [''];
    for (let n = 1; n <= maxLength; n++) {
      const next: string[] = [];
      for (const prefix of level) for (const c of ALPHABET) next.push(prefix + c);
      yield* next;
      level = next;
    }
  }

  it('writes every cell exactly as csv-stringify does (all strings of up to 3 of the characters that matter)', async () => {
    const cells = [...strings(3)];
    expect(cells.length).toBe(1 + 13 + 13 ** 2 + 13 ** 3);
    const rows = cells.map((c, i) => [`r${i}`, c, i, null, c]);
    const writer = new CsvRowWriter();
    expect(writer.rows(rows)).toBe(stringify(rows, STRINGIFY));
    // The same with every cell alone in its row, and with the cache of quoted cells warm.
    const single = cells.map((c) => [c]);
    expect(writer.rows(single)).toBe(stringify(single, STRINGIFY));
  });

  it('writes numbers, nulls and long random text exactly as csv-stringify does, and papaparse reads back every cell', async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const numbers = [0, -0, 1, -1, 0.1 + 0.2, 1 / 3, 1e21, 1e-7, -123.456, Number.MAX_SAFE_INTEGER, 2 ** 60, 5e-324];
    const text = () => Array.from({ length: Math.floor(rand() * 40) }, () => (rand() < 0.7 ? String.fromCharCode(32 + Math.floor(rand() * 95)) : ALPHABET[Math.floor(rand() * ALPHABET.length)]!)).join('');
    const rows: Array<Array<string | number | null>> = [];
    for (let i = 0; i < 3000; i++) rows.push([`id-${i}`, text(), numbers[i % numbers.length]!, rand() < 0.2 ? null : text(), text()]);
    const csv = new CsvRowWriter().rows(rows);
    expect(csv).toBe(stringify(rows, STRINGIFY));
    const back = Papa.parse<string[]>(csv.slice(0, -2), { delimiter: ',', newline: '\r\n' });
    expect(back.errors).toEqual([]);
    expect(back.data).toEqual(rows.map((row) => row.map((c) => (c === null ? '' : String(c)))));
  });
});

describe('export pages', () => {
  it('hold the same records as the ledger, prices to the last bit', async () => {
    const r = rig({ zone: 'Asia/Kolkata' });
    rigs.push(r);
    const tricky = { input: 0.1 + 0.2, output: 1 / 3, cacheRead: 1e-7, cacheWrite: 123.45678901234568 };
    for (let i = 0; i < 40; i++) {
      r.clock.now += 7_001;
      const res = (await r.metering.admission.admit(
        admitRequest({ pricing: i % 5 === 0 ? null : i % 2 ? tricky : admitRequest().pricing, agent: i % 3 ? null : `agent "${i}", ok`, keyId: i % 4 ? 'k1' : null, fallbackOf: i % 7 ? null : 'x', attempt: 1 + (i % 3) }),
      ));
      if (i % 6 !== 5) (await res.settle({ ...ok({ inputTokens: 100 * i, cacheReadTokens: i, outputTokens: 3 * i, reasoningTokens: i % 2, estimated: i % 4 === 0 }), status: i % 9 ? 'ok' : 'error', errorCode: i % 9 ? null : 'X' }));
    }
    const ledger = r.metering.ledger;
    const expected = ledger.records({}, 1000, null).rows.map(toRecord).reverse();
    const read: ReturnType<typeof toRecord>[] = [];
    let after: { time: number; seq: number } | null = null;
    for (;;) {
      const page = ledger.exportPage({}, after, ledger.maxSeq(), 7);
      if (!page.last) break;
      read.push(...page.records);
      after = page.last;
    }
    expect(read).toEqual(expected);
    const rows = parse(await text(exportCsv(ledger, {}, { zone: zone('Asia/Kolkata'), now: r.clock.now }).chunks));
    expect(rows.filter((x) => x.price_input_per_mtok !== '').map((x) => Number(x.price_output_per_mtok))).toContain(1 / 3);
    expect(rows.map((x) => x.price_input_per_mtok)).toContain(String(0.1 + 0.2));
  });
});
