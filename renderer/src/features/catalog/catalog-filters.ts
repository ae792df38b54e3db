import type { Capability, MethodRequest, ModelInfo, Pricing, ProviderId } from '../../../../shared/contract/index.js';
import { PROVIDER_IDS } from '../../../../shared/contract/index.js';

export interface CatalogFilters {
  provider: ProviderId | '';
  capability: Capability | '';
  euOnly: boolean;
  /** As typed: USD per million input tokens; '' for no cap. */
  maxInputPrice: string;
  search: string;
  recommendedOnly: boolean;
}

export const EMPTY_FILTERS: CatalogFilters = { provider: '', capability: '', euOnly: false, maxInputPrice: '', search: '', recommendedOnly: false };

export const CAPABILITY_LABELS: Record<Capability, string> = {
  tools: 'Tools',
  vision: 'Vision',
  reasoning: 'Reasoning',
  json: 'JSON',
  audio: 'Audio',
};

export type ModelsListInput = MethodRequest<'models.list'>;

/** Parses a price field: '' is "none", anything else must be a number ≥ 0. */
export function parsePrice(text: string): { value: number | null; error: string | null } {
  const t = text.trim();
  if (t === '') return { value: null, error: null };
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) return { value: null, error: 'Enter a number of USD per million tokens, 0 or more.' };
  return { value: n, error: null };
}

/** The models.list request for the filters; an unparseable price cap is left out (and flagged in the form). */
export function toListRequest(f: CatalogFilters): ModelsListInput {
  const req: ModelsListInput = {};
  if (f.provider) req.provider = f.provider;
  if (f.capability) req.capability = f.capability;
  if (f.euOnly) req.eu = true;
  const price = parsePrice(f.maxInputPrice);
  if (price.value !== null) req.maxInputPrice = price.value;
  const search = f.search.trim().slice(0, 200);
  if (search) req.search = search;
  if (f.recommendedOnly) req.recommendedOnly = true;
  return req;
}

export function isFiltered(f: CatalogFilters): boolean {
  return JSON.stringify(toListRequest(f)) !== '{}';
}

/** "128K", "1.05M" for context windows and output limits. */
export function formatTokenLimit(n: number | null): string {
  if (n === null) return '—';
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 }).format(n);
}

export interface PriceForm {
  provider: ProviderId;
  model: string;
  input: string;
  output: string;
  cacheRead: string;
  cacheWrite: string;
  contextWindow: string;
  maxOutputTokens: string;
}

export type PriceFormErrors = Partial<Record<keyof PriceForm, string>>;

export function priceFormFor(model: ModelInfo | null): PriceForm {
  const p = model?.pricing;
  const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    provider: model?.provider ?? 'openai-compatible',
    model: model?.id ?? '',
    input: str(p?.input),
    output: str(p?.output),
    cacheRead: str(p?.cacheRead),
    cacheWrite: str(p?.cacheWrite),
    contextWindow: str(model?.contextWindow),
    maxOutputTokens: str(model?.maxOutputTokens),
  };
}

export interface SetPriceInput {
  provider: ProviderId;
  model: string;
  pricing: Pricing;
  contextWindow?: number;
  maxOutputTokens?: number;
}

/**
 * The models.setPrice request, or the fields the form must fix first. Only shape is checked here
 * (numbers, whole token counts); whether a price is plausible per million tokens is the core's
 * call, and its message is shown under the field it names.
 */
export function toSetPrice(form: PriceForm): { request: SetPriceInput | null; errors: PriceFormErrors } {
  const errors: PriceFormErrors = {};
  const model = form.model.trim();
  if (model === '') errors.model = 'Enter the model id the server expects, e.g. llama3.1:8b.';
  else if (model.length > 300) errors.model = 'A model id is at most 300 characters.';
  if (!PROVIDER_IDS.includes(form.provider)) errors.provider = 'Choose a provider.';
  const prices = {} as Record<'input' | 'output' | 'cacheRead' | 'cacheWrite', number | null>;
  for (const k of ['input', 'output', 'cacheRead', 'cacheWrite'] as const) {
    const p = parsePrice(form[k]);
    if (p.error) errors[k] = p.error;
    prices[k] = p.value;
  }
  const whole = (text: string, field: 'contextWindow' | 'maxOutputTokens'): number | undefined => {
    const t = text.trim().replace(/[,_\s]/g, '');
    if (t === '') return undefined;
    const n = Number(t);
    if (!Number.isInteger(n) || n <= 0) {
      errors[field] = 'A whole number of tokens, more than 0.';
      return undefined;
    }
    return n;
  };
  const contextWindow = whole(form.contextWindow, 'contextWindow');
  const maxOutputTokens = whole(form.maxOutputTokens, 'maxOutputTokens');
  if (Object.keys(errors).length > 0) return { request: null, errors };
  return {
    request: {
      provider: form.provider,
      model,
      pricing: { input: prices.input ?? null, output: prices.output ?? null, cacheRead: prices.cacheRead ?? null, cacheWrite: prices.cacheWrite ?? null },
      ...(contextWindow !== undefined ? { contextWindow } : {}),
      ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
    },
    errors,
  };
}

/** Maps a core VALIDATION field ("pricing.input") to the form field it is about. */
export function priceFieldOf(field: unknown): keyof PriceForm | null {
  if (typeof field !== 'string') return null;
  const f = field.replace(/^pricing\./, '');
  const known: (keyof PriceForm)[] = ['provider', 'model', 'input', 'output', 'cacheRead', 'cacheWrite', 'contextWindow', 'maxOutputTokens'];
  return (known as string[]).includes(f) ? (f as keyof PriceForm) : null;
}
