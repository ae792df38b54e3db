import type { AppError, Attempt, ChatMessage, ChatSendRequest, ChatTarget, ModelInfo, ProviderId, Usage, UsageRecord } from '../../../shared/contract/index.js';
import type { PriceSnapshot } from '../../../shared/pricing/index.js';
import type { ResolvedKey } from '../ports.js';
import type { FinishReason, ProviderFailure, ToolCall, ToolSpec } from '../providers/adapters/types.js';
import type { RunningTurn } from './sessions.js';

/** One chat.send in progress: what cancel, session end and shutdown abort. */
export class Turn implements RunningTurn {
  readonly controller = new AbortController();
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
}

/** One link of the chain: the caller's target, a fallback, or the system default added by settings. */
export interface Entry {
  target: ChatTarget;
  chainIndex: number;
  /** Added by settings.fallbackToSystemDefault rather than by the caller. */
  systemFallback: boolean;
}

export interface ResolvedEntry {
  provider: ProviderId;
  model: string;
  /** The chosen key first; more are fetched only for key failover. */
  keys: ResolvedKey[];
  info: ModelInfo | null;
}

/** What one provider request came to. */
export interface AttemptOutcome {
  ok: boolean;
  failure: ProviderFailure | null;
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
  prevRecordId: string | null;
  startedAt: number;
  firstTokenAt: number | null;
  /** Prompt token counts per provider/model, so retries and fallbacks of one turn count once. */
  promptCache: Map<string, PromptCount>;
  /** Failures worth telling the user about, oldest first. */
  failures: Array<{ provider: ProviderId; model: string; keyId: string; failure: ProviderFailure }>;
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
