/** What a tool answers: text for the model, and whether the call failed (the model is told either way). */
export interface ToolResult {
  ok: boolean;
  content: string;
}

/** A tool the core can run for a model. */
export interface ToolDefinition {
  /** `builtin:<name>` or `mcp:<serverId>:<tool>`. */
  id: string;
  /** The tool's own name (an MCP tool's name as its server gives it). */
  name: string;
  title: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: Record<string, unknown>;
  source: 'builtin' | 'mcp';
  serverId?: string;
  serverName?: string;
  /** Why it cannot run right now, when it cannot. */
  unavailable?: string;
  /** Never throws for a tool failure: failures are results with ok false. Aborting `signal` stops it. */
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult>;
}

/** The longest tool result handed to a model (characters); longer ones are cut with a note. */
export const MAX_RESULT_CHARS = 20_000;

export function clip(text: string, max = MAX_RESULT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n[… cut: ${text.length - max} more characters]`;
}

export const failed = (content: string): ToolResult => ({ ok: false, content });
