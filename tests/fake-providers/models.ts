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
