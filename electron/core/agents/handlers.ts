import type { PartialHandlers } from '../app/handlers.js';
import type { ModelLookupList } from './agent-area.js';
import type { AgentService } from './agent-service.js';
import { describeLevels, type Estimate } from './agent-turn.js';

type AgentMethods = 'agents.list' | 'agents.save' | 'agents.delete' | 'agents.duplicate' | 'agents.export' | 'agents.import' | 'agents.powerLevels';

/** The contract methods of agents. */
export function agentHandlers(agents: AgentService, models: ModelLookupList, estimate: Estimate): PartialHandlers<AgentMethods> {
  return {
    'agents.list': () => agents.list(),
    'agents.save': (req) => agents.save(req),
    'agents.delete': (req) => agents.delete(req.id),
    'agents.duplicate': (req) => agents.duplicate(req.id, req.name),
    'agents.export': (req) => agents.export(req.ids),
    'agents.import': (req) => agents.import(req.document),
    'agents.powerLevels': async (req) =>
      describeLevels({ models: models.list(), families: await agents.families() }, estimate, {
        ...(req.messages ? { messages: req.messages } : {}),
        ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
        ...(req.needsTools !== undefined ? { needsTools: req.needsTools } : {}),
      }),
  };
}
