import { randomBytes } from 'node:crypto';
import { AppError, type McpAddRequest, type McpServerInfo, type McpToolInfo } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import { redactText } from '../app/logger.js';
import type { ToolDefinition } from '../tools/types.js';
import type { Vault } from '../vault/vault.js';
import { McpConnection, type McpServerConfig } from './mcp-connection.js';
import type { McpStore, SealedRef, StoredServer } from './mcp-store.js';

export const DEFAULT_MCP_TIMEOUT_MS = 30_000;
export const DEFAULT_MCP_START_TIMEOUT_MS = 30_000;

export interface McpManagerDeps {
  store: McpStore;
  vault: Pick<Vault, 'sealSecret' | 'openSecret'>;
  logger: Logger;
  version: string;
  /** mcp.changed: a server connected, failed or stopped. */
  changed: (serverId: string | undefined, message?: string) => void;
  now?: () => number;
}

/** The tool id of an MCP server's tool. */
export function mcpToolId(serverId: string, tool: string): string {
  return `mcp:${serverId}:${tool}`;
}

/**
 * MCP servers the user added (Settings → Tools): each is reached through the official SDK client,
 * started lazily, and offered to agents that allow its tools. Secret values (a stdio server's
 * environment, an HTTP server's headers) are sealed by the vault and never leave the core.
 */
export class McpManager {
  private readonly connections = new Map<string, McpConnection>();
  private readonly now: () => number;

