import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { classifyProviderError, providerAppError, retryAfterFromHeaders } from '../../../electron/core/providers/errors.js';

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe('classifyProviderError', () => {
  it('OpenAI 429: insufficient_quota is out of money (no retry), rate_limit_exceeded retries after retry-after', () => {
    const quota = OpenAI.APIError.generate(429, { error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota' } }, undefined, headers());
    expect(classifyProviderError(quota, 'openai', { provider: 'openai' })).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false, status: 429 });
    const rate = OpenAI.APIError.generate(429, { error: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached' } }, undefined, headers({ 'retry-after-ms': '1500' }));
    expect(classifyProviderError(rate, 'openai')).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 1500 });
  });

  it('OpenAI 401, context length and content policy never retry', () => {
    const auth = OpenAI.APIError.generate(401, { error: { code: 'invalid_api_key', message: 'Incorrect API key' } }, undefined, headers());
    expect(classifyProviderError(auth, 'openai')).toMatchObject({ code: 'KEY_INVALID', retryable: false });
    const ctx = OpenAI.APIError.generate(400, { error: { code: 'context_length_exceeded', message: "This model's maximum context length is 128000 tokens." } }, undefined, headers());
    expect(classifyProviderError(ctx, 'openai')).toMatchObject({ code: 'CONTEXT_TOO_LONG', retryable: false });
    const policy = OpenAI.APIError.generate(400, { error: { code: 'content_filter', message: 'filtered' } }, undefined, headers());
    expect(classifyProviderError(policy, 'openai')).toMatchObject({ code: 'CONTENT_FILTERED', retryable: false });
  });

  it('Anthropic 402 billing, 529 overloaded (retry), 500 (retry)', () => {
    const billing = Anthropic.APIError.generate(402, { type: 'error', error: { type: 'billing_error', message: 'billing' } }, undefined, headers());
    expect(classifyProviderError(billing, 'anthropic')).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    const over = Anthropic.APIError.generate(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, headers({ 'retry-after': '2' }));
    expect(classifyProviderError(over, 'anthropic')).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', cause: 'overloaded', retryable: true, retryAfterMs: 2000 });
    const server = Anthropic.APIError.generate(500, { type: 'error', error: { type: 'api_error', message: 'Internal' } }, undefined, headers());
    expect(classifyProviderError(server, 'anthropic')).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
  });

  it('Gemini 400 API_KEY_INVALID is an invalid key, not a bad request', () => {
    const body = { error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }] } };
    const err = new ApiError({ status: 400, message: JSON.stringify(body) });
    expect(classifyProviderError(err, 'gemini', { provider: 'gemini' })).toMatchObject({ code: 'KEY_INVALID', retryable: false });
  });

  it('Gemini 429 RetryInfo gives the wait; 503 retries', () => {
    const body = { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] } };
    expect(classifyProviderError(new ApiError({ status: 429, message: JSON.stringify(body) }), 'gemini')).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, retryable: true });
    const unavailable = { error: { code: 503, status: 'UNAVAILABLE', message: 'The model is overloaded.' } };
    expect(classifyProviderError(new ApiError({ status: 503, message: JSON.stringify(unavailable) }), 'gemini')).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
  });

  it('aborts: a caller cancel is CANCELLED, our own timer is TIMEOUT', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(classifyProviderError(abort, 'gemini')).toMatchObject({ code: 'CANCELLED', retryable: false });
    expect(classifyProviderError(abort, 'gemini', { timedOut: true })).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(classifyProviderError(new OpenAI.APIConnectionTimeoutError(), 'openai')).toMatchObject({ code: 'TIMEOUT' });
    expect(classifyProviderError(new OpenAI.APIUserAbortError(), 'openai')).toMatchObject({ code: 'CANCELLED' });
  });

  it('connection errors retry; an unknown host does not', () => {
    const refused = new OpenAI.APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNRESET' }) }) });
    expect(classifyProviderError(refused, 'openai')).toMatchObject({ code: 'NETWORK', retryable: true });
    const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
    expect(classifyProviderError(dns, 'gemini', { baseUrl: 'https://typo.example/' })).toMatchObject({ code: 'NETWORK', cause: 'endpoint', retryable: false });
  });

  it('keeps AppErrors as they are and never throws', () => {
    expect(classifyProviderError(new AppError('VAULT_LOCKED', 'locked'), 'openai')).toMatchObject({ code: 'VAULT_LOCKED', message: 'locked' });
    expect(classifyProviderError(null, 'openai').code).toBe('PROVIDER_ERROR');
    expect(classifyProviderError('weird', 'anthropic').code).toBe('PROVIDER_ERROR');
  });

  it('passes a bad request’s provider text on, redacted', () => {
    const secret = 'sk-proj-leak0123456789abcdefghijkl';
    const err = OpenAI.APIError.generate(400, { error: { message: `model gpt-x not supported for key ${secret}` } }, undefined, headers());
    const info = classifyProviderError(err, 'openai', { provider: 'openai', secrets: [secret] });
    expect(info.code).toBe('PROVIDER_ERROR');
    expect(info.message).toMatch(/not supported/);
    expect(JSON.stringify(info)).not.toContain(secret);
  });

  it('providerAppError carries the classification', () => {
    const err = OpenAI.APIError.generate(429, { error: { code: 'rate_limit_exceeded', message: 'slow down' } }, undefined, headers({ 'retry-after': '3' }));
    const app = providerAppError(classifyProviderError(err, 'openai'));
    expect(app.code).toBe('RATE_LIMITED');
    expect(app.details).toMatchObject({ retryAfterMs: 3000, retryable: true, cause: 'rate-limit' });
  });
});

describe('retryAfterFromHeaders', () => {
  it('reads ms headers first, then seconds, then an HTTP date', () => {
    expect(retryAfterFromHeaders(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterFromHeaders(headers({ 'x-ms-retry-after-ms': '400' }))).toBe(400);
    expect(retryAfterFromHeaders(headers({ 'retry-after': '1.5' }))).toBe(1500);
    const date = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterFromHeaders(headers({ 'retry-after': date }))).toBeGreaterThan(0);
    expect(retryAfterFromHeaders(headers())).toBeNull();
    expect(retryAfterFromHeaders(undefined)).toBeNull();
  });
});
