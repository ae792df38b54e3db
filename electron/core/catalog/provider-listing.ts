/**
 * Turns a provider's model list into catalog entries for the models the bundled catalog lacks.
 *
 * Prices stay unknown (null, never 0) unless the provider publishes them. OpenRouter does, in its
 * `/models` answer, as decimal strings in USD per token (`pricing.prompt`, `completion`,
 * `input_cache_read`, `input_cache_write`); they are converted to USD per million tokens by moving
 * the decimal point in the string, so "0.00000099" becomes exactly 0.99 (0.00000099 × 1e6 in floating
 * point is 0.9900000000000001).
 */
import { isChatModelId } from '../../../shared/catalog/chat-models.js';
import { CURATED_PROVIDERS } from '../../../shared/catalog/curated.js';
import type { Capability, ModelInfo, Pricing, ProviderId } from '../../../shared/contract/index.js';
import { checkPricePerMillion } from '../../../shared/cost.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';
import type { ListedModel } from '../providers/list-models.js';

/** What is kept of one provider-listed model (persisted in provider-models.json). */
export interface ListedEntry {
  id: string;
  name: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  pricing: Pricing | null;
  capabilities: Capability[];
}

const MAX_ID = 300;
const MAX_NAME = 200;

/**
 * Models in providers' lists that cannot answer a chat turn (embeddings, speech, images, moderation,
 * legacy completions): listing them in a chat model picker would only produce errors. One rule with
 * the bundled catalog (shared/catalog/chat-models.ts).
 */
export function isChatModel(m: Pick<ListedModel, 'id' | 'chat'>): boolean {
  if (m.chat === false) return false;
  return isChatModelId(m.id);
}

/** A provider's list entry as a catalog entry; null for an id the catalog cannot hold. */
export function toListedEntry(provider: ProviderId, m: ListedModel): ListedEntry | null {
  const id = m.id.trim();
  // eslint-disable-next-line no-control-regex
  if (id === '' || id.length > MAX_ID || /[\u0000-\u001f\u007f]/.test(id)) return null;
  // eslint-disable-next-line no-control-regex
  const name = m.name && m.name !== id ? m.name.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_NAME) : null;
  return {
    id,
    name,
    contextWindow: m.contextWindow,
    maxOutputTokens: m.maxOutputTokens !== null && (m.contextWindow === null || m.maxOutputTokens <= m.contextWindow) ? m.maxOutputTokens : null,
    pricing: provider === 'openrouter' ? openRouterPricing(m.raw) : null,
    capabilities: provider === 'openrouter' ? openRouterCapabilities(m.raw) : [],
  };
}

const OPENROUTER_PRICE_FIELDS = { prompt: 'input', completion: 'output', input_cache_read: 'cacheRead', input_cache_write: 'cacheWrite' } as const;

export interface OpenRouterPriceReading {
  /** USD per million tokens; null when it gives neither an input nor an output price. */
  pricing: Pricing | null;
  /**
   * Fields that held a value that is not a plausible price per token (e.g. a price per million
   * tokens where a per-token one belongs): left unknown, and counted by the refresh. OpenRouter's
   * "-1" (the price varies) is not among them.
   */
  rejected: string[];
}

/** OpenRouter's `pricing` object, strings in USD per token, as prices per million tokens. */
export function readOpenRouterPricing(raw: Record<string, unknown>): OpenRouterPriceReading {
  const p = raw.pricing;
  if (p === null || typeof p !== 'object') return { pricing: null, rejected: [] };
  const rec = p as Record<string, unknown>;
  const pricing: Pricing = { input: null, output: null, cacheRead: null, cacheWrite: null };
  const rejected: string[] = [];
  for (const [field, kind] of Object.entries(OPENROUTER_PRICE_FIELDS)) {
    const value = rec[field];
    const converted = perMillion(value);
    pricing[kind] = converted;
    const varies = typeof value === 'string' && value.trim() === '-1';
    if (converted === null && value !== undefined && value !== null && value !== '' && !varies) rejected.push(field);
  }
  return { pricing: pricing.input === null && pricing.output === null ? null : pricing, rejected };
}

/** OpenRouter's `pricing` object in USD per million tokens; null when it gives neither input nor output price. */
export function openRouterPricing(raw: Record<string, unknown>): Pricing | null {
  return readOpenRouterPricing(raw).pricing;
}

/**
 * A price in USD per token, as a decimal string ("0.0000025", "3e-7"), in USD per million tokens.
 * Null for anything that is not a plain non-negative decimal (OpenRouter writes "-1" for "varies",
 * as for its auto router) and for values implausible per million tokens.
 */
