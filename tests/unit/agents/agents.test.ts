import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentService } from '../../../electron/core/agents/agent-service.js';
import { AgentStore } from '../../../electron/core/agents/agent-store.js';
import { planAgentTurn } from '../../../electron/core/agents/agent-turn.js';
import { isCapable, levelsForFamily, pickLevels } from '../../../electron/core/agents/power-levels.js';
import { silentLogger } from '../../../electron/core/app/logger.js';
import { CATALOG } from '../../../shared/catalog/index.js';
import { AppError, type KeyInfo } from '../../../shared/contract/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function service(keys: Array<Pick<KeyInfo, 'id' | 'provider' | 'status'>> = [{ id: 'k1', provider: 'openai', status: 'ok' }]) {
  const t = tempDir('sb-agents-');
  cleanups.push(t.cleanup);
  let changes = 0;
  const svc = new AgentService({
    store: new AgentStore(t.path, silentLogger),
    keys: { list: async () => keys as KeyInfo[], resolve: async () => ({}) as never },
    isKnownTool: (id) => ['builtin:calculator', 'builtin:current_time', 'builtin:read_url'].includes(id),
    changed: () => changes++,
    now: () => 1_000,
  });
  return { svc, dir: t.path, changes: () => changes };
}

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('agents', () => {
  it('ship with built-ins, which can be duplicated but not changed or deleted', () => {
    const { svc } = service();
    const builtins = svc.list().agents.filter((a) => a.builtin);
    expect(builtins.map((a) => a.name)).toEqual(['Assistant', 'Quick answers', 'Careful reviewer', 'Web reader']);
    expect(appError(() => svc.save({ id: 'builtin-assistant', name: 'x', powerLevel: 'eco' })).details?.field).toBe('id');
    expect(appError(() => svc.delete('builtin-assistant')).code).toBe('VALIDATION');
    const { id } = svc.duplicate('builtin-assistant');
    expect(svc.get(id)).toMatchObject({ name: 'Assistant (copy)', builtin: false, powerLevel: 'balanced', tools: ['builtin:current_time', 'builtin:calculator'] });
  });

  it('are saved atomically with mode 0600 and read back after a restart', () => {
    const { svc, dir, changes } = service();
    const { id } = svc.save({ name: 'Reviewer', instructions: 'Be strict.', target: { provider: 'anthropic', model: 'claude-haiku-4-5' }, params: { temperature: 0.3 }, tools: ['builtin:calculator'] });
    svc.save({ id, name: 'Reviewer 2', powerLevel: 'precision' });
    expect(changes()).toBe(2);
    const file = join(dir, 'agents.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = new AgentService({ store: new AgentStore(dir, silentLogger), keys: { list: async () => [], resolve: async () => ({}) as never }, isKnownTool: () => true, changed: () => undefined });
    expect(again.get(id)).toMatchObject({ name: 'Reviewer 2', powerLevel: 'precision', instructions: '', tools: [] });
  });

  it('refuse an unknown tool, naming the field', () => {
    const { svc } = service();
    const err = appError(() => svc.save({ name: 'x', powerLevel: 'eco', tools: ['builtin:calculator', 'builtin:shell'] }));
    expect(err).toMatchObject({ code: 'VALIDATION', details: { field: 'tools[1]' } });
    expect(err.message).toContain('builtin:shell');
  });

  it('a damaged agents file is set aside and reported, never a crash', () => {
    const t = tempDir('sb-agents-');
    cleanups.push(t.cleanup);
    writeFileSync(join(t.path, 'agents.json'), '{"format": "switchboard-agents-store", "agents": [tru');
    const store = new AgentStore(t.path, silentLogger);
    expect(store.notice).toMatch(/could not be read.*set aside/);
    expect(store.list()).toEqual([]);
    expect(readdirSync(t.path).some((f) => f.startsWith('agents.json.unreadable-'))).toBe(true);
  });

  it('export names models portably and import brings them back as new agents; names in use get a number', async () => {
    const { svc } = service([{ id: 'k1', provider: 'openai', status: 'ok' }]);
    svc.save({ name: 'Coder', target: { keyId: 'k1', model: 'gpt-4.1' }, fallbacks: [{ provider: 'gemini', model: 'gemini-2.5-pro' }], tools: ['builtin:calculator'] });
    const { document } = await svc.export();
    expect(document).toMatchObject({ format: 'switchboard-agents', version: 1, agents: [{ name: 'Coder', target: { provider: 'openai', model: 'gpt-4.1' }, tools: ['builtin:calculator'] }] });
    expect(JSON.stringify(document)).not.toContain('k1');
    const { names } = svc.import(JSON.parse(JSON.stringify(document)));
    expect(names).toEqual(['Coder 2']);
    // One agent on its own is accepted too.
    expect(svc.import({ name: 'Solo', powerLevel: 'eco' }).names).toEqual(['Solo']);
  });

  it('import errors name the field in the file', () => {
    const { svc } = service();
    const cases: Array<[unknown, string]> = [
      [{ format: 'switchboard-agents', version: 1, agents: [{ name: 'a', powerLevel: 'turbo' }] }, 'document.agents[0].powerLevel'],
      [{ format: 'switchboard-agents', version: 1, agents: [{ name: 'a' }] }, 'document.agents[0].target'],
      [{ format: 'switchboard-agents', version: 1, agents: [{ name: 'a', powerLevel: 'eco', params: { temperature: 5 } }] }, 'document.agents[0].params.temperature'],
      [{ format: 'switchboard-agents', version: 1, agents: [{ name: 'a', powerLevel: 'eco', target: { keyId: 'k', model: 'm' } }] }, 'document.agents[0].target'],
      [{ format: 'other', version: 1, agents: [] }, 'document.format'],
      [[1, 2], 'document'],
      [{ format: 'switchboard-agents', version: 1, agents: [{ name: 'a', powerLevel: 'eco', tools: ['builtin:shell'] }] }, 'document.agents[0].tools[0]'],
    ];
    for (const [doc, field] of cases) {
      const err = appError(() => svc.import(doc));
      expect(err.code, field).toBe('VALIDATION');
      expect(err.details?.field, JSON.stringify(doc)).toBe(field);
      expect(err.message.startsWith(`${field}:`)).toBe(true);
    }
    expect(svc.list().agents.filter((a) => !a.builtin)).toEqual([]);
  });

  it('families are the providers with a usable key, in registry order', async () => {
    const { svc } = service([
      { id: 'a', provider: 'gemini', status: 'ok' },
      { id: 'b', provider: 'openai', status: 'untested' },
      { id: 'c', provider: 'anthropic', status: 'invalid' },
    ]);
    expect(await svc.families()).toEqual(['openai', 'gemini']);
  });
});

describe('power levels', () => {
  it('pick the cheapest capable, a middle and the strongest recommended model per family, from catalog prices', () => {
    const openai = levelsForFamily(CATALOG, 'openai', false);
    expect([openai.eco?.id, openai.balanced?.id, openai.precision?.id]).toEqual(['gpt-5-nano', 'gpt-5.4-mini', 'gpt-5.5']);
    const anthropic = levelsForFamily(CATALOG, 'anthropic', true);
    expect([anthropic.eco?.id, anthropic.balanced?.id, anthropic.precision?.id]).toEqual(['claude-haiku-4-5', 'claude-sonnet-5', 'claude-opus-4-8']);
    for (const level of ['eco', 'balanced', 'precision'] as const) expect(anthropic[level]?.capabilities).toContain('tools');
    // The catalog also lists retired models (cheaper Claude 3 Haiku among them): a level never picks one.
    expect(CATALOG.some((m) => m.provider === 'anthropic' && m.status === 'deprecated' && isCapable(m, true) === false && (m.pricing?.input ?? 99) < 1)).toBe(true);
    expect(levelsForFamily(CATALOG, 'openai-compatible', false)).toEqual({ eco: null, balanced: null, precision: null });
  });

  it('the first family answers and the others are its fallbacks at the same level', () => {
    const picks = pickLevels(CATALOG, ['anthropic', 'gemini'], false);
    const eco = picks.find((p) => p.level === 'eco')!;
    expect(eco.primary?.provider).toBe('anthropic');
    expect(eco.alternatives.map((m) => m.provider)).toEqual(['gemini']);
  });

  it('an explicit model wins over a level; instructions open the conversation; the request’s params win', () => {
    const agent = { id: 'a1', name: 'Helper', instructions: 'Be kind.', powerLevel: 'eco' as const, fallbacks: [], params: { temperature: 0.2, maxTokens: 500 }, tools: ['builtin:calculator'], builtin: false, createdAt: 0, updatedAt: 0 };
    const levels = { models: CATALOG, families: ['openai' as const] };
    const byLevel = planAgentTurn({ sessionId: 's', agentId: 'a1', messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 100 } }, agent, levels);
    expect(byLevel.request).toMatchObject({ target: { provider: 'openai', model: 'gpt-5-nano' }, params: { temperature: 0.2, maxTokens: 100 }, agent: 'Helper' });
    expect(byLevel.request.messages[0]).toEqual({ role: 'system', content: 'Be kind.' });
    expect(byLevel.powerLevel).toBe('eco');
    const explicit = planAgentTurn({ sessionId: 's', agentId: 'a1', target: { provider: 'gemini', model: 'gemini-2.5-pro' }, messages: [{ role: 'user', content: 'hi' }] }, agent, levels);
    expect(explicit.request.target).toEqual({ provider: 'gemini', model: 'gemini-2.5-pro' });
    expect(explicit.powerLevel).toBeNull();
    const noKeys = (() => {
      try {
        planAgentTurn({ sessionId: 's', agentId: 'a1', messages: [{ role: 'user', content: 'hi' }] }, agent, { models: CATALOG, families: [] });
      } catch (err) {
        return err as AppError;
      }
      return null;
    })();
    expect(noKeys).toMatchObject({ code: 'KEY_NOT_FOUND' });
  });
});
