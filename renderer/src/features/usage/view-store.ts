import { create } from 'zustand';
import type { Dimension, Metric } from './chart-data.js';
import type { Granularity, RangePreset } from './date-range.js';

/** The dashboard's choices, kept while the app is open so coming back to Usage shows the same view. */
interface UsageViewState {
  preset: RangePreset;
  /** Custom range as typed (YYYY-MM-DD); only used when preset is "custom". */
  customFrom: string;
  customTo: string;
  granularity: Granularity;
  dimension: Dimension;
  metric: Metric;
  set(patch: Partial<Omit<UsageViewState, 'set'>>): void;
}

export const useUsageView = create<UsageViewState>((set) => ({
  preset: 'last30',
  customFrom: '',
  customTo: '',
  granularity: 'day',
  dimension: 'provider',
  metric: 'cost',
  set: (patch) => set(patch),
}));
