import {
  AppError,
  DEFAULT_TOOL_STEPS,
  type Agent,
  type AgentsPowerLevelsResponse,
  type ChatMessage,
  type ChatParams,
  type ChatSendRequest,
  type ChatTarget,
  type ModelInfo,
  type PowerLevel,
  type PowerLevelChoice,
  type ProviderId,
} from '../../../shared/contract/index.js';
import { providerSpec } from '../../../shared/providers/registry.js';
import type { RoutedRequest } from '../router/router.js';
import { pickLevels } from './power-levels.js';

/** What an agent adds to a turn beyond the request the router runs. */
export interface AgentTurnPlan {
  request: RoutedRequest;
  /** Set when a power level chose the model (recorded with every call of the turn). */
  powerLevel: PowerLevel | null;
  /** Tool ids the model may call (the agent's allow list). */
  tools: string[];
  maxSteps: number;
  turnBudgetUsd: number | null;
  agentId: string | null;
}

export interface LevelContext {
  models: readonly ModelInfo[];
  families: readonly ProviderId[];
}

/**
 * Applies an agent to a chat.send: its instructions open the conversation, its parameters apply
 * under the request's own, and its model is used unless the request names one. An explicit model
 * (the request's, then the agent's) always wins over the agent's power level; a level picks the
 * first family's model and falls back to the other families' picks for the same level.
 */
export function planAgentTurn(req: ChatSendRequest, agent: Agent | null, levels: LevelContext | null): AgentTurnPlan {
  if (!agent) {
    if (!req.target) throw new AppError('VALIDATION', 'target: give a target, or an agentId whose model decides', { field: 'target' });
    return { request: { ...req, target: req.target }, powerLevel: null, tools: [], maxSteps: 1, turnBudgetUsd: null, agentId: null };
  }
  let target: ChatTarget | undefined = req.target ?? agent.target;
  let fallbacks = req.fallbacks ?? (agent.fallbacks.length > 0 ? agent.fallbacks : undefined);
  let powerLevel: PowerLevel | null = null;
  if (!target) {
    const level = req.powerLevel ?? agent.powerLevel ?? 'balanced';
    const pick = pickLevels(levels?.models ?? [], levels?.families ?? [], agent.tools.length > 0).find((p) => p.level === level)!;
    if (!pick.primary) throw noLevelModel(level, levels?.families ?? [], agent);
    target = { provider: pick.primary.provider, model: pick.primary.id };
    fallbacks ??= pick.alternatives.length > 0 ? pick.alternatives.slice(0, 10).map((m) => ({ provider: m.provider, model: m.id })) : undefined;
    powerLevel = level;
  }
  const params = mergeParams(agent.params, req.params);
  const request: RoutedRequest = {
    ...req,
    target,
    messages: withInstructions(req.messages, agent.instructions),
    ...(params ? { params } : {}),
    ...(fallbacks ? { fallbacks } : {}),
    agent: req.agent ?? agent.name.slice(0, 200),
  };
  if (!fallbacks) delete request.fallbacks;
  return {
    request,
    powerLevel,
    tools: agent.tools,
    maxSteps: agent.params.maxToolSteps ?? DEFAULT_TOOL_STEPS,
    turnBudgetUsd: agent.params.turnBudgetUsd ?? null,
    agentId: agent.id,
  };
}

function mergeParams(agent: Agent['params'], own: ChatParams | undefined): ChatParams | undefined {
  const out: ChatParams = {};
  const temperature = own?.temperature ?? agent.temperature;
  const maxTokens = own?.maxTokens ?? agent.maxTokens;
  if (temperature !== undefined) out.temperature = temperature;
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The agent's instructions open the conversation, once (a caller that already sent them is left alone). */
export function withInstructions(messages: ChatMessage[], instructions: string): ChatMessage[] {
  const text = instructions.trim();
  if (text === '') return messages;
  if (messages[0]?.role === 'system' && messages[0].content.trim() === text) return messages;
  return [{ role: 'system', content: text }, ...messages];
}

function noLevelModel(level: PowerLevel, families: readonly ProviderId[], agent: Agent): AppError {
  if (families.length === 0) {
    return new AppError('KEY_NOT_FOUND', `The agent “${agent.name}” picks its model by power level, and no provider key is set up yet.`, {
      field: 'agentId',
      hint: 'Add a key in Settings → Providers, or give the agent a specific model.',
    });
  }
  const names = families.map((f) => providerSpec(f).name).join(', ');
  return new AppError('VALIDATION', `No priced ${agent.tools.length > 0 ? 'tool-capable ' : ''}model of ${names} fits the ${level} level of “${agent.name}”.`, {
    field: 'agentId',
    hint: 'Give the agent a specific model, or add a key of another provider.',
  });
}

export type Estimate = (target: ChatTarget, messages: ChatMessage[], maxTokens: number | undefined) => Promise<{
  promptTokens: number;
  maxOutputTokens: number;
  minCostUsd: number | null;
  maxCostUsd: number | null;
}>;

const SAMPLE_TURN: ChatMessage[] = [{ role: 'user', content: 'Hello! Can you help me with a question?' }];

/** agents.powerLevels: each level's model with the user's families, its live prices and the next turn's cost range. */
export async function describeLevels(
  ctx: LevelContext,
  estimate: Estimate,
  opts: { messages?: ChatMessage[]; maxTokens?: number; needsTools?: boolean },
): Promise<AgentsPowerLevelsResponse> {
  const messages = opts.messages && opts.messages.length > 0 ? opts.messages : SAMPLE_TURN;
  const choice = async (m: ModelInfo): Promise<PowerLevelChoice> => {
    const e = await estimate({ provider: m.provider, model: m.id }, messages, opts.maxTokens);
    return {
      provider: m.provider,
      model: m.id,
      name: m.name,
      pricing: m.pricing,
      contextWindow: m.contextWindow,
      minCostUsd: e.minCostUsd,
      maxCostUsd: e.maxCostUsd,
      promptTokens: e.promptTokens,
      maxOutputTokens: e.maxOutputTokens,
    };
  };
  const picks = pickLevels(ctx.models, ctx.families, opts.needsTools === true);
  const levels = await Promise.all(
    picks.map(async (p) => ({
      level: p.level,
      choice: p.primary ? await choice(p.primary) : null,
      alternatives: await Promise.all(p.alternatives.map(choice)),
    })),
  );
  return { levels, families: [...ctx.families] };
}
