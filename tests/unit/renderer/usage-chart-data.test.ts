import { describe, expect, it } from 'vitest';
import type { UsageGroup } from '../../../shared/contract/index.js';
import { chartPoints, shapeChart, topByCost } from '../../../renderer/src/features/usage/chart-data.js';

function group(key: Record<string, string | null>, over: Partial<UsageGroup> = {}): UsageGroup {
  return {
    key,
    calls: 1,
    inputTokens: 100,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 50,
    reasoningTokens: 0,
    costUsd: 0.001,
    unknownCostCalls: 0,
    errors: 0,
    estimatedCalls: 0,
    ...over,
  };
}

const days = ['2026-11-21', '2026-11-22', '2026-11-23'];

describe('shapeChart', () => {
  it('stacks cost per day by provider, filling days without calls with zeros', () => {
    const data = shapeChart(
      [
        group({ day: '2026-11-21', provider: 'openai' }, { costUsd: 0.002 }),
        group({ day: '2026-11-23', provider: 'openai' }, { costUsd: 0.001 }),
        group({ day: '2026-11-23', provider: 'anthropic' }, { costUsd: 0.004 }),
      ],
      { granularity: 'day', dimension: 'provider', metric: 'cost', buckets: days, locale: 'en-US' },
    );
    // Largest series first.
    expect(data.series.map((s) => [s.key, s.value, s.total])).toEqual([
      ['s0', 'anthropic', 0.004],
      ['s1', 'openai', 0.003],
    ]);
    expect(data.rows.map((r) => r.bucket)).toEqual(days);
    expect(data.rows.map((r) => r.label)).toEqual(['Nov 21', 'Nov 22', 'Nov 23']);
    expect(data.rows.map((r) => r.values)).toEqual([
      { s0: 0, s1: 0.002 },
      { s0: 0, s1: 0 },
      { s0: 0.004, s1: 0.001 },
    ]);
    expect(data.total).toBeCloseTo(0.007, 12);
    expect(data.empty).toBe(false);
    expect(chartPoints(data)[2]).toEqual({ bucket: '2026-11-23', label: 'Nov 23', s0: 0.004, s1: 0.001 });
  });

  it('tokens are every billed token of the group, reasoning not counted twice', () => {
    const data = shapeChart([group({ week: '2026-11-16', model: 'gpt-4o-mini' }, { inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 10, outputTokens: 300, reasoningTokens: 40 })], {
      granularity: 'week',
      dimension: 'model',
      metric: 'tokens',
      buckets: ['2026-11-16', '2026-11-23'],
      locale: 'en-US',
    });
    expect(data.rows.map((r) => r.total)).toEqual([1510, 0]);
    expect(data.series[0]).toMatchObject({ value: 'gpt-4o-mini', label: 'gpt-4o-mini', total: 1510 });
  });

  it('unknown-price calls are counted per bucket, never drawn as $0 cost', () => {
    const data = shapeChart(
      [group({ day: '2026-11-23', model: 'my-local' }, { costUsd: 0, unknownCostCalls: 1 }), group({ day: '2026-11-23', model: 'gpt-4o-mini' }, { costUsd: 0.000345 })],
      { granularity: 'day', dimension: 'model', metric: 'cost', buckets: days },
    );
    expect(data.series.map((s) => s.value)).toEqual(['gpt-4o-mini']);
    expect(data.unknownCostCalls).toBe(1);
    expect(data.rows[2]).toMatchObject({ calls: 2, unknownCostCalls: 1, total: 0.000345 });
  });

  it('model ids with dots become safe data keys', () => {
    const data = shapeChart([group({ day: '2026-11-23', model: 'gpt-4.1' })], { granularity: 'day', dimension: 'model', metric: 'cost', buckets: days });
    expect(data.series[0]!.key).toBe('s0');
    expect(Object.keys(data.rows[2]!.values)).toEqual(['s0']);
  });

  it('merges the long tail into one "Other" series', () => {
    const groups = ['a', 'b', 'c', 'd', 'e'].map((m, i) => group({ month: '2026-11', model: m }, { costUsd: 5 - i }));
    const data = shapeChart(groups, { granularity: 'month', dimension: 'model', metric: 'cost', buckets: ['2026-11'], maxSeries: 3 });
    expect(data.series.map((s) => [s.label, s.total])).toEqual([
      ['a', 5],
      ['b', 4],
      ['Other (3)', 6],
    ]);
    expect(data.rows[0]!.values).toEqual({ s0: 5, s1: 4, other: 6 });
  });

  it('calls without an agent get a readable label', () => {
    const data = shapeChart([group({ day: '2026-11-23', agent: null }), group({ day: '2026-11-23', agent: 'writer' }, { costUsd: 0.01 })], {
      granularity: 'day',
      dimension: 'agent',
      metric: 'cost',
      buckets: days,
      labelOf: (v) => v ?? 'No agent',
    });
    expect(data.series.map((s) => s.label)).toEqual(['writer', 'No agent']);
  });

  it('keeps a bucket the range did not expect (the zone changed between requests), in order', () => {
    const data = shapeChart([group({ day: '2026-11-24', provider: 'openai' })], { granularity: 'day', dimension: 'provider', metric: 'cost', buckets: days });
    expect(data.rows.map((r) => r.bucket)).toEqual([...days, '2026-11-24']);
  });

  it('an empty answer is an empty chart with every bucket', () => {
    const data = shapeChart([], { granularity: 'day', dimension: 'provider', metric: 'cost', buckets: days });
    expect(data.empty).toBe(true);
    expect(data.series).toEqual([]);
    expect(data.rows).toHaveLength(3);
  });
});

describe('topByCost', () => {
  it('ranks by cost, then tokens, and keeps unknown-price groups after priced ones', () => {
    const ranked = topByCost(
      [
        group({ model: 'cheap' }, { costUsd: 0.001 }),
        group({ model: 'unknown' }, { costUsd: 0, unknownCostCalls: 1, inputTokens: 9999 }),
        group({ model: 'dear' }, { costUsd: 0.5 }),
      ],
      2,
    );
    expect(ranked.map((g) => g.key.model)).toEqual(['dear', 'cheap']);
  });
});
