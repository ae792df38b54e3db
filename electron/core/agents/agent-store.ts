import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Agent } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';

const StoreFile = z.object({
  format: z.literal('switchboard-agents-store'),
  version: z.literal(1),
  agents: z.array(Agent),
});

export const AGENTS_FILE = 'agents.json';

/**
 * The user's own agents in `<dataDir>/agents.json`, written atomically with mode 0600. A file that
 * cannot be read is set aside (`agents.json.unreadable-<ms>`) and reported by `notice`; the app then
 * starts with no user agents rather than failing.
 */
export class AgentStore {
  private readonly path: string;
  private agents: Agent[];
  /** Why the saved agents could not be loaded, shown once in the agents list. */
  readonly notice: string | undefined;

  constructor(dataDir: string, logger: Pick<Logger, 'warn'>) {
    this.path = join(dataDir, AGENTS_FILE);
    const existed = existsSync(this.path);
    const data = readJsonOrSetAside(this.path, StoreFile, logger, 'the agents file could not be read; it was set aside');
    this.agents = data?.agents.map((a) => ({ ...a, builtin: false })) ?? [];
    this.notice =
      existed && data === null
        ? 'Your saved agents could not be read (the file was damaged), so it was set aside as agents.json.unreadable-… in the data folder. The built-in agents are available; import an export file to get yours back.'
        : undefined;
  }

  list(): Agent[] {
    return this.agents.map((a) => structuredClone(a));
  }

  get(id: string): Agent | undefined {
    const a = this.agents.find((x) => x.id === id);
    return a ? structuredClone(a) : undefined;
  }

  /** Adds or replaces agents by id; written before the change is kept, so a failed write changes nothing. */
  put(...agents: Agent[]): void {
    const next = [...this.agents];
    for (const a of agents) {
      const i = next.findIndex((x) => x.id === a.id);
      if (i >= 0) next[i] = a;
      else next.push(a);
    }
    this.write(next);
  }

  remove(id: string): boolean {
    if (!this.agents.some((a) => a.id === id)) return false;
    this.write(this.agents.filter((a) => a.id !== id));
    return true;
  }

  private write(agents: Agent[]): void {
    saveFileAtomic(this.path, `${JSON.stringify({ format: 'switchboard-agents-store', version: 1, agents }, null, 2)}\n`, {
      what: 'Your agents',
      kept: 'the previous list is unchanged',
    });
    this.agents = agents;
  }
}
