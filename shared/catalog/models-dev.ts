/**
 * How one models.dev model record becomes a catalog entry. The generator reads the repository's
 * TOML files (merged with their `base_model`), the online price update reads the site's api.json;
 * both records have the same fields (models.dev `packages/core/src/schema.ts`), so one reader serves
 * both and the two can never disagree about a price.
 *
 * Nothing is dropped silently: a price field Switchboard does not apply (audio, a reasoning price
 * other than the output price, fast-mode prices, a field it does not know) is kept in
 * `otherPrices`, and anything odd is reported in `problems`.
 */
import type { Pricing, ProviderId } from '../contract/common.js';
import type { Capability } from '../contract/models.js';
import { checkPricePerMillion, type PricingTier } from '../cost.js';
import { isChatModel } from './chat-models.js';
import type { GeneratedModel } from './types.js';

type Table = Record<string, unknown>;

export function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** Dates come as strings (JSON, quoted TOML) or Date objects (bare TOML dates). */
const str = (v: unknown): string | null => (typeof v === 'string' ? v : v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : null);

/** Cost fields that map onto Switchboard's prices. */
const PRICE_FIELDS = { input: 'input', output: 'output', cache_read: 'cacheRead', cache_write: 'cacheWrite' } as const;
/** Cost fields models.dev documents that Switchboard reads but does not bill by (kept in otherPrices). */
const KNOWN_EXTRA_FIELDS = new Set(['reasoning', 'input_audio', 'output_audio']);
/** Spellings seen in the wild for a documented field: read as that field, and reported. */
const ALIASES: Record<string, keyof typeof PRICE_FIELDS> = { cached_input: 'cache_read', cache_read_input: 'cache_read', cache_creation: 'cache_write' };
/** Not prices: tier tables, and the api.json's legacy copy of a long-prompt tier. */
const STRUCTURE_FIELDS = new Set(['tiers', 'context_over_200k', 'tier']);

export const CAPABILITY_ORDER: readonly Capability[] = ['tools', 'vision', 'reasoning', 'json', 'audio'];

export interface CostReading {
  pricing: Pricing | null;
  tiers: PricingTier[];
  otherPrices: Record<string, number>;
}

/** One flat cost table (the base prices or one tier) as Pricing, reading documented aliases. */
function pricingOf(cost: Table, where: string, problems: string[]): Pricing {
  const p: Pricing = { input: num(cost.input), output: num(cost.output), cacheRead: num(cost.cache_read), cacheWrite: num(cost.cache_write) };
  for (const [alias, field] of Object.entries(ALIASES)) {
    const v = num(cost[alias]);
    if (v === null) continue;
    const key = PRICE_FIELDS[field];
    if (p[key] === null) {
      p[key] = v;
      problems.push(`${where}: non-standard price field "${alias}" read as ${field} (${v})`);
    } else if (p[key] !== v) {
      problems.push(`${where}: "${alias}" (${v}) disagrees with ${field} (${p[key]}); ${field} used`);
    }
  }
  return p;
}

function hasPrice(p: Pricing): boolean {
  return p.input !== null || p.output !== null;
}

function checkPlausible(where: string, p: Pricing, problems: string[]): boolean {
  let ok = true;
  for (const [kind, value] of Object.entries(p)) {
    if (value === null) continue;
    const why = checkPricePerMillion(value);
    if (why) {
      problems.push(`${where}: ${kind} price ${why}`);
      ok = false;
    }
  }
  return ok;
}

export interface CostResult extends CostReading {
  /** False when a price is implausible per million tokens (likely per token, or per billion). */
  plausible: boolean;
}

/**
 * A models.dev `cost` table: base prices, long-prompt tiers (`tiers`, or the api.json's legacy
 * `context_over_200k` when there are none), and every other numeric field in otherPrices.
 */
export function readCost(cost: unknown, where: string, problems: string[]): CostResult {
  if (!isTable(cost)) return { pricing: null, tiers: [], otherPrices: {}, plausible: true };
  const base = pricingOf(cost, where, problems);
  const pricing = hasPrice(base) ? base : null;
  let plausible = pricing ? checkPlausible(where, pricing, problems) : true;

  const tiers: PricingTier[] = [];
  const rawTiers: unknown[] = Array.isArray(cost.tiers) ? cost.tiers : isTable(cost.context_over_200k) ? [{ ...cost.context_over_200k, tier: { type: 'context', size: 200_000 } }] : [];
  for (const t of rawTiers) {
    const size = isTable(t) && isTable(t.tier) ? num(t.tier.size) : null;
    const type = isTable(t) && isTable(t.tier) ? (t.tier.type ?? 'context') : null;
    if (!isTable(t) || size === null || !Number.isInteger(size) || size <= 0 || type !== 'context') {
      problems.push(`${where}: a cost tier that is not a positive context size was skipped (${JSON.stringify(isTable(t) ? t.tier : t)})`);
      continue;
    }
    const p = pricingOf(t, `${where} (prompts above ${size})`, problems);
    if (!hasPrice(p)) {
      problems.push(`${where}: the tier above ${size} tokens has no prices and was skipped`);
      continue;
    }
    if (!checkPlausible(`${where} (prompts above ${size})`, p, problems)) plausible = false;
    tiers.push({ aboveInputTokens: size, pricing: p });
  }
  tiers.sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);

  const otherPrices: Record<string, number> = {};
  for (const [k, v] of Object.entries(cost)) {
    if (k in PRICE_FIELDS || k in ALIASES || STRUCTURE_FIELDS.has(k)) continue;
    const value = num(v);
    if (value === null) {
      problems.push(`${where}: cost field "${k}" is not a number and was ignored`);
      continue;
    }
    // A reasoning price equal to the output price is what Switchboard bills anyway.
    if (k === 'reasoning' && pricing && value === pricing.output) continue;
    otherPrices[k] = value;
    if (k === 'reasoning') problems.push(`${where}: reasoning tokens priced ${value}, Switchboard bills them at the output price ${pricing?.output ?? 'unknown'}`);
    else if (!KNOWN_EXTRA_FIELDS.has(k)) problems.push(`${where}: unknown price field "${k}" (${value}) kept in otherPrices, not applied`);
  }
  return { pricing, tiers, otherPrices, plausible };
}

