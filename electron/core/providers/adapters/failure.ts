import type { ProviderId } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import type { Classify, ProviderFailure } from './types.js';

// Failures the adapters detect themselves, from the shape of a stream rather than an HTTP status.

export function cancelledFailure(): ProviderFailure {
  return { code: 'CANCELLED', message: 'The request was cancelled.', status: null, retryable: false, retryAfterMs: null };
}

/** The connection closed (or the provider stopped sending) before the answer's end marker. */
export function streamCutFailure(provider: ProviderId): ProviderFailure {
  return {
    code: 'NETWORK',
    message: `${providerSpec(provider).name} closed the connection before the answer was complete.`,
    status: null,
    retryable: true,
    retryAfterMs: null,
  };
}

/** A chunk that is not valid JSON: the provider (or a proxy in between) is broken, resending rarely helps. */
export function malformedFailure(provider: ProviderId): ProviderFailure {
  return {
    code: 'PROVIDER_ERROR',
    message: `${providerSpec(provider).name} sent a malformed response chunk that could not be read.`,
    status: null,
    retryable: false,
    retryAfterMs: null,
    hint: 'If this keeps happening, check any proxy or custom base URL between Switchboard and the provider.',
  };
}

export function blockedFailure(provider: ProviderId, reason: string): ProviderFailure {
  return {
    code: 'CONTENT_FILTERED',
    message: `${providerSpec(provider).name} declined to answer (${reason}).`,
    status: null,
    retryable: false,
    retryAfterMs: null,
  };
}

/** A JSON.parse failure inside an SDK's stream reader. */
export function isMalformedChunkError(err: unknown): boolean {
  if (err instanceof SyntaxError) return true;
  const message = err instanceof Error ? err.message : '';
  // @google/genai wraps its JSON failures in plain Errors with these texts.
  return /exception parsing stream chunk|Unexpected token|is not valid JSON|JSON at position|Unexpected end of JSON/i.test(message);
}

/** The body ended mid-event or the socket closed under the reader. */
export function isStreamCutError(err: unknown): boolean {
  const message = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : '';
  return /Incomplete JSON segment|terminated|ECONNRESET|socket hang up|other side closed|premature close/i.test(message);
}

/**
 * What a thrown error means to every adapter alike: our own abort first (the SDKs report it in many
 * shapes), then stream damage the SDKs surface as plain errors, else the HTTP classification.
 */
export function adapterFailure(err: unknown, signal: AbortSignal, provider: ProviderId, classify: Classify): ProviderFailure {
  if (signal.aborted) return cancelledFailure();
  if (isMalformedChunkError(err)) return malformedFailure(provider);
  if (isStreamCutError(err)) return streamCutFailure(provider);
  return classify(err);
}
