import type { PartialHandlers } from '../app/handlers.js';
import type { McpManager } from '../mcp/mcp-manager.js';
import type { ApprovalBook } from './approvals.js';
import type { ToolRegistry } from './tool-registry.js';

type ToolMethods = 'tools.list' | 'mcp.add' | 'mcp.list' | 'mcp.remove' | 'mcp.refresh' | 'chat.approveTool';

/** The contract methods of tools, MCP servers and tool approvals. */
export function toolHandlers(registry: ToolRegistry, mcp: McpManager, approvals: ApprovalBook): PartialHandlers<ToolMethods> {
  return {
    'tools.list': () => ({ tools: registry.list() }),
    'mcp.add': (req) => mcp.add(req),
    'mcp.list': () => ({ servers: mcp.list() }),
    'mcp.remove': async (req) => ({ removed: await mcp.remove(req.id) }),
    'mcp.refresh': async (req) => ({ server: await mcp.refresh(req.id) }),
    'chat.approveTool': (req) => ({ applied: approvals.answer(req.streamId, req.callId, req.approve, req.forSession === true) }),
  };
}