/** Prices of models.dev's experimental request modes (Anthropic fast mode, OpenAI priority), as `<mode>.<field>`. */
function modePrices(m: Table): Record<string, number> {
  const out: Record<string, number> = {};
  const modes = isTable(m.experimental) && isTable(m.experimental.modes) ? m.experimental.modes : {};
  for (const [mode, spec] of Object.entries(modes)) {
    if (!isTable(spec) || !isTable(spec.cost)) continue;
    for (const [k, v] of Object.entries(spec.cost)) {
      const value = num(v);
      if (value !== null) out[`${mode}.${k}`] = value;
    }
  }
  return out;
}

function capabilitiesOf(m: Table): Capability[] {
  const inputs = isTable(m.modalities) && Array.isArray(m.modalities.input) ? (m.modalities.input as unknown[]) : [];
  const caps: Capability[] = [];
  if (m.tool_call === true) caps.push('tools');
  if (inputs.includes('image')) caps.push('vision');
  if (m.reasoning === true) caps.push('reasoning');
  if (m.structured_output === true) caps.push('json');
  if (inputs.includes('audio')) caps.push('audio');
  return caps;
}

/** A token limit as the contract holds it: a positive whole number, else unknown. */
function limitOf(v: unknown, where: string, what: string, problems: string[]): number | null {
  const n = num(v);
  if (n === null) return null;
  if (!Number.isInteger(n) || n <= 0) {
    if (n !== 0) problems.push(`${where}: ${what} ${n} is not a positive whole number of tokens; left unknown`);
    return null;
  }
  return n;
}

const STATUSES = new Set(['alpha', 'beta', 'deprecated']);

export interface ModelReading {
  /** null when the record is not a chat model (see `notChat`). */
  model: GeneratedModel | null;
  /** Set when the model was left out because it cannot chat (embeddings, speech, images). */
  notChat: boolean;
  /** False when a price is implausible: the online update keeps the previous price instead. */
  plausible: boolean;
}

/**
 * One models.dev model (already merged with its base model) as a catalog entry. `sourcePath` names
 * the TOML file it comes from (for the api.json: the file it was built from).
 */
export function readModelsDevModel(provider: ProviderId, id: string, m: Table, sourcePath: string, problems: string[]): ModelReading {
  const modalities = isTable(m.modalities) ? m.modalities : {};
  const input = Array.isArray(modalities.input) ? modalities.input : undefined;
  const output = Array.isArray(modalities.output) ? modalities.output : undefined;
  if (!isChatModel(id, { input, output })) return { model: null, notChat: true, plausible: true };

  const cost = readCost(m.cost, sourcePath, problems);
  const otherPrices = { ...cost.otherPrices, ...modePrices(m) };
  const limit = isTable(m.limit) ? m.limit : {};
  const contextWindow = limitOf(limit.context, sourcePath, 'limit.context', problems);
  let maxOutputTokens = limitOf(limit.output, sourcePath, 'limit.output', problems);
  if (maxOutputTokens !== null && contextWindow !== null && maxOutputTokens > contextWindow) {
    problems.push(`${sourcePath}: limit.output ${maxOutputTokens} is above limit.context ${contextWindow}; output limit left unknown`);
    maxOutputTokens = null;
  }
  const status = str(m.status);
  const model: GeneratedModel = {
    provider,
    id,
    name: (str(m.name) ?? '').trim() || id,
    family: str(m.family),
    contextWindow,
    maxOutputTokens,
    pricing: cost.pricing,
    pricingTiers: cost.tiers,
    capabilities: capabilitiesOf(m),
    releaseDate: str(m.release_date),
    lastUpdated: str(m.last_updated),
    openWeights: m.open_weights === true,
    status: status && STATUSES.has(status) ? status : null,
    sourcePath,
    pricesFrom: null,
  };
  if (Object.keys(otherPrices).length > 0) model.otherPrices = otherPrices;
  return { model, notChat: false, plausible: cost.plausible };
}

/** The TOML file a provider's model lives in, inside a models.dev snapshot. */
export function modelsDevPath(dir: string, id: string): string {
  return `providers/${dir}/models/${id}.toml`;
}
