/**
 * OpenRouter's dialect of OpenAI chat completions (base URL `/openrouter/api/v1`): the same request
 * and answer shapes, plus what OpenRouter adds and changes (REFERENCE.md "OpenRouter"):
 *   - `usage.cost` in USD (at the fake's listed prices), `usage.is_byok`, `cost_details`, and
 *     `prompt_tokens_details.cache_write_tokens`;
 *   - usage in every answer, streamed ones too (as a last `choices: []` chunk, asked for or not);
 *   - a `provider` field naming the upstream that answered, `native_finish_reason`, no `obfuscation`;
 *   - errors as `{"error": {"code": <HTTP status>, "message", "metadata"?}}`: 402 for no credits,
 *     400 for an unknown model id; after a stream started, a `data: {"error": …}` chunk on the 200.
 */
import { OPENROUTER_DEFAULT_PRICING, OPENROUTER_MODELS } from './models.js';
import { openaiUsage, openaiWire } from './openai-wire.js';
import type { Frame, TokenCounts, WireError, WireResponse } from './types.js';
import { compact, isRecord, requestId, type GenerationWire } from './wire.js';

const UPSTREAM = 'FakeUpstream';

function price(model: string): { prompt: number; completion: number; cacheRead: number; cacheWrite: number } {
  const listed = OPENROUTER_MODELS.find((m) => m.id === model)?.pricing;
  const p = listed && Number(listed.prompt) >= 0 ? listed : OPENROUTER_DEFAULT_PRICING;
  const prompt = Number(p.prompt);
  return {
    prompt,
    completion: Number(p.completion),
    cacheRead: p.input_cache_read !== undefined ? Number(p.input_cache_read) : prompt,
    cacheWrite: p.input_cache_write !== undefined ? Number(p.input_cache_write) : prompt,
  };
}

/** usage.cost as OpenRouter reports it: what the call cost in USD at the model's listed prices. */
export function openrouterCost(model: string, t: TokenCounts): number {
  const p = price(model);
  const cost = (t.input - t.cached - t.write) * p.prompt + t.cached * p.cacheRead + t.write * p.cacheWrite + t.output * p.completion;
  return Math.round(cost * 1e12) / 1e12;
}

export function openrouterUsage(model: string, t: TokenCounts): Record<string, unknown> {
  const base = openaiUsage(t);
  const cost = openrouterCost(model, t);
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: t.cached, cache_write_tokens: t.write, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: t.reasoning, image_tokens: 0 },
    cost,
    is_byok: false,
    cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0, upstream_inference_completions_cost: 0 },
  };
}

function errorShape(err: WireError): { status: number; message: string; headers?: Record<string, string>; metadata?: Record<string, unknown> } {
  const model = err.model ?? 'openai/gpt-4o-mini';
  switch (err.kind) {
    case 'missing_key':
      return { status: 401, message: 'No cookie auth credentials found' };
    case 'invalid_key':
      return { status: 401, message: 'User not found.' };
    case 'bad_request':
      return { status: 400, message: err.message ?? 'Invalid request.' };
    case 'not_found':
      return { status: 400, message: `${model} is not a valid model ID` };
    case 'permission':
      return { status: 403, message: 'This model is not available in your region.' };
    case 'rate_limit':
      return { status: 429, message: `Rate limit exceeded: ${model} is temporarily rate-limited upstream. Please retry shortly.`, headers: { 'retry-after': '1' } };
    case 'quota':
      return { status: 402, message: 'This request requires more credits, or fewer max_tokens. Add more credits at https://openrouter.ai/settings/credits' };
    case 'context':
      return {
        status: 400,
        message: "This endpoint's maximum context length is 128000 tokens. However, you requested about 131072 tokens (131072 of text input). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.",
      };
    case 'policy':
      return { status: 403, message: `${model} requires moderation on OpenRouter. Your input was flagged for "violence". No credits were charged.`, metadata: { reasons: ['violence'], provider_name: UPSTREAM } };
    case 'server':
      return { status: 500, message: 'Internal Server Error' };
    case 'unavailable':
    case 'overloaded':
      return { status: 502, message: 'Provider returned error', metadata: { provider_name: UPSTREAM, raw: 'overloaded' } };
    case 'status': {
      const status = err.status ?? 500;
      return { status, message: `Fake provider error ${status}.` };
    }
  }
}

export function openrouterError(err: WireError, seq: number): WireResponse {
  const e = errorShape(err);
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId('req_', seq), ...(e.headers ?? {}) },
    body: compact({ error: { code: e.status, message: e.message, ...(e.metadata ? { metadata: e.metadata } : {}) } }),
  };
}

/** Rewrites an OpenAI answer or chunk into OpenRouter's: its ids, upstream name, finish reasons and usage. */
function rewrite(body: Record<string, unknown>, model: string, tokens: TokenCounts, seq: number): Record<string, unknown> {
  const { service_tier: _tier, obfuscation: _pad, ...rest } = body;
  const out: Record<string, unknown> = { ...rest, id: requestId('gen-', seq), provider: UPSTREAM };
  if (Array.isArray(out.choices)) {
    out.choices = out.choices.map((c: unknown) => (isRecord(c) ? { ...c, native_finish_reason: c.finish_reason ?? null } : c));
  }
  if (isRecord(out.usage)) out.usage = openrouterUsage(model, tokens);
  return out;
}

export function openrouterWire(): GenerationWire {
  const base = openaiWire('openai');
  let errorSeq = 0;
  return {
    ...base,
    error: (err) => openrouterError(err, ++errorSeq),

    json(answer) {
      const r = base.json(answer);
      const body = JSON.parse(r.body) as Record<string, unknown>;
      return { ...r, body: compact(rewrite(body, answer.turn.model, answer.tokens, answer.seq)) };
    },

    frames(answer) {
      // OpenRouter always reports usage at the end of a stream, whether or not include_usage was asked.
      const frames = base.frames({ ...answer, turn: { ...answer.turn, includeUsage: true } });
      return frames.map((f): Frame => {
        if (f.data === '[DONE]') return f;
        const chunk = JSON.parse(f.data) as Record<string, unknown>;
        return { ...f, data: compact(rewrite(chunk, answer.turn.model, answer.tokens, answer.seq)) };
      });
    },

    streamError: () => ({
      data: compact({
        id: requestId('gen-', 0),
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        provider: UPSTREAM,
        error: { code: 502, message: 'Provider returned error', metadata: { provider_name: UPSTREAM, raw: 'overloaded' } },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
      }),
    }),
  };
}
