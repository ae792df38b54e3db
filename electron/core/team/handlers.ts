import type { PartialHandlers } from '../app/handlers.js';
import type { TeamService } from './team-service.js';

export type TeamMethod = 'team.connect' | 'team.status' | 'team.disconnect' | 'team.sync' | 'team.setSharing';

export function teamHandlers(team: TeamService): PartialHandlers<TeamMethod> {
  return {
    'team.connect': (req, ctx) => team.connect(req, ctx),
    'team.status': (req) => team.status(req),
    'team.disconnect': (_req, ctx) => team.disconnect(ctx),
    'team.sync': () => team.syncNow(),
    'team.setSharing': (req) => team.setSharing(req.sharing),
  };
}
