import { randomUUID } from 'node:crypto';
import {
  AGENTS_FORMAT,
  AgentsDocument,
  AppError,
  describeIssues,
  PROVIDER_IDS,
  type Agent,
  type AgentsSaveRequest,
  type ChatTarget,
  type KeyInfo,
  type PortableAgent,
  type ProviderId,
} from '../../../shared/contract/index.js';
import type { KeyResolver } from '../ports.js';
import type { AgentStore } from './agent-store.js';
import { BUILTIN_AGENTS, isBuiltinAgentId } from './builtin-agents.js';

export interface AgentServiceDeps {
  store: AgentStore;
  keys: Pick<KeyResolver, 'list' | 'resolve'>;
  /** Whether a tool id names a built-in or a tool of an added MCP server. */
  isKnownTool: (id: string) => boolean;
  changed: () => void;
  now?: () => number;
}

/** Key statuses that can still answer a call: a family with only these keys is one the user "has keys for". */
const UNUSABLE = new Set<KeyInfo['status']>(['invalid', 'needs-reentry', 'locked']);

/** Agents: the built-ins and the user's own, saved, duplicated, exported and imported. */
export class AgentService {
  private readonly now: () => number;

  constructor(private readonly deps: AgentServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): { agents: Agent[]; notice?: string } {
    const mine = this.deps.store.list().sort((a, b) => a.name.localeCompare(b.name));
    return { agents: [...BUILTIN_AGENTS.map((a) => structuredClone(a)), ...mine], ...(this.deps.store.notice ? { notice: this.deps.store.notice } : {}) };
  }

  get(id: string): Agent {
    const agent = BUILTIN_AGENTS.find((a) => a.id === id) ?? this.deps.store.get(id);
    if (!agent) {
      throw new AppError('NOT_FOUND', 'This agent no longer exists (it was deleted).', { field: 'agentId', hint: 'Choose another model for this conversation, or start a new one with another agent.' });
    }
    return structuredClone(agent);
  }

  save(req: AgentsSaveRequest): { id: string } {
    if (req.id !== undefined && isBuiltinAgentId(req.id)) {
      throw new AppError('VALIDATION', 'id: built-in agents cannot be changed; duplicate it and edit the copy.', { field: 'id' });
    }
    this.checkTools(req.tools ?? [], 'tools');
    const existing = req.id !== undefined ? this.deps.store.get(req.id) : undefined;
    if (req.id !== undefined && !existing) throw new AppError('NOT_FOUND', 'id: no agent with that id; leave id out to create one.', { field: 'id' });
    const now = this.now();
    const agent = toAgent(req, existing?.id ?? randomUUID(), existing?.createdAt ?? now, now);
    this.deps.store.put(agent);
    this.deps.changed();
    return { id: agent.id };
  }

  delete(id: string): { deleted: boolean } {
    if (isBuiltinAgentId(id)) throw new AppError('VALIDATION', 'id: built-in agents cannot be deleted.', { field: 'id' });
    const deleted = this.deps.store.remove(id);
    if (deleted) this.deps.changed();
    return { deleted };
  }

  duplicate(id: string, name?: string): { id: string } {
    const source = this.get(id);
    const now = this.now();
    const copy: Agent = { ...source, id: randomUUID(), name: name ?? this.freeName(`${source.name} (copy)`), builtin: false, createdAt: now, updatedAt: now };
    this.deps.store.put(copy);
    this.deps.changed();
    return { id: copy.id };
  }

  /** An export file: every agent asked for (all of the user's own by default), with models named portably. */
  async export(ids?: string[]): Promise<{ document: AgentsDocument }> {
    const chosen = ids ? ids.map((id) => this.get(id)) : this.deps.store.list();
    if (chosen.length === 0) throw new AppError('VALIDATION', 'ids: there are no agents of your own to export yet.', { field: 'ids' });
    const agents = await Promise.all(chosen.map((a) => this.portable(a)));
    return { document: { format: AGENTS_FORMAT, version: 1, exportedAt: new Date(this.now()).toISOString(), agents } };
  }

