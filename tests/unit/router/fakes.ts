import {
  AppError,
  type ChatMessage,
  type KeyInfo,
  type ModelInfo,
  type Pricing,
  type ProviderId,
  type UsageRecord,
} from '../../../shared/contract/index.js';
import { PriceSnapshot } from '../../../shared/pricing/index.js';
import type { AdmitRequest, CallAdmission, KeyResolver, ModelLookup, Reservation, ResolvedKey, SettleOutcome } from '../../../electron/core/ports.js';
import type { AdapterEvent, AdapterRequest, ProviderAdapter } from '../../../electron/core/providers/adapters/types.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';

/** In-memory ledger + limits: one row per admit, settled once (a second settle throws). */
export class FakeAdmission implements CallAdmission {
  readonly rows: Array<{ request: AdmitRequest; record: UsageRecord | null; settles: number }> = [];
  /** Refuse when reserved + settled tokens would pass this. */
  tokenLimit: number | null = null;
  /** Refuses a request the way a limit would (LIMIT_EXCEEDED with its scope), when it answers an error. */
  refuse: ((request: AdmitRequest) => AppError | null) | null = null;
  private next = 1;

  async admit(request: AdmitRequest): Promise<Reservation> {
    const reservedTokens = request.promptTokens + request.maxOutputTokens;
    const refusal = this.refuse?.(request);
    if (refusal) throw refusal;
    if (this.tokenLimit !== null) {
      const used = this.rows.reduce((sum, r) => sum + (r.record ? r.record.usage.inputTokens + r.record.usage.outputTokens : r.request.promptTokens + r.request.maxOutputTokens), 0);
      if (used + reservedTokens > this.tokenLimit) {
        throw new AppError('LIMIT_EXCEEDED', `Daily token limit reached (${used} of ${this.tokenLimit}).`, { scope: 'dailyTokens.provider' });
      }
    }
    const id = `rec-${this.next++}`;
    const row: { request: AdmitRequest; record: UsageRecord | null; settles: number } = { request, record: null, settles: 0 };
    this.rows.push(row);
    const time = Date.now();
    return {
      id,
      reservedUsd: null,
      reservedTokens,
      settle: async (o: SettleOutcome): Promise<UsageRecord> => {
        row.settles++;
        if (row.settles > 1) throw new Error(`reservation ${id} settled twice`);
        // As the ledger does: the tier the actual prompt falls in.
        const settled = PriceSnapshot.of({ provider: request.provider, id: request.model, pricing: request.pricing, pricingTiers: request.pricingTiers }).settle(o.usage, o.reportedCostUsd);
        const pricing = settled.pricing;
        row.record = {
          id,
          time,
          sessionId: request.sessionId,
          agent: request.agent,
          provider: request.provider,
          model: request.model,
          keyId: request.keyId,
          source: request.source,
          status: o.status,
          errorCode: o.errorCode ?? null,
          usage: o.usage,
          costUsd: settled.nano === null ? null : settled.nano / 1e9,
          pricing,
          latencyMs: o.latencyMs,
          ttftMs: o.ttftMs,
          attempt: request.attempt,
          kind: request.kind,
          retryOf: request.retryOf,
          fallbackOf: request.fallbackOf,
          replacedKeyId: request.replacedKeyId,
          reservedUsd: null,
          reservedTokens,
          settledAt: Date.now(),
        };
        return row.record;
      },
    };
  }

  async estimatePromptTokens(messages: ChatMessage[]): Promise<{ tokens: number; tokenizer: string }> {
    const chars = messages.reduce((n, m) => n + m.content.length + 4, 0);
    return { tokens: Math.ceil(chars / 4), tokenizer: 'chars/4' };
  }

  get open(): number {
    return this.rows.filter((r) => r.settles === 0).length;
  }
}

export class FakeModels implements ModelLookup {
  readonly models = new Map<string, ModelInfo>();
  add(
    provider: ProviderId,
    id: string,
    extra: { maxOutputTokens?: number | null; pricing?: Pricing | null; contextWindow?: number | null; pricingTiers?: ModelInfo['pricingTiers'] } = {},
  ): this {
    this.models.set(`${provider}/${id}`, {
      provider,
      id,
      name: id,
      contextWindow: extra.contextWindow ?? 128_000,
      maxOutputTokens: extra.maxOutputTokens === undefined ? 16_384 : extra.maxOutputTokens,
      pricing: extra.pricing === undefined ? { input: 1, output: 4, cacheRead: 0.1, cacheWrite: 1.25 } : extra.pricing,
      capabilities: [],
      eu: false,
      recommended: false,
      priceSource: 'catalog',
      pricesCheckedAt: '2026-01-01',
      ...(extra.pricingTiers ? { pricingTiers: extra.pricingTiers } : {}),
    });
    return this;
  }
  find(provider: ProviderId, model: string): ModelInfo | null {
    return this.models.get(`${provider}/${model}`) ?? null;
  }
}

export function fakeKey(id: string, provider: ProviderId, extra: Partial<ResolvedKey> = {}): ResolvedKey {
  return { id, provider, label: id, secret: `sk-test-${id}-${'x'.repeat(24)}`, baseUrl: null, options: {}, source: 'user', ...extra };
}

