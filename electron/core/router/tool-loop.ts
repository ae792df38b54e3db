import {
  AppError,
  type AnswerPart,
  type ChatMessage,
  type ChatSendResponse,
  type PowerLevel,
  type ToolCallInfo,
  type Usage,
} from '../../../shared/contract/index.js';
import { nanoToUsd, PriceSnapshot } from '../../../shared/pricing/index.js';
import type { ToolSpec } from '../providers/adapters/types.js';
import type { ApprovalBook } from '../tools/approvals.js';
import type { OfferedTool } from '../tools/tool-registry.js';
import { runChain } from './chain.js';
import { maxTokensFor } from './output-allowance.js';
import { resolveTarget } from './resolve-entry.js';
import type { RouterRuntime } from './runtime.js';
import { runToolCalls } from './tool-calls.js';
import { cancelledError } from './turn-errors.js';
import { TurnEnd, type TurnState } from './turn.js';
import { promptCountFor } from './usage-estimate.js';

/** What an agent adds to a turn (agents/agent-turn.ts plans it). */
export interface AgentTurnOptions {
  /** The tools the agent allows that exist now, by the names the model is offered. */
  tools: OfferedTool[];
  approval: 'ask' | 'session';
  approvals: ApprovalBook;
  /** Model calls at most; the last one is offered no tools, so it answers in words. */
  maxSteps: number;
  /** The most the whole turn may cost (USD), checked before every model call. */
  turnBudgetUsd: number | null;
  powerLevel: PowerLevel | null;
  agentId: string | null;
}

/** What the loop has done so far: kept on every way out, answer or error. */
interface Progress {
  steps: ChatSendResponse[];
  calls: ToolCallInfo[];
  parts: AnswerPart[];
}

/**
 * A turn with an agent: each step runs the whole chain (fallbacks, retries, admission, metering)
 * as one model call; when the answer asks for tools, they run (tool-calls.ts) and their results
 * go back to the model in the next step. Every step is its own ledger row with its step number,
 * bounded by maxSteps and by the turn budget; an error keeps the text and tool calls of the steps
 * before it.
 */
export async function runAgentTurn(rt: RouterRuntime, state: TurnState, opts: AgentTurnOptions): Promise<ChatSendResponse> {
  state.powerLevel = opts.powerLevel;
  if (opts.tools.length === 0) {
    await checkTurnBudget(rt, state, opts, { steps: [], calls: [], parts: [] });
    return decorate(await runChain(rt, state), opts);
  }
  const specs: ToolSpec[] = opts.tools.map((t) => ({ name: t.modelName, ...(t.tool.description ? { description: t.tool.description } : {}), parameters: t.tool.parameters }));
  const byName = new Map(opts.tools.map((t) => [t.modelName, t] as const));
  const messages: ChatMessage[] = [...state.req.messages];
  const progress: Progress = { steps: [], calls: [], parts: [] };

  for (let step = 1; ; step++) {
    const last = step >= opts.maxSteps;
    state.loop = { step, messages: [...messages], tools: last ? [] : specs, toolCalls: [] };
    // The prompt grows each step: its estimate is made afresh. A step is no fallback of the one before.
    state.promptCache = new Map();
    state.prevRecordId = null;
    await checkTurnBudget(rt, state, opts, progress);
    let res: ChatSendResponse;
    try {
      res = await runChain(rt, state);
    } catch (err) {
      throw withProgress(err, progress);
    }
    progress.steps.push(res);
    if (res.text !== '') progress.parts.push({ type: 'text', text: res.text });
    const asked = state.loop.toolCalls;
    if (asked.length === 0 || last) return combine(rt, state, progress, opts);

    const outcomes = await runToolCalls(rt, state, asked, step, { byName, approval: opts.approval, approvals: opts.approvals });
    messages.push({ role: 'assistant', content: res.text, toolCalls: outcomes.map((o, i) => ({ ...asked[i]!, id: o.info.id })) });
    for (const o of outcomes) {
      progress.calls.push(o.info);
      progress.parts.push({ type: 'tool', callId: o.info.id });
      messages.push(o.message);
    }
    if (state.turn.signal.aborted) throw withProgress(new TurnEnd(cancelledError(state, '')), progress);
  }
}

