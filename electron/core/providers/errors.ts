/**
 * Provider error classification, shared by the key test (keys service) and the router.
 *
 * Exports (stable):
 *   - `classifyProviderError(err, wire, opts?)` → `ProviderErrorInfo`: turns anything an official SDK
 *     (openai, @anthropic-ai/sdk, @google/genai) or fetch throws into a stable error code, whether a
 *     retry can help, how long the provider asked us to wait, plain troubleshooting text (`hint`) and a
 *     `message` for people. Never throws.
 *   - `providerAppError(info, details?)` → `AppError` carrying the classification (for answers).
 *   - `classifyOptionsFor(key, timing?)` → the `ClassifyOptions` for a call made with a key.
 *   - `retryAfterFromHeaders(headers)` → ms or null (`retry-after-ms`, `x-ms-retry-after-ms`, `retry-after`).
 *   - types `ProviderErrorInfo`, `ProviderErrorCause`, `ClassifyOptions`.
 *
 * Rules (REFERENCE.md "Errors, and whether to retry"): OpenAI 429 `insufficient_quota` is out of money
 * (no retry) while other 429s are rate limits (retry after `retry-after`); Anthropic 402 `billing_error`
 * is out of money and 529 `overloaded_error` is retryable; Gemini reports an invalid key as 400
 * `INVALID_ARGUMENT`/`API_KEY_INVALID`, a region it does not serve as 400 `FAILED_PRECONDITION`
 * ("User location is not supported"), and 429 `RESOURCE_EXHAUSTED` with a RetryInfo delay; DeepSeek
 * 402 is an empty balance. 408/409/429/5xx/529, timeouts and connection errors are retryable; auth,
 * quota, validation, context-length and content-policy errors never are.
 *
 * Safety: `message` and `hint` are composed here from fixed text. The provider's own error text is only
 * passed on (in `providerMessage`, and inside `message` for plain bad requests) after redaction of key
 * shapes, auth headers and any secret given in `opts.secrets`, and truncation. Raw SDK messages, which
 * can echo request details, are never copied.
 */
import { AppError, type ErrorCode, type ProviderId } from '../../../shared/contract/index.js';
import { PROVIDERS, type WireFormat } from '../../../shared/providers/registry.js';
import { redactText } from '../app/logger.js';

export type ProviderErrorCause =
  | 'invalid-key'
  | 'quota'
  | 'rate-limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  /** Wrong base URL / Azure endpoint or deployment: 404, unknown host, nothing listening. */
  | 'endpoint'
  | 'model'
  | 'region'
  | 'permission'
  | 'context'
  | 'content-filter'
  | 'bad-request'
  | 'cancelled'
  | 'unknown';

export interface ProviderErrorInfo {
  code: ErrorCode;
  cause: ProviderErrorCause;
  /** HTTP status when the provider answered with one. */
  status: number | null;
  /** Worth sending the same request again. */
  retryable: boolean;
  /** What the provider asked us to wait, when it said. */
  retryAfterMs: number | null;
  /** Plain troubleshooting text for this cause. */
  hint: string;
  /** One sentence for people; never contains a secret. */
  message: string;
  /** The provider's own explanation, redacted and shortened; absent when it gave none. */
  providerMessage?: string;
}

export interface ClassifyOptions {
  /** Names the provider in messages and tailors hints (Azure deployment, local servers, docs links). */
  provider?: ProviderId;
  /** Set when our own timer aborted the request, so the abort reads as a timeout, not a cancel. */
  timedOut?: boolean;
  /** The timeout that applied, for the message. */
  timeoutMs?: number;
  /** The base URL used, to name the host in network hints. */
  baseUrl?: string | null;
  /** Secrets to scrub from any provider text that is passed on. */
  secrets?: readonly string[];
}

const CODE_OF: Record<ProviderErrorCause, ErrorCode> = {
  'invalid-key': 'KEY_INVALID',
  quota: 'QUOTA_EXHAUSTED',
  'rate-limit': 'RATE_LIMITED',
  overloaded: 'PROVIDER_UNAVAILABLE',
  server: 'PROVIDER_UNAVAILABLE',
  timeout: 'TIMEOUT',
  network: 'NETWORK',
  endpoint: 'NOT_FOUND',
  model: 'NOT_FOUND',
  region: 'REGION_NOT_SUPPORTED',
  permission: 'PERMISSION_DENIED',
  context: 'CONTEXT_TOO_LONG',
  'content-filter': 'CONTENT_FILTERED',
  'bad-request': 'PROVIDER_ERROR',
  cancelled: 'CANCELLED',
  unknown: 'PROVIDER_ERROR',
};

