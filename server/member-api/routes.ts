import { parseWith, readJson } from '../http/body.js';
import type { Route } from '../http/routes.js';
import type { Services } from '../services.js';
import { SyncRequest, storeSynced } from '../usage/sync.js';

/** A batch of 1000 records in the app's shape is about 600 KB. */
const SYNC_BODY = 2 * 1024 * 1024;

/** What any member token may call besides the OpenAI-compatible endpoint. */
export function memberRoutes(s: Services): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/me',
      access: 'member',
      handle: async ({ member }) => {
        await s.settled();
        const [view, team, windows] = await Promise.all([s.members.view(member.id), s.settings.get(), s.windows()]);
        return {
          id: member.id,
          name: member.name,
          role: member.role,
          limits: view?.limits ?? { dailyTokens: null, monthlyUsd: null },
          used: view?.used ?? { dailyTokens: 0, monthlyUsd: 0 },
          resets: windows,
          team: {
            name: team.name,
            timeZone: team.timeZone,
            monthlyUsd: team.monthlyUsdNano === null ? null : team.monthlyUsdNano / 1e9,
            default: team.default,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/sync/usage',
      access: 'member',
      handle: async ({ req, member }) => {
        const body = parseWith(SyncRequest, await readJson(req, SYNC_BODY));
        return storeSynced(s.db, member.id, body);
      },
    },
  ];
}
