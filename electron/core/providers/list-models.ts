/**
 * The cheapest real call each wire format offers: list the models the key can see. Used by the key
 * test and by the catalog refresh (models.refresh).
 *
 * Exports:
 *   - `listModelIds(key, { signal, timeoutMs, fetch? })` → model ids of the first page (key test).
 *   - `listModels(key, { signal, timeoutMs, fetch?, maxModels? })` → every page, as `ListedModel`s:
 *     the id, what the provider says about name and limits, and the provider's raw entry (OpenRouter
 *     puts its prices there) for callers that read provider-specific fields.
 * Both throw whatever the SDK throws; classify it with `classifyProviderError`.
 */
import type { ClientKey } from './clients.js';
import { createAnthropicClient, createGeminiClient, createOpenAIClient, wireOf } from './clients.js';

export interface ListModelsOptions {
  signal: AbortSignal;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

export interface ListAllModelsOptions extends ListModelsOptions {
  /** Stop after this many models (a provider or proxy answering with an endless list). Default 5000. */
  maxModels?: number;
}

export interface ListedModel {
  id: string;
  /** Display name, when the provider gives one. */
  name: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** False when the provider says the model cannot chat (Gemini embedding models, ...); null when it does not say. */
  chat: boolean | null;
  /** The provider's own entry as received (never contains a credential: it is the listing's body). */
  raw: Record<string, unknown>;
}

export const DEFAULT_MAX_LISTED_MODELS = 5000;

export async function listModelIds(key: ClientKey, opts: ListModelsOptions): Promise<string[]> {
  const clientOpts = { timeoutMs: opts.timeoutMs, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  switch (wireOf(key.provider)) {
    case 'openai': {
      // Azure included: GET {endpoint}/openai/models?api-version=... checks the endpoint, key and API version.
      const page = await createOpenAIClient(key, clientOpts).models.list({ signal: opts.signal });
      return page.data.map((m) => m.id);
    }
    case 'anthropic': {
      const page = await createAnthropicClient(key, clientOpts).models.list({ limit: 100 }, { signal: opts.signal });
      return page.data.map((m) => m.id);
    }
    case 'gemini': {
      const pager = await createGeminiClient(key, clientOpts).models.list({ config: { pageSize: 100, abortSignal: opts.signal } });
      return pager.page.map((m) => (m.name ?? '').replace(/^models\//, '')).filter((id) => id !== '');
    }
  }
}

/** Every model the key can see, across pages, up to `maxModels`. */
export async function listModels(key: ClientKey, opts: ListAllModelsOptions): Promise<ListedModel[]> {
  const clientOpts = { timeoutMs: opts.timeoutMs, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  const max = opts.maxModels ?? DEFAULT_MAX_LISTED_MODELS;
  const out: ListedModel[] = [];
  const push = (m: ListedModel | null): boolean => {
    if (m) out.push(m);
    return out.length < max;
  };
  switch (wireOf(key.provider)) {
    case 'openai': {
      // OpenAI-format lists are one page; the SDK's iterator follows a cursor where a server sends one.
      for await (const m of createOpenAIClient(key, clientOpts).models.list({ signal: opts.signal })) {
        if (!push(openaiEntry(m as unknown as Record<string, unknown>))) break;
      }
      break;
    }
    case 'anthropic': {
      for await (const m of createAnthropicClient(key, clientOpts).models.list({ limit: 100 }, { signal: opts.signal })) {
        const raw = m as unknown as Record<string, unknown>;
        if (!push(typeof raw.id === 'string' && raw.id !== '' ? { id: raw.id, name: str(raw.display_name), contextWindow: int(raw.max_input_tokens), maxOutputTokens: int(raw.max_tokens), chat: null, raw } : null)) break;
      }
      break;
    }
    case 'gemini': {
      const pager = await createGeminiClient(key, clientOpts).models.list({ config: { pageSize: 100, abortSignal: opts.signal } });
      for await (const m of pager) {
        const raw = m as unknown as Record<string, unknown>;
        const id = (str(raw.name) ?? '').replace(/^models\//, '');
        const methods = Array.isArray(m.supportedActions) ? m.supportedActions : null;
        if (!push(id !== '' ? { id, name: str(raw.displayName), contextWindow: int(raw.inputTokenLimit), maxOutputTokens: int(raw.outputTokenLimit), chat: methods ? methods.includes('generateContent') : null, raw } : null)) break;
      }
      break;
    }
  }
  return out;
}

function openaiEntry(raw: Record<string, unknown>): ListedModel | null {
  if (typeof raw.id !== 'string' || raw.id === '') return null;
  const top = raw.top_provider !== null && typeof raw.top_provider === 'object' ? (raw.top_provider as Record<string, unknown>) : {};
  return {
    id: raw.id,
    name: str(raw.name),
    // OpenRouter: context_length and top_provider.max_completion_tokens; other OpenAI-format servers say nothing.
    contextWindow: int(raw.context_length) ?? int(top.context_length),
    maxOutputTokens: int(top.max_completion_tokens),
    chat: null,
    raw,
  };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function int(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}
