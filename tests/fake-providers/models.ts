/**
 * Model listings in each provider's shape, for key tests and catalog refreshes. Any model id is
 * accepted for generation; these are only what the listings advertise.
 */

const CREATED = 1_735_689_600; // 2025-01-01, fixed so listings are reproducible

export const OPENAI_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini'];
export const ANTHROPIC_MODELS: Array<[string, string]> = [
  ['claude-sonnet-4-6', 'Claude Sonnet 4.6'],
  ['claude-opus-4-6', 'Claude Opus 4.6'],
  ['claude-haiku-4-5', 'Claude Haiku 4.5'],
];
export const GEMINI_MODELS: Array<[string, string]> = [
  ['gemini-2.5-flash', 'Gemini 2.5 Flash'],
  ['gemini-2.5-pro', 'Gemini 2.5 Pro'],
  ['gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite'],
];
/** Azure deployments are named by the customer; these name them after their models, as many do. */
export const AZURE_DEPLOYMENTS: Array<[string, string]> = [
  ['gpt-4o-mini', 'gpt-4o-mini'],
  ['gpt-4o', 'gpt-4o'],
];

export function openaiModel(id: string): Record<string, unknown> {
  return { id, object: 'model', created: CREATED, owned_by: id.startsWith('gpt') || id.startsWith('o') ? 'system' : 'openai' };
}

export function openaiModelList(): Record<string, unknown> {
  return { object: 'list', data: OPENAI_MODELS.map(openaiModel) };
}

export function anthropicModel(id: string, name?: string): Record<string, unknown> {
  return { type: 'model', id, display_name: name ?? id, created_at: '2025-01-01T00:00:00Z' };
}

