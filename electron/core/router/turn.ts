import type { AppError, Attempt, CallKind, ChatMessage, ChatSendRequest, ChatTarget, ModelInfo, ProviderId, Usage, UsageRecord } from '../../../shared/contract/index.js';
import type { PriceSnapshot } from '../../../shared/pricing/index.js';
import type { ResolvedKey } from '../ports.js';
import type { FinishReason, ProviderFailure, ToolCall, ToolSpec } from '../providers/adapters/types.js';
import type { RunningTurn } from './sessions.js';

/** The abort reason chat.skip gives the chain entry being tried, told apart from a cancel and a stall. */
export const SKIP = Symbol('skip');

/** One chat.send in progress: what cancel, session end, shutdown and chat.skip act on. */
export class Turn implements RunningTurn {
  readonly controller = new AbortController();
  /** The chain entry being tried, while one is. */
  private entry: { ctl: AbortController; skipTo: ChatTarget | null; writing: boolean } | null = null;
  constructor(
    readonly streamId: string,
    readonly sessionId: string,
  ) {}
  abort(reason: AppError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A chain entry starts; `skipTo` is the entry after it (null: none, so it cannot be skipped). Its signal aborts with SKIP. */
  beginEntry(skipTo: ChatTarget | null): AbortSignal {
    this.entry = { ctl: new AbortController(), skipTo, writing: false };
    return this.entry.ctl.signal;
  }
  endEntry(): void {
    this.entry = null;
  }
  get skipTo(): ChatTarget | null {
    return this.entry?.skipTo ?? null;
  }
  get skipSignal(): AbortSignal | null {
    return this.entry?.ctl.signal ?? null;
  }
  /** Output reached the caller: skipping would throw it away, so the entry can no longer be skipped. */
  noteWriting(): void {
    if (this.entry) this.entry.writing = true;
  }
  /** chat.skip: gives up on the current entry while it has not written, if another entry comes after it. */
  skip(): boolean {
    const e = this.entry;
    if (!e || e.skipTo === null || e.writing || e.ctl.signal.aborted || this.signal.aborted) return false;
    e.ctl.abort(SKIP);
    return true;
  }
}

/** One link of the chain: the caller's target, a fallback, or the system default added by settings. */
export interface Entry {
  target: ChatTarget;
  chainIndex: number;
  /** Added by settings.fallbackToSystemDefault rather than by the caller. */
  systemFallback: boolean;
}

/** An entry's first request: the turn's first call, or a fallback. */
export function entryKind(entry: Entry): 'first' | 'fallback' {
  return entry.chainIndex === 0 ? 'first' : 'fallback';
}

export interface ResolvedEntry {
  provider: ProviderId;
  model: string;
  /** The chosen key first; more are fetched only for key failover. */
  keys: ResolvedKey[];
  info: ModelInfo | null;
}

/** How a request relates to the calls before it, as the ledger and the attempts record it. */
export interface CallLink {
  attempt: number;
  kind: CallKind;
  retryOf: string | null;
  fallbackOf: string | null;
  replacedKeyId: string | null;
}

/** What one provider request came to. */
export interface AttemptOutcome {
  ok: boolean;
  failure: ProviderFailure | null;
  /** A limit refused the request before it was sent (LIMIT_EXCEEDED, with the limit's details). */
  refusal: AppError | null;
  /** The ledger id of the call; null when none was made (refused). */
  callId: string | null;
  text: string;
  usage: Usage;
  record: UsageRecord | null;
  /** The model's prices at admission: the answer's cost when settling failed, priced as the ledger would. */
  prices: PriceSnapshot;
  /** USD the provider said the request cost, when it said. */
  reportedCostUsd: number | null;
  finishReason: FinishReason | null;
  servedModel: string | null;
}

/** A chat.send whose model is settled (an agent's preference already resolved into target and fallbacks). */
export type RoutedRequest = ChatSendRequest & { target: ChatTarget };

export interface TurnState {
  turn: Turn;
  req: RoutedRequest;
  stream: boolean;
  attempts: Attempt[];
  /** The ledger id of the turn's latest call (what a fallback falls back from, what a retry retries). */
  prevRecordId: string | null;
  startedAt: number;
  firstTokenAt: number | null;
  /** Prompt token counts per provider/model, so retries and fallbacks of one turn count once. */
  promptCache: Map<string, PromptCount>;
  /** Failures worth telling the user about, oldest first. */
  failures: Array<{ provider: ProviderId; model: string; keyId: string; failure: ProviderFailure; refusal?: AppError }>;
  /** The power level that chose the model, recorded with every call (tool-loop.ts). */
  powerLevel?: string | null;
  /** The model call of a tool loop in progress (tool-loop.ts); absent for a turn without tools. */
  loop?: LoopStep;
}

/** One model call of a tool loop: what it sends, and the tool calls its answer made. */
export interface LoopStep {
  /** 1-based; each step is its own ledger row (or rows, with retries and fallbacks). */
  step: number;
  /** The request's messages, then the loop's assistant tool calls and tool results so far. */
  messages: ChatMessage[];
  /** Offered to the model in this step (none in the last step, so it must answer in words). */
  tools: ToolSpec[];
  /** Set by the attempt that answered. */
  toolCalls: ToolCall[];
}

/** What is known of a turn's prompt for one provider/model. */
export interface PromptCount {
  /** The estimate (a tokenizer or an approximation). */
  tokens: number;
  /** A count the provider's cannot exceed (see PromptEstimate.upperBound). */
  upperBound: number;
  /** The provider's own count, once asked for (admission asks only near a limit). */
  exact: number | null;
}

/** A failure that ends the turn at once (cancel, limit, text already streamed). */
export class TurnEnd extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}
