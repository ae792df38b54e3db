import type { UsageGroup } from '../../../../shared/contract/index.js';
import type { Granularity } from './date-range.js';
import { bucketLabel } from './date-range.js';
import { totalTokens } from './money.js';

export type Dimension = 'provider' | 'model' | 'agent' | 'level';
export type Metric = 'cost' | 'tokens';

export interface ChartSeries {
  /** Data key in each row: s0, s1, … (model ids hold dots, which chart libraries read as paths). */
  key: string;
  /** The dimension's value (provider id, model id, agent), null for calls without one; "other" merges the rest. */
  value: string | null;
  label: string;
  total: number;
}

export interface ChartRow {
  bucket: string;
  label: string;
  calls: number;
  /** Calls in this bucket whose price is unknown: shown beside the cost, never as $0. */
  unknownCostCalls: number;
  total: number;
  /** Series values by ChartSeries.key. */
  values: Record<string, number>;
}

export interface ChartData {
  rows: ChartRow[];
  series: ChartSeries[];
  total: number;
  unknownCostCalls: number;
  /** True when no bucket holds anything to draw. */
  empty: boolean;
}

export interface ShapeOptions {
  granularity: Granularity;
  dimension: Dimension;
  metric: Metric;
  /** Every bucket of the range, in order (bucketsInRange); buckets the query did not return are zero. */
  buckets: string[];
  /** At most this many series; the smallest merge into "Other". */
  maxSeries?: number;
  labelOf?: (value: string | null) => string;
  locale?: string;
}

export const OTHER_KEY = 'other';

export function metricOf(group: UsageGroup, metric: Metric): number {
  return metric === 'cost' ? group.costUsd : totalTokens(group);
}

/**
 * Turns usage.query groups (groupBy [granularity, dimension]) into chart rows stacked by the
 * dimension. Buckets without calls become zero rows so the time axis has no gaps; the largest
 * series come first (bottom of the stack) and the long tail is one "Other" series.
 */
export function shapeChart(groups: readonly UsageGroup[], options: ShapeOptions): ChartData {
  const { granularity, dimension, metric, buckets } = options;
  const maxSeries = Math.max(1, options.maxSeries ?? 6);
  const labelOf = options.labelOf ?? ((v: string | null) => v ?? 'None');

  const totals = new Map<string | null, number>();
  for (const g of groups) {
    const v = g.key[dimension] ?? null;
    totals.set(v, (totals.get(v) ?? 0) + metricOf(g, metric));
  }
  const ranked = [...totals.entries()]
    .filter(([, total]) => total > 0)
    .sort((a, b) => b[1] - a[1] || labelOf(a[0]).localeCompare(labelOf(b[0])));
  const keep = ranked.length > maxSeries ? ranked.slice(0, maxSeries - 1) : ranked;
  const rest = ranked.slice(keep.length);

  const series: ChartSeries[] = keep.map(([value, total], i) => ({ key: `s${i}`, value, label: labelOf(value), total }));
  if (rest.length > 0) {
    series.push({ key: OTHER_KEY, value: OTHER_KEY, label: `Other (${rest.length})`, total: rest.reduce((s, [, t]) => s + t, 0) });
  }
  const keyOf = new Map<string | null, string>(keep.map(([value], i) => [value, `s${i}`]));

  const rows = new Map<string, ChartRow>();
  const order = [...buckets];
  const rowFor = (bucket: string): ChartRow => {
    let row = rows.get(bucket);
    if (!row) {
      row = { bucket, label: bucketLabel(bucket, granularity, options.locale), calls: 0, unknownCostCalls: 0, total: 0, values: {} };
      for (const s of series) row.values[s.key] = 0;
      rows.set(bucket, row);
    }
    return row;
  };
  for (const b of order) rowFor(b);

  let total = 0;
  let unknown = 0;
  for (const g of groups) {
    const bucket = g.key[granularity];
    if (bucket === null || bucket === undefined) continue;
    if (!rows.has(bucket)) order.push(bucket);
    const row = rowFor(bucket);
    const value = metricOf(g, metric);
    const key = keyOf.get(g.key[dimension] ?? null) ?? (value > 0 ? OTHER_KEY : undefined);
    if (key !== undefined) row.values[key] = (row.values[key] ?? 0) + value;
    row.calls += g.calls;
    row.unknownCostCalls += g.unknownCostCalls;
    row.total += value;
    total += value;
    unknown += g.unknownCostCalls;
  }
  // Buckets outside the expected list (a zone change between the two requests) still show, in order.
  const sorted = order.sort();
  const out = sorted.map((b) => rows.get(b)!);
  return { rows: out, series, total, unknownCostCalls: unknown, empty: out.every((r) => r.total === 0 && r.calls === 0) };
}

/** Rows flattened for the chart library: {label, s0: 1.2, s1: 0.4, …}. */
export function chartPoints(data: ChartData): Array<Record<string, string | number>> {
  return data.rows.map((r) => ({ bucket: r.bucket, label: r.label, ...r.values }));
}

/**
 * Groups ranked by cost (then tokens), for the "top models" and "top conversations" tables.
 * Calls with an unknown price sort by their tokens among the rest rather than as free.
 */
export function topByCost(groups: readonly UsageGroup[], limit: number): UsageGroup[] {
  return [...groups].sort((a, b) => b.costUsd - a.costUsd || totalTokens(b) - totalTokens(a) || b.calls - a.calls).slice(0, limit);
}
