import type { ModelInfo, ProviderId } from '../../../../shared/contract/index.js';
import { maxTemperature } from '../../../../shared/providers/registry.js';
import type { ConversationParams } from '../../db/schema.js';

export interface ParamLimits {
  /** Anthropic accepts 0–1, the others 0–2. */
  maxTemperature: number;
  /** The model's output ceiling from the catalog; null when unknown. */
  maxOutputTokens: number | null;
  contextWindow: number | null;
}

/** The contract's own ceiling on max tokens. */
const ABSOLUTE_MAX_TOKENS = 10_000_000;

export function paramLimits(provider: ProviderId | null, info: ModelInfo | null | undefined): ParamLimits {
  return {
    maxTemperature: provider ? maxTemperature(provider) : 2,
    maxOutputTokens: info?.maxOutputTokens ?? null,
    contextWindow: info?.contextWindow ?? null,
  };
}

export type ParamErrors = Partial<Record<'temperature' | 'maxTokens', string>>;

/** The popover's fields as typed; empty means "the provider's default". */
export function parseParams(input: { temperature: string; maxTokens: string }, limits: ParamLimits): { params: ConversationParams } | { errors: ParamErrors } {
  const errors: ParamErrors = {};
  const params: ConversationParams = {};
  const t = input.temperature.trim().replace(',', '.');
  if (t !== '') {
    const n = Number(t);
    if (!Number.isFinite(n) || !/^\d*\.?\d+$/.test(t)) errors.temperature = 'Enter a number like 0.7, or leave it empty for the default.';
    else if (n < 0 || n > limits.maxTemperature) errors.temperature = `Temperature goes from 0 to ${limits.maxTemperature} for this model.`;
    else params.temperature = n;
  }
  const m = input.maxTokens.trim().replace(/[\s,_]/g, '');
  if (m !== '') {
    const n = Number(m);
    const ceiling = limits.maxOutputTokens ?? ABSOLUTE_MAX_TOKENS;
    if (!/^\d+$/.test(m) || !Number.isSafeInteger(n)) errors.maxTokens = 'Enter a whole number of tokens, or leave it empty for Switchboard’s default.';
    else if (n < 1) errors.maxTokens = 'At least 1 token.';
    else if (n > ceiling) errors.maxTokens = `This model writes at most ${ceiling.toLocaleString('en-US')} tokens per answer.`;
    else params.maxTokens = n;
  }
  return Object.keys(errors).length > 0 ? { errors } : { params };
}

/** A core VALIDATION error's field ("params.temperature") as the popover's field name. */
export function paramField(field: string | undefined): 'temperature' | 'maxTokens' | null {
  if (field === 'params.temperature') return 'temperature';
  if (field === 'params.maxTokens') return 'maxTokens';
  return null;
}

/**
 * What an empty "Max output tokens" field sends, and why, from the core's answer (chat.estimate's
 * maxOutputTokens with no params: the one rule, defaultOutputAllowance). `sent` is null while the core
 * has not answered.
 */
export function maxTokensDefaultText(sent: number | null, modelMax: number | null): { placeholder: string; help: string } {
  const n = (v: number) => v.toLocaleString('en-US');
  if (sent === null) {
    return { placeholder: 'Default', help: modelMax ? `Up to ${n(modelMax)} for this model.` : 'The model’s limit is not known.' };
  }
  const placeholder = `${n(sent)} (default)`;
  if (modelMax === null) {
    return { placeholder, help: `Empty sends ${n(sent)}, Switchboard’s default when a model’s own limit is not known.` };
  }
  if (sent >= modelMax) return { placeholder, help: `Empty sends ${n(sent)}, this model’s maximum.` };
  return {
    placeholder,
    help: `Empty sends ${n(sent)}, Switchboard’s default for this model, so limits reserve a realistic worst case. The model allows up to ${n(modelMax)}.`,
  };
}
