import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';

/** A secret value kept sealed by the vault (sealSecret), never in plain text on disk. */
const SealedRef = z.object({ sealed: z.object({ iv: z.string(), ct: z.string(), tag: z.string() }).strict(), vaultId: z.string() }).strict();
export type SealedRef = z.infer<typeof SealedRef>;

export const StoredServer = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]+$/),
    name: z.string(),
    transport: z.enum(['stdio', 'http']),
    command: z.string().optional(),
    args: z.array(z.string()).optional(),
    cwd: z.string().optional(),
    url: z.string().optional(),
    timeoutMs: z.number().int().positive(),
    startTimeoutMs: z.number().int().positive().optional(),
    addedAt: z.number(),
    /** Environment (stdio) or header (http) values by name, sealed. */
    env: z.record(z.string(), SealedRef).optional(),
    headers: z.record(z.string(), SealedRef).optional(),
  })
  .strict();
export type StoredServer = z.infer<typeof StoredServer>;

const File = z.object({ format: z.literal('switchboard-mcp-servers'), version: z.literal(1), servers: z.array(StoredServer) });

export const MCP_FILE = 'mcp-servers.json';

/** The MCP servers the user added, in `<dataDir>/mcp-servers.json` (atomic, 0600; a damaged file is set aside and reported). */
export class McpStore {
  private readonly path: string;
  private servers: StoredServer[];
  readonly notice: string | undefined;

  constructor(dataDir: string, logger: Pick<Logger, 'warn'>) {
    this.path = join(dataDir, MCP_FILE);
    const existed = existsSync(this.path);
    const data = readJsonOrSetAside(this.path, File, logger, 'the MCP servers file could not be read; it was set aside');
    this.servers = data?.servers ?? [];
    this.notice = existed && data === null ? 'The list of MCP servers could not be read (the file was damaged); it was set aside in the data folder. Add your servers again.' : undefined;
  }

  list(): StoredServer[] {
    return this.servers.map((s) => structuredClone(s));
  }

  get(id: string): StoredServer | undefined {
    const s = this.servers.find((x) => x.id === id);
    return s ? structuredClone(s) : undefined;
  }

  put(server: StoredServer): void {
    const next = this.servers.filter((s) => s.id !== server.id);
    next.push(server);
    this.write(next);
  }

  remove(id: string): boolean {
    if (!this.servers.some((s) => s.id === id)) return false;
    this.write(this.servers.filter((s) => s.id !== id));
    return true;
  }

  private write(servers: StoredServer[]): void {
    saveFileAtomic(this.path, `${JSON.stringify({ format: 'switchboard-mcp-servers', version: 1, servers }, null, 2)}\n`, {
      what: 'The list of MCP servers',
      kept: 'the previous list is unchanged',
    });
    this.servers = servers;
  }
}
