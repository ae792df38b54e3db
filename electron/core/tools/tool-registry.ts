import type { ToolInfo } from '../../../shared/contract/index.js';
import type { McpManager } from '../mcp/mcp-manager.js';
import type { ToolDefinition } from './types.js';

/** Names a model may be offered: OpenAI and Anthropic accept ^[a-zA-Z0-9_-]{1,64}$, Gemini a subset of that with a letter or _ first. */
export function modelToolName(raw: string): string {
  let name = raw.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (!/^[a-zA-Z_]/.test(name)) name = `t_${name}`;
  return name.slice(0, 64);
}

/** A tool offered in one turn, under the name the model sees. */
export interface OfferedTool {
  modelName: string;
  tool: ToolDefinition;
}

/**
 * Every tool the core can run: the built-ins and the tools of the user's MCP servers. Agents name
 * tools by id; a turn offers the model the allowed ones under names that are unique and valid for
 * every provider.
 */
export class ToolRegistry {
  constructor(
    private readonly builtins: readonly ToolDefinition[],
    private readonly mcp: Pick<McpManager, 'tools' | 'list' | 'prepare'>,
  ) {}

  all(): ToolDefinition[] {
    return [...this.builtins, ...this.mcp.tools()];
  }

  list(): ToolInfo[] {
    return this.all().map((t) => ({
      id: t.id,
      name: t.name,
      title: t.title,
      description: t.description,
      source: t.source,
      ...(t.serverId ? { serverId: t.serverId, serverName: t.serverName } : {}),
      parameters: t.parameters,
      ...(t.unavailable ? { unavailable: t.unavailable } : {}),
    }));
  }

  /** A built-in, or a tool of an added MCP server (any tool of a server whose list is not loaded yet). */
  isKnown(id: string): boolean {
    if (this.builtins.some((t) => t.id === id)) return true;
    const m = /^mcp:([A-Za-z0-9_-]+):(.+)$/.exec(id);
    if (!m) return false;
    const server = this.mcp.list().find((s) => s.id === m[1]);
    if (!server) return false;
    return server.tools.length === 0 || server.tools.some((t) => t.id === id);
  }

  /** The tools of an allow list that exist now, with model-facing names (MCP servers are started first if needed). */
  async offer(allowed: readonly string[]): Promise<OfferedTool[]> {
    if (allowed.length === 0) return [];
    await this.mcp.prepare(allowed);
    const byId = new Map(this.all().map((t) => [t.id, t] as const));
    const used = new Set<string>();
    const out: OfferedTool[] = [];
    for (const id of allowed) {
      const tool = byId.get(id);
      if (!tool) continue;
      const base = modelToolName(tool.source === 'mcp' ? tool.name : tool.name);
      let name = base;
      for (let n = 2; used.has(name); n++) name = `${base.slice(0, 60)}_${n}`;
      used.add(name);
      out.push({ modelName: name, tool });
    }
    return out;
  }
}
