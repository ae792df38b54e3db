/**
 * The cheapest real call each wire format offers: list the models the key can see. Used by the key
 * test; the catalog may use it to refresh a provider's model list.
 *
 * Exports: `listModelIds(key, { signal, timeoutMs, fetch? })` → model ids of the first page.
 * Throws whatever the SDK throws; classify it with `classifyProviderError`.
 */
import type { ClientKey } from './clients.js';
import { createAnthropicClient, createGeminiClient, createOpenAIClient, wireOf } from './clients.js';

export interface ListModelsOptions {
  signal: AbortSignal;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

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
