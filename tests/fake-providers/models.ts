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
 * varies (its auto router). Some prices here differ from the bundled catalog on purpose (live
 * listings drift from any snapshot), so tests can see that bundled prices win.
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

export const OPENROUTER_MODELS: OpenRouterModelSpec[] = [
  {
    // Bundled in the catalog (0.15 / 0.6 there): listed here at another price, which must not win.
    id: 'openai/gpt-4o-mini',
    name: 'OpenAI: GPT-4o-mini',
    contextLength: 128_000,
    maxCompletionTokens: 16_384,
    pricing: { prompt: '0.0000002', completion: '0.0000008', input_cache_read: '0.000000075' },
    inputModalities: ['text', 'image', 'file'],
    supportedParameters: [...CHAT_PARAMS, 'tools', 'tool_choice', 'response_format', 'structured_outputs'],
  },
  {
    id: 'anthropic/claude-haiku-4.5',
    name: 'Anthropic: Claude Haiku 4.5',
    contextLength: 200_000,
    maxCompletionTokens: 64_000,
    pricing: { prompt: '0.000001', completion: '0.000005', input_cache_read: '0.0000001', input_cache_write: '0.00000125' },
    inputModalities: ['text', 'image'],
    supportedParameters: [...CHAT_PARAMS, 'tools', 'tool_choice', 'reasoning', 'include_reasoning'],
  },
  {
    // In floating point 0.00000099 × 1e6 is 0.9900000000000001 and 0.0000023 / 1e-6 is
    // 2.3000000000000003: a converter must land on 0.99 and 2.3.
    id: 'fake-lab/tiny-chat',
    name: 'Fake Lab: Tiny Chat',
    contextLength: 32_768,
    maxCompletionTokens: 4_096,
    pricing: { prompt: '0.00000099', completion: '0.0000023' },
    inputModalities: ['text'],
    supportedParameters: CHAT_PARAMS,
  },
  {
    id: 'meta-llama/llama-3.1-8b-instruct:free',
    name: 'Meta: Llama 3.1 8B Instruct (free)',
    contextLength: 131_072,
    maxCompletionTokens: null,
    pricing: { prompt: '0', completion: '0' },
    inputModalities: ['text'],
    supportedParameters: [...CHAT_PARAMS, 'tools'],
  },
  {
    id: 'openrouter/auto',
    name: 'Auto Router',
    contextLength: 2_000_000,
    maxCompletionTokens: null,
    pricing: { prompt: '-1', completion: '-1' },
    inputModalities: ['text', 'image'],
    supportedParameters: CHAT_PARAMS,
  },
];

/** What the fake bills for a model it does not list (OpenRouter bills every call; usage.cost is never absent). */
export const OPENROUTER_DEFAULT_PRICING: OpenRouterModelSpec['pricing'] = { prompt: '0.000001', completion: '0.000002' };

export function openrouterModel(m: OpenRouterModelSpec): Record<string, unknown> {
  return {
    id: m.id,
    canonical_slug: m.id.replace(/:free$/, ''),
    hugging_face_id: null,
    name: m.name,
    created: CREATED,
    description: `${m.name} served by the fake provider.`,
    context_length: m.contextLength,
    architecture: { modality: `${m.inputModalities.join('+')}->text`, input_modalities: m.inputModalities, output_modalities: ['text'], tokenizer: 'Other', instruct_type: null },
    pricing: { request: '0', image: '0', web_search: '0', internal_reasoning: '0', ...m.pricing },
    top_provider: { context_length: m.contextLength, max_completion_tokens: m.maxCompletionTokens, is_moderated: m.id.startsWith('openai/') || m.id.startsWith('anthropic/') },
    per_request_limits: null,
    supported_parameters: m.supportedParameters,
    default_parameters: {},
  };
}

export function openrouterModelList(): Record<string, unknown> {
  return { data: OPENROUTER_MODELS.map(openrouterModel) };
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
