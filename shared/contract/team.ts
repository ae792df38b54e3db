import { z } from 'zod';
import { ProviderId } from './common.js';
import { LimitState } from './limits.js';

/*
 * The app side of the team server (DESIGN.md section 8): connect with a member token, see the team's
 * budgets and models, use the team's managed model as "System default", and share own-key usage.
 */

/** Key ids the router resolves to the team server: `team:default` for "System default", `team:<provider>` for an allowed model. */
export const TEAM_KEY_PREFIX = 'team:';
export const TEAM_DEFAULT_KEY_ID = 'team:default';

export function teamKeyId(provider: ProviderId): string {
  return `${TEAM_KEY_PREFIX}${provider}`;
}

export function isTeamKeyId(id: string): boolean {
  return id.startsWith(TEAM_KEY_PREFIX);
}

/**
 * Exactly what the app uploads for each of its own calls (the `usage.records` fields below, nothing
 * else). Prompts, answers, conversation titles and ids, agent names, key ids, labels and secrets are
 * never sent. Settings → Team lists these, and the uploader builds each record from this list alone.
 */
export const TEAM_SHARED_FIELDS = [
  { field: 'id', about: 'a random id of the call, so the server counts it once' },
  { field: 'time', about: 'when the call was made' },
  { field: 'provider', about: 'the provider, e.g. OpenAI' },
  { field: 'model', about: 'the model id' },
  { field: 'source', about: 'your own key or a key from the environment' },
  { field: 'status', about: 'ok, error, cancelled or interrupted' },
  { field: 'errorCode', about: 'the error code of a failed call' },
  { field: 'usage', about: 'input, cache, output and reasoning token counts' },
  { field: 'costUsd', about: 'the cost in USD' },
] as const;

export type TeamSharedField = (typeof TEAM_SHARED_FIELDS)[number]['field'];

/** What is never shared, for the same panel. */
export const TEAM_NEVER_SHARED = 'Prompts, answers, conversation titles, agent names, key names and keys are never shared.';

export const TeamModelRef = z.object({ provider: ProviderId, model: z.string() });
export type TeamModelRef = z.infer<typeof TeamModelRef>;

export const TeamMember = z.object({ id: z.string(), name: z.string(), role: z.string().optional() });
export type TeamMember = z.infer<typeof TeamMember>;

const ProblemShape = z.object({ code: z.string(), message: z.string(), at: z.number() });

/** The team server's URL as typed: http(s), no user name or password in it. */
const TeamUrl = z
  .string()
  .trim()
  .min(1, 'enter the team server URL')
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  }, 'enter the server address, e.g. https://team.example.com (http or https, without a user name or password)');

export const TeamConnectRequest = z
  .object({
    url: TeamUrl,
    /** The member token the team owner gave you. Kept in the vault; never returned. */
    token: z.string().trim().min(8, 'paste the member token (it is longer)').max(1024).regex(/^\S+$/, 'the token has no spaces'),
  })
  .strict();
export const TeamConnectResponse = z.object({ connected: z.literal(true), member: TeamMember });

export const TeamSyncState = z.object({
  /** The member lets the app upload its own calls (Settings → Team). */
  sharing: z.boolean(),
  lastSyncAt: z.number().nullable(),
  /** Own calls made while connected and sharing that the server has not acknowledged yet. */
  pending: z.number().int().nonnegative(),
  /** Calls the server has acknowledged since this connection began. */
  uploaded: z.number().int().nonnegative(),
  /** When the next background attempt is due (after a failure, with backoff). */
  nextAttemptAt: z.number().nullable(),
  lastError: ProblemShape.nullable(),
});
export type TeamSyncState = z.infer<typeof TeamSyncState>;

export const TeamStatus = z.object({
  connected: z.boolean(),
  url: z.string().nullable(),
  /** The team's name, when the server says. */
  teamName: z.string().nullable(),
  member: TeamMember.nullable(),
  /** Last four characters of the member token; the token itself never leaves the core. */
  tokenLast4: z.string().nullable(),
  /** false when the token cannot be used now (kept for a session that ended, vault locked): reconnect. */
  tokenAvailable: z.boolean(),
  /** Plain http to another machine: the token and usage travel unencrypted. */
  insecure: z.boolean(),
  /** The last time /api/me answered. */
  checkedAt: z.number().nullable(),
  /** Whether the last request to the server got an answer. */
  reachable: z.boolean(),
  /** What /api/me last said: the member's budgets (null: none) and what is used of them. */
  limits: z.object({ dailyTokens: z.number().nullable(), monthlyUsd: z.number().nullable() }).nullable(),
  used: z.object({ dailyTokens: z.number(), monthlyUsd: z.number() }).nullable(),
  /** The same as limit states (scopes team.*), shown like local limits. */
  budgets: z.array(LimitState),
  defaultModel: TeamModelRef.nullable(),
  allowedModels: z.array(TeamModelRef),
  lastError: ProblemShape.nullable(),
  sync: TeamSyncState,
});
export type TeamStatus = z.infer<typeof TeamStatus>;

export const TeamStatusRequest = z.object({ refresh: z.boolean().optional() }).strict();
export const TeamDisconnectRequest = z.object({}).strict();
export const TeamDisconnectResponse = z.object({ connected: z.literal(false) });
export const TeamSyncRequest = z.object({}).strict();
export const TeamSyncResponse = z.object({
  uploaded: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  sharing: z.boolean(),
  /** What happened, in words ("Sharing is off: nothing was uploaded."). */
  message: z.string(),
});
export const TeamSetSharingRequest = z.object({ sharing: z.boolean() }).strict();
