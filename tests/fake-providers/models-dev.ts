/**
 * A copy of models.dev's public catalog (`https://models.dev/api.json`) for the online price update,
 * built from the bundled table (shared/catalog) in the site's shape: provider id → `{id, name, npm,
 * env, doc, models: {<id>: {id, name, cost, limit, modalities, ...}}}`, a single long-prompt tier of
 * 200K or more also as the legacy `cost.context_over_200k`, as the site writes it.
 *
 * With a few deliberate changes, so tests can see the update applied:
 *   - openai/gpt-4o costs 2.25 / 9 (bundled: 2.5 / 10);
 *   - openai/gpt-fake-online is new (1 / 4 per million, cache read 0.1);
 *   - gemini/gemini-fake-long is new, its long-prompt price only as `context_over_200k`;
 *   - anthropic/claude-sonnet-4-6 has a `cache_write_1h` price models.dev does not document;
 *   - together/Qwen/Qwen3.5-397B-A17B has no cache read price: its TOML spells it `cached_input`,
 *     which the site's api.json leaves out (its schema keeps documented fields only).
 *
 * `?fault=` breaks it the ways a real download can break: `truncated` (cut mid-way), `not-catalog`
 * (JSON that is not the catalog), `partial` (only one provider), `bad-models` (a price as a string,
 * a price per token, the rest fine), `500` (HTTP 500).
 */
import { CURATED_PROVIDERS } from '../../shared/catalog/curated.js';
import { GENERATED_MODELS } from '../../shared/catalog/models.generated.js';
import type { GeneratedModel } from '../../shared/catalog/types.js';
import type { Pricing } from '../../shared/contract/index.js';

export const MODELS_DEV_PATH = '/models.dev/api.json';

type Json = Record<string, unknown>;

function cost(p: Pricing): Json {
  const out: Json = {};
  if (p.input !== null) out.input = p.input;
  if (p.output !== null) out.output = p.output;
  if (p.cacheRead !== null) out.cache_read = p.cacheRead;
  if (p.cacheWrite !== null) out.cache_write = p.cacheWrite;
  return out;
}

function record(m: GeneratedModel): Json {
  const out: Json = {
    id: m.id,
    name: m.name,
    ...(m.family ? { family: m.family } : {}),
    attachment: m.capabilities.includes('vision'),
    reasoning: m.capabilities.includes('reasoning'),
    tool_call: m.capabilities.includes('tools'),
    ...(m.capabilities.includes('json') ? { structured_output: true } : {}),
    ...(m.releaseDate ? { release_date: m.releaseDate } : {}),
    ...(m.lastUpdated ? { last_updated: m.lastUpdated } : {}),
    modalities: { input: ['text', ...(m.capabilities.includes('vision') ? ['image'] : []), ...(m.capabilities.includes('audio') ? ['audio'] : [])], output: ['text'] },
    open_weights: m.openWeights,
    limit: { context: m.contextWindow ?? 0, output: m.maxOutputTokens ?? 0 },
    ...(m.status ? { status: m.status } : {}),
  };
  if (m.pricing) {
    const c: Json = cost(m.pricing);
    if (m.pricingTiers.length > 0) {
      c.tiers = m.pricingTiers.map((t) => ({ ...cost(t.pricing), tier: { type: 'context', size: t.aboveInputTokens } }));
      const [only] = m.pricingTiers;
      if (m.pricingTiers.length === 1 && only && only.aboveInputTokens >= 200_000) c.context_over_200k = cost(only.pricing);
    }
    out.cost = c;
  }
  return out;
}

function changed(doc: Record<string, { models: Record<string, Json> }>): void {
  const openai = doc.openai!.models;
  openai['gpt-4o'] = { ...openai['gpt-4o'], cost: { input: 2.25, output: 9, cache_read: 1.125 } };
  openai['gpt-fake-online'] = {
    id: 'gpt-fake-online',
    name: 'GPT Fake Online',
    tool_call: true,
    reasoning: false,
    modalities: { input: ['text'], output: ['text'] },
    release_date: '2026-07-10',
    last_updated: '2026-07-10',
    limit: { context: 200_000, output: 32_000 },
    cost: { input: 1, output: 4, cache_read: 0.1 },
  };
  doc.google!.models['gemini-fake-long'] = {
    id: 'gemini-fake-long',
    name: 'Gemini Fake Long',
    modalities: { input: ['text', 'image'], output: ['text'] },
    limit: { context: 1_048_576, output: 65_536 },
    cost: { input: 1, output: 8, context_over_200k: { input: 2, output: 12 } },
  };
  const sonnet = doc.anthropic!.models['claude-sonnet-4-6']!;
  sonnet.cost = { ...(sonnet.cost as Json), cache_write_1h: 6 };
  const qwen = doc.togetherai!.models['Qwen/Qwen3.5-397B-A17B']!;
  const { cache_read: _dropped, ...qwenCost } = qwen.cost as Json;
  qwen.cost = qwenCost;
}

/** The document, as the site would serve it today. */
export function modelsDevDocument(): Record<string, { id: string; name: string; models: Record<string, Json> }> {
  const doc: Record<string, { id: string; name: string; npm: string; env: string[]; doc: string; models: Record<string, Json> }> = {};
  for (const [provider, spec] of Object.entries(CURATED_PROVIDERS)) {
    doc[spec.modelsDevDir] = { id: spec.modelsDevDir, name: provider, npm: '@ai-sdk/openai-compatible', env: [], doc: 'https://example.invalid', models: {} };
  }
  for (const m of GENERATED_MODELS) {
    const dir = CURATED_PROVIDERS[m.provider as keyof typeof CURATED_PROVIDERS]?.modelsDevDir;
    // The file's own id (a curated entry may go by another one).
    const id = dir ? m.sourcePath.slice(`providers/${dir}/models/`.length, -'.toml'.length) : null;
    if (dir && id) doc[dir]!.models[id] = record(m);
  }
  // A provider Switchboard does not use, as the real document has over a hundred.
  doc['some-other-provider'] = { id: 'some-other-provider', name: 'Other', npm: 'x', env: [], doc: 'https://example.invalid', models: { x: { id: 'x', name: 'X', cost: { input: 1, output: 1 } } } };
  changed(doc);
  return doc;
}

export type ModelsDevFault = 'truncated' | 'not-catalog' | 'partial' | 'bad-models' | '500';

/** The body and status to answer with, for a `?fault=` value (or none). */
export function modelsDevAnswer(fault: string | null): { status: number; body: string } {
  if (fault === '500') return { status: 500, body: JSON.stringify({ error: 'Internal Server Error' }) };
  if (fault === 'not-catalog') return { status: 200, body: JSON.stringify({ message: 'Welcome to models.dev', docs: 'https://models.dev' }) };
  const doc = modelsDevDocument();
  if (fault === 'partial') return { status: 200, body: JSON.stringify({ openai: doc.openai }) };
  if (fault === 'bad-models') {
    const openai = doc.openai!.models;
    openai['gpt-4.1'] = { ...openai['gpt-4.1'], cost: { input: '2.00', output: 8 } };
    openai['gpt-4.1-mini'] = { ...openai['gpt-4.1-mini'], cost: { input: 0.0000004, output: 0.0000016 } };
  }
  const body = JSON.stringify(doc);
  return { status: 200, body: fault === 'truncated' ? body.slice(0, Math.floor(body.length / 2)) : body };
}
