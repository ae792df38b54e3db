import { createHash } from 'node:crypto';
import type { AnyEvent, ProviderId } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import type { ResolvedKey } from '../../ports.js';
import { createAnthropicClient, createGeminiClient, createOpenAIClient, wireOf } from '../clients.js';
import { classifyOptionsFor, classifyProviderError } from '../errors.js';
import { AnthropicAdapter } from './anthropic-adapter.js';
import { GeminiAdapter } from './gemini-adapter.js';
import { OpenAIAdapter } from './openai-adapter.js';
import type { Classify, ProviderAdapter, ProviderFailure } from './types.js';

export type { AdapterEvent, AdapterRequest, CompleteResult, FinishReason, ProviderAdapter, ProviderFailure, ToolSpec } from './types.js';
export { complete, ProviderFailureError } from './complete.js';

/** Builds the adapter (and its SDK client) that serves one key. */
export type AdapterFactory = (key: ResolvedKey) => ProviderAdapter;

export interface AdapterFactoryOptions {
  /** Wait for response headers in the Stainless SDKs; the router's own watchdog is the real limit. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Clients kept for reuse (one per key); a changed secret, base URL or option builds a new one. */
  cacheSize?: number;
}

export function classifierFor(key: Pick<ResolvedKey, 'provider' | 'baseUrl' | 'secret'>): Classify {
  const wire = wireOf(key.provider);
  const opts = classifyOptionsFor(key);
  return (err: unknown): ProviderFailure => {
    const info = classifyProviderError(err, wire, opts);
    if (info.status === null && info.cause === 'unknown') {
      const inStream = inStreamFailure(err, key.provider);
      if (inStream) return inStream;
    }
    return {
      code: info.code,
      message: info.message,
      status: info.status,
      retryable: info.retryable,
      retryAfterMs: info.retryAfterMs,
      hint: info.hint,
    };
  };
}

/**
 * An error event inside a 200 stream (OpenAI/OpenRouter `{"error":{type}}`, Anthropic `event: error`)
 * reaches us without an HTTP status; its type still says whether resending can help.
 */
function inStreamFailure(err: unknown, provider: ProviderId): ProviderFailure | null {
  const e = err as { type?: unknown; error?: { type?: unknown; error?: { type?: unknown } } } | null;
  const type = [e?.type, e?.error?.error?.type, e?.error?.type].find((t): t is string => typeof t === 'string' && t !== 'error');
  if (!type) return null;
  const name = providerSpec(provider).name;
  const failure = (code: ProviderFailure['code'], message: string, retryable: boolean): ProviderFailure => ({ code, message, status: null, retryable, retryAfterMs: null });
  if (/overloaded/i.test(type)) return failure('PROVIDER_UNAVAILABLE', `${name} is overloaded (reported inside the stream).`, true);
  if (/rate_limit/i.test(type)) return failure('RATE_LIMITED', `${name} is rate limiting this key right now (reported inside the stream).`, true);
  if (/server_error|api_error|internal/i.test(type)) return failure('PROVIDER_UNAVAILABLE', `${name} had a server error (reported inside the stream).`, true);
  return null;
}

export function buildAdapter(key: ResolvedKey, options: AdapterFactoryOptions = {}): ProviderAdapter {
  const clientOpts = { ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
  const classify = classifierFor(key);
  const provider: ProviderId = key.provider;
  switch (wireOf(provider)) {
    case 'openai':
      return new OpenAIAdapter(createOpenAIClient(key, clientOpts), provider, classify);
    case 'anthropic':
      return new AnthropicAdapter(createAnthropicClient(key, clientOpts), provider, classify);
    case 'gemini':
      // @google/genai's timeout would also cut long streamed bodies: the router's watchdog bounds them.
      return new GeminiAdapter(createGeminiClient(key, options.fetch ? { fetch: options.fetch } : {}), provider, classify);
  }
}

/** An AdapterFactory that drops what it keeps for a key (or for every key) when the key changes. */
export interface CachedAdapterFactory extends AdapterFactory {
  /** Forgets the client of `keyId`, or every client when no id is given (vault unlocked, reset, ...). */
  forget(keyId?: string): void;
  /** Whether a client for the key is kept now. */
  holds(keyId: string): boolean;
}

/**
 * Drops a key's cached client (and so its secret) as soon as the key changes or is deleted:
 * keys.changed names the key; one without a key id, or vault.changed, drops them all.
 * Returns the unsubscribe function.
 */
export function forgetOnKeyChange(subscribe: (listener: (event: AnyEvent) => void) => () => void, adapters: CachedAdapterFactory): () => void {
  return subscribe((e) => {
    if (e.name === 'keys.changed') adapters.forget(e.payload.keyId);
    else if (e.name === 'vault.changed') adapters.forget();
  });
}

/**
 * An AdapterFactory that reuses SDK clients per key, so a turn does not rebuild one each time. A
 * client is looked up by the key's version (or a digest of its secret when it has none), base URL
 * and options, so a hit never reads the secret: a stored key is decrypted only to build its client,
 * and the plaintext then lives only inside that client. Rotation changes the version (a stale client
 * is never used); forget() drops a deleted or changed key's client at once.
 */
export function cachedAdapterFactory(options: AdapterFactoryOptions = {}): CachedAdapterFactory {
  const max = options.cacheSize ?? 64;
  const cache = new Map<string, { fingerprint: string; adapter: ProviderAdapter }>();
  const factory = (key: ResolvedKey): ProviderAdapter => {
    const fingerprint = fingerprintOf(key);
    const hit = cache.get(key.id);
    if (hit && hit.fingerprint === fingerprint) return hit.adapter;
    const adapter = buildAdapter(withSecretRead(key), options);
    cache.delete(key.id);
    cache.set(key.id, { fingerprint, adapter });
    if (cache.size > max) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    return adapter;
  };
  return Object.assign(factory, {
    forget(keyId?: string): void {
      if (keyId === undefined) cache.clear();
      else cache.delete(keyId);
    },
    holds: (keyId: string): boolean => cache.has(keyId),
  });
}

function fingerprintOf(key: ResolvedKey): string {
  const secret = key.version !== undefined ? `v:${key.version}` : `s:${createHash('sha256').update(key.secret).digest('base64')}`;
  return `${key.provider}\u0000${secret}\u0000${key.baseUrl ?? ''}\u0000${JSON.stringify(key.options)}`;
}

/** A copy with the secret read once (a stored key's `secret` decrypts on every read). */
function withSecretRead(key: ResolvedKey): ResolvedKey {
  return { id: key.id, provider: key.provider, label: key.label, secret: key.secret, baseUrl: key.baseUrl, options: key.options, source: key.source };
}
