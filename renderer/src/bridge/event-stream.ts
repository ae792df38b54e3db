import { createParser } from 'eventsource-parser';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { ConnectionState } from './types.js';

export interface EventStreamOptions {
  url: string;
  token: string;
  fetch: typeof fetch;
  /** One parsed SSE message: event name and raw data. */
  onMessage(name: string, data: string): void;
  onState(state: ConnectionState): void;
  /** The host refused the token: stop for good. */
  onUnauthorized(): void;
  backoff?: BackoffOptions;
  /** Injected in tests; resolves early when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface EventStreamHandle {
  stop(): void;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Reads GET /api/events with fetch streaming: EventSource cannot send an Authorization header.
 * Reconnects with capped exponential backoff (the server's `retry:` raises the floor); a clean
 * connection resets the backoff. A 401 ends the stream and reports it once.
 */
export function openEventStream(options: EventStreamOptions): EventStreamHandle {
  const controller = new AbortController();
  const sleep = options.sleep ?? defaultSleep;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let serverRetryMs = 0;

  const run = async () => {
    let failures = 0;
    while (!controller.signal.aborted) {
      options.onState(failures === 0 ? 'connecting' : 'reconnecting');
      let opened = false;
      try {
        const res = await options.fetch(options.url, {
          method: 'GET',
          headers: { Authorization: `Bearer ${options.token}`, Accept: 'text/event-stream' },
          credentials: 'omit',
          signal: controller.signal,
        });
        if (res.status === 401) {
          options.onState('closed');
          options.onUnauthorized();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
        opened = true;
        failures = 0;
        options.onState('open');
        const parser = createParser({
          onEvent: (msg) => {
            if (msg.event) options.onMessage(msg.event, msg.data);
          },
          onRetry: (ms) => {
            serverRetryMs = ms;
          },
        });
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // Network errors and aborts land here; the loop decides whether to go on.
      }
      if (controller.signal.aborted) break;
      if (!opened) failures += 1;
      else failures = 1; // a dropped stream retries soon, but still through the backoff
      options.onState('reconnecting');
      await sleep(Math.max(serverRetryMs, backoffDelay(failures, backoff, options.random)), controller.signal);
    }
    options.onState('closed');
  };
  void run();

  return {
    stop: () => controller.abort(),
  };
}