const RETRYABLE: ReadonlySet<ProviderErrorCause> = new Set(['rate-limit', 'overloaded', 'server', 'timeout', 'network']);

const CONTEXT_TEXT =
  /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|input token count|exceeds the maximum number of tokens|request_too_large|reduce the length/i;
const REGION_TEXT = /location is not supported|unsupported_country|country, region,? or territory|not available in your (country|region)|region not supported/i;
const QUOTA_TEXT = /insufficient_quota|exceeded your current quota|credit balance is too low|insufficient balance|insufficient credits|billing|payment required|out of credits/i;
const INVALID_KEY_TEXT = /api[_ ]key[_ ](not[_ ]valid|invalid|expired)|invalid[_ ]api[_ ]key|incorrect api key|invalid x-api-key|invalid authentication/i;
const CONTENT_TEXT = /content[_ ]filter|content_policy|responsible ai policy|safety system/i;

/** Classifies an error thrown by an SDK call or fetch. Never throws. */
export function classifyProviderError(err: unknown, wire: WireFormat, opts: ClassifyOptions = {}): ProviderErrorInfo {
  try {
    return classify(err, wire, opts);
  } catch {
    return build('unknown', null, null, opts, undefined);
  }
}

/**
 * The options that classify a failure of a call made with this key: its provider and base URL, and its
 * secret to scrub. The secret is read once (a stored key's `secret` decrypts on every read).
 */
export function classifyOptionsFor(
  key: { provider: ProviderId; baseUrl: string | null; secret: string },
  timing: Pick<ClassifyOptions, 'timedOut' | 'timeoutMs'> = {},
): ClassifyOptions {
  const secret = key.secret;
  return { provider: key.provider, ...timing, baseUrl: key.baseUrl, secrets: secret ? [secret] : [] };
}

/** An AppError that carries the classification in `details` (code, cause, status, retryAfterMs, hint). */
export function providerAppError(info: ProviderErrorInfo, details: Record<string, unknown> = {}): AppError {
  return new AppError(info.code, info.message, {
    cause: info.cause,
    hint: info.hint,
    retryable: info.retryable,
    ...(info.status !== null ? { status: info.status } : {}),
    ...(info.retryAfterMs !== null ? { retryAfterMs: info.retryAfterMs } : {}),
    ...details,
  });
}

function classify(err: unknown, wire: WireFormat, opts: ClassifyOptions): ProviderErrorInfo {
  if (err instanceof AppError) {
    const cause = causeOfCode(err.code);
    return { ...build(cause, null, null, opts, undefined), code: err.code, message: err.message };
  }
  const e = asRecord(err);
  const name = errorName(err);

  // Aborts: ours (timeout) or the caller's (cancel). Stainless SDKs raise APIUserAbortError; fetch and
  // @google/genai raise DOMException AbortError / TimeoutError.
  if (name === 'APIConnectionTimeoutError' || name === 'TimeoutError' || (opts.timedOut && isAbort(err))) {
    return build('timeout', null, null, opts, undefined);
  }
  if (isAbort(err)) return build('cancelled', null, null, opts, undefined);

  const status = typeof e?.status === 'number' && e.status >= 100 && e.status < 600 ? e.status : null;
  if (status === null) {
    // No HTTP answer: a connection problem (the code sits somewhere in the cause chain).
    const sysCode = systemErrorCode(err);
    if (sysCode !== null || name === 'APIConnectionError' || /fetch failed|network|socket|ECONN|ENOTFOUND/i.test(String(e?.message ?? ''))) {
      return networkInfo(sysCode, opts);
    }
    return build('unknown', null, null, opts, undefined);
  }

  const body = wire === 'gemini' ? parseGeminiBody(e?.message) : stainlessBody(e, wire);
  const retryAfterMs = retryAfterFromHeaders(e?.headers) ?? body.retryAfterMs;
  const text = `${body.type ?? ''} ${body.code ?? ''} ${body.reason ?? ''} ${body.message ?? ''}`;
  const pm = sanitize(body.message, opts.secrets);
  const cause = causeFor(status, wire, body, text);
  return build(cause, status, retryAfterMs, opts, pm);
}

