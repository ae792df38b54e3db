import { randomUUID } from 'node:crypto';
import {
  AppError,
  type ChatMessage,
  type ChatParams,
  type ChatSendResponse,
  type ChatTarget,
  type ProviderId,
} from '../../../shared/contract/index.js';
import { PriceSnapshot } from '../../../shared/pricing/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { SessionEnder } from '../ports.js';
import { runChain } from './chain.js';
import { HealthTracker } from './health.js';
import { defaultOutputAllowance } from './output-allowance.js';
import { resolveTarget } from './resolve-entry.js';
import { abortableSleep, DEFAULT_RETRY_POLICY } from './retry-policy.js';
import { DEFAULT_TIMEOUTS, internalError, type RouterDeps, type RouterRuntime } from './runtime.js';
import { SessionRegistry, type RunningTurn } from './sessions.js';
import { environmentSystemDefault, type SystemDefaultSource } from './system-default.js';
import { runAgentTurn, type AgentTurnOptions } from './tool-loop.js';
import { Turn, TurnEnd, type RoutedRequest, type TurnState } from './turn.js';

export { DEFAULT_TIMEOUTS, type RouterDeps, type RouterSettings, type RouterTimeouts } from './runtime.js';
export type { RoutedRequest } from './turn.js';
export type { AgentTurnOptions } from './tool-loop.js';
export { defaultOutputAllowance, validateForModel, DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_TURN_OUTPUT_TOKENS, DEFAULT_TURN_OUTPUT_TOKENS_REASONING } from './output-allowance.js';

/**
 * Runs chat turns: resolves the chain (target + fallbacks), admits every provider request against
 * the limits, streams through the adapters, retries and fails over by one policy, meters every
 * request exactly once, and reports each attempt. The parts live beside it: chain.ts (the fallback
 * chain), entry-runner.ts (retries and key failover), attempt.ts (one provider request),
 * answer.ts and turn-errors.ts (what the caller gets).
 */
export class ChatRouter implements SessionEnder {
  readonly sessions: SessionRegistry;
  readonly health: HealthTracker;
  /** What "System default" resolves to (chat.systemDefault describes it for the model picker). */
  readonly systemDefault: SystemDefaultSource;
  private readonly rt: RouterRuntime;
  private readonly turns = new Map<string, Turn>();
  /** Settles when the turn has finished (metered, events sent), whatever its outcome. */
  private readonly finished = new Set<Promise<unknown>>();

  constructor(private readonly deps: RouterDeps) {
    this.sessions = deps.sessions ?? new SessionRegistry({ ended: (p) => deps.emit('session.ended', p) });
    this.health = deps.health ?? new HealthTracker();
    this.systemDefault = deps.systemDefault ?? environmentSystemDefault(deps.keys);
    this.rt = {
      deps,
      sessions: this.sessions,
      health: this.health,
      systemDefault: this.systemDefault,
      retry: { ...DEFAULT_RETRY_POLICY, ...deps.retry },
      timeouts: { ...DEFAULT_TIMEOUTS, ...deps.timeouts },
      sleep: deps.sleep ?? abortableSleep,
      clock: deps.clock ?? (() => performance.now()),
    };
  }

  /**
   * chat.send: resolves with the answer or rejects with an AppError (partial text in details).
   * With an agent's options, the turn runs as a tool loop (tool-loop.ts).
   */
  send(req: RoutedRequest, agent?: AgentTurnOptions): Promise<ChatSendResponse> {
    const p = this.sendTurn(req, agent);
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.finished.add(settled);
    void settled.then(() => this.finished.delete(settled));
    return p;
  }