export function perMillion(value: unknown): number | null {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return null;
  const m = /^\+?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const exponent = Number(m[3] ?? '0');
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return null;
  // The value is 0.digits × 10^(point) with the point after m[1]; per million moves it 6 places right.
  const point = m[1]!.length + exponent + 6;
  const result = Number(shiftPoint(digits, point));
  if (!Number.isFinite(result)) return null;
  return checkPricePerMillion(result) === null ? result : null;
}

/** The decimal string with `digits` and the decimal point after `point` digits (which may lie outside them). */
function shiftPoint(digits: string, point: number): string {
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${digits}${'0'.repeat(point - digits.length)}`;
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** What OpenRouter says a model supports (supported_parameters, input modalities). */
function openRouterCapabilities(raw: Record<string, unknown>): Capability[] {
  const params = Array.isArray(raw.supported_parameters) ? raw.supported_parameters.filter((p): p is string => typeof p === 'string') : [];
  const arch = raw.architecture !== null && typeof raw.architecture === 'object' ? (raw.architecture as Record<string, unknown>) : {};
  const inputs = Array.isArray(arch.input_modalities) ? arch.input_modalities : [];
  const caps: Capability[] = [];
  if (params.includes('tools')) caps.push('tools');
  if (inputs.includes('image')) caps.push('vision');
  if (params.includes('reasoning') || params.includes('include_reasoning')) caps.push('reasoning');
  if (params.includes('response_format') || params.includes('structured_outputs')) caps.push('json');
  if (inputs.includes('audio')) caps.push('audio');
  return caps;
}

/** How a provider-listed model appears in models.list and find(): price unknown unless the provider published one. */
export function listedModelInfo(provider: ProviderId, entry: ListedEntry, fetchedAt: string): ModelInfo {
  const curated = provider === 'openai-compatible' ? undefined : CURATED_PROVIDERS[provider];
  const day = fetchedAt.slice(0, 10);
  const who = PROVIDERS[provider].name;
  const info: ModelInfo = {
    provider,
    id: entry.id,
    name: entry.name ?? entry.id,
    contextWindow: entry.contextWindow,
    maxOutputTokens: entry.maxOutputTokens,
    pricing: entry.pricing ? { ...entry.pricing } : null,
    capabilities: [...entry.capabilities],
    eu: curated?.eu ?? false,
    recommended: false,
    priceSource: 'provider',
    pricesCheckedAt: entry.pricing ? day : null,
    listedAt: day,
  };
  const notes = [
    entry.pricing ? `Listed by ${who} with its prices on ${day}.` : `Listed by ${who} on ${day}; price unknown (set one to see costs).`,
    curated?.note,
  ].filter((n): n is string => !!n);
  info.note = notes.join(' ');
  return info;
}

/**
 * A catalog model whose provider lists it with its own price (OpenRouter): the provider's live price
 * wins over models.dev's, since it is what the provider charges today. Name, capabilities, EU and the
 * recommended flag stay the catalog's. Only a listing with both an input and an output price counts.
 */
export function withListedPrice(base: ModelInfo, entry: ListedEntry, fetchedAt: string): ModelInfo {
  const listed = entry.pricing;
  if (!listed || listed.input === null || listed.output === null) return base;
  const day = fetchedAt.slice(0, 10);
  // listedAt stays for models only a provider lists: this one is the catalog's, at the provider's price.
  const info: ModelInfo = { ...base, pricing: { ...listed }, priceSource: 'provider', pricesCheckedAt: day };
  if (entry.contextWindow !== null) {
    info.contextWindow = entry.contextWindow;
    info.maxOutputTokens = entry.maxOutputTokens ?? (base.maxOutputTokens !== null && base.maxOutputTokens <= entry.contextWindow ? base.maxOutputTokens : null);
  } else if (entry.maxOutputTokens !== null && (base.contextWindow === null || entry.maxOutputTokens <= base.contextWindow)) {
    info.maxOutputTokens = entry.maxOutputTokens;
  }
  // models.dev's long-prompt tiers belong to its base price: kept only while the listing agrees with it.
  const same = base.pricing !== null && base.pricing.input === listed.input && base.pricing.output === listed.output;
  if (!same) delete info.pricingTiers;
  const who = PROVIDERS[base.provider].name;
  info.note = [`Price listed by ${who} on ${day}.`, base.note].filter((n): n is string => !!n).join(' ');
  return info;
}
