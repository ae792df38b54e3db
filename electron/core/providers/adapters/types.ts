import type { ChatMessage, ErrorCode, ProviderId, Usage } from '../../../../shared/contract/index.js';
import type { WireFormat } from '../../../../shared/providers/registry.js';

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** One provider request in the router's own terms; each adapter translates it to its wire format. */
export interface AdapterRequest {
  provider: ProviderId;
  model: string;
  messages: ChatMessage[];
  /** Already validated (0–2) and clamped to what the provider accepts. */
  temperature?: number;
  /** Always set: the router resolves it from params, the catalog or a default. */
  maxTokens: number;
  tools?: ToolSpec[];
  /** Wire mode: true asks the provider for SSE, false for one JSON answer. Events are the same. */
  stream: boolean;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

/** Why a provider request failed, in the router's terms (drives retry, fallback and the user's message). */
export interface ProviderFailure {
  code: ErrorCode;
  /** Plain words for people; never contains a secret. */
  message: string;
  /** HTTP status when the provider answered with one. */
  status: number | null;
  /** Worth sending the same request again (408/409/429/5xx/529, connection trouble, timeouts). */
  retryable: boolean;
  /** What the provider asked us to wait (retry-after-ms / retry-after / RetryInfo), when it said. */
  retryAfterMs: number | null;
  hint?: string;
}

/** Turns an SDK or HTTP error into a ProviderFailure; built per key so it can redact that key's secret. */
export type Classify = (err: unknown) => ProviderFailure;

/**
 * What an adapter yields. `open` once the provider accepted the request (response headers), then
 * any number of `text` / `tool_call` / `usage` / `heartbeat` events, then exactly one `done` or `error`.
 * `usage` carries the provider's figures normalised so far; a later one replaces an earlier one.
 */
export type AdapterEvent =
  | { type: 'open' }
  | { type: 'text'; text: string }
  /** One whole tool call (streamed fragments are gathered first); `signature` is opaque data the provider wants back with it. */
  | { type: 'tool_call'; id: string; name: string; arguments: string; signature?: string }
  /** `costUsd`: what the provider says it charged (OpenRouter's usage.cost), when it says. */
  | { type: 'usage'; usage: Usage; costUsd?: number }
  | { type: 'done'; finishReason: FinishReason; model: string | null }
  | { type: 'error'; failure: ProviderFailure }
  /** A wire chunk that carried nothing for the caller (pings, block boundaries): proof of life for the stall watchdog. */
  | { type: 'heartbeat' };

/** Shared, so a heartbeat costs no allocation. */
export const HEARTBEAT: AdapterEvent = Object.freeze({ type: 'heartbeat' }) as AdapterEvent;

/** One per wire format, bound to one key (its SDK client). */
export interface ProviderAdapter {
  readonly wire: WireFormat;
  /**
   * Runs one provider request. Never throws: failures end the iteration with an `error` event.
   * Aborting `signal` aborts the HTTP request; the iteration then ends with an error whose code is
   * CANCELLED (the router tells a user's cancel from its own stall timeout by the abort reason).
   */
  stream(request: AdapterRequest, signal: AbortSignal): AsyncIterable<AdapterEvent>;
  /**
   * The provider's own count of the request's prompt tokens, from its free count endpoint
   * (Anthropic messages/count_tokens, Gemini countTokens), which agrees with what it bills.
   * Absent where the provider has none (OpenAI and compatible servers). Rejects on any failure.
   */
  countTokens?(request: AdapterRequest, signal: AbortSignal): Promise<number>;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
  signature?: string;
}

export interface CompleteResult {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage | null;
  finishReason: FinishReason;
  model: string | null;
}
