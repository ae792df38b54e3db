import type { Usage } from '../../../../shared/contract/index.js';

// Each provider counts tokens by its own rules (REFERENCE.md, "Provider usage fields"); these turn
// them into the normalised Usage: inputTokens exclude cache reads and writes, outputTokens include
// reasoning, reasoningTokens is the reasoning part of outputTokens. Nothing is billed twice.

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);

/** OpenAI chat completions and every OpenAI-compatible provider (DeepSeek, OpenRouter, Groq, ...). */
export interface OpenAIUsageLike {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek's own fields beside the OpenAI ones. */
  prompt_cache_hit_tokens?: number | null;
  prompt_cache_miss_tokens?: number | null;
  /** OpenRouter (and other gateways): USD charged for the call; `cost_details` breaks it down. */
  cost?: number | null;
  /** OpenRouter: the call ran on the user's own provider key, which the provider billed apart. */
  is_byok?: boolean | null;
  cost_details?: { upstream_inference_cost?: number | null } | null;
}

/**
 * USD a provider says a call cost, or null when it says nothing usable. OpenRouter's `cost` is what
 * it charged; with the user's own key (BYOK) that is only its fee, and the provider billed
 * `cost_details.upstream_inference_cost` to the user's account as well, so the call cost both.
 * A BYOK answer without that upstream figure has no known total: null, and the call is priced.
 */
export function reportedCostUsd(u: OpenAIUsageLike): number | null {
  const usd = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  const cost = usd(u.cost);
  if (cost === null) return null;
  if (u.is_byok !== true) return cost;
  const upstream = usd(u.cost_details?.upstream_inference_cost);
  return upstream === null ? null : cost + upstream;
}

export function normaliseOpenAIUsage(u: OpenAIUsageLike): Usage {
  const prompt = n(u.prompt_tokens);
  const completion = n(u.completion_tokens);
  // cached_tokens is inside prompt_tokens; DeepSeek reports the same as prompt_cache_hit_tokens.
  const cacheRead = Math.min(prompt, n(u.prompt_tokens_details?.cached_tokens) || n(u.prompt_cache_hit_tokens));
  // OpenRouter: cache_write_tokens is also a part of prompt_tokens, billed at the write price.
  const cacheWrite = Math.min(prompt - cacheRead, n(u.prompt_tokens_details?.cache_write_tokens));
  let reasoning = n(u.completion_tokens_details?.reasoning_tokens);
  let output = completion;
  // reasoning_tokens is normally inside completion_tokens. A few compatible servers (xAI) report it
  // beside them instead; their total_tokens then adds it once more, which tells the two apart.
  const total = n(u.total_tokens);
  if (reasoning > 0 && (reasoning > completion || (total > 0 && total === prompt + completion + reasoning))) {
    output = completion + reasoning;
  }
  reasoning = Math.min(reasoning, output);
  return {
    inputTokens: prompt - cacheRead - cacheWrite,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: output,
    reasoningTokens: reasoning,
    estimated: false,
  };
}

/** Anthropic messages: cache reads and writes are reported beside input_tokens, not inside. */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  /** The cache writes split by lifetime (5-minute and 1-hour are priced differently). */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export function normaliseAnthropicUsage(u: AnthropicUsageLike): Usage {
  const output = n(u.output_tokens);
  const split = u.cache_creation;
  // cache_creation_input_tokens is the sum of both lifetimes; a server that sends only the split still counts.
  const write5m = n(split?.ephemeral_5m_input_tokens);
  const write1h = n(split?.ephemeral_1h_input_tokens);
  const writes = Math.max(n(u.cache_creation_input_tokens), write5m + write1h);
  const usage: Usage = {
    inputTokens: n(u.input_tokens),
    cacheReadTokens: n(u.cache_read_input_tokens),
    cacheWriteTokens: writes,
    outputTokens: output,
    reasoningTokens: Math.min(output, n(u.output_tokens_details?.thinking_tokens)),
    estimated: false,
  };
  if (write1h > 0) usage.cacheWrite1hTokens = Math.min(write1h, writes);
  return usage;
}

/**
 * message_start carries the input side; each message_delta carries cumulative totals (not
 * increments), so a later value replaces an earlier one, and a field a delta leaves out or sends as
 * null keeps what message_start said.
 */
export function mergeAnthropicUsage(base: AnthropicUsageLike, delta: AnthropicUsageLike): AnthropicUsageLike {
  const out: AnthropicUsageLike = { ...base };
  if (typeof delta.input_tokens === 'number') out.input_tokens = delta.input_tokens;
  if (typeof delta.output_tokens === 'number') out.output_tokens = delta.output_tokens;
  if (typeof delta.cache_read_input_tokens === 'number') out.cache_read_input_tokens = delta.cache_read_input_tokens;
  if (typeof delta.cache_creation_input_tokens === 'number') out.cache_creation_input_tokens = delta.cache_creation_input_tokens;
  if (delta.cache_creation) out.cache_creation = delta.cache_creation;
  if (delta.output_tokens_details) out.output_tokens_details = delta.output_tokens_details;
  return out;
}

/** Gemini usageMetadata: promptTokenCount includes cached content; thoughts are beside candidates. */
export interface GeminiUsageLike {
  promptTokenCount?: number | null;
  candidatesTokenCount?: number | null;
  thoughtsTokenCount?: number | null;
  cachedContentTokenCount?: number | null;
  toolUsePromptTokenCount?: number | null;
}

export function normaliseGeminiUsage(u: GeminiUsageLike): Usage {
  const prompt = n(u.promptTokenCount);
  const cached = Math.min(prompt, n(u.cachedContentTokenCount));
  const thoughts = n(u.thoughtsTokenCount);
  return {
    // Tool-use prompt tokens (results of built-in tools) are billed as input but counted apart.
    inputTokens: prompt - cached + n(u.toolUsePromptTokenCount),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: n(u.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
    estimated: false,
  };
}

/** Rough output tokens of text the provider sent but did not count (a cut or cancelled stream). */
export function estimateOutputTokens(text: string): number {
  if (text.length === 0) return 0;
  // ~4 characters per token for English is the providers' own rule of thumb; never less than one.
  return Math.max(1, Math.ceil(text.length / 4));
}

export function estimatedUsage(promptTokens: number, outputText: string): Usage {
  return {
    inputTokens: Math.max(0, Math.round(promptTokens)),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: estimateOutputTokens(outputText),
    reasoningTokens: 0,
    estimated: true,
  };
}