export class FakeKeys implements KeyResolver {
  readonly keys: ResolvedKey[] = [];
  readonly env = new Map<ProviderId, ResolvedKey>();
  readonly used: Array<{ keyId: string; ok: boolean; code?: string }> = [];
  add(...keys: ResolvedKey[]): this {
    this.keys.push(...keys);
    return this;
  }
  remove(id: string): void {
    const i = this.keys.findIndex((k) => k.id === id);
    if (i >= 0) this.keys.splice(i, 1);
  }
  async resolve(keyId: string): Promise<ResolvedKey> {
    const k = this.keys.find((x) => x.id === keyId) ?? [...this.env.values()].find((x) => x.id === keyId);
    if (!k) throw new AppError('KEY_NOT_FOUND', `No key with id ${keyId}.`);
    return k;
  }
  async candidates(provider: ProviderId): Promise<ResolvedKey[]> {
    const env = this.env.get(provider);
    return [...this.keys.filter((k) => k.provider === provider), ...(env ? [env] : [])];
  }
  environmentKey(provider: ProviderId): ResolvedKey | null {
    return this.env.get(provider) ?? null;
  }
  noteUsed(keyId: string, outcome: { ok: boolean; code?: string }): void {
    this.used.push({ keyId, ...outcome });
  }
  async list(): Promise<KeyInfo[]> {
    return [...this.keys, ...this.env.values()].map((k) => ({
      id: k.id,
      provider: k.provider,
      label: k.label,
      last4: k.secret.slice(-4),
      status: 'ok' as const,
      source: k.source,
      readOnly: k.source === 'environment',
    }));
  }
}

export type Script = (req: AdapterRequest, signal: AbortSignal, call: number) => AsyncIterable<AdapterEvent>;

/** An adapter per key driven by a script; counts calls per key. */
export class ScriptedAdapters {
  readonly calls: Array<{ keyId: string; req: AdapterRequest }> = [];
  private readonly scripts = new Map<string, Script>();
  on(keyId: string, script: Script): this {
    this.scripts.set(keyId, script);
    return this;
  }
  factory = (key: ResolvedKey): ProviderAdapter => {
    const wire = PROVIDERS[key.provider].wire;
    return {
      wire,
      stream: (req, signal) => {
        const script = this.scripts.get(key.id);
        if (!script) throw new Error(`no script for ${key.id}`);
        const n = this.calls.filter((c) => c.keyId === key.id).length;
        this.calls.push({ keyId: key.id, req });
        return script(req, signal, n);
      },
    };
  };
  count(keyId: string): number {
    return this.calls.filter((c) => c.keyId === keyId).length;
  }
}

const usage = (input: number, output: number) => ({ inputTokens: input, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0, estimated: false });

/** A good answer in pieces. */
export async function* reply(text: string, opts: { input?: number; output?: number } = {}): AsyncGenerator<AdapterEvent> {
  yield { type: 'open' };
  for (const piece of text.match(/.{1,4}/gs) ?? []) yield { type: 'text', text: piece };
  yield { type: 'usage', usage: usage(opts.input ?? 10, opts.output ?? 5) };
  yield { type: 'done', finishReason: 'stop', model: null };
}

export async function* fail(code: Parameters<typeof failure>[0], extra: Partial<ReturnType<typeof failure>> = {}): AsyncGenerator<AdapterEvent> {
  yield { type: 'error', failure: { ...failure(code), ...extra } };
}

export function failure(code: 'RATE_LIMITED' | 'PROVIDER_UNAVAILABLE' | 'KEY_INVALID' | 'QUOTA_EXHAUSTED' | 'CONTEXT_TOO_LONG' | 'CONTENT_FILTERED' | 'NETWORK' | 'PROVIDER_ERROR') {
  const retryable = ['RATE_LIMITED', 'PROVIDER_UNAVAILABLE', 'NETWORK'].includes(code);
  return { code, message: `fake ${code}`, status: null as number | null, retryable, retryAfterMs: null as number | null };
}

/** Text, then the connection drops. */
export async function* cutAfter(text: string): AsyncGenerator<AdapterEvent> {
  yield { type: 'open' };
  yield { type: 'text', text };
  yield { type: 'error', failure: { code: 'NETWORK', message: 'closed early', status: null, retryable: true, retryAfterMs: null } };
}

/** A limit refusal as admission gives it: LIMIT_EXCEEDED naming the limit's scope. */
export function limitRefusal(scope: string, message = `The ${scope} limit is reached.`, extra: Record<string, unknown> = {}): AppError {
  return new AppError('LIMIT_EXCEEDED', message, { scope, subject: null, unit: 'tokens', ...extra });
}

/** Sends `text`, then waits until aborted (a stall), then reports the abort the way adapters do. */
export async function* stallAfter(text: string, signal: AbortSignal): AsyncGenerator<AdapterEvent> {
  yield { type: 'open' };
  if (text) yield { type: 'text', text };
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  yield { type: 'error', failure: { code: 'CANCELLED', message: 'aborted', status: null, retryable: false, retryAfterMs: null } };
}