  /** Imports an export file (or one agent) as new agents; a name already in use gets a number. */
  import(document: unknown): { ids: string[]; names: string[] } {
    const doc = parseDocument(document);
    doc.agents.forEach((a, i) => this.checkTools(a.tools ?? [], `document.agents[${i}].tools`, true));
    const now = this.now();
    const taken = new Set(this.list().agents.map((a) => a.name));
    const created = doc.agents.map((a) => {
      const name = freeName(a.name, taken);
      taken.add(name);
      return toAgent({ ...a, name }, randomUUID(), now, now);
    });
    this.deps.store.put(...created);
    this.deps.changed();
    return { ids: created.map((a) => a.id), names: created.map((a) => a.name) };
  }

  /** Provider families the user has a usable key for (their own or the environment's), in registry order. */
  async families(): Promise<ProviderId[]> {
    const keys = await this.deps.keys.list();
    const have = new Set(keys.filter((k) => !UNUSABLE.has(k.status)).map((k) => k.provider));
    return PROVIDER_IDS.filter((p) => have.has(p));
  }

  private freeName(base: string): string {
    return freeName(base, new Set(this.list().agents.map((a) => a.name)));
  }

  /** Unknown tool ids are refused on save (a typo would silently disable a tool); an import keeps MCP tools of servers not added yet. */
  private checkTools(tools: string[], field: string, allowMissingMcp = false): void {
    tools.forEach((t, i) => {
      if (this.deps.isKnownTool(t) || (allowMissingMcp && t.startsWith('mcp:'))) return;
      throw new AppError('VALIDATION', `${field}[${i}]: no tool "${t}" exists; pick one from the tools list (Settings → Tools).`, { field: `${field}[${i}]` });
    });
  }

  private async portable(a: Agent): Promise<PortableAgent> {
    const out: PortableAgent = { name: a.name };
    if (a.description) out.description = a.description;
    if (a.instructions) out.instructions = a.instructions;
    if (a.target) out.target = await this.portableTarget(a.target);
    if (a.fallbacks.length > 0) out.fallbacks = await Promise.all(a.fallbacks.map((t) => this.portableTarget(t)));
    if (a.powerLevel) out.powerLevel = a.powerLevel;
    if (Object.keys(a.params).length > 0) out.params = a.params;
    if (a.tools.length > 0) out.tools = a.tools;
    return out;
  }

  /** A key id means nothing on another machine: the model is exported with its key's provider. */
  private async portableTarget(t: ChatTarget): Promise<{ provider: ProviderId; model: string } | { system: true }> {
    if ('system' in t) return { system: true };
    if ('provider' in t) return { provider: t.provider, model: t.model };
    const key = (await this.deps.keys.list()).find((k) => k.id === t.keyId);
    if (!key) throw new AppError('VALIDATION', `An agent uses a key that no longer exists (model ${t.model}); pick another model for it before exporting.`, { field: 'ids' });
    return { provider: key.provider, model: t.model };
  }
}

function toAgent(req: Omit<AgentsSaveRequest, 'id'>, id: string, createdAt: number, updatedAt: number): Agent {
  return {
    id,
    name: req.name.trim(),
    ...(req.description ? { description: req.description } : {}),
    instructions: req.instructions ?? '',
    ...(req.target ? { target: req.target } : {}),
    fallbacks: req.fallbacks ?? [],
    ...(req.powerLevel ? { powerLevel: req.powerLevel } : {}),
    params: req.params ?? {},
    tools: [...new Set(req.tools ?? [])],
    builtin: false,
    createdAt,
    updatedAt,
  };
}

function freeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
}

/** An export file, or a single agent as exported; errors name the field from `document` down. */
function parseDocument(input: unknown): AgentsDocument {
  const wrapped = typeof input === 'object' && input !== null && !Array.isArray(input) && !('format' in input) && 'name' in input ? { format: AGENTS_FORMAT, version: 1, agents: [input] } : input;
  const parsed = AgentsDocument.safeParse(wrapped);
  if (parsed.success) return parsed.data;
  const d = describeIssues(parsed.error);
  const field = d.field === '(request)' ? 'document' : `document.${d.field}`;
  const hint = typeof input !== 'object' || input === null || !('format' in input) ? ' (expected a Switchboard agents export: {"format": "switchboard-agents", "version": 1, "agents": [...]})' : '';
  throw new AppError('VALIDATION', `${field}: ${d.issues[0]?.message ?? 'invalid'}${hint}`, { field, issues: d.issues.map((i) => ({ ...i, field: `document.${i.field}` })) });
}
