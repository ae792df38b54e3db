import { z } from 'zod';
import { isValidTimeZone } from '../time-zone.js';
import { PROVIDER_IDS } from './common.js';

const Tokens = z.number().int().positive().max(1e13);
const Usd = z.number().positive().max(1e9);

// `null` clears one entry; an omitted field is left as it was (DESIGN.md section 2).
const providerMap = <T extends z.ZodType>(v: T) => z.partialRecord(z.enum(PROVIDER_IDS), v.nullable());

export const LimitsPatch = z
  .object({
    dailyTokens: z
      .object({ provider: providerMap(Tokens).optional(), key: z.record(z.string().min(1).max(200), Tokens.nullable()).optional() })
      .strict()
      .optional(),
    monthlyUsd: z.object({ total: Usd.nullable().optional(), provider: providerMap(Usd).optional() }).strict().optional(),
    sessionUsd: Usd.nullable().optional(),
    timeZone: z
      .string()
      .max(64)
      .refine(isValidTimeZone, 'not a known IANA time zone')
      .optional(),
  })
  .strict();
export type LimitsPatch = z.infer<typeof LimitsPatch>;

export const Limits = z.object({
  dailyTokens: z.object({ provider: z.record(z.string(), z.number()), key: z.record(z.string(), z.number()) }),
  monthlyUsd: z.object({ total: z.number().nullable(), provider: z.record(z.string(), z.number()) }),
  sessionUsd: z.number().nullable(),
  timeZone: z.string(),
});
export type Limits = z.infer<typeof Limits>;

/** Limits this app enforces itself (Settings → Limits). */
export const LocalLimitScope = z.enum(['dailyTokens.provider', 'dailyTokens.key', 'monthlyUsd.total', 'monthlyUsd.provider', 'sessionUsd']);
export type LocalLimitScope = z.infer<typeof LocalLimitScope>;
/** The member's budgets on the team server (Settings → Team), shown like local limits. */
export const TeamLimitScope = z.enum(['team.dailyTokens', 'team.monthlyUsd']);
export const LimitScope = z.enum([...LocalLimitScope.options, ...TeamLimitScope.options]);
export type LimitScope = z.infer<typeof LimitScope>;

export const LimitState = z.object({
  scope: LimitScope,
  /** Provider id, key id or session id the limit applies to; null for the monthly total. */
  subject: z.string().nullable(),
  unit: z.enum(['tokens', 'usd']),
  limit: z.number(),
  /** Settled use plus what running calls have reserved. */
  used: z.number(),
  reserved: z.number(),
  fraction: z.number(),
  /** When the window resets, ms since the epoch; null for per-session budgets. */
  resetsAt: z.number().nullable(),
  level: z.enum(['ok', 'warning', 'exceeded']),
  /**
   * How far calls in this window went beyond their reservations (a provider reporting more than
   * the prompt's bound), in the limit's unit. When present the limit is closed (level "exceeded")
   * until it resets, whatever `used` says.
   */
  overshoot: z.number().nonnegative().optional(),
});
export type LimitState = z.infer<typeof LimitState>;

export const LimitsGetRequest = z.object({ sessionId: z.string().max(200).optional() }).strict();
export const LimitsGetResponse = z.object({ limits: Limits, states: z.array(LimitState) });
export const LimitsSetRequest = LimitsPatch;
export const LimitsSetResponse = LimitsGetResponse;
