/**
 * The seams between core services. Each service depends on these small interfaces rather than on
 * another service's class, so each can be built and tested alone.
 */
import type {
  CallKind,
  ChatMessage,
  KeyInfo,
  KeyOptions,
  ModelInfo,
  KeySource,
  Pricing,
  ProviderId,
  Usage,
  UsageRecord,
} from '../../shared/contract/index.js';

/** A key ready for a provider call. Lives only inside the core; never crosses the contract. */
export interface ResolvedKey {
  id: string;
  provider: ProviderId;
  label: string;
  /**
   * Empty for OpenAI-compatible servers that need none. For a stored key this is a getter that
   * decrypts on every read: read it only to build a client, and do not keep it elsewhere.
   */
  secret: string;
  /** null: the provider's default base URL. */
  baseUrl: string | null;
  options: KeyOptions;
  source: KeySource;
  /**
   * Changes whenever the secret changes (a new seal on rotation), so a client built for this key can
   * be reused without decrypting it again. Without it, users of the key compare the secret itself.
   */
  version?: string;
}

/** Implemented by the keys service; used by the router. */
export interface KeyResolver {
  /** Throws KEY_NOT_FOUND, KEY_NEEDS_REENTRY or VAULT_LOCKED. */
  resolve(keyId: string): Promise<ResolvedKey>;
  /** Usable keys of a provider in failover order: the user's own keys oldest first, then the environment key. */
  candidates(provider: ProviderId): Promise<ResolvedKey[]>;
  /** The environment key of a provider, never stored. */
  environmentKey(provider: ProviderId): ResolvedKey | null;
  /** Records use for "last used" and the key's status. */
  noteUsed(keyId: string, outcome: { ok: boolean; code?: string }): void;
  /** What keys.list shows (user and environment keys), for providers.list. */
  list(): Promise<KeyInfo[]>;
}

/** Implemented by the catalog service (bundled catalog + user-defined prices); used by router and metering. */
export interface ModelLookup {
  /** The model's entry, or null for a model the catalog does not know (its price is then unknown). */
  find(provider: ProviderId, model: string): ModelInfo | null;
}

/** Implemented by the router; used by the keys service on delete. */
export interface SessionEnder {
  /** Ends every active session that uses the key and tells the renderer why; the router also forgets the key's health. Returns how many sessions ended. */
  endSessionsUsingKey(keyId: string, reason: string): number;
}

export interface AdmitRequest {
  sessionId: string;
  agent: string | null;
  provider: ProviderId;
  model: string;
  keyId: string | null;
  source: KeySource;
  /** Prompt tokens as estimated before the call (a tokenizer or an approximation). */
  promptTokens: number;
  /**
   * A count the prompt cannot exceed (see PromptEstimate.upperBound); what the call reserves.
   * Absent: promptTokens is taken as the bound (a caller that knows the exact count).
   */
  promptUpperBound?: number;
  /**
   * The provider's own count of this prompt (Anthropic count_tokens, Gemini countTokens), for when
   * the upper bound would refuse a call that the estimate would admit: admission then asks it
   * (bounded by a short timeout, through `signal`) and decides on that count instead. Resolves
   * null or rejects when no count is available; the call is then refused and the message says why.
   */
  countPromptTokens?: (signal: AbortSignal) => Promise<number | null>;
  /** The most output the call may produce (its max tokens). */
  maxOutputTokens: number;
  /** Price snapshot at admission; null when the model's price is unknown. */
  pricing: Pricing | null;
  /**
   * Long-prompt tiers of that price (the model's `pricingTiers`; none for a price the user set).
   * Admission reserves at the tier the estimated prompt falls in; the ledger keeps them with the
   * snapshot and settles at the tier the actual prompt falls in.
   */
  pricingTiers?: ModelInfo['pricingTiers'];
  /** 1 for the first request of a chain entry, 2.. for its retries and other keys. */
  attempt: number;
  /** Why this request is made: first, retry, key failover or fallback. */
  kind: CallKind;
  /** A retry: ledger id of the call it retries. */
  retryOf: string | null;
  /** A fallback: ledger id of the last call of the entry it falls back from (null when that entry made none). */
  fallbackOf: string | null;
  /** The power level that chose the model (recorded so usage can be stacked by level). */
  powerLevel?: string | null;
  /** Model call of a tool loop (1-based); each one is its own ledger row. */
  step?: number | null;
  /** A key failover: the key it replaced. */
  replacedKeyId: string | null;
}

export interface SettleOutcome {
  status: 'ok' | 'error' | 'cancelled' | 'interrupted';
  usage: Usage;
  errorCode?: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  /** USD the provider says the call cost (OpenRouter's usage.cost); recorded as the cost, price × tokens kept as the cross-check. */
  reportedCostUsd?: number | null;
}

/** A reserved ledger row; settle it exactly once (a second settle answers the first record). */
export interface Reservation {
  readonly id: string;
  readonly reservedUsd: number | null;
  readonly reservedTokens: number;
  settle(outcome: SettleOutcome): Promise<UsageRecord>;
}

/**
 * Implemented by metering + limits (the app: SQLite, one process) and by the team server
 * (PostgreSQL, many processes); used by the router before every provider request.
 * `admit` checks every limit that applies against settled use plus open reservations and writes the
 * reservation as one atomic step (the app: synchronous code between check and insert; the server:
 * one conditional UPDATE in a transaction), so concurrent calls cannot overshoot. Rejects with
 * LIMIT_EXCEEDED (naming the limit, what is used and when it resets) without touching the provider.
 *
 * The reservation is promptUpperBound + maxOutputTokens. When that does not fit but
 * promptTokens + maxOutputTokens would, admit awaits countPromptTokens (outside any check) and runs
 * the atomic check-and-reserve once more with the provider's count; without a count it refuses,
 * saying the prompt could not be counted exactly. A settled call above its reservation closes the
 * limits it counts against until their window resets (LimitState.overshoot).
 */
export interface CallAdmission {
  admit(request: AdmitRequest): Promise<Reservation>;
  /**
   * Prompt tokens of a request, with a real tokenizer where one exists for the model family.
   * Asynchronous so the tokenizer can run off the main thread; it never rejects. Callers await it
   * before admit(), so the count is known when the limits are checked.
   */
  estimatePromptTokens(messages: ChatMessage[], provider: ProviderId, model: string): Promise<{ tokens: number; tokenizer: string; upperBound?: number }>;
}
