// What every rollup table must hold, computed in JS from the calls table alone (an oracle
// independent of the triggers, backfills and rebuilds that fill the tables).
import type { Db } from '../../../electron/core/metering/db.js';
import type { CallRow } from '../../../electron/core/metering/ledger.js';
import { zone } from '../../../electron/core/metering/time-zone.js';

const SUMS = ['calls', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens', 'cost_nusd', 'unknown_cost_calls', 'cap_nusd', 'estimated_calls'];

interface Spec {
  keys: string[];
  narrow: boolean;
  key(row: CallRow, dayIndex: (t: number) => number): unknown[];
}

export const ROLLUPS: Record<string, Spec> = {
  rollup_q: {
    keys: ['bucket', 'provider', 'model', 'key_id', 'agent', 'source', 'status'],
    narrow: false,
    key: (r) => [Math.floor(r.time / 900_000), r.provider, r.model, r.key_id ?? '', r.agent ?? '', r.source, r.status],
  },
  rollup_day: {
    keys: ['day', 'provider', 'model', 'key_id', 'source', 'status'],
    narrow: false,
    key: (r, day) => [day(r.time), r.provider, r.model, r.key_id ?? '', r.source, r.status],
  },
  rollup_agent_day: { keys: ['day', 'agent'], narrow: true, key: (r, day) => [day(r.time), r.agent ?? ''] },
  rollup_session_day: { keys: ['day', 'session_id'], narrow: true, key: (r) => [Math.floor(r.time / 86_400_000), r.session_id] },
};

/** Rows of each rollup as {key JSON → sums}, without all-zero rows (a call taken out leaves one). */
export function rollupContents(db: Db): Record<string, Map<string, number[]>> {
  const out: Record<string, Map<string, number[]>> = {};
  for (const [table, spec] of Object.entries(ROLLUPS)) {
    const cols = [...SUMS, ...(spec.narrow ? ['error_calls'] : [])];
    const map = new Map<string, number[]>();
    for (const row of db.prepare(`SELECT ${[...spec.keys, ...cols].join(', ')} FROM ${table}`).raw(true).all() as unknown[][]) {
      const sums = row.slice(spec.keys.length) as number[];
      if (sums.every((n) => n === 0)) continue;
      map.set(JSON.stringify(row.slice(0, spec.keys.length)), sums);
    }
    out[table] = map;
  }
  return out;
}

/** What rollupContents must be, from the settled calls, with local days in `timeZone`. */
export function expectedRollups(db: Db, timeZone: string): Record<string, Map<string, number[]>> {
  const z = zone(timeZone);
  const day = (t: number) => z.dayIndex(t);
  const calls = db.prepare("SELECT * FROM calls WHERE status <> 'reserved'").all() as CallRow[];
  const out: Record<string, Map<string, number[]>> = {};
  for (const [table, spec] of Object.entries(ROLLUPS)) {
    const map = new Map<string, number[]>();
    for (const r of calls) {
      const id = JSON.stringify(spec.key(r, day));
      const add = [
        1,
        r.input_tokens,
        r.cache_read_tokens,
        r.cache_write_tokens,
        r.output_tokens,
        r.reasoning_tokens,
        r.cost_nusd ?? 0,
        r.cost_nusd === null ? 1 : 0,
        r.cost_nusd ?? r.reserved_nusd ?? 0,
        r.estimated,
        ...(spec.narrow ? [r.status === 'error' ? 1 : 0] : []),
      ];
      const sums = map.get(id);
      if (sums) add.forEach((n, i) => (sums[i]! += n));
      else map.set(id, add);
    }
    out[table] = map;
  }
  return out;
}

/** Every rollup as a sorted list of [key, sums], for readable test failures. */
export function asLists(tables: Record<string, Map<string, number[]>>): Record<string, Array<[string, number[]]>> {
  return Object.fromEntries(Object.entries(tables).map(([t, m]) => [t, [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
}