  constructor(private readonly deps: McpManagerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async add(req: McpAddRequest): Promise<{ id: string; tools: McpToolInfo[]; server: McpServerInfo }> {
    const id = `srv_${randomBytes(6).toString('hex')}`;
    const timeoutMs = req.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS;
    const startTimeoutMs = req.startTimeoutMs ?? DEFAULT_MCP_START_TIMEOUT_MS;
    const stored: StoredServer =
      req.transport === 'stdio'
        ? {
            id,
            name: req.name.trim(),
            transport: 'stdio',
            command: req.command,
            ...(req.args ? { args: req.args } : {}),
            ...(req.cwd ? { cwd: req.cwd } : {}),
            timeoutMs,
            startTimeoutMs,
            addedAt: this.now(),
            ...(req.env ? { env: this.seal(id, 'env', req.env) } : {}),
          }
        : {
            id,
            name: req.name.trim(),
            transport: 'http',
            url: req.url,
            timeoutMs,
            startTimeoutMs,
            addedAt: this.now(),
            ...(req.headers ? { headers: this.seal(id, 'header', req.headers) } : {}),
          };
    const config = this.configOf(stored, { env: req.transport === 'stdio' ? (req.env ?? {}) : {}, headers: req.transport === 'http' ? (req.headers ?? {}) : {} });
    const connection = this.connection(config);
    try {
      await connection.connect();
    } catch {
      await connection.close();
      throw new AppError('PROVIDER_UNAVAILABLE', `The MCP server “${stored.name}” ${connection.error ?? 'could not be started'}. It was not added.`, {
        field: req.transport === 'stdio' ? 'command' : 'url',
        hint: req.transport === 'stdio' ? 'Check the command and its arguments by running them in a terminal.' : 'Check the address and that the server is running.',
      });
    }
    try {
      this.deps.store.put(stored);
    } catch (err) {
      await connection.close();
      throw err;
    }
    this.connections.set(id, connection);
    this.deps.changed(id);
    const server = this.info(stored);
    return { id, tools: server.tools, server };
  }

  list(): McpServerInfo[] {
    return this.deps.store.list().map((s) => this.info(s));
  }

  async remove(id: string): Promise<boolean> {
    const removed = this.deps.store.remove(id);
    const c = this.connections.get(id);
    this.connections.delete(id);
    if (c) await c.close();
    if (removed) this.deps.changed(id);
    return removed;
  }

  /** Reconnects and lists the tools again; the answer carries the error when it fails. */
  async refresh(id: string): Promise<McpServerInfo> {
    const stored = this.deps.store.get(id);
    if (!stored) throw new AppError('NOT_FOUND', 'id: no MCP server with that id.', { field: 'id' });
    const old = this.connections.get(id);
    this.connections.delete(id);
    if (old) await old.close();
    try {
      await this.connectionFor(stored).connect();
    } catch {
      // The failure is kept on the connection and shown in the answer.
    }
    return this.info(stored);
  }

  /** Every tool of every added server, as runnable definitions (listed once the server has connected). */
  tools(): ToolDefinition[] {
    return this.deps.store.list().flatMap((s) => {
      const c = this.connections.get(s.id);
      return (c?.tools ?? []).map((t): ToolDefinition => {
        const conn = c!;
        return {
          id: mcpToolId(s.id, t.name),
          name: t.name,
          title: t.name,
          description: t.description,
          parameters: t.inputSchema,
          source: 'mcp',
          serverId: s.id,
          serverName: s.name,
          ...(conn.status === 'error' && conn.error ? { unavailable: conn.error } : {}),
          run: (args, signal) => this.connectionFor(s).call(t.name, args, signal),
        };
      });
    });
  }

  /**
   * Definitions for tool ids of servers that may not have connected yet in this process (at start
   * the servers are not running): connects the servers those ids name, so their tools can be offered.
   */
  async prepare(toolIds: readonly string[]): Promise<void> {
    const servers = new Set(toolIds.filter((t) => t.startsWith('mcp:')).map((t) => t.split(':')[1]!));
    await Promise.all(
      [...servers].map(async (id) => {
        const stored = this.deps.store.get(id);
        if (!stored) return;
        const c = this.connectionFor(stored);
        if (c.status === 'connected' || c.tools.length > 0) return;
        await c.connect().catch(() => undefined);
      }),
    );
  }

  /** Starts every server in the background once (after start), so their tools are listed. */
  warmUp(): void {
    for (const s of this.deps.store.list()) void this.connectionFor(s).connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }

  private connectionFor(stored: StoredServer): McpConnection {
    const existing = this.connections.get(stored.id);
    if (existing) return existing;
    let secrets: { env: Record<string, string>; headers: Record<string, string> };
    let problem: string | undefined;
    try {
      secrets = { env: this.open(stored.id, 'env', stored.env), headers: this.open(stored.id, 'header', stored.headers) };
    } catch (err) {
      secrets = { env: {}, headers: {} };
      problem = err instanceof AppError ? `has saved values that cannot be opened (${err.message}) — remove it and add it again` : 'has saved values that cannot be opened';
    }
    const c = this.connection(this.configOf(stored, secrets));
    if (problem) {
      c.status = 'error';
      c.error = problem;
      // No start with missing secrets: it would fail in ways that hide the real cause.
      c.connect = () => Promise.reject(new Error(problem));
    }
    this.connections.set(stored.id, c);
    return c;
  }

  private connection(config: McpServerConfig): McpConnection {
    const secretValues = [...Object.values(config.env), ...Object.values(config.headers)];
    return new McpConnection(config, { changed: (message) => this.deps.changed(config.id, message) }, this.deps.version, (text) => redactText(text, secretValues));
  }

  private configOf(s: StoredServer, secrets: { env: Record<string, string>; headers: Record<string, string> }): McpServerConfig {
    return {
      id: s.id,
      name: s.name,
      transport: s.transport,
      ...(s.command !== undefined ? { command: s.command } : {}),
      ...(s.args ? { args: s.args } : {}),
      ...(s.cwd ? { cwd: s.cwd } : {}),
      ...(s.url ? { url: s.url } : {}),
      timeoutMs: s.timeoutMs,
      startTimeoutMs: s.startTimeoutMs ?? DEFAULT_MCP_START_TIMEOUT_MS,
      env: secrets.env,
      headers: secrets.headers,
    };
  }

  private seal(id: string, kind: 'env' | 'header', values: Record<string, string>): Record<string, SealedRef> {
    const out: Record<string, SealedRef> = {};
    for (const [name, value] of Object.entries(values)) {
      const { sealed, vaultId } = this.deps.vault.sealSecret(`mcp/${id}/${kind}/${name}`, value);
      out[name] = { sealed, vaultId };
    }
    return out;
  }

  private open(id: string, kind: 'env' | 'header', refs: Record<string, SealedRef> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, ref] of Object.entries(refs ?? {})) out[name] = this.deps.vault.openSecret(`mcp/${id}/${kind}/${name}`, ref.sealed, ref.vaultId);
    return out;
  }

  private info(s: StoredServer): McpServerInfo {
    const c = this.connections.get(s.id);
    return {
      id: s.id,
      name: s.name,
      transport: s.transport,
      ...(s.command !== undefined ? { command: s.command } : {}),
      ...(s.args ? { args: s.args } : {}),
      ...(s.cwd ? { cwd: s.cwd } : {}),
      ...(s.env ? { envNames: Object.keys(s.env) } : {}),
      ...(s.url ? { url: s.url } : {}),
      ...(s.headers ? { headerNames: Object.keys(s.headers) } : {}),
      timeoutMs: s.timeoutMs,
      startTimeoutMs: s.startTimeoutMs ?? DEFAULT_MCP_START_TIMEOUT_MS,
      status: c?.status ?? 'idle',
      ...(c?.error ? { error: c.error } : {}),
      tools: (c?.tools ?? []).map((t) => ({ id: mcpToolId(s.id, t.name), name: t.name, description: t.description })),
      addedAt: s.addedAt,
    };
  }
}