function causeFor(status: number, wire: WireFormat, body: ErrorBody, text: string): ProviderErrorCause {
  if (REGION_TEXT.test(text) || body.status === 'FAILED_PRECONDITION') return 'region';
  switch (status) {
    case 400:
      if (wire === 'gemini' && (body.reason === 'API_KEY_INVALID' || INVALID_KEY_TEXT.test(text))) return 'invalid-key';
      if (CONTEXT_TEXT.test(text)) return 'context';
      if (CONTENT_TEXT.test(text)) return 'content-filter';
      // Anthropic answers an empty balance with a 400 invalid_request_error.
      if (QUOTA_TEXT.test(text)) return 'quota';
      if (INVALID_KEY_TEXT.test(text)) return 'invalid-key';
      return 'bad-request';
    case 401:
      return 'invalid-key';
    case 402:
      return 'quota';
    case 403:
      if (INVALID_KEY_TEXT.test(text)) return 'invalid-key';
      return 'permission';
    case 404:
      if (body.code === 'model_not_found' || /\bmodel\b/i.test(body.message ?? '')) {
        if (!/deployment/i.test(text)) return 'model';
      }
      return 'endpoint';
    case 408:
      return 'timeout';
    case 409:
      return 'server';
    case 413:
      return 'context';
    case 422:
      return CONTEXT_TEXT.test(text) ? 'context' : 'bad-request';
    case 429:
      if (body.code === 'insufficient_quota' || body.type === 'insufficient_quota') return 'quota';
      // Gemini: a per-day quota or a zero limit (no free tier / billing off) will not pass by retrying.
      if (wire === 'gemini' && (/PerDay|limit: 0\b/i.test(body.raw ?? '') || /billing/i.test(text))) return 'quota';
      if (QUOTA_TEXT.test(text) && !/rate/i.test(text)) return 'quota';
      return 'rate-limit';
    case 529:
      return 'overloaded';
    default:
      if (status === 503 && /overload/i.test(text)) return 'overloaded';
      if (status >= 500) return wire === 'gemini' && status === 500 && CONTEXT_TEXT.test(text) ? 'context' : 'server';
      return 'unknown';
  }
}

interface ErrorBody {
  /** Stainless `type` (OpenAI: error.type; Anthropic: error.type). */
  type?: string;
  /** OpenAI error.code (e.g. insufficient_quota, model_not_found). */
  code?: string;
  /** Gemini error.status (INVALID_ARGUMENT, FAILED_PRECONDITION, ...). */
  status?: string;
  /** Gemini ErrorInfo reason (API_KEY_INVALID). */
  reason?: string;
  message?: string;
  retryAfterMs: number | null;
  /** The raw body text, for pattern checks only (never copied into messages). */
  raw?: string;
}

function stainlessBody(e: Record<string, unknown> | null, wire: WireFormat): ErrorBody {
  // openai: `error` is the inner error object; @anthropic-ai/sdk: `error` is the whole body.
  const outer = asRecord(e?.error);
  const inner = wire === 'anthropic' ? (asRecord(outer?.error) ?? outer) : outer;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const type = str(e?.type) ?? str(inner?.type);
  const code = str(e?.code) ?? str(inner?.code);
  const message = str(inner?.message) ?? (typeof inner?.message === 'object' ? safeStringify(inner.message) : undefined);
  return {
    ...(type ? { type } : {}),
    ...(code ? { code } : {}),
    ...(message ? { message } : {}),
    retryAfterMs: null,
    raw: safeStringify(outer),
  };
}

function parseGeminiBody(message: unknown): ErrorBody {
  // @google/genai puts the JSON error body, stringified, in the error message.
  if (typeof message !== 'string') return { retryAfterMs: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { retryAfterMs: null, raw: message };
  }
  const err = asRecord(asRecord(parsed)?.error);
  if (!err) return { retryAfterMs: null, raw: message };
  const out: ErrorBody = { retryAfterMs: null, raw: message };
  if (typeof err.status === 'string') out.status = err.status;
  if (typeof err.message === 'string') out.message = err.message;
  const details = Array.isArray(err.details) ? err.details : [];
  for (const d of details) {
    const rec = asRecord(d);
    if (!rec) continue;
    if (typeof rec.reason === 'string' && !out.reason) out.reason = rec.reason;
    if (typeof rec.retryDelay === 'string') {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(rec.retryDelay.trim());
      if (m) out.retryAfterMs = Math.round(Number(m[1]) * 1000);
    }
  }
  return out;
}

