import type { Flavor } from './types.js';

export interface StatsSnapshot {
  /** `"<METHOD> <path>"` (no query string) → requests received, faulted ones included. */
  requests: Record<string, number>;
  /** Requests whose client went away before the response was complete (not the fake's own cuts). */
  aborted: Record<string, number>;
  inFlight: number;
}

export interface RecordedRequest {
  seq: number;
  time: string;
  method: string;
  path: string;
  /** Query parameters, the `key` parameter (a Gemini API key) left out. */
  query: Record<string, string>;
  flavor: Flavor | null;
  /** Whether a credential was sent; the credential itself is never recorded. */
  keyPresent: boolean;
  /** Request headers minus credentials and cookies. */
  headers: Record<string, string>;
  /** Parsed JSON when the body was JSON, else the raw text (truncated), null when empty. */
  body: unknown;
}

const LOG_SIZE = 50;
const MAX_RAW_BODY = 64 * 1024;
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie', 'proxy-authorization']);

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class Stats {
  private readonly requests = new Map<string, number>();
  private readonly aborted = new Map<string, number>();
  private readonly log: RecordedRequest[] = [];
  private inFlight = 0;
  private seq = 0;
  private generation = 0;

  /** Returns the counting generation, so a request that straddles a reset is not counted after it. */
  arrived(route: string): number {
    bump(this.requests, route);
    this.inFlight++;
    return this.generation;
  }

  finished(route: string, abortedByClient: boolean, generation: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (abortedByClient && generation === this.generation) bump(this.aborted, route);
  }

  record(entry: Omit<RecordedRequest, 'seq' | 'time' | 'headers' | 'query' | 'body'> & {
    headers: Record<string, string | string[] | undefined>;
    query: URLSearchParams;
    rawBody: Buffer;
  }): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.headers)) {
      if (value === undefined || SECRET_HEADERS.has(name.toLowerCase())) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of entry.query) if (name !== 'key') query[name] = value;
    let body: unknown = null;
    if (entry.rawBody.length > 0) {
      const text = entry.rawBody.toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = text.slice(0, MAX_RAW_BODY);
      }
    }
    this.log.push({
      seq: ++this.seq,
      time: new Date().toISOString(),
      method: entry.method,
      path: entry.path,
      query,
      flavor: entry.flavor,
      keyPresent: entry.keyPresent,
      headers,
      body,
    });
    if (this.log.length > LOG_SIZE) this.log.splice(0, this.log.length - LOG_SIZE);
  }

  snapshot(): StatsSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      aborted: Object.fromEntries(this.aborted),
      inFlight: this.inFlight,
    };
  }

  /** Oldest first. */
  recorded(): RecordedRequest[] {
    return this.log.map((r) => structuredClone(r));
  }

  /** Clears counters and the log; requests still in flight stay counted in `inFlight`. */
  reset(): void {
    this.generation++;
    this.requests.clear();
    this.aborted.clear();
    this.log.length = 0;
  }
}
