import { AppError, type ChatParams, type ModelInfo, type ProviderId } from '../../../shared/contract/index.js';
import { maxTemperature, providerSpec } from '../../../shared/providers/registry.js';

/** Output allowance for a model the catalog does not know (local servers reject more than they hold). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;
/** Output allowance sent when the conversation sets none, capped at the model's own maximum. */
export const DEFAULT_TURN_OUTPUT_TOKENS = 8192;
/** Reasoning models spend output tokens thinking before they answer, so they get more room. */
export const DEFAULT_TURN_OUTPUT_TOKENS_REASONING = 32768;

/**
 * The max output sent to the provider when the caller gives none. It is always sent, so the
 * worst case reserved against limits is what the provider may really bill: reserving a model's
 * full 128k-token maximum on every turn would make small budgets refuse ordinary chats.
 */
export function defaultOutputAllowance(info: ModelInfo | null): number {
  if (!info) return DEFAULT_MAX_OUTPUT_TOKENS;
  const base = info.capabilities.includes('reasoning') ? DEFAULT_TURN_OUTPUT_TOKENS_REASONING : DEFAULT_TURN_OUTPUT_TOKENS;
  return info.maxOutputTokens !== null ? Math.min(base, info.maxOutputTokens) : base;
}

/** The max tokens one request of a chain entry sends. */
export function maxTokensFor(params: ChatParams | undefined, info: ModelInfo | null, primary: boolean): number {
  const limit = info?.maxOutputTokens ?? null;
  const wanted = params?.maxTokens ?? defaultOutputAllowance(info);
  // The primary was validated; a fallback with a smaller limit gets what it can give.
  return !primary && limit !== null ? Math.min(wanted, limit) : wanted;
}

/**
 * Checks parameters against the chosen model: its output limit (catalog) and its provider's temperature
 * range. Types and the 0–2 / positive ranges are the ChatParams schema's, which the dispatcher applies
 * to every chat.send before it gets here.
 */
export function validateForModel(params: ChatParams | undefined, provider: ProviderId, info: ModelInfo | null): void {
  if (!params) return;
  const limit = info?.maxOutputTokens ?? null;
  if (params.maxTokens !== undefined && limit !== null && params.maxTokens > limit) {
    throw new AppError('VALIDATION', `params.maxTokens: ${info!.name} writes at most ${limit} tokens per answer; ${params.maxTokens} was asked.`, {
      field: 'params.maxTokens',
      max: limit,
    });
  }
  const maxT = maxTemperature(provider);
  if (params.temperature !== undefined && params.temperature > maxT) {
    throw new AppError('VALIDATION', `params.temperature: ${providerSpec(provider).name} accepts 0 to ${maxT}; ${params.temperature} was asked.`, {
      field: 'params.temperature',
      max: maxT,
    });
  }
}