/** `retry-after-ms` / `x-ms-retry-after-ms` (ms) or `retry-after` (seconds or an HTTP date). */
export function retryAfterFromHeaders(headers: unknown): number | null {
  const get = (name: string): string | null => {
    if (!headers) return null;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
    const rec = asRecord(headers);
    const v = rec?.[name] ?? rec?.[name.toLowerCase()];
    return typeof v === 'string' ? v : null;
  };
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = get(name);
    if (v !== null && v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= 0) return Math.round(Number(v));
  }
  const ra = get('retry-after');
  if (ra !== null && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return null;
}

function networkInfo(sysCode: string | null, opts: ClassifyOptions): ProviderErrorInfo {
  const host = hostOf(opts.baseUrl);
  const name = providerName(opts.provider);
  if (sysCode === 'ENOTFOUND' || sysCode === 'EAI_NONAME') {
    const info = build('endpoint', null, null, opts, undefined);
    return {
      ...info,
      code: 'NETWORK',
      // A name that does not resolve will not start resolving on a retry.
      retryable: false,
      message: `${name}: the server${host ? ` ${host}` : ''} could not be found.`,
      hint: `The address${host ? ` ${host}` : ''} does not exist or cannot be resolved. Check the base URL${
        opts.provider === 'azure' ? ' (your Azure endpoint looks like https://<resource>.openai.azure.com)' : ''
      } and your network or DNS settings.`,
    };
  }
  if (sysCode === 'ECONNREFUSED') {
    const local = host !== null && /^(localhost|127\.|\[::1\]|::1|0\.0\.0\.0)/.test(host);
    const info = build('endpoint', null, null, opts, undefined);
    return {
      ...info,
      code: 'NETWORK',
      retryable: true,
      message: `${name}: nothing is accepting connections${host ? ` at ${host}` : ''}.`,
      hint: local
        ? `Nothing is listening at ${host}. Is the local server (Ollama, LM Studio, vLLM) running, and is the port in the base URL right?`
        : `The server${host ? ` ${host}` : ''} refused the connection. Check the base URL and port, and any proxy or firewall.`,
    };
  }
  if (sysCode !== null && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(sysCode)) {
    return {
      ...build('network', null, null, opts, undefined),
      retryable: false,
      message: `${name}: the secure connection${host ? ` to ${host}` : ''} failed (certificate problem).`,
      hint: 'The server’s certificate was not accepted. Check the base URL (https vs http); behind a company proxy, its certificate must be trusted by the system.',
    };
  }
  return build('network', null, null, opts, undefined);
}

