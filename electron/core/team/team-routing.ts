import { AppError, isTeamKeyId } from '../../../shared/contract/index.js';
import type { KeyResolver, ResolvedKey } from '../ports.js';
import type { SystemDefault, SystemDefaultSource } from '../router/system-default.js';

/** What the router needs from the team connection. */
export interface TeamRoutes {
  systemDefault(): Promise<SystemDefault | null>;
  teamKey(id: string): ResolvedKey | null;
  unavailableReason(): string;
}

/**
 * The key resolver the router is given: team key ids (team:default, team:<provider>) resolve to the
 * team server; every other id is the member's own or an environment key. Team keys never join a
 * provider's failover candidates, so a team call never moves to the member's own keys.
 */
export function withTeamKeys(keys: KeyResolver, team: TeamRoutes): KeyResolver {
  return {
    resolve: async (keyId) => {
      if (!isTeamKeyId(keyId)) return keys.resolve(keyId);
      const key = team.teamKey(keyId);
      if (!key) {
        throw new AppError('KEY_NOT_FOUND', `This conversation uses a team model, but it cannot be reached now: ${team.unavailableReason()}`, {
          keyId,
          hint: 'Connect again in Settings → Team, or pick another model for this conversation.',
        });
      }
      return key;
    },
    candidates: (provider) => keys.candidates(provider),
    environmentKey: (provider) => keys.environmentKey(provider),
    noteUsed: (keyId, outcome) => {
      if (!isTeamKeyId(keyId)) keys.noteUsed(keyId, outcome);
    },
    list: () => keys.list(),
  };
}

/** "System default" is the team's managed model while connected (DESIGN.md section 6), else `fallback`'s. */
export function teamFirst(team: Pick<TeamRoutes, 'systemDefault'>, fallback: SystemDefaultSource): SystemDefaultSource {
  return {
    resolve: async () => (await team.systemDefault()) ?? fallback.resolve(),
  };
}