  private async sendTurn(req: RoutedRequest, agent: AgentTurnOptions | undefined): Promise<ChatSendResponse> {
    const streamId = req.streamId ?? randomUUID();
    if (this.turns.has(streamId)) throw new AppError('CONFLICT', `streamId "${streamId}" is already in use by a running turn.`, { field: 'streamId' });
    this.sessions.prepareTurn({ sessionId: req.sessionId, target: req.target, ...(req.fallbacks ? { fallbacks: req.fallbacks } : {}), ...(req.agent ? { agent: req.agent } : {}) });
    const turn = new Turn(streamId, req.sessionId);
    this.turns.set(streamId, turn);
    this.sessions.beginTurn(req.sessionId, turn);
    const state: TurnState = {
      turn,
      req,
      stream: req.stream === true,
      attempts: [],
      prevRecordId: null,
      startedAt: this.rt.clock(),
      firstTokenAt: null,
      promptCache: new Map(),
      failures: [],
    };
    try {
      const result = agent ? await runAgentTurn(this.rt, state, agent) : await runChain(this.rt, state);
      if (state.stream) this.deps.emit('chat.done', { streamId, sessionId: req.sessionId, result });
      return result;
    } catch (err) {
      const error = err instanceof TurnEnd ? err.error : err instanceof AppError ? err : internalError(this.rt, err);
      if (state.stream) {
        const partialText = typeof error.details?.partialText === 'string' ? error.details.partialText : '';
        this.deps.emit('chat.error', { streamId, sessionId: req.sessionId, error: error.toPayload(), partialText });
      }
      throw error;
    } finally {
      this.turns.delete(streamId);
      this.sessions.endTurn(req.sessionId, turn);
    }
  }

  /**
   * keys.delete: ends the sessions using the key and drops its health history. Key ids are never
   * reused, so nothing else would ever clear that history.
   */
  endSessionsUsingKey(keyId: string, reason: string): number {
    this.health.forgetKey(keyId);
    return this.sessions.endSessionsUsingKey(keyId, reason);
  }

  /** chat.cancel: aborts the turn and its HTTP request. Returns how many turns were stopped. */
  cancel(by: { streamId?: string; sessionId?: string }): number {
    const targets = new Set<RunningTurn>();
    if (by.streamId !== undefined) {
      const t = this.turns.get(by.streamId);
      if (t) targets.add(t);
    }
    if (by.sessionId !== undefined) for (const t of this.sessions.runningTurns(by.sessionId)) targets.add(t);
    for (const t of targets) t.abort(new AppError('CANCELLED', 'The turn was cancelled.'));
    return targets.size;
  }

  /** chat.skip: gives up waiting for the current model of a turn and goes on with the next entry of its chain. */
  skip(streamId: string): boolean {
    return this.turns.get(streamId)?.skip() ?? false;
  }

  /** chat.estimate: the prompt's tokens and the cost range of the next turn (prompt only → every output token used). */
  async estimate(req: { target: ChatTarget; messages: ChatMessage[]; params?: ChatParams }) {
    let provider: ProviderId | null = null;
    let model: string | null = null;
    try {
      const r = await resolveTarget(this.rt, req.target, false);
      provider = r.provider;
      model = r.model;
    } catch (err) {
      if (!(err instanceof AppError) || !['SYSTEM_DEFAULT_UNAVAILABLE', 'KEY_NOT_FOUND'].includes(err.code)) throw err;
      if ('provider' in req.target) provider = req.target.provider;
      if ('model' in req.target) model = req.target.model;
    }
    const info = provider && model ? this.deps.models.find(provider, model) : null;
    const est = await this.deps.admission.estimatePromptTokens(req.messages, provider ?? 'openai', model ?? providerSpec('openai').defaultModel);
    const maxOut = req.params?.maxTokens ?? defaultOutputAllowance(info);
    // Priced as admission and the ledger price it (a long prompt at its tier: GPT-5.4 above 272k tokens).
    const range = PriceSnapshot.of(info).estimate(est.tokens, maxOut);
    return {
      provider,
      model,
      promptTokens: est.tokens,
      maxOutputTokens: maxOut,
      minCostUsd: range.minUsd,
      maxCostUsd: range.maxUsd,
      tokenizer: est.tokenizer,
    };
  }

  /** Turns running now (for tests and shutdown). */
  get running(): number {
    return this.turns.size;
  }

  /** Stops every running turn (app shutdown) and waits until each has been metered. */
  async close(): Promise<void> {
    for (const t of this.turns.values()) t.abort(new AppError('CANCELLED', 'Switchboard is shutting down.'));
    await Promise.all([...this.finished]);
  }
}
