import { z } from 'zod';
import { Id } from './common.js';

/** A tool call's state as the conversation shows it. */
export const ToolCallStatus = z.enum(['awaiting-approval', 'running', 'ok', 'error', 'denied', 'cancelled']);
export type ToolCallStatus = z.infer<typeof ToolCallStatus>;

/**
 * One tool call of a turn: what the model asked (`name`, `arguments`), which tool that is
 * (`toolId`), and how it went. `arguments` and `result` are cut to a few thousand characters.
 */
export const ToolCallInfo = z.object({
  id: z.string(),
  toolId: z.string(),
  name: z.string(),
  status: ToolCallStatus,
  /** Model call of the loop that asked for it (1-based). */
  step: z.number().int().positive(),
  arguments: z.string(),
  argumentsBytes: z.number().int().nonnegative(),
  result: z.string().optional(),
  /** Plain words for people when it failed or was denied. */
  error: z.string().optional(),
  durationMs: z.number().nonnegative(),
});
export type ToolCallInfo = z.infer<typeof ToolCallInfo>;

/** A tool the app can offer a model. */
export const ToolInfo = z.object({
  id: z.string(),
  /** The tool's own name (an MCP server's tool name, or the built-in's). */
  name: z.string(),
  /** Short label for people. */
  title: z.string(),
  description: z.string(),
  source: z.enum(['builtin', 'mcp']),
  serverId: z.string().optional(),
  serverName: z.string().optional(),
  /** JSON Schema of the arguments. */
  parameters: z.record(z.string(), z.unknown()),
  /** Unavailable right now (its MCP server is down, or no URL is allowed yet) and why. */
  unavailable: z.string().optional(),
});
export type ToolInfo = z.infer<typeof ToolInfo>;

export const ToolsListRequest = z.object({}).strict();
export const ToolsListResponse = z.object({ tools: z.array(ToolInfo) });

/** Answers a tool call waiting for the user (event chat.tool with status "awaiting-approval"). */
export const ChatApproveToolRequest = z
  .object({
    streamId: Id,
    callId: Id,
    approve: z.boolean(),
    /** Approve this tool for the rest of the conversation: later calls to it run without asking. */
    forSession: z.boolean().optional(),
  })
  .strict();
/** applied: false when the call was no longer waiting (answered already, or its turn ended). */
export const ChatApproveToolResponse = z.object({ applied: z.boolean() });

// --- MCP servers -------------------------------------------------------------------------------

const ServerName = z.string().trim().min(1, 'a server needs a name').max(100);
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name is letters, digits and _');
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid HTTP header name');
const HttpUrl = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'an http:// or https:// address');
/** Every call to the server waits at most `timeoutMs`; starting it (and listing its tools) at most `startTimeoutMs`. */
const Timeout = z.number().int().min(1000, 'at least 1 second').max(600_000, 'at most 600 seconds (10 minutes)');

export const McpStdioConfig = z
  .object({
    name: ServerName,
    transport: z.literal('stdio'),
    command: z.string().min(1).max(1000),
    args: z.array(z.string().max(4000)).max(100).optional(),
    /** The whole environment of the server (PATH is added); values are kept in the vault. */
    env: z.record(EnvName, z.string().max(20_000)).optional(),
    cwd: z.string().max(1000).optional(),
    timeoutMs: Timeout.optional(),
    startTimeoutMs: Timeout.optional(),
  })
  .strict();
export const McpHttpConfig = z
  .object({
    name: ServerName,
    transport: z.literal('http'),
    url: HttpUrl,
    /** Sent with every request; values may be secrets and are kept in the vault, never shown again. */
    headers: z.record(HeaderName, z.string().max(20_000)).optional(),
    timeoutMs: Timeout.optional(),
    startTimeoutMs: Timeout.optional(),
  })
  .strict();
export const McpAddRequest = z.discriminatedUnion('transport', [McpStdioConfig, McpHttpConfig]);
export type McpAddRequest = z.infer<typeof McpAddRequest>;

export const McpToolInfo = z.object({ id: z.string(), name: z.string(), description: z.string() });
export type McpToolInfo = z.infer<typeof McpToolInfo>;

export const McpServerInfo = z.object({
  id: z.string(),
  name: z.string(),
  transport: z.enum(['stdio', 'http']),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  /** Names only: values are secrets. */
  envNames: z.array(z.string()).optional(),
  url: z.string().optional(),
  headerNames: z.array(z.string()).optional(),
  timeoutMs: z.number(),
  startTimeoutMs: z.number(),
  status: z.enum(['connected', 'idle', 'error']),
  /** What went wrong last, in plain words. */
  error: z.string().optional(),
  tools: z.array(McpToolInfo),
  addedAt: z.number(),
});
export type McpServerInfo = z.infer<typeof McpServerInfo>;

export const McpAddResponse = z.object({ id: z.string(), tools: z.array(McpToolInfo), server: McpServerInfo });
export const McpListRequest = z.object({}).strict();
export const McpListResponse = z.object({ servers: z.array(McpServerInfo) });
export const McpRemoveRequest = z.object({ id: Id }).strict();
export const McpRemoveResponse = z.object({ removed: z.boolean() });
/** Reconnects and lists the server's tools again. */
export const McpRefreshRequest = z.object({ id: Id }).strict();
export const McpRefreshResponse = z.object({ server: McpServerInfo });
