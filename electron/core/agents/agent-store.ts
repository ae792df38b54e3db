import { join } from 'node:path';
import { z } from 'zod';
import { Agent } from '../../../shared/contract/index.js';
import { FileNotices } from '../app/file-notices.js';
import type { Logger } from '../app/logger.js';
import { readJsonOrSetAside, saveFileAtomic } from '../fs/json-file.js';

const StoreFile = z.object({
  format: z.literal('switchboard-agents-store'),
  version: z.literal(1),
  agents: z.array(Agent),
});

export const AGENTS_FILE = 'agents.json';

/**
 * The user's own agents in `<dataDir>/agents.json`, written atomically with mode 0600. A damaged
 * file is set aside (`agents.json.damaged-<time>`) and reported to the file notices and by `notice`;
 * the app then starts with no user agents rather than failing.
 */
export class AgentStore {
  private readonly path: string;
  private agents: Agent[];
  /** Why the saved agents could not be loaded, shown once in the agents list. */
  readonly notice: string | undefined;

  constructor(dataDir: string, logger: Pick<Logger, 'warn'>, notices: FileNotices = new FileNotices(logger), now: () => number = Date.now) {
    this.path = join(dataDir, AGENTS_FILE);
    const data = readJsonOrSetAside(dataDir, AGENTS_FILE, StoreFile, {
      notices,
      now,
      outcome: 'Your own agents are not listed; the built-in agents are available. Import an export file to get yours back.',
    });
    this.agents = data?.agents.map((a) => ({ ...a, builtin: false })) ?? [];
    const damage = notices.get(AGENTS_FILE);
    this.notice = damage
      ? `Your saved agents could not be read (${damage.problem.replace(/\.$/, '').toLowerCase()}), so the file was ${damage.keptAs ? `set aside as ${damage.keptAs}` : 'left'} in the data folder. The built-in agents are available; import an export file to get yours back.`
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
