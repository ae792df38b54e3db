import { POWER_LEVELS, type ModelInfo, type PowerLevel, type ProviderId } from '../../../shared/contract/index.js';

/**
 * A model's price for comparing strength and cost: input and output per million tokens weighted
 * 3:1, the usual share of prompt and answer in a chat turn.
 */
export function blendedPrice(m: ModelInfo): number {
  return (3 * (m.pricing?.input ?? 0) + (m.pricing?.output ?? 0)) / 4;
}

/**
 * Can serve a level: a known input and output price (levels are chosen by live prices), tools when
 * they are needed, and not deprecated (the catalog holds every model models.dev lists, retired ones
 * too: the cheapest is often one the provider no longer serves).
 */
export function isCapable(m: ModelInfo, needsTools: boolean): boolean {
  if (m.status === 'deprecated') return false;
  if (m.pricing?.input == null || m.pricing.output == null) return false;
  return !needsTools || m.capabilities.includes('tools');
}

/**
 * The models one provider family would use per level, from the catalog's prices and capabilities:
 * - eco: the cheapest capable model;
 * - precision: the strongest, taken as the most expensive model the catalog recommends (the most
 *   expensive capable one when none is recommended), so a superseded premium model is not picked;
 * - balanced: between the two, a recommended model when there is one, else the one whose price is
 *   nearest the geometric middle of eco's and precision's.
 * Ties are broken by id, so the choice is stable.
 */
export function levelsForFamily(models: readonly ModelInfo[], provider: ProviderId, needsTools: boolean): Record<PowerLevel, ModelInfo | null> {
  const pool = models
    .filter((m) => m.provider === provider && isCapable(m, needsTools))
    .sort((a, b) => blendedPrice(a) - blendedPrice(b) || a.id.localeCompare(b.id));
  if (pool.length === 0) return { eco: null, balanced: null, precision: null };
  const eco = pool[0]!;
  const recommended = pool.filter((m) => m.recommended);
  const precision = (recommended.length > 0 ? recommended : pool)[(recommended.length > 0 ? recommended : pool).length - 1]!;
  const between = pool.filter((m) => blendedPrice(m) > blendedPrice(eco) && blendedPrice(m) < blendedPrice(precision));
  const middle = Math.sqrt(Math.max(blendedPrice(eco), 1e-9) * Math.max(blendedPrice(precision), 1e-9));
  const nearest = (list: ModelInfo[]) =>
    list.reduce<ModelInfo | null>((best, m) => (best === null || Math.abs(Math.log(blendedPrice(m) / middle)) < Math.abs(Math.log(blendedPrice(best) / middle)) ? m : best), null);
  const balanced = nearest(between.filter((m) => m.recommended)) ?? nearest(between) ?? (pool.length > 1 ? pool[Math.floor(pool.length / 2)]! : eco);
  return { eco, balanced, precision };
}

export interface LevelPick {
  level: PowerLevel;
  /** The family that answers first and its model. */
  primary: ModelInfo | null;
  /** The same level with the other families, in order: the fallbacks of a conversation at this level. */
  alternatives: ModelInfo[];
}

/** Every level over the user's provider families (in order): the first family with a capable model answers, the rest fall back. */
export function pickLevels(models: readonly ModelInfo[], families: readonly ProviderId[], needsTools: boolean): LevelPick[] {
  const perFamily = families.map((f) => levelsForFamily(models, f, needsTools));
  return POWER_LEVELS.map((level) => {
    const picks = perFamily.map((p) => p[level]).filter((m): m is ModelInfo => m !== null);
    return { level, primary: picks[0] ?? null, alternatives: picks.slice(1) };
  });
}
