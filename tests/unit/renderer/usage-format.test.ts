import { describe, expect, it } from 'vitest';
import {
  describeTotalCost,
  formatCostAxis,
  formatCostExact,
  formatCostShort,
  formatCostTotal,
  formatPricePerMillion,
  formatTokensCompact,
  totalTokens,
  unknownPriceNote,
} from '../../../renderer/src/features/usage/money.js';

const L = 'en-US';

describe('cost formatting', () => {
  it('shows a call’s cost exactly, sub-cent digits included', () => {
    expect(formatCostExact(0.000345, L)).toBe('$0.000345');
    expect(formatCostExact(0.00983475, L)).toBe('$0.00983475');
    expect(formatCostExact(0.000000001, L)).toBe('$0.000000001');
    expect(formatCostExact(1.5, L)).toBe('$1.50');
    expect(formatCostExact(1234.5678, L)).toBe('$1,234.5678');
    expect(formatCostExact(0, L)).toBe('$0.00');
  });

  it('drops float noise past the nano-dollar the ledger stores', () => {
    expect(formatCostExact(0.1 + 0.2, L)).toBe('$0.30');
    expect(formatCostExact(0.000345 * 3, L)).toBe('$0.001035');
  });

  it('an unknown price is "unknown", never $0', () => {
    expect(formatCostExact(null, L)).toBe('unknown');
    expect(formatCostTotal(null, L)).toBe('unknown');
    expect(formatCostShort(undefined, L)).toBe('unknown');
    expect(formatCostExact(Number.NaN, L)).toBe('unknown');
  });

  it('totals are to the cent, and a sub-cent total is not shown as $0.00', () => {
    expect(formatCostTotal(12.345, L)).toBe('$12.35');
    expect(formatCostTotal(0.01, L)).toBe('$0.01');
    expect(formatCostTotal(0, L)).toBe('$0.00');
    expect(formatCostTotal(0.000345, L)).toBe('$0.000345');
    expect(formatCostTotal(0.0049, L)).toBe('$0.0049');
  });

  it('short form keeps three significant digits below a dollar', () => {
    expect(formatCostShort(0.0123456, L)).toBe('$0.0123');
    expect(formatCostShort(0.5, L)).toBe('$0.50');
    expect(formatCostShort(0.999, L)).toBe('$0.999');
    expect(formatCostShort(3.14159, L)).toBe('$3.14');
  });

  it('axis labels are compact', () => {
    expect(formatCostAxis(0, L)).toBe('$0');
    expect(formatCostAxis(0.00035, L)).toBe('$0.00035');
    expect(formatCostAxis(1234, L)).toBe('$1.23K');
  });

  it('prices per million tokens keep their precision; missing ones are a dash', () => {
    expect(formatPricePerMillion(2.5, L)).toBe('$2.50');
    expect(formatPricePerMillion(0.075, L)).toBe('$0.075');
    expect(formatPricePerMillion(0, L)).toBe('$0.00');
    expect(formatPricePerMillion(null, L)).toBe('—');
  });
});

describe('totals with unknown prices', () => {
  it('names the unknown-price calls beside the known cost', () => {
    const view = describeTotalCost({ calls: 3, costUsd: 0.000345, unknownCostCalls: 1 }, L);
    expect(view.text).toBe('$0.000345');
    expect(view.note).toBe('1 call with unknown price');
    expect(view.title).toBe('Exactly $0.000345, plus 1 call with unknown price');
  });

  it('a period where no call had a price reads "unknown", not $0.00', () => {
    const view = describeTotalCost({ calls: 2, costUsd: 0, unknownCostCalls: 2 }, L);
    expect(view.text).toBe('unknown');
    expect(view.note).toBe('2 calls with unknown price');
  });

  it('no calls is a plain $0.00', () => {
    expect(describeTotalCost({ calls: 0, costUsd: 0, unknownCostCalls: 0 }, L)).toEqual({ text: '$0.00', title: 'Exactly $0.00', note: null });
  });

  it('counts every billed token kind once (reasoning is inside output)', () => {
    expect(totalTokens({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 50, outputTokens: 300 })).toBe(1550);
    expect(unknownPriceNote(12, L)).toBe('12 calls with unknown price');
    expect(formatTokensCompact(12_345, L)).toBe('12.3K');
  });
});
