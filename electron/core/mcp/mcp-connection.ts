import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { failed, type ToolResult } from '../tools/types.js';

export interface McpServerConfig {
  id: string;
  name: string;
  transport: 'stdio' | 'http';
  command?: string;
  args?: string[];
  cwd?: string;
  url?: string;
  /** Per tool call. */
  timeoutMs: number;
  /** Starting the server and listing its tools (a first start may install packages). */
  startTimeoutMs: number;
  /** Plain values, held only in memory while the server runs. */
  env: Record<string, string>;
  headers: Record<string, string>;
}

export interface McpTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ConnectionEvents {
  /** Status or tools changed; `message` says what happened in plain words when something went wrong. */
  changed(message?: string): void;
}

/** Pages of tools/list read at most (a server listing more is cut). */
const MAX_TOOL_PAGES = 20;
const STDERR_TAIL = 2000;

/**
 * The environment of a stdio server: exactly what the user gave, plus PATH so the command can be
 * found. The SDK adds HOME, USER, SHELL, ... by itself; those are masked (undefined is left out by
 * child_process), because a server is code the user chose to run, not code that should see the
 * user's session.
 */
export function serverEnvironment(given: Record<string, string>, path: string | undefined = process.env.PATH): Record<string, string> {
  const env: Record<string, string | undefined> = {};
  for (const name of DEFAULT_INHERITED_ENV_VARS) env[name] = undefined;
  if (path !== undefined) env.PATH = path;
  Object.assign(env, given);
  return env as Record<string, string>;
}

/**
 * One MCP server: started (or connected to) on first use, its tools listed, every request bounded
 * by the server's timeout. A server that exits or stops answering is closed and marked with the
 * reason; the next call starts it again. Calls never throw: failures are tool errors the model reads.
 */
export class McpConnection {
  status: 'idle' | 'connected' | 'error' = 'idle';
  error: string | undefined;
  tools: McpTool[] = [];
  private client: Client | null = null;
  private opening: Promise<Client> | null = null;
  private stderrTail = '';

  constructor(
    readonly config: McpServerConfig,
    private readonly events: ConnectionEvents,
    private readonly clientVersion: string,
    /** Hides the server's secret values in text shown to people (its own error output may echo them). */
    private readonly redact: (text: string) => string,
  ) {}

  /** Connects (once at a time) and lists the tools; throws Error(message) when the server cannot be used. */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult> {
    let client: Client;
    try {
      client = await this.connect();
    } catch {
      return failed(`The MCP server “${this.config.name}” is not available: ${this.error ?? 'it could not be started'}.`);
    }
    try {
      const res = await client.callTool({ name: tool, arguments: args }, undefined, { timeout: this.config.timeoutMs, maxTotalTimeout: this.config.timeoutMs, signal });
      return toToolResult(res as { content?: unknown; isError?: unknown; structuredContent?: unknown });
    } catch (err) {
      if (signal.aborted) return failed('The tool call was stopped.');
      if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
        const message = `did not answer ${tool} within ${Math.round(this.config.timeoutMs / 1000)} s, so it was stopped; it starts again on the next call`;
        await this.fail(message, client);
        return failed(`The MCP server “${this.config.name}” ${message}.`);
      }
      if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) {
        return failed(`The MCP server “${this.config.name}” stopped while running ${tool}: ${this.error ?? 'the connection closed'}.`);
      }
      return failed(`The MCP server “${this.config.name}” refused ${tool}: ${this.redact(err instanceof Error ? err.message : String(err))}`);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.status = 'idle';
    if (client) await client.close().catch(() => undefined);
  }

  private async open(): Promise<Client> {
    this.stderrTail = '';
    const client = new Client({ name: 'switchboard', version: this.clientVersion }, { capabilities: {} });
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = null;
      this.status = 'error';
      this.error = `it stopped unexpectedly${this.lastWords()}`;
      this.events.changed(`The MCP server “${this.config.name}” ${this.error}.`);
    };
    // The client swallows transport errors into onerror; the rejection of the request says enough.
    client.onerror = () => undefined;
    try {
      await client.connect(this.transport(), { timeout: this.config.startTimeoutMs });
      this.tools = await this.listTools(client);
    } catch (err) {
      await client.close().catch(() => undefined);
      this.status = 'error';
      this.error = this.describeStartFailure(err);
      this.events.changed(`The MCP server “${this.config.name}” ${this.error}.`);
      throw new Error(this.error);
    }
    this.client = client;
    this.status = 'connected';
    this.error = undefined;
    this.events.changed();
    return client;
  }

  private transport(): Transport {
    const c = this.config;
    if (c.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(c.url ?? ''), { requestInit: { headers: { ...c.headers } } });
    }
    const t = new StdioClientTransport({
      command: c.command ?? '',
      args: c.args ?? [],
      env: serverEnvironment(c.env),
      ...(c.cwd ? { cwd: c.cwd } : {}),
      stderr: 'pipe',
    });
    t.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    return t;
  }

  private async listTools(client: Client): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const res = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.config.startTimeoutMs });
      for (const t of res.tools) {
        tools.push({ name: t.name, description: t.description ?? t.title ?? '', inputSchema: (t.inputSchema as Record<string, unknown>) ?? { type: 'object' } });
      }
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  private async fail(message: string, client: Client): Promise<void> {
    if (this.client === client) this.client = null;
    this.status = 'error';
    this.error = message;
    await client.close().catch(() => undefined);
    this.events.changed(`The MCP server “${this.config.name}” ${message}.`);
  }

  private describeStartFailure(err: unknown): string {
    const s = Math.round(this.config.startTimeoutMs / 1000);
    if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) return `did not finish starting within ${s} s${this.lastWords()}`;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `could not be started: the command “${this.config.command}” was not found (PATH is passed on; give the full path if it is elsewhere)`;
    if (code === 'EACCES') return `could not be started: “${this.config.command}” is not executable`;
    if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) return `stopped while starting${this.lastWords()}`;
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    if (this.config.transport === 'http' && cause) return `could not be reached at ${this.config.url} (${cause})`;
    const text = err instanceof Error ? err.message : String(err);
    return `could not be started: ${this.redact(text).slice(0, 300)}`;
  }

  /** The last line the server wrote to its error output, redacted, to explain an exit. */
  private lastWords(): string {
    const line = this.stderrTail.trim().split('\n').pop()?.trim();
    return line ? ` (its last message: “${this.redact(line).slice(0, 200)}”)` : '';
  }
}

function toToolResult(res: { content?: unknown; isError?: unknown; structuredContent?: unknown }): ToolResult {
  const parts = Array.isArray(res.content) ? res.content : [];
  const texts = parts.map((p: { type?: string; text?: string; resource?: { text?: string; uri?: string } }) => {
    if (p.type === 'text' && typeof p.text === 'string') return p.text;
    if (p.type === 'resource' && typeof p.resource?.text === 'string') return p.resource.text;
    if (p.type === 'resource_link' || p.type === 'resource') return `[resource ${p.resource?.uri ?? ''}]`.trim();
    return `[${p.type ?? 'content'} omitted]`;
  });
  let content = texts.join('\n');
  if (content === '' && res.structuredContent !== undefined) content = JSON.stringify(res.structuredContent);
  return { ok: res.isError !== true, content };
}
