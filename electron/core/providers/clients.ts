/**
 * Official SDK clients for a key, shared by the key test (keys service) and the router's adapters.
 *
 * Exports (stable):
 *   - `createOpenAIClient(key, opts?)` → `OpenAI` (an `AzureOpenAI` for provider "azure"): every
 *     OpenAI-format provider (OpenAI, DeepSeek, OpenRouter, Mistral, Groq, xAI, Together, OpenAI-compatible).
 *   - `createAnthropicClient(key, opts?)` → `Anthropic`.
 *   - `createGeminiClient(key, opts?)` → `GoogleGenAI` (Gemini API, never Vertex).
 *   - `resolveBaseUrl(key)` → the base URL a client for this key talks to (the key's override, else the
 *     registry default); throws VALIDATION when the provider has no default and the key gives none.
 *   - `azureSettings(key)` → `{ endpoint, deployment, apiVersion }` for Azure keys.
 *   - `wireOf(provider)`, `DEFAULT_CLIENT_TIMEOUT_MS`, `AZURE_DEFAULT_API_VERSION`, types `ClientKey`, `ClientOptions`.
 *
 * Every client is built with the SDK's own retries off (`maxRetries: 0`; @google/genai retries only when
 * given retryOptions, which we never pass) so the router's single retry policy governs, with an explicit
 * base URL and credential so nothing is picked up from the environment (OPENAI_BASE_URL, ANTHROPIC_AUTH_TOKEN,
 * GOOGLE_GENAI_USE_VERTEXAI, ...), and with SDK logging off so request details never reach a console.
 *
 * Timeouts: `opts.timeoutMs` (default 120 s) bounds the wait for a response in the Stainless SDKs. In
 * @google/genai the timeout also bounds reading a streamed body, so for Gemini it is only set when given;
 * pass an AbortSignal per request for stream-long limits.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI, { AzureOpenAI } from 'openai';
import { AppError, type ProviderId } from '../../../shared/contract/index.js';
import { PROVIDERS, type WireFormat } from '../../../shared/providers/registry.js';
import type { ResolvedKey } from '../ports.js';

export const DEFAULT_CLIENT_TIMEOUT_MS = 120_000;
/** Azure OpenAI data-plane GA version used when a key names none. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/** What a client needs from a key. */
export type ClientKey = Pick<ResolvedKey, 'provider' | 'secret' | 'baseUrl' | 'options'>;

export interface ClientOptions {
  /** Per-request timeout in ms (see the note above for Gemini). */
  timeoutMs?: number;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

export function wireOf(provider: ProviderId): WireFormat {
  return PROVIDERS[provider].wire;
}

/** The base URL for this key without a trailing slash. */
export function resolveBaseUrl(key: Pick<ClientKey, 'provider' | 'baseUrl'>): string {
  const spec = PROVIDERS[key.provider];
  const url = key.baseUrl ?? spec.defaultBaseUrl;
  if (!url) {
    throw new AppError(
      'VALIDATION',
      key.provider === 'azure'
        ? 'Azure OpenAI needs your resource endpoint as the base URL (https://<resource>.openai.azure.com).'
        : `${spec.name} needs a base URL (for example http://127.0.0.1:11434/v1 for Ollama).`,
      { field: 'baseUrl' },
    );
  }
  return url.replace(/\/+$/, '');
}

export function azureSettings(key: Pick<ClientKey, 'provider' | 'baseUrl' | 'options'>): {
  endpoint: string;
  deployment: string | null;
  apiVersion: string;
} {
  return {
    endpoint: resolveBaseUrl(key),
    deployment: key.options.deployment ?? null,
    apiVersion: key.options.apiVersion ?? AZURE_DEFAULT_API_VERSION,
  };
}

export function createOpenAIClient(key: ClientKey, opts: ClientOptions = {}): OpenAI {
  if (wireOf(key.provider) !== 'openai') throw new Error(`${key.provider} does not speak the OpenAI format`);
  const common = {
    maxRetries: 0,
    timeout: opts.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS,
    logLevel: 'off' as const,
    // Explicit nulls keep OPENAI_ORG_ID / OPENAI_PROJECT_ID / OPENAI_ADMIN_KEY / OPENAI_WEBHOOK_SECRET out.
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };

  if (key.provider === 'azure') {
    const az = azureSettings(key);
    if (/\/openai\/v1$/i.test(az.endpoint)) {
      // Azure's v1 API is plain OpenAI wire without api-version; it authenticates with the api-key header.
      return new OpenAI({
        ...common,
        organization: null,
        apiKey: key.secret,
        baseURL: az.endpoint,
        defaultHeaders: { 'api-key': key.secret, Authorization: null },
      });
    }
    // Passing baseURL (never `endpoint`) keeps OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT from the environment out.
    const baseURL = /\/openai$/i.test(az.endpoint) || /\/openai\/deployments\//i.test(az.endpoint) ? az.endpoint : `${az.endpoint}/openai`;
    return new AzureOpenAI({
      ...common,
      organization: null,
      apiKey: key.secret,
      baseURL,
      apiVersion: az.apiVersion,
      ...(az.deployment ? { deployment: az.deployment } : {}),
    });
  }

  const keyless = key.secret === '';
  return new OpenAI({
    ...common,
    organization: key.options.organization ?? null,
    // The SDK insists on a credential; a keyless local server gets a placeholder and no Authorization header.
    apiKey: keyless ? 'no-key' : key.secret,
    baseURL: resolveBaseUrl(key),
    ...(keyless ? { defaultHeaders: { Authorization: null } } : {}),
  });
}

export function createAnthropicClient(key: ClientKey, opts: ClientOptions = {}): Anthropic {
  if (wireOf(key.provider) !== 'anthropic') throw new Error(`${key.provider} does not speak the Anthropic format`);
  return new Anthropic({
    apiKey: key.secret,
    // The SDK adds /v1 itself; accept a pasted URL that already has it.
    baseURL: resolveBaseUrl(key).replace(/\/v1$/i, ''),
    maxRetries: 0,
    timeout: opts.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS,
    logLevel: 'off',
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

export function createGeminiClient(key: ClientKey, opts: ClientOptions = {}): GoogleGenAI {
  if (wireOf(key.provider) !== 'gemini') throw new Error(`${key.provider} does not speak the Gemini format`);
  let baseUrl = resolveBaseUrl(key);
  // The SDK appends /<apiVersion>/...; accept a pasted URL that already ends in a version.
  let apiVersion: string | undefined;
  const m = /\/(v1beta|v1alpha|v1)$/i.exec(baseUrl);
  if (m) {
    apiVersion = m[1]!.toLowerCase();
    baseUrl = baseUrl.slice(0, -m[0].length);
  }
  return new GoogleGenAI({
    vertexai: false,
    apiKey: key.secret,
    ...(apiVersion ? { apiVersion } : {}),
    httpOptions: {
      baseUrl,
      ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    },
  });
}