function build(
  cause: ProviderErrorCause,
  status: number | null,
  retryAfterMs: number | null,
  opts: ClassifyOptions,
  providerMessage: string | undefined,
): ProviderErrorInfo {
  const name = providerName(opts.provider);
  const st = status !== null ? ` (HTTP ${status})` : '';
  const spec = opts.provider ? PROVIDERS[opts.provider] : null;
  const host = hostOf(opts.baseUrl);
  const secs = Math.round((opts.timeoutMs ?? 15_000) / 1000);
  let message: string;
  let hint: string;
  switch (cause) {
    case 'invalid-key':
      message = `${name} rejected the API key${st}.`;
      hint =
        opts.provider === 'openai-compatible'
          ? 'The server refused the key, or wants one and none was given. Enter the API key the server expects (Ollama and LM Studio need none; vLLM only with --api-key).'
          : `The key is wrong, revoked or for another provider. Copy the whole key again${spec ? ` from ${spec.docsUrl}` : ''} and check it belongs to ${name}.`;
      break;
    case 'quota':
      message = `${name} says the account has no credit or quota left${st}.`;
      hint = `The key works, but the account is out of credit or over its quota. Add credit or raise the limit in the billing settings of your ${name} account, then test again.`;
      break;
    case 'rate-limit':
      message = `${name} is rate limiting this key right now${st}.`;
      hint = `Too many requests for this key at the moment; the key itself is fine. Wait${retryAfterMs !== null ? ` about ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s` : ' a minute'} and try again, or add a second key.`;
      break;
    case 'overloaded':
      message = `${name} is overloaded${st}.`;
      hint = `${name} is busy for everyone right now; this is not a problem with your key. Try again shortly or fall back to another provider.`;
      break;
    case 'server':
      message = `${name} had a server error${st}.`;
      hint = `${name} failed on its side; your key may be fine. Try again in a little while${opts.provider === 'gemini' && status === 500 ? ' (on Gemini a 500 is often a prompt that is too long)' : ''}.`;
      break;
    case 'timeout':
      message = `${name} did not answer within ${secs} s.`;
      hint = `No answer in time. Check your internet connection, proxy or firewall${host ? ` and that ${host} is reachable` : ''}, then try again.`;
      break;
    case 'network':
      message = `Could not reach ${name}${host ? ` at ${host}` : ''}.`;
      hint = 'The connection failed. Check your internet connection, VPN, proxy or firewall, and the base URL.';
      break;
    case 'endpoint':
      message = `${name}: nothing answered at that address the way ${name} does${st}.`;
      hint =
        opts.provider === 'azure'
          ? 'Check the endpoint (https://<resource>.openai.azure.com), the deployment name and the API version on the Keys and Endpoint page of your Azure OpenAI resource.'
          : `Check the base URL${host ? ` (${host})` : ''}; an OpenAI-compatible server’s URL usually ends in /v1.`;
      break;
    case 'model':
      message = `${name} does not offer that model to this key${st}.`;
      hint = 'Pick another model, or check that your account has access to this one.';
      break;
    case 'region':
      message = `${name} is not available from your current location${st}.`;
      hint = `${name} does not serve the country or region this request comes from. Check the provider’s list of supported regions; a different provider may work from here.`;
      break;
    case 'permission':
      message = `${name} says this key is not allowed to do that${st}.`;
      hint = 'The key is valid but lacks permission (restricted key, project or model access, or an IP allow-list). Check the key’s permissions in the provider’s console.';
      break;
    case 'context':
      message = `The conversation is too long for this model${st}.`;
      hint = 'Shorten the conversation, start a new one, or choose a model with a longer context window.';
      break;
    case 'content-filter':
      message = `${name} refused the request under its content policy${st}.`;
      hint = 'The prompt or answer was blocked by the provider’s content filter. Rephrase the request.';
      break;
    case 'bad-request':
      message = `${name} refused the request${st}${providerMessage ? `: ${providerMessage}` : '.'}`;
      hint = 'The provider did not accept the request as sent. Check the model name and the settings of this key.';
      break;
    case 'cancelled':
      message = 'The request was cancelled.';
      hint = 'The request was stopped before it finished.';
      break;
    default:
      message = `${name} returned an error${st}${providerMessage ? `: ${providerMessage}` : '.'}`;
      hint = 'Something unexpected went wrong at the provider. Try again; if it keeps happening, check the provider’s status page.';
  }
  return {
    code: CODE_OF[cause],
    cause,
    status,
    retryable: RETRYABLE.has(cause),
    retryAfterMs,
    hint,
    message,
    ...(providerMessage ? { providerMessage } : {}),
  };
}

function causeOfCode(code: ErrorCode): ProviderErrorCause {
  for (const [cause, c] of Object.entries(CODE_OF) as [ProviderErrorCause, ErrorCode][]) if (c === code) return cause;
  return 'unknown';
}

function providerName(provider: ProviderId | undefined): string {
  return provider ? PROVIDERS[provider].name : 'The provider';
}

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function isAbort(err: unknown): boolean {
  const name = errorName(err);
  return name === 'AbortError' || name === 'APIUserAbortError';
}

function errorName(err: unknown): string {
  if (!err || typeof err !== 'object') return '';
  const ctor = (err as { constructor?: { name?: unknown } }).constructor?.name;
  const n = (err as { name?: unknown }).name;
  // Stainless error classes keep the generic name "Error"; their constructor names are specific.
  if (typeof ctor === 'string' && ctor.startsWith('API')) return ctor;
  return typeof n === 'string' ? n : typeof ctor === 'string' ? ctor : '';
}

/** The first Node system error code (ENOTFOUND, ECONNREFUSED, ...) in the `cause` chain. */
function systemErrorCode(err: unknown): string | null {
  let cur: unknown = err;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const rec = cur as Record<string, unknown>;
    if (typeof rec.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(rec.code)) return rec.code;
    const errors = rec.errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = systemErrorCode(errors[0]);
      if (inner) return inner;
    }
    cur = rec.cause;
  }
  return null;
}

function sanitize(text: string | undefined, secrets: readonly string[] | undefined): string | undefined {
  if (!text) return undefined;
  const oneLine = redactText(text, secrets ?? []).replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : null;
}

function safeStringify(v: unknown): string | undefined {
  try {
    return v === undefined ? undefined : JSON.stringify(v);
  } catch {
    return undefined;
  }
}