export function anthropicModelList(): Record<string, unknown> {
  const data = ANTHROPIC_MODELS.map(([id, name]) => anthropicModel(id, name));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

export function geminiModel(id: string, name?: string): Record<string, unknown> {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: name ?? id,
    description: `${name ?? id} served by the fake provider.`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

export function geminiModelList(): Record<string, unknown> {
  return { models: GEMINI_MODELS.map(([id, name]) => geminiModel(id, name)) };
}

export function azureModelList(): Record<string, unknown> {
  return {
    data: OPENAI_MODELS.map((id) => ({
      id,
      status: 'succeeded',
      created_at: CREATED,
      capabilities: { fine_tune: false, inference: true, completion: false, chat_completion: true, embeddings: false },
      lifecycle_status: 'generally-available',
      deprecation: { inference: CREATED + 2 * 365 * 86_400 },
      object: 'model',
    })),
    object: 'list',
  };
}

export function azureDeployment(id: string, model: string): Record<string, unknown> {
  return { id, model, owner: 'organization-owner', object: 'deployment', status: 'succeeded', created_at: CREATED, updated_at: CREATED, scale_settings: { scale_type: 'standard' } };
}

export function azureDeploymentList(): Record<string, unknown> {
  return { data: AZURE_DEPLOYMENTS.map(([id, model]) => azureDeployment(id, model)), object: 'list' };
}

/**
 * OpenRouter's `/api/v1/models`: prices are decimal strings in USD per token, `"-1"` where the price
 * varies (its auto router), `"0"` for free (`:free`) models. A realistic few dozen: most are models
 * models.dev (so the bundled catalog) also lists, some at a price that differs from the bundled one
 * on purpose (live listings drift from any snapshot: OpenRouter's own price must win), and some the
 * catalog does not have at all.
 */
export interface OpenRouterModelSpec {
  id: string;
  name: string;
  contextLength: number;
  maxCompletionTokens: number | null;
  pricing: { prompt: string; completion: string; input_cache_read?: string; input_cache_write?: string };
  inputModalities: string[];
  supportedParameters: string[];
}

const CHAT_PARAMS = ['max_tokens', 'temperature', 'top_p', 'stop', 'seed'];
const TOOLS = [...CHAT_PARAMS, 'tools', 'tool_choice'];
const REASONING = [...TOOLS, 'reasoning', 'include_reasoning', 'response_format', 'structured_outputs'];

/** A price per million tokens as OpenRouter writes it: the same decimal, per token ("0.75" → "0.00000075"). */
function perToken(perMillion: string): string {
  if (perMillion === '0' || perMillion === '-1') return perMillion;
  const [int = '0', frac = ''] = perMillion.split('.');
  const digits = `${int.padStart(7, '0')}${frac}`;
  const at = digits.length - frac.length - 6;
  return `${digits.slice(0, at)}.${digits.slice(at)}`.replace(/^0+(?=\d)/, '').replace(/\.?0+$/, '') || '0';
}

type Row = [id: string, name: string, context: number, maxOut: number | null, prices: [string, string, string?, string?], inputs: string[], params: string[]];

function spec([id, name, contextLength, maxCompletionTokens, [prompt, completion, read, write], inputModalities, supportedParameters]: Row): OpenRouterModelSpec {
  return {
    id,
    name,
    contextLength,
    maxCompletionTokens,
    pricing: {
      prompt: perToken(prompt),
      completion: perToken(completion),
      ...(read !== undefined ? { input_cache_read: perToken(read) } : {}),
      ...(write !== undefined ? { input_cache_write: perToken(write) } : {}),
    },
    inputModalities,
    supportedParameters,
  };
}

const TEXT = ['text'];
const VISION = ['text', 'image'];
const FILES = ['text', 'image', 'file'];

export const OPENROUTER_MODELS: OpenRouterModelSpec[] = [
  // The catalog has it at 0.15 / 0.6 (models.dev): OpenRouter's live price differs, and wins.
  spec(['openai/gpt-4o-mini', 'OpenAI: GPT-4o-mini', 128_000, 16_384, ['0.2', '0.8', '0.075'], FILES, [...TOOLS, 'response_format', 'structured_outputs']]),
  spec(['anthropic/claude-haiku-4.5', 'Anthropic: Claude Haiku 4.5', 200_000, 64_000, ['1', '5', '0.1', '1.25'], VISION, REASONING]),
  // Not in the catalog. In floating point 0.00000099 × 1e6 is 0.9900000000000001 and 0.0000023 / 1e-6
  // is 2.3000000000000003: a converter must land on 0.99 and 2.3.
  { id: 'fake-lab/tiny-chat', name: 'Fake Lab: Tiny Chat', contextLength: 32_768, maxCompletionTokens: 4_096, pricing: { prompt: '0.00000099', completion: '0.0000023' }, inputModalities: TEXT, supportedParameters: CHAT_PARAMS },
  spec(['meta-llama/llama-3.1-8b-instruct:free', 'Meta: Llama 3.1 8B Instruct (free)', 131_072, null, ['0', '0'], TEXT, TOOLS]),
  // The auto router's price varies with the model it picks: "-1", so unknown.
  { id: 'openrouter/auto', name: 'Auto Router', contextLength: 2_000_000, maxCompletionTokens: null, pricing: { prompt: '-1', completion: '-1' }, inputModalities: VISION, supportedParameters: CHAT_PARAMS },
  spec(['openai/gpt-5.5', 'OpenAI: GPT-5.5', 1_050_000, 128_000, ['5', '30', '0.5'], FILES, REASONING]),
  spec(['openai/gpt-5.4-mini', 'OpenAI: GPT-5.4 Mini', 400_000, 128_000, ['0.75', '4.5', '0.075'], FILES, REASONING]),
  spec(['openai/gpt-oss-120b', 'OpenAI: gpt-oss-120b', 131_072, 131_072, ['0.04', '0.16'], TEXT, REASONING]),
  spec(['openai/gpt-oss-120b:free', 'OpenAI: gpt-oss-120b (free)', 131_072, 131_072, ['0', '0'], TEXT, REASONING]),
  spec(['openai/gpt-oss-20b:free', 'OpenAI: gpt-oss-20b (free)', 131_072, 32_768, ['0', '0'], TEXT, REASONING]),
  spec(['anthropic/claude-sonnet-5', 'Anthropic: Claude Sonnet 5', 1_000_000, 128_000, ['2', '10', '0.2', '2.5'], FILES, REASONING]),
  spec(['anthropic/claude-sonnet-4.6', 'Anthropic: Claude Sonnet 4.6', 1_000_000, 128_000, ['3', '15', '0.3', '3.75'], FILES, REASONING]),
  spec(['anthropic/claude-opus-4.7', 'Anthropic: Claude Opus 4.7', 1_000_000, 128_000, ['5', '25', '0.5', '6.25'], FILES, REASONING]),
  spec(['google/gemini-3.5-flash', 'Google: Gemini 3.5 Flash', 1_048_576, 65_536, ['1.5', '9', '0.15', '0.083333'], FILES, REASONING]),
  // models.dev prices prompts above 200K higher; the listing agrees on the base price, so the tier stays.
  spec(['google/gemini-3.1-pro-preview', 'Google: Gemini 3.1 Pro Preview', 1_048_576, 65_536, ['2', '12', '0.2', '0.375'], FILES, REASONING]),
  spec(['google/gemini-2.5-flash', 'Google: Gemini 2.5 Flash', 1_048_576, 65_535, ['0.3', '2.5', '0.03', '0.083333'], FILES, REASONING]),
  spec(['google/gemma-4-31b-it:free', 'Google: Gemma 4 31B (free)', 262_144, 8_192, ['0', '0'], VISION, TOOLS]),
  spec(['deepseek/deepseek-v4-flash', 'DeepSeek: DeepSeek V4 Flash', 1_048_575, 65_536, ['0.098', '0.196', '0.02'], TEXT, REASONING]),
  spec(['deepseek/deepseek-v4-pro', 'DeepSeek: DeepSeek V4 Pro', 1_048_576, 384_000, ['0.435', '0.87', '0.003625'], TEXT, REASONING]),
  spec(['deepseek/deepseek-chat-v3.1', 'DeepSeek: DeepSeek V3.1', 163_840, 32_768, ['0.2', '0.8', '0.13'], TEXT, REASONING]),
  spec(['meta-llama/llama-3.3-70b-instruct', 'Meta: Llama 3.3 70B Instruct', 131_072, 16_384, ['0.1', '0.32'], TEXT, TOOLS]),
  spec(['meta-llama/llama-3.3-70b-instruct:free', 'Meta: Llama 3.3 70B Instruct (free)', 65_536, null, ['0', '0'], TEXT, TOOLS]),
  spec(['meta-llama/llama-4-maverick', 'Meta: Llama 4 Maverick', 1_048_576, 16_384, ['0.15', '0.6'], VISION, TOOLS]),
  spec(['mistralai/mistral-small-3.2-24b-instruct', 'Mistral: Mistral Small 3.2 24B', 128_000, 16_384, ['0.075', '0.2'], VISION, TOOLS]),
  spec(['mistralai/mistral-large-2512', 'Mistral: Mistral Large 3', 262_144, 262_144, ['0.5', '1.5', '0.05'], VISION, TOOLS]),
  spec(['mistralai/codestral-2508', 'Mistral: Codestral 2508', 256_000, 256_000, ['0.3', '0.9', '0.03'], TEXT, TOOLS]),
  spec(['qwen/qwen3-coder', 'Qwen: Qwen3 Coder 480B A35B', 262_144, 65_536, ['0.22', '1.8'], TEXT, TOOLS]),
  spec(['qwen/qwen3-coder:free', 'Qwen: Qwen3 Coder 480B A35B (free)', 262_000, 262_000, ['0', '0'], TEXT, TOOLS]),
  spec(['qwen/qwen3-235b-a22b-2507', 'Qwen: Qwen3 235B A22B Instruct 2507', 262_144, 16_384, ['0.078', '0.312'], TEXT, REASONING]),
  spec(['x-ai/grok-4.3', 'xAI: Grok 4.3', 1_000_000, 1_000_000, ['1.25', '2.5', '0.2'], FILES, REASONING]),
  spec(['moonshotai/kimi-k2.6', 'MoonshotAI: Kimi K2.6', 262_144, 262_144, ['0.55', '3.2', '0.11'], VISION, REASONING]),
  spec(['z-ai/glm-4.6', 'Z.ai: GLM 4.6', 202_752, 131_072, ['0.43', '1.74', '0.08'], TEXT, REASONING]),
  spec(['nvidia/nemotron-3-super-120b-a12b:free', 'NVIDIA: Nemotron 3 Super (free)', 262_144, 262_144, ['0', '0'], TEXT, REASONING]),
  // Not in the catalog either: a model newer than the bundled snapshot.
  spec(['fake-lab/fresh-model-2026', 'Fake Lab: Fresh Model 2026', 200_000, 32_000, ['0.6', '2.4', '0.06'], VISION, REASONING]),
];

/** What the fake bills for a model it does not list (OpenRouter bills every call; usage.cost is never absent). */
export const OPENROUTER_DEFAULT_PRICING: OpenRouterModelSpec['pricing'] = { prompt: '0.000001', completion: '0.000002' };

/** A per-token price string written per million instead ("0.00000075" → "0.75"): the units mistake a client must catch. */
function perMillionText(perToken: string): string {
  if (perToken === '0' || perToken === '-1') return perToken;
  return String(Number((Number(perToken) * 1e6).toPrecision(12)));
}

export function openrouterModel(m: OpenRouterModelSpec, units: 'per-token' | 'per-million' = 'per-token'): Record<string, unknown> {
  const pricing = units === 'per-token' ? m.pricing : Object.fromEntries(Object.entries(m.pricing).map(([k, v]) => [k, perMillionText(v)]));
  return {
    id: m.id,
    canonical_slug: m.id.replace(/:free$/, ''),
    hugging_face_id: null,
    name: m.name,
    created: CREATED,
    description: `${m.name} served by the fake provider.`,
    context_length: m.contextLength,
    architecture: { modality: `${m.inputModalities.join('+')}->text`, input_modalities: m.inputModalities, output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
    pricing: { request: '0', image: '0', web_search: '0', internal_reasoning: '0', ...pricing },
    top_provider: { context_length: m.contextLength, max_completion_tokens: m.maxCompletionTokens, is_moderated: m.id.startsWith('openai/') || m.id.startsWith('anthropic/') },
    per_request_limits: null,
    supported_parameters: m.supportedParameters,
    default_parameters: {},
  };
}

export function openrouterModelList(units: 'per-token' | 'per-million' = 'per-token'): Record<string, unknown> {
  return { data: OPENROUTER_MODELS.map((m) => openrouterModel(m, units)) };
}

/** OpenRouter's GET /api/v1/key answer for a working key (no credit limit set). */
export function openrouterKeyInfo(): Record<string, unknown> {
  return {
    data: {
      label: 'sk-or-v1-fak...',
      limit: null,
      limit_remaining: null,
      usage: 0,
      is_free_tier: false,
      is_provisioning_key: false,
      rate_limit: { requests: -1, interval: '10s' },
    },
  };
}

/**
 * Azure deployments the fake does not have: any name containing "missing" (case-insensitive). Every
 * other name is accepted, so tests can name deployments freely.
 */
export function azureDeploymentExists(name: string): boolean {
  return !/missing/i.test(name);
}
