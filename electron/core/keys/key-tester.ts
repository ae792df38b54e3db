import type { KeyTestResult } from '../../../shared/contract/index.js';
import type { ClientKey } from '../providers/clients.js';
import { resolveBaseUrl, wireOf } from '../providers/clients.js';
import { classifyProviderError } from '../providers/errors.js';
import { listModelIds } from '../providers/list-models.js';

export const KEY_TEST_TIMEOUT_MS = 15_000;

export interface KeyTester {
  /** A real, cheap provider call (list models). Never throws; failures come back as {ok: false, code, hint}. */
  test(key: ClientKey): Promise<KeyTestResult>;
}

export interface KeyTesterOptions {
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createKeyTester(options: KeyTesterOptions = {}): KeyTester {
  const timeoutMs = options.timeoutMs ?? KEY_TEST_TIMEOUT_MS;
  return {
    async test(key) {
      const started = performance.now();
      const elapsed = () => Math.max(0, Math.round(performance.now() - started));
      let baseUrl: string;
      try {
        baseUrl = resolveBaseUrl(key);
      } catch (err) {
        return { ok: false, latencyMs: 0, code: 'VALIDATION', hint: (err as Error).message, message: (err as Error).message };
      }
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      try {
        const ids = await listModelIds(key, { signal: controller.signal, timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) });
        return { ok: true, latencyMs: elapsed(), modelCount: ids.length };
      } catch (err) {
        const info = classifyProviderError(err, wireOf(key.provider), {
          provider: key.provider,
          timedOut,
          timeoutMs,
          baseUrl,
          secrets: key.secret ? [key.secret] : [],
        });
        return { ok: false, latencyMs: elapsed(), code: info.code, hint: info.hint, message: info.message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
