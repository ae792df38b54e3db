import type {
  ChatMessage,
  ChatParams,
  ChatSendRequest,
  ChatSendResponse,
  ChatTarget,
  EventName,
  EventPayload,
  MethodResponse,
  ModelInfo,
  Settings,
} from '../../../shared/contract/index.js';
import type { PartialHandlers } from '../app/handlers.js';
import type { Logger } from '../app/logger.js';
import { McpManager } from '../mcp/mcp-manager.js';
import { McpStore } from '../mcp/mcp-store.js';
import type { KeyResolver } from '../ports.js';
import { ApprovalBook } from '../tools/approvals.js';
import { calculatorTool } from '../tools/builtin/calculator.js';
import { clockTool } from '../tools/builtin/clock.js';
import { readUrlTool } from '../tools/builtin/read-url.js';
import { toolHandlers } from '../tools/handlers.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import type { Vault } from '../vault/vault.js';
import { AgentService } from './agent-service.js';
import { AgentStore } from './agent-store.js';
import type { AgentTurnOptions, RoutedRequest } from '../router/router.js';
import { planAgentTurn, type Estimate } from './agent-turn.js';
import { agentHandlers } from './handlers.js';

export interface ModelLookupList {
  list(): ModelInfo[];
}

export interface AgentAreaOptions {
  dataDir: string;
  logger: Logger;
  version: string;
  keys: Pick<KeyResolver, 'list' | 'resolve'>;
  vault: Pick<Vault, 'sealSecret' | 'openSecret'>;
  models: ModelLookupList;
  settings: () => Pick<Settings, 'urlAllowList'>;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  estimate: Estimate;
  /** chat.estimate of a request whose model is settled. */
  estimateTurn: (req: { target: ChatTarget; messages: ChatMessage[]; params?: ChatParams }) => Promise<MethodResponse<'chat.estimate'>>;
  /** Runs a planned turn: the router (with its tool loop) does the rest. */
  run: (request: RoutedRequest, agent?: AgentTurnOptions) => Promise<ChatSendResponse>;
  now?: () => number;
}

export type AgentMethods =
  | 'agents.list'
  | 'agents.save'
  | 'agents.delete'
  | 'agents.duplicate'
  | 'agents.export'
  | 'agents.import'
  | 'agents.powerLevels'
  | 'tools.list'
  | 'mcp.add'
  | 'mcp.list'
  | 'mcp.remove'
  | 'mcp.refresh'
  | 'chat.approveTool'
  | 'chat.send'
  | 'chat.estimate';

export interface AgentArea {
  readonly agents: AgentService;
  readonly tools: ToolRegistry;
  readonly mcp: McpManager;
  readonly approvals: ApprovalBook;
  readonly handlers: PartialHandlers<AgentMethods>;
  /** chat.send: applies the agent (when one is named), then runs the turn. */
  send(req: ChatSendRequest): Promise<ChatSendResponse>;
  close(): Promise<void>;
}

/** Builds agents, tools, MCP servers and approvals, and binds them to the contract. */
export function createAgentArea(opts: AgentAreaOptions): AgentArea {
  const mcp = new McpManager({
    store: new McpStore(opts.dataDir, opts.logger),
    vault: opts.vault,
    logger: opts.logger,
    version: opts.version,
    changed: (serverId, message) => opts.emit('mcp.changed', { ...(serverId ? { serverId } : {}), ...(message ? { message } : {}) }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const registry = new ToolRegistry([clockTool(opts.now), calculatorTool(), readUrlTool({ allowList: () => opts.settings().urlAllowList })], mcp);
  const approvals = new ApprovalBook();
  const agents = new AgentService({
    store: new AgentStore(opts.dataDir, opts.logger),
    keys: opts.keys,
    isKnownTool: (id) => registry.isKnown(id),
    changed: () => opts.emit('agents.changed', {}),
    ...(opts.now ? { now: opts.now } : {}),
  });

  const plan = async (req: ChatSendRequest) => {
    const agent = req.agentId !== undefined ? agents.get(req.agentId) : null;
    const needsLevel = agent !== null && req.target === undefined && agent.target === undefined;
    const levels = needsLevel ? { models: opts.models.list(), families: await agents.families() } : null;
    return { agent, plan: planAgentTurn(req, agent, levels) };
  };

  const send = async (req: ChatSendRequest): Promise<ChatSendResponse> => {
    const { agent, plan: turn } = await plan(req);
    if (!agent) return opts.run(turn.request);
    return opts.run(turn.request, {
      tools: await registry.offer(turn.tools),
      approval: req.toolApproval ?? 'ask',
      approvals,
      maxSteps: turn.maxSteps,
      turnBudgetUsd: turn.turnBudgetUsd,
      powerLevel: turn.powerLevel,
      agentId: turn.agentId,
    });
  };

  return {
    agents,
    tools: registry,
    mcp,
    approvals,
    send,
    handlers: {
      ...agentHandlers(agents, opts.models, opts.estimate),
      ...toolHandlers(registry, mcp, approvals),
      'chat.send': (req) => send(req),
      'chat.estimate': async (req) => {
        const { plan: turn } = await plan({ sessionId: 'estimate', ...req });
        const r = turn.request;
        return opts.estimateTurn({ target: r.target, messages: r.messages, ...(r.params ? { params: r.params } : {}) });
      },
    },
    close: () => mcp.close(),
  };
}
