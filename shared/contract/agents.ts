import { z } from 'zod';
import { ChatMessage, ChatTarget, Id, ModelId, Pricing, ProviderId } from './common.js';

/** Power levels pick a model per provider family from the catalog: cheapest capable, middle, strongest. */
export const POWER_LEVELS = ['eco', 'balanced', 'precision'] as const;
export const PowerLevel = z.enum(POWER_LEVELS);
export type PowerLevel = z.infer<typeof PowerLevel>;

/**
 * A tool's stable id: `builtin:<name>` for the tools that ship with the app, `mcp:<serverId>:<tool>`
 * for a tool of an MCP server the user added.
 */
export const ToolId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^(builtin:[a-z0-9_-]+|mcp:[A-Za-z0-9_-]+:.+)$/, 'a tool id is "builtin:<name>" or "mcp:<server id>:<tool name>"');
export type ToolId = z.infer<typeof ToolId>;

/** At most this many model calls in one turn's tool loop. */
export const MAX_TOOL_STEPS = 20;
export const DEFAULT_TOOL_STEPS = 8;

export const AgentParams = z
  .object({
    temperature: z.number().min(0, 'a number from 0 to 2').max(2, 'a number from 0 to 2').optional(),
    maxTokens: z.number().int('a whole number of tokens').positive('a whole number of tokens, more than 0').max(10_000_000, 'at most 10,000,000 tokens').optional(),
    /** Model calls one turn may make while it uses tools (each is its own ledger row). */
    maxToolSteps: z
      .number()
      .int(`a whole number from 1 to ${MAX_TOOL_STEPS}`)
      .min(1, `a whole number from 1 to ${MAX_TOOL_STEPS}`)
      .max(MAX_TOOL_STEPS, `a whole number from 1 to ${MAX_TOOL_STEPS}`)
      .optional(),
    /** Spend one turn (its whole tool loop) may reach, in USD; the loop stops with LIMIT_EXCEEDED before a call that could pass it. */
    turnBudgetUsd: z.number().positive('an amount in US dollars, more than 0').max(1e6, 'at most $1,000,000').optional(),
  })
  .strict();
export type AgentParams = z.infer<typeof AgentParams>;

const AgentName = z.string().trim().min(1, 'an agent needs a name').max(100);

/** What a user (or an imported file) gives for an agent. */
const agentFields = {
  name: AgentName,
  description: z.string().max(500).optional(),
  instructions: z.string().max(50_000).optional(),
  /** An explicit model: always wins over `powerLevel`. */
  target: ChatTarget.optional(),
  fallbacks: z.array(ChatTarget).max(10).optional(),
  powerLevel: PowerLevel.optional(),
  params: AgentParams.optional(),
  tools: z.array(ToolId).max(200).optional(),
};

const needsModel = (a: { target?: unknown; powerLevel?: unknown }) => a.target !== undefined || a.powerLevel !== undefined;
const NEEDS_MODEL = { message: 'give an agent a model (target) or a power level', path: ['target'] };

export const AgentsSaveRequest = z
  .object({ id: Id.optional(), ...agentFields })
  .strict()
  .refine(needsModel, NEEDS_MODEL);
export type AgentsSaveRequest = z.infer<typeof AgentsSaveRequest>;
export const AgentsSaveResponse = z.object({ id: z.string() });

export const Agent = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  instructions: z.string(),
  target: ChatTarget.optional(),
  fallbacks: z.array(ChatTarget),
  powerLevel: PowerLevel.optional(),
  params: AgentParams,
  tools: z.array(z.string()),
  /** Ships with the app: cannot be changed or deleted, only duplicated. */
  builtin: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Agent = z.infer<typeof Agent>;

export const AgentsListRequest = z.object({}).strict();
export const AgentsListResponse = z.object({
  agents: z.array(Agent),
  /** Set when the agents file was damaged: it was set aside and the app started from the built-ins. */
  notice: z.string().optional(),
});

export const AgentsDeleteRequest = z.object({ id: Id }).strict();
export const AgentsDeleteResponse = z.object({ deleted: z.boolean() });

export const AgentsDuplicateRequest = z.object({ id: Id, name: AgentName.optional() }).strict();
export const AgentsDuplicateResponse = z.object({ id: z.string() });

/** One agent in an export file: no id, and a model named by provider (a key id means nothing on another machine). */
export const PortableAgent = z
  .object({ ...agentFields, target: z.union([z.object({ provider: ProviderId, model: ModelId }).strict(), z.object({ system: z.literal(true) }).strict()]).optional() })
  .strict()
  .refine(needsModel, NEEDS_MODEL);
export type PortableAgent = z.infer<typeof PortableAgent>;

export const AGENTS_FORMAT = 'switchboard-agents';
export const AgentsDocument = z
  .object({
    format: z.literal(AGENTS_FORMAT),
    version: z.literal(1),
    exportedAt: z.string().optional(),
    agents: z.array(PortableAgent).min(1).max(500),
  })
  .strict();
export type AgentsDocument = z.infer<typeof AgentsDocument>;

export const AgentsExportRequest = z.object({ ids: z.array(Id).max(500).optional() }).strict();
export const AgentsExportResponse = z.object({ document: AgentsDocument });

/** The parsed JSON of an export file; checked field by field by the core so errors name `document.agents[0].name`. */
export const AgentsImportRequest = z.object({ document: z.unknown() }).strict();
export const AgentsImportResponse = z.object({ ids: z.array(z.string()), names: z.array(z.string()) });

/** The model one level would use with one provider family, its live prices and the next turn's estimate. */
export const PowerLevelChoice = z.object({
  provider: ProviderId,
  model: z.string(),
  name: z.string(),
  pricing: Pricing.nullable(),
  contextWindow: z.number().nullable(),
  /** Cost of the next turn: prompt only (empty answer) and every allowed output token used. */
  minCostUsd: z.number().nonnegative().nullable(),
  maxCostUsd: z.number().nonnegative().nullable(),
  promptTokens: z.number().int().nonnegative(),
  maxOutputTokens: z.number().int().nonnegative(),
});
export type PowerLevelChoice = z.infer<typeof PowerLevelChoice>;

export const PowerLevelOption = z.object({
  level: PowerLevel,
  /** What a conversation at this level would use: the first family's pick; null when no family has a capable model. */
  choice: PowerLevelChoice.nullable(),
  /** The same level with the user's other provider families (tried in this order as fallbacks). */
  alternatives: z.array(PowerLevelChoice),
});
export type PowerLevelOption = z.infer<typeof PowerLevelOption>;

export const AgentsPowerLevelsRequest = z
  .object({
    /** The conversation so far, for the estimate of the next turn; a short greeting when absent. */
    messages: z.array(ChatMessage).max(10_000).optional(),
    maxTokens: z.number().int().positive().max(10_000_000).optional(),
    /** Only models that can call tools (an agent with tools). */
    needsTools: z.boolean().optional(),
  })
  .strict();
export const AgentsPowerLevelsResponse = z.object({
  levels: z.array(PowerLevelOption),
  /** Provider families the user has keys for, in the order levels use them. */
  families: z.array(ProviderId),
});
export type AgentsPowerLevelsResponse = z.infer<typeof AgentsPowerLevelsResponse>;
