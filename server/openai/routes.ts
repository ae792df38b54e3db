import type { Route } from '../http/routes.js';
import type { Services } from '../services.js';
import { modelKey } from '../team/team-settings.js';
import { chatCompletions, type ChatEndpointDeps } from './chat-endpoint.js';

/** The OpenAI-compatible endpoint (member token). */
export function openAiRoutes(s: Services, chat: ChatEndpointDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/models',
      access: 'member',
      handle: async () => {
        const team = await s.settings.get();
        const usable = await s.settings.usable();
        const created = 0;
        const describe = (ref: (typeof usable)[number], isDefault: boolean) => {
          const info = s.catalog.find(ref.provider, ref.model);
          return {
            provider: ref.provider,
            model: ref.model,
            name: info?.name ?? ref.model,
            default: isDefault,
            contextWindow: info?.contextWindow ?? null,
            maxOutputTokens: info?.maxOutputTokens ?? null,
            pricing: info?.pricing ?? null,
          };
        };
        const data: Array<{ id: string; object: 'model'; created: number; owned_by: string; switchboard: ReturnType<typeof describe> }> = usable.map((ref) => ({ id: modelKey(ref), object: 'model', created, owned_by: ref.provider as string, switchboard: describe(ref, team.default !== null && modelKey(team.default) === modelKey(ref)) }));
        if (team.default) data.unshift({ id: 'default', object: 'model', created, owned_by: 'team', switchboard: describe(team.default, true) });
        return { object: 'list', data };
      },
    },
    { method: 'POST', path: '/v1/chat/completions', access: 'member', handle: (ctx) => chatCompletions(chat, ctx) },
  ];
}
