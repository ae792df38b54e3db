import type { ProviderId } from '../contract/common.js';
import type { CuratedModel, CuratedProvider } from './types.js';

/**
 * Our own choices about the catalog: which models are recommended, where they are hosted, what they
 * are called, their dated aliases, and the display order (curated models first in their provider).
 * Which models ship is NOT chosen here: every chat model models.dev lists for our providers does,
 * with its prices, limits and capabilities, through `npm run catalog:generate -- <models.dev
 * checkout>` into models.generated.ts. A curated id models.dev lacks fails the generator.
 */
export const CURATED_PROVIDERS: Record<Exclude<ProviderId, 'openai-compatible'>, CuratedProvider> = {
  openai: { modelsDevDir: 'openai', eu: false },
  anthropic: { modelsDevDir: 'anthropic', eu: false },
  gemini: { modelsDevDir: 'google', eu: false },
  deepseek: { modelsDevDir: 'deepseek', eu: false },
  openrouter: { modelsDevDir: 'openrouter', eu: false },
  // Azure prices are models.dev's own Azure entries (they differ from OpenAI's in places, e.g. cached
  // input). The model id is the deployment name: these entries match deployments named like the model.
  azure: {
    modelsDevDir: 'azure',
    eu: true,
    note: 'Matches deployments named like the model. Hosted in the EU when your Azure resource is in an EU region or the EU Data Zone.',
  },
  // La Plateforme serves from the EU.
  mistral: { modelsDevDir: 'mistral', eu: true },
  groq: { modelsDevDir: 'groq', eu: false },
  xai: { modelsDevDir: 'xai', eu: false },
  together: { modelsDevDir: 'togetherai', eu: false },
};

export const CURATED_MODELS: CuratedModel[] = [
  // OpenAI
  { provider: 'openai', id: 'gpt-5.5', recommended: true },
  { provider: 'openai', id: 'gpt-5.4' },
  { provider: 'openai', id: 'gpt-5.4-mini', recommended: true },
  { provider: 'openai', id: 'gpt-5.4-nano' },
  { provider: 'openai', id: 'gpt-5' },
  { provider: 'openai', id: 'gpt-5-mini' },
  { provider: 'openai', id: 'gpt-5-nano' },
  { provider: 'openai', id: 'gpt-4.1' },
  { provider: 'openai', id: 'gpt-4.1-mini' },
  { provider: 'openai', id: 'gpt-4.1-nano' },
  { provider: 'openai', id: 'gpt-4o' },
  { provider: 'openai', id: 'gpt-4o-mini', aliases: ['gpt-4o-mini-2024-07-18'] },
  { provider: 'openai', id: 'o3' },
  { provider: 'openai', id: 'o4-mini' },

  // Anthropic
  { provider: 'anthropic', id: 'claude-sonnet-5', recommended: true },
  { provider: 'anthropic', id: 'claude-opus-4-8', recommended: true },
  { provider: 'anthropic', id: 'claude-sonnet-4-6' },
  { provider: 'anthropic', id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', aliases: ['claude-sonnet-4-5-20250929'] },
  { provider: 'anthropic', id: 'claude-haiku-4-5', name: 'Claude Haiku 4.5', recommended: true, aliases: ['claude-haiku-4-5-20251001'] },
  { provider: 'anthropic', id: 'claude-opus-4-1', name: 'Claude Opus 4.1', aliases: ['claude-opus-4-1-20250805'] },

  // Google Gemini
  { provider: 'gemini', id: 'gemini-3.5-flash', recommended: true },
  { provider: 'gemini', id: 'gemini-3.1-pro-preview', recommended: true },
  { provider: 'gemini', id: 'gemini-3.1-flash-lite' },
  { provider: 'gemini', id: 'gemini-2.5-pro' },
  { provider: 'gemini', id: 'gemini-2.5-flash' },
  { provider: 'gemini', id: 'gemini-2.5-flash-lite' },

  // DeepSeek
  { provider: 'deepseek', id: 'deepseek-chat', recommended: true },
  { provider: 'deepseek', id: 'deepseek-reasoner' },
  { provider: 'deepseek', id: 'deepseek-v4-flash' },
  { provider: 'deepseek', id: 'deepseek-v4-pro' },

  // Mistral
  { provider: 'mistral', id: 'mistral-large-latest', name: 'Mistral Large', recommended: true },
  { provider: 'mistral', id: 'mistral-medium-latest', name: 'Mistral Medium' },
  { provider: 'mistral', id: 'mistral-small-latest', name: 'Mistral Small', recommended: true },
  { provider: 'mistral', id: 'codestral-latest', name: 'Codestral' },
  { provider: 'mistral', id: 'magistral-medium-latest', name: 'Magistral Medium' },
  { provider: 'mistral', id: 'ministral-8b-latest', name: 'Ministral 8B' },

  // Groq
  { provider: 'groq', id: 'llama-3.3-70b-versatile', recommended: true },
  { provider: 'groq', id: 'llama-3.1-8b-instant' },
  { provider: 'groq', id: 'openai/gpt-oss-120b', recommended: true },
  { provider: 'groq', id: 'openai/gpt-oss-20b' },
  { provider: 'groq', id: 'qwen/qwen3-32b' },
  { provider: 'groq', id: 'meta-llama/llama-4-scout-17b-16e-instruct' },

  // xAI
  { provider: 'xai', id: 'grok-4.3', recommended: true },
  { provider: 'xai', id: 'grok-4.20-0309-reasoning' },
  { provider: 'xai', id: 'grok-4.20-0309-non-reasoning' },

  // Together AI
  { provider: 'together', id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', recommended: true },
  { provider: 'together', id: 'deepseek-ai/DeepSeek-V4-Pro' },
  { provider: 'together', id: 'openai/gpt-oss-120b' },
  { provider: 'together', id: 'Qwen/Qwen3.5-397B-A17B' },
  { provider: 'together', id: 'moonshotai/Kimi-K2.6' },

  // OpenRouter (ids are OpenRouter's own "vendor/model" slugs)
  { provider: 'openrouter', id: 'openai/gpt-4o-mini' },
  { provider: 'openrouter', id: 'openai/gpt-5.4-mini', recommended: true },
  { provider: 'openrouter', id: 'anthropic/claude-sonnet-5', recommended: true },
  { provider: 'openrouter', id: 'google/gemini-3.5-flash' },
  { provider: 'openrouter', id: 'deepseek/deepseek-v4-flash' },
  { provider: 'openrouter', id: 'meta-llama/llama-3.3-70b-instruct' },

  // Azure OpenAI (deployment named like the model)
  { provider: 'azure', id: 'gpt-5.4', recommended: true },
  { provider: 'azure', id: 'gpt-5.4-mini', recommended: true },
  { provider: 'azure', id: 'gpt-5' },
  { provider: 'azure', id: 'gpt-5-mini' },
  { provider: 'azure', id: 'gpt-4.1' },
  { provider: 'azure', id: 'gpt-4.1-mini' },
  { provider: 'azure', id: 'gpt-4o' },
  { provider: 'azure', id: 'gpt-4o-mini' },
  { provider: 'azure', id: 'o4-mini' },
];
