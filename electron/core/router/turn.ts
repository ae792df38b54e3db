import type { AppError, Attempt, ChatSendRequest, ChatTarget, ModelInfo, ProviderId, Usage, UsageRecord } from '../../../shared/contract/index.js';
import type { ResolvedKey } from '../ports.js';
import type { FinishReason, ProviderFailure } from '../providers/adapters/types.js';
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
  /** The prices `usage` falls under (its prompt's long-prompt tier, as the ledger settles): the cost when settling failed. */
  pricing: ModelInfo['pricing'];
  finishReason: FinishReason | null;
  servedModel: string | null;
}

export interface TurnState {
  turn: Turn;
  req: ChatSendRequest;
  stream: boolean;
  attempts: Attempt[];
  prevRecordId: string | null;
  startedAt: number;
  firstTokenAt: number | null;
  /** Prompt token estimates per provider/model, so retries and fallbacks of one turn count once. */
  promptCache: Map<string, number>;
  /** Failures worth telling the user about, oldest first. */
  failures: Array<{ provider: ProviderId; model: string; keyId: string; failure: ProviderFailure }>;
}

/** A failure that ends the turn at once (cancel, limit, text already streamed). */
export class TurnEnd extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}
