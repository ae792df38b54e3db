import { z } from 'zod';
import { normalizePastedKey } from '../providers/key-format.js';
import { Id, KeySource, ProviderId } from './common.js';

/** A pasted key: whitespace and line breaks around it (or wrapping it) are dropped, never refused. */
const Secret = z.string().max(4096).transform(normalizePastedKey);
const BaseUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Provider-specific fields (Azure needs a deployment and an API version). */
export const KeyOptions = z
  .object({
    deployment: z.string().min(1).max(200).optional(),
    apiVersion: z.string().min(1).max(50).optional(),
    organization: z.string().min(1).max(200).optional(),
  })
  .strict();
export type KeyOptions = z.infer<typeof KeyOptions>;

/** `locked`: saved in a vault that is not unlocked yet (passphrase needed). */
export const KeyStatus = z.enum(['ok', 'untested', 'invalid', 'error', 'cooldown', 'needs-reentry', 'locked']);
export type KeyStatus = z.infer<typeof KeyStatus>;

export const KeyTestResult = z.object({
  ok: z.boolean(),
  latencyMs: z.number().nonnegative(),
  code: z.string().optional(),
  hint: z.string().optional(),
  /** One sentence saying what happened ("OpenAI rejected the API key (HTTP 401)."). */
  message: z.string().optional(),
  /** Models the provider reported, when the test listed them. */
  modelCount: z.number().int().nonnegative().optional(),
  /** The request field a failure points at (e.g. "options.deployment"), for the form. */
  field: z.string().optional(),
});
export type KeyTestResult = z.infer<typeof KeyTestResult>;

export const KeyInfo = z.object({
  id: z.string(),
  provider: ProviderId,
  label: z.string(),
  last4: z.string(),
  status: KeyStatus,
  source: KeySource,
  readOnly: z.boolean(),
  baseUrl: z.string().optional(),
  options: KeyOptions.optional(),
  /** Environment variable a key came from (source "environment"). */
  envVar: z.string().optional(),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
  lastTestedAt: z.number().optional(),
  lastUsedAt: z.number().optional(),
  lastTest: KeyTestResult.optional(),
  /** Why the key cannot be used right now (needs re-entry, cooling down). */
  problem: z.string().optional(),
  /** false: the key is kept in memory for this session only (no saved vault is open). */
  persisted: z.boolean().optional(),
});
export type KeyInfo = z.infer<typeof KeyInfo>;

export const KeysAddRequest = z
  .object({
    provider: ProviderId,
    label: z.string().trim().max(120).optional(),
    secret: Secret,
    baseUrl: BaseUrl.optional(),
    options: KeyOptions.optional(),
    /** Save without the live test (offline set-up). The format is still checked. */
    skipTest: z.boolean().optional(),
  })
  .strict();
export const KeysAddResponse = z.object({ id: z.string(), key: KeyInfo, test: KeyTestResult.optional() });

export const KeysListRequest = z.object({ provider: ProviderId.optional() }).strict();
export const KeysListResponse = z.object({ keys: z.array(KeyInfo) });

export const KeysUpdateRequest = z
  .object({
    id: Id,
    secret: Secret.optional(),
    label: z.string().trim().max(120).optional(),
    baseUrl: BaseUrl.nullable().optional(),
    options: KeyOptions.optional(),
    skipTest: z.boolean().optional(),
  })
  .strict();
export const KeysUpdateResponse = z.object({ key: KeyInfo, test: KeyTestResult.optional() });

export const KeysTestRequest = z.object({ id: Id }).strict();
export const KeysTestResponse = KeyTestResult;

/** Test a key before it is saved ("Test connection" in the add dialog). Nothing is stored. */
export const KeysTestDraftRequest = z
  .object({ provider: ProviderId, secret: Secret, baseUrl: BaseUrl.optional(), options: KeyOptions.optional() })
  .strict();

export const KeysDeleteRequest = z.object({ id: Id }).strict();
export const KeysDeleteResponse = z.object({ deleted: z.boolean(), endedSessions: z.number().int().nonnegative() });

export const AuditAction = z.enum(['add', 'update', 'rotate', 'test', 'delete', 'decrypt-failed', 'rate-limited', 'unlock', 'protect', 'reset', 'team-connect', 'team-disconnect']);
export const AuditEntry = z.object({
  id: z.string(),
  time: z.number(),
  action: AuditAction,
  provider: ProviderId.optional(),
  keyId: z.string().optional(),
  result: z.enum(['ok', 'failed', 'refused']),
  /** Who asked: the transport and, when known, the window/origin. */
  actor: z.string(),
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const KeysAuditRequest = z
  .object({ limit: z.number().int().positive().max(10_000).optional(), keyId: Id.optional(), provider: ProviderId.optional() })
  .strict();
export const KeysAuditResponse = z.object({ entries: z.array(AuditEntry) });

export const VaultUnlockRequest = z.object({ passphrase: z.string().min(1).max(1024) }).strict();
export const VaultProtectRequest = z
  .object({
    passphrase: z.string().min(8).max(1024),
    /** Required when the vault is already protected by a passphrase (changing it). */
    currentPassphrase: z.string().min(1).max(1024).optional(),
  })
  .strict();
/**
 * Starts a new vault when the saved one cannot be opened (keychain changed, passphrase forgotten, file
 * damaged). The old file is kept beside it as a backup, never deleted; keys it held stay listed as
 * "needs re-entry". `passphrase` protects the new vault (else the OS keychain, else this session only).
 */
export const VaultResetRequest = z.object({ confirm: z.literal(true), passphrase: z.string().min(8).max(1024).optional() }).strict();
