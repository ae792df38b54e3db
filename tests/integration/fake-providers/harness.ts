import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startFakeProviders, type FakeProviders } from '../../fake-providers/index.js';
import { waitFor } from '../../helpers/assert.js';

/** Starts one fake provider server for the file (port 0), resets it before each test, closes it after. */
export function useFakeProviders(): { readonly fake: FakeProviders } {
  const holder: { fake?: FakeProviders } = {};
  beforeAll(async () => {
    holder.fake = await startFakeProviders({ port: 0 });
  });
  beforeEach(() => holder.fake?.reset());
  afterAll(async () => {
    await holder.fake?.close();
  });
  return {
    get fake(): FakeProviders {
      if (!holder.fake) throw new Error('fake providers not started');
      return holder.fake;
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
}

/** A plain HTTP call, for what SDKs refuse to send (no key) or to read raw wire bytes. */
export async function raw(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

/** Waits until the server has noticed something (a client going away is seen a moment after the abort); 1.5 s here, not waitFor's 5 s. */
export const eventually = (check: () => boolean, timeoutMs = 1500): Promise<void> => waitFor(check, timeoutMs);

/** Runs a promise expected to fail and returns what it threw. */
export async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure, but the call succeeded');
}

/**
 * A logger for an SDK client (the openai and Anthropic SDKs' `logger` option) that keeps what the SDK
 * says instead of printing it: a malformed chunk is expected in [[fault:garbage]] tests, and its
 * "Could not parse message into JSON" would otherwise hide real failures in the test output.
 */
export function sdkLogCapture(): { logger: Record<'error' | 'warn' | 'info' | 'debug', (...args: unknown[]) => void>; lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (...args: unknown[]) => void lines.push(`${level}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  return { logger: { error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') }, lines };
}

export const WEATHER_TOOL_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' } },
  required: ['city'],
};