/** The turn's answer: every step's text in order, the usage and cost of all its model calls, the last step's model. */
function combine(rt: RouterRuntime, state: TurnState, p: Progress, opts: AgentTurnOptions): ChatSendResponse {
  const last = p.steps[p.steps.length - 1]!;
  const costs = p.steps.map((s) => s.costUsd);
  return decorate(
    {
      ...last,
      text: textOf(p),
      usage: p.steps.map((s) => s.usage).reduce(addUsage),
      costUsd: costs.some((c) => c === null) ? null : costs.reduce<number>((a, c) => a + c!, 0),
      attempts: state.attempts,
      ...(p.steps.find((s) => s.fallbackNote)?.fallbackNote ? { fallbackNote: p.steps.find((s) => s.fallbackNote)!.fallbackNote! } : {}),
      latencyMs: Math.round(rt.clock() - state.startedAt),
      ttftMs: state.firstTokenAt === null ? null : Math.round(state.firstTokenAt - state.startedAt),
      toolCalls: p.calls,
      parts: p.parts,
      steps: p.steps.length,
    },
    opts,
  );
}

function decorate(res: ChatSendResponse, opts: AgentTurnOptions): ChatSendResponse {
  return { ...res, ...(opts.agentId ? { agentId: opts.agentId } : {}), ...(opts.powerLevel ? { powerLevel: opts.powerLevel } : {}) };
}

function textOf(p: Progress): string {
  return p.parts.flatMap((x) => (x.type === 'text' ? [x.text] : [])).join('\n\n');
}

function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    estimated: a.estimated || b.estimated,
  };
}

/** An error out of a step, with what earlier steps did: their text before its own partial text, and every tool call. */
function withProgress(err: unknown, p: Progress): unknown {
  const error = err instanceof TurnEnd ? err.error : err;
  if (!(error instanceof AppError) || (p.steps.length === 0 && p.calls.length === 0)) return err;
  const own = typeof error.details?.partialText === 'string' ? error.details.partialText : '';
  const partialText = [textOf(p), own].filter((t) => t !== '').join('\n\n');
  const kept = new AppError(error.code, error.message, {
    ...error.details,
    partialText,
    toolCalls: p.calls,
    parts: own === '' ? p.parts : [...p.parts, { type: 'text', text: own }],
    steps: p.steps.length,
  });
  return err instanceof TurnEnd ? new TurnEnd(kept) : kept;
}

/**
 * The agent's budget for one turn covers every model call of its loop: before each call, what the
 * turn has cost so far plus the call's worst case (its prompt and every allowed output token, at the
 * dearest model of the chain) must fit, or the turn stops with LIMIT_EXCEEDED, keeping what was done.
 */
async function checkTurnBudget(rt: RouterRuntime, state: TurnState, opts: AgentTurnOptions, p: Progress): Promise<void> {
  const budget = opts.turnBudgetUsd;
  if (budget === null) return;
  const spentCosts = p.steps.map((s) => s.costUsd);
  const spent = spentCosts.reduce<number>((a, c) => a + (c ?? 0), 0);
  let worst: number | null = 0;
  for (const [i, target] of [state.req.target, ...(state.req.fallbacks ?? [])].entries()) {
    let w: number | null;
    try {
      const r = await resolveTarget(rt, target, false);
      // Reserved as admission reserves it: the prompt's upper bound (or the provider's count) and every output token.
      const count = await promptCountFor(rt, state, r.provider, r.model);
      const maxOut = maxTokensFor(state.req.params, r.info, i === 0);
      const nano = PriceSnapshot.of(r.info ? { ...r.info, provider: r.provider, id: r.model } : null).reserveNano(count.exact ?? count.upperBound, maxOut);
      w = nano === null ? null : nanoToUsd(nano);
    } catch {
      continue; // an entry that cannot be used costs nothing
    }
    worst = w === null || worst === null ? null : Math.max(worst, w);
  }
  const fmt = (usd: number) => `$${usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
  if (worst === null || spentCosts.some((c) => c === null)) {
    throw withProgress(
      new TurnEnd(
        new AppError('LIMIT_EXCEEDED', `This agent has a budget of ${fmt(budget)} per turn, and a model of this turn has no known price, so the budget could not be kept. Nothing more was sent.`, {
          limit: 'turnBudgetUsd',
          limitUsd: budget,
          attempts: state.attempts,
          partialText: '',
          hint: 'Set a price for the model (Models → Set price), or pick a priced model for the agent.',
        }),
      ),
      p,
    );
  }
  if (spent + worst > budget) {
    const during = p.steps.length > 0 ? ` The turn has cost ${fmt(spent)} so far; what it did is kept.` : '';
    throw withProgress(
      new TurnEnd(
        new AppError('LIMIT_EXCEEDED', `The next model call could cost up to ${fmt(worst)}, which would pass this agent's budget of ${fmt(budget)} per turn.${during}`, {
          limit: 'turnBudgetUsd',
          limitUsd: budget,
          spentUsd: spent,
          neededUsd: worst,
          resetsAt: null,
          attempts: state.attempts,
          partialText: '',
          hint: "Raise the agent's budget per turn, lower its output limit, or ask for less in one turn.",
        }),
      ),
      p,
    );
  }
}
