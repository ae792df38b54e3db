import type { ErrorCode, ProviderHealth, ProviderId } from '../../../shared/contract/index.js';

export interface HealthOptions {
  /** How many recent calls the error rate and medians look at. */
  window: number;
  /** Consecutive failures that put a key in cooldown. */
  failuresToCool: number;
  firstCooldownMs: number;
  maxCooldownMs: number;
  now: () => number;
}

export const DEFAULT_HEALTH: HealthOptions = {
  window: 50,
  failuresToCool: 3,
  firstCooldownMs: 30_000,
  maxCooldownMs: 5 * 60_000,
  now: Date.now,
};

// Failures that say nothing about the provider or the key (the request itself was the problem, or
// the user stopped it) must not cool a healthy key down.
const NOT_HEALTH: ReadonlySet<string> = new Set<ErrorCode>(['CANCELLED', 'SKIPPED_BY_USER', 'VALIDATION', 'CONTEXT_TOO_LONG', 'CONTENT_FILTERED', 'LIMIT_EXCEEDED']);

export function countsForHealth(code: string): boolean {
  return !NOT_HEALTH.has(code);
}

/** Fixed-size ring of recent calls: constant memory whatever the call count. */
class Series {
  private readonly ok: Uint8Array;
  private readonly latency: Float64Array;
  private readonly ttft: Float64Array;
  private next = 0;
  count = 0;
  consecutiveFailures = 0;
  coolingUntil = 0;
  /** Length of the next cooldown; doubles each time the key cools again without recovering. */
  nextCooldownMs: number;

  constructor(
    private readonly size: number,
    firstCooldownMs: number,
  ) {
    this.ok = new Uint8Array(size);
    this.latency = new Float64Array(size).fill(Number.NaN);
    this.ttft = new Float64Array(size).fill(Number.NaN);
    this.nextCooldownMs = firstCooldownMs;
  }

  push(ok: boolean, latencyMs: number | null, ttftMs: number | null): void {
    this.ok[this.next] = ok ? 1 : 0;
    this.latency[this.next] = ok && latencyMs !== null ? latencyMs : Number.NaN;
    this.ttft[this.next] = ttftMs ?? Number.NaN;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  snapshot(now: number): ProviderHealth {
    let failures = 0;
    for (let i = 0; i < this.count; i++) if (this.ok[i] === 0) failures++;
    return {
      errorRate: this.count === 0 ? null : failures / this.count,
      p50LatencyMs: median(this.latency, this.count),
      p50TtftMs: median(this.ttft, this.count),
      recentCalls: this.count,
      coolingDownUntil: this.coolingUntil > now ? this.coolingUntil : null,
    };
  }
}

function median(values: Float64Array, count: number): number | null {
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) xs.push(v);
  }
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return Math.round(xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2);
}

export interface CallOutcome {
  provider: ProviderId;
  keyId: string | null;
  ok: boolean;
  errorCode?: string;
  latencyMs: number | null;
  ttftMs: number | null;
}

/**
 * Rolling health per provider and per key: error rate, median latency and time to first token,
 * and a cooldown for a key that keeps failing (3 in a row → 30 s, doubling to 5 min; a success
 * ends it and resets the length).
 */
export class HealthTracker {
  private readonly providers = new Map<ProviderId, Series>();
  private readonly keys = new Map<string, Series>();
  private readonly options: HealthOptions;

  constructor(options: Partial<HealthOptions> = {}) {
    this.options = { ...DEFAULT_HEALTH, ...options };
  }

  record(outcome: CallOutcome): void {
    if (!outcome.ok && outcome.errorCode !== undefined && !countsForHealth(outcome.errorCode)) return;
    const now = this.options.now();
    this.series(this.providers, outcome.provider).push(outcome.ok, outcome.latencyMs, outcome.ttftMs);
    if (outcome.keyId === null) return;
    const key = this.series(this.keys, outcome.keyId);
    key.push(outcome.ok, outcome.latencyMs, outcome.ttftMs);
    if (outcome.ok) {
      key.consecutiveFailures = 0;
      key.coolingUntil = 0;
      key.nextCooldownMs = this.options.firstCooldownMs;
      return;
    }
    key.consecutiveFailures++;
    // Once a key has cooled down without recovering, its first call afterwards is a probe: one more
    // failure sends it back, for twice as long.
    const threshold = key.nextCooldownMs > this.options.firstCooldownMs ? 1 : this.options.failuresToCool;
    if (key.consecutiveFailures >= threshold && key.coolingUntil <= now) {
      key.coolingUntil = now + key.nextCooldownMs;
      key.nextCooldownMs = Math.min(this.options.maxCooldownMs, key.nextCooldownMs * 2);
      key.consecutiveFailures = 0;
    }
  }

  isCoolingDown(keyId: string): boolean {
    const s = this.keys.get(keyId);
    return s !== undefined && s.coolingUntil > this.options.now();
  }

  coolingDownUntil(keyId: string): number | null {
    const s = this.keys.get(keyId);
    return s !== undefined && s.coolingUntil > this.options.now() ? s.coolingUntil : null;
  }

  provider(provider: ProviderId): ProviderHealth {
    return this.providers.get(provider)?.snapshot(this.options.now()) ?? EMPTY;
  }

  key(keyId: string): ProviderHealth {
    return this.keys.get(keyId)?.snapshot(this.options.now()) ?? EMPTY;
  }

  /** A deleted key's history goes with it. */
  forgetKey(keyId: string): void {
    this.keys.delete(keyId);
  }

  private series<K>(map: Map<K, Series>, id: K): Series {
    let s = map.get(id);
    if (!s) {
      s = new Series(this.options.window, this.options.firstCooldownMs);
      map.set(id, s);
    }
    return s;
  }
}

const EMPTY: ProviderHealth = { errorRate: null, p50LatencyMs: null, p50TtftMs: null, recentCalls: 0, coolingDownUntil: null };
