import { randomBytes } from 'node:crypto';
import {
  AppError,
  type AuditEntry,
  type KeyInfo,
  type KeyOptions,
  type KeyStatus,
  type KeyTestResult,
  type ParsedRequest,
  type ProviderId,
} from '../../../shared/contract/index.js';
import { checkKeyFormat } from '../../../shared/providers/key-format.js';
import { PROVIDERS, last4 } from '../../../shared/providers/registry.js';
import type { CallContext } from '../app/context.js';
import type { EventBus } from '../app/event-bus.js';
import type { Logger } from '../app/logger.js';
import type { KeyResolver, ResolvedKey, SessionEnder } from '../ports.js';
import type { Vault, VaultRecord } from '../vault/vault.js';
import type { AuditInput, AuditLog } from './audit-log.js';
import { envKeyId, isEnvKeyId, readEnvironmentKeys, type EnvironmentKey } from './environment-keys.js';
import { checkKeyFields, cleanLabel } from './key-fields.js';
import type { KeyTester } from './key-tester.js';
import type { CredentialRateLimiter } from './rate-limiter.js';

export interface KeyServiceDeps {
  vault: Vault;
  audit: AuditLog;
  limiter: CredentialRateLimiter;
  tester: KeyTester;
  /** Read on every change, so a settings change applies at once. */
  changesPerHour: () => number;
  env: Record<string, string | undefined>;
  logger: Logger;
  bus: EventBus;
  now: () => number;
  /** The router's session registry, plugged in late; null until then (deletes end 0 sessions). */
  sessions: () => SessionEnder | null;
}

/** Test outcomes that show the provider recognised the key: it is saved, with the problem shown. */
const SAVE_DESPITE: ReadonlySet<string> = new Set(['QUOTA_EXHAUSTED', 'PERMISSION_DENIED', 'REGION_NOT_SUPPORTED', 'RATE_LIMITED']);
const UNLOCK_ATTEMPTS_PER_HOUR = 10;

interface EnvState {
  status: KeyStatus;
  problem?: string;
  lastTest?: KeyTestResult;
  lastTestedAt?: number;
  lastUsedAt?: number;
}

/**
 * Bring-your-own keys: add (format check, live test, save), list (never the secret), update / rotate
 * (the new secret is tested before it replaces the old), test, delete (never rate limited; ends the
 * sessions using the key), audit. Environment keys are listed read-only and never stored. Implements
 * KeyResolver for the router.
 */
export class KeyService implements KeyResolver {
  private readonly envKeys: Map<ProviderId, EnvironmentKey>;
  private readonly envState = new Map<ProviderId, EnvState>();

  constructor(private readonly deps: KeyServiceDeps) {
    this.envKeys = readEnvironmentKeys(deps.env);
    for (const [provider, ek] of this.envKeys) {
      if (ek.key.secret) deps.logger.redact(ek.key.secret);
      this.envState.set(provider, ek.formatProblem ? { status: 'invalid', problem: `${ek.envVar}: ${ek.formatProblem}` } : { status: 'untested' });
    }
  }

  // --- contract methods ------------------------------------------------------------------------

  async add(req: ParsedRequest<'keys.add'>, ctx: CallContext): Promise<{ id: string; key: KeyInfo; test?: KeyTestResult }> {
    const { provider } = req;
    const spec = PROVIDERS[provider];
    if (req.secret) this.deps.logger.redact(req.secret);
    const label = cleanLabel(req.label, this.defaultLabel(provider));
    const baseUrl = req.baseUrl ?? null;
    const options: KeyOptions = req.options ?? {};
    checkKeyFields(provider, baseUrl, options, req.secret !== '');
    const formatProblem = checkKeyFormat(provider, req.secret);
    if (formatProblem) {
      this.audit({ action: 'add', provider, result: 'refused', actor: ctx.actor, detail: 'key format' });
      throw new AppError('KEY_INVALID', `Not saved: ${formatProblem}`, { field: 'secret', reason: 'format' });
    }
    this.admitChange(provider, 'add', ctx);
    this.refuseDuplicate(provider, req.secret, null, 'add', ctx);

    let test: KeyTestResult | undefined;
    if (!req.skipTest) {
      test = await this.deps.tester.test({ provider, secret: req.secret, baseUrl, options });
      if (!test.ok && !SAVE_DESPITE.has(test.code ?? '')) {
        this.audit({ action: 'add', provider, result: 'failed', actor: ctx.actor, detail: `test failed: ${test.code ?? 'error'}` });
        throw refusal(test, spec.name);
      }
    }
    const now = this.deps.now();
    const id = `key_${randomBytes(12).toString('base64url')}`;
    let rec: VaultRecord;
    try {
      rec = this.deps.vault.add(
        {
          id,
          provider,
          label,
          baseUrl,
          options,
          createdAt: now,
          updatedAt: now,
          ...testFields(test, now),
        },
        req.secret,
      );
    } catch (err) {
      this.audit({ action: 'add', provider, result: 'failed', actor: ctx.actor, detail: 'could not save' });
      throw saveFailure(err, 'The key was not saved');
    }
    this.audit({ action: 'add', provider, keyId: id, result: 'ok', actor: ctx.actor, ...(rec.layer === 'session' ? { detail: 'kept for this session only' } : {}) });
    this.deps.bus.emit('keys.changed', { provider, keyId: id });
    return { id, key: this.infoOf(rec), ...(test ? { test } : {}) };
  }

  async listKeys(req: ParsedRequest<'keys.list'>): Promise<{ keys: KeyInfo[] }> {
    const keys = await this.list();
    return { keys: req.provider ? keys.filter((k) => k.provider === req.provider) : keys };
  }

  async update(req: ParsedRequest<'keys.update'>, ctx: CallContext): Promise<{ key: KeyInfo; test?: KeyTestResult }> {
    this.refuseEnvironment(req.id, 'changed');
    const rec = this.storedRecord(req.id);
    const { provider } = rec.meta;
    const spec = PROVIDERS[provider];
    if (req.secret) this.deps.logger.redact(req.secret);

    const label = req.label !== undefined ? cleanLabel(req.label, rec.meta.label) : rec.meta.label;
    const baseUrl = req.baseUrl === undefined ? rec.meta.baseUrl : req.baseUrl;
    const options: KeyOptions = req.options ?? rec.meta.options;
    const secretChanged = req.secret !== undefined;
    const destinationChanged = !sameDestination(baseUrl ?? spec.defaultBaseUrl, rec.meta.baseUrl ?? spec.defaultBaseUrl);
    const connectionChanged = baseUrl !== rec.meta.baseUrl || JSON.stringify(options) !== JSON.stringify(rec.meta.options);
    if (!secretChanged && !connectionChanged && label === rec.meta.label) return { key: this.infoOf(rec) };
    if (destinationChanged && !secretChanged && storesSecret(rec)) {
      this.audit({ action: 'update', provider, keyId: req.id, result: 'refused', actor: ctx.actor, detail: `new address ${originOf(baseUrl, provider)} without the key` });
      throw new AppError(
        'VALIDATION',
        `secret: enter this key again to send it to ${originOf(baseUrl, provider)}. A saved key only goes to the address it was saved with; ` +
          'moving it to another address needs the key itself, so nothing that can reach Switchboard can send your key elsewhere.',
        { field: 'secret', reason: 'new-destination' },
      );
    }

    if (rec.layer === 'disk' && this.deps.vault.isLocked()) {
      throw new AppError('VAULT_LOCKED', `${rec.blocked?.problem ?? 'The saved vault is not open.'} ${this.deps.vault.status().warning ?? ''}`.trim(), { keyId: req.id });
    }
    const action = secretChanged ? 'rotate' : 'update';
    // GCM ciphertext is as long as the plaintext: an empty one means a keyless (local server) entry.
    const hasSecret = secretChanged ? req.secret !== '' : (rec.meta.sealed?.ct ?? '') !== '' || spec.keyRequired;
    checkKeyFields(provider, baseUrl, options, hasSecret);
    if (secretChanged) {
      const formatProblem = checkKeyFormat(provider, req.secret ?? '');
      if (formatProblem) {
        this.audit({ action, provider, keyId: req.id, result: 'refused', actor: ctx.actor, detail: 'key format' });
        throw new AppError('KEY_INVALID', `Not changed: ${formatProblem}`, { field: 'secret', reason: 'format' });
      }
    }
    this.admitChange(provider, action, ctx, req.id);
    if (secretChanged) this.refuseDuplicate(provider, req.secret ?? '', req.id, action, ctx);

    let test: KeyTestResult | undefined;
    if (!req.skipTest && (secretChanged || connectionChanged)) {
      const secret = req.secret ?? this.deps.vault.reveal(req.id);
      test = await this.deps.tester.test({ provider, secret, baseUrl, options });
      if (!test.ok && !SAVE_DESPITE.has(test.code ?? '')) {
        this.audit({ action, provider, keyId: req.id, result: 'failed', actor: ctx.actor, detail: `test failed: ${test.code ?? 'error'}; old ${secretChanged ? 'secret' : 'settings'} kept` });
        throw refusal(test, spec.name, secretChanged ? 'The old key stays in place.' : 'The old settings stay in place.');
      }
    }
    const now = this.deps.now();
    const tested = test ? testFields(test, now) : secretChanged || connectionChanged ? { status: 'untested' as const, problem: undefined } : {};
    let next: VaultRecord;
    try {
      next = this.deps.vault.update(req.id, { label, baseUrl, options, updatedAt: now, ...tested }, req.secret);
    } catch (err) {
      this.audit({ action, provider, keyId: req.id, result: 'failed', actor: ctx.actor, detail: 'could not save' });
      throw saveFailure(err, 'Nothing was changed');
    }
    this.audit({ action, provider, keyId: req.id, result: 'ok', actor: ctx.actor, ...(destinationChanged ? { detail: `now sent to ${originOf(baseUrl, provider)}` } : {}) });
    this.deps.bus.emit('keys.changed', { provider, keyId: req.id });
    return { key: this.infoOf(next), ...(test ? { test } : {}) };
  }

  async test(req: ParsedRequest<'keys.test'>, ctx: CallContext): Promise<KeyTestResult> {
    const env = this.envById(req.id);
    if (env) {
      const result = await this.deps.tester.test(env.key);
      this.envState.set(env.key.provider, { ...this.envStateOf(env.key.provider), ...testFields(result, this.deps.now()) });
      this.audit({ action: 'test', provider: env.key.provider, keyId: req.id, result: result.ok ? 'ok' : 'failed', actor: ctx.actor, ...(result.code ? { detail: result.code } : {}) });
      return result;
    }
    const rec = this.storedRecord(req.id);
    let secret: string;
    try {
      secret = this.deps.vault.reveal(req.id);
    } catch (err) {
      this.audit({ action: 'test', provider: rec.meta.provider, keyId: req.id, result: 'failed', actor: ctx.actor, detail: err instanceof AppError ? err.code : 'error' });
      throw err;
    }
    const result = await this.deps.tester.test({ provider: rec.meta.provider, secret, baseUrl: rec.meta.baseUrl, options: rec.meta.options });
    this.deps.vault.touch(req.id, testFields(result, this.deps.now()), true);
    this.audit({ action: 'test', provider: rec.meta.provider, keyId: req.id, result: result.ok ? 'ok' : 'failed', actor: ctx.actor, ...(result.code ? { detail: result.code } : {}) });
    this.deps.bus.emit('keys.changed', { provider: rec.meta.provider, keyId: req.id });
    return result;
  }

  async testDraft(req: ParsedRequest<'keys.testDraft'>, ctx: CallContext): Promise<KeyTestResult> {
    if (req.secret) this.deps.logger.redact(req.secret);
    const baseUrl = req.baseUrl ?? null;
    const options = req.options ?? {};
    checkKeyFields(req.provider, baseUrl, options, req.secret !== '');
    const formatProblem = checkKeyFormat(req.provider, req.secret);
    let result: KeyTestResult;
    if (formatProblem) {
      result = { ok: false, latencyMs: 0, code: 'KEY_INVALID', hint: formatProblem, message: 'The key is not in the right format.' };
    } else {
      result = await this.deps.tester.test({ provider: req.provider, secret: req.secret, baseUrl, options });
    }
    this.audit({ action: 'test', provider: req.provider, result: result.ok ? 'ok' : 'failed', actor: ctx.actor, detail: `unsaved key${result.code ? `: ${result.code}` : ''}` });
    return result;
  }

  /** Never rate limited, works whatever state the vault is in: revoking a leaked key must always work. */
  async delete(req: ParsedRequest<'keys.delete'>, ctx: CallContext): Promise<{ deleted: boolean; endedSessions: number }> {
    this.refuseEnvironment(req.id, 'deleted');
    const rec = this.deps.vault.get(req.id);
    if (!rec) {
      this.audit({ action: 'delete', keyId: req.id, result: 'failed', actor: ctx.actor, detail: 'no such key' });
      return { deleted: false, endedSessions: 0 };
    }
    const { provider, label } = rec.meta;
    try {
      this.deps.vault.remove(req.id);
    } catch (err) {
      this.audit({ action: 'delete', provider, keyId: req.id, result: 'failed', actor: ctx.actor, detail: 'could not rewrite the vault file' });
      throw saveFailure(err, 'The key could not be removed from the vault file; its stored secret was overwritten. Try again');
    }
    let endedSessions = 0;
    try {
      endedSessions = this.deps.sessions()?.endSessionsUsingKey(req.id, `The key "${label}" was deleted.`) ?? 0;
    } catch (err) {
      this.deps.logger.warn('ending sessions of a deleted key failed', { err });
    }
    this.audit({ action: 'delete', provider, keyId: req.id, result: 'ok', actor: ctx.actor, detail: `ended ${endedSessions} session${endedSessions === 1 ? '' : 's'}` });
    this.deps.bus.emit('keys.changed', { provider, keyId: req.id });
    return { deleted: true, endedSessions };
  }

  auditEntries(req: ParsedRequest<'keys.audit'>): { entries: AuditEntry[] } {
    return {
      entries: this.deps.audit.read({
        limit: req.limit ?? 500,
        ...(req.keyId ? { keyId: req.keyId } : {}),
        ...(req.provider ? { provider: req.provider } : {}),
      }),
    };
  }

  // --- vault methods ---------------------------------------------------------------------------

  async unlock(passphrase: string, ctx: CallContext): Promise<void> {
    const gate = this.deps.limiter.check('vault:unlock-failures', UNLOCK_ATTEMPTS_PER_HOUR);
    if (!gate.allowed) {
      this.audit({ action: 'rate-limited', result: 'refused', actor: ctx.actor, detail: 'unlock: too many wrong passphrases' });
      throw rateLimited('Too many wrong passphrases in the last hour.', gate.retryAt ?? this.deps.now(), UNLOCK_ATTEMPTS_PER_HOUR, this.deps.now());
    }
    this.deps.logger.redact(passphrase);
    try {
      await this.deps.vault.unlock(passphrase);
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION') this.deps.limiter.record('vault:unlock-failures');
      this.audit({ action: 'unlock', result: 'failed', actor: ctx.actor, detail: err instanceof AppError ? err.code : 'error' });
      throw err;
    }
    this.audit({ action: 'unlock', result: 'ok', actor: ctx.actor });
    this.deps.bus.emit('vault.changed', {});
    this.deps.bus.emit('keys.changed', {});
  }

  async protect(passphrase: string, currentPassphrase: string | undefined, ctx: CallContext): Promise<void> {
    this.deps.logger.redact(passphrase);
    if (currentPassphrase) this.deps.logger.redact(currentPassphrase);
    try {
      await this.deps.vault.protect(passphrase, currentPassphrase);
    } catch (err) {
      this.audit({ action: 'protect', result: 'failed', actor: ctx.actor, detail: err instanceof AppError ? err.code : 'error' });
      throw err instanceof AppError ? err : saveFailure(err, 'The vault was not changed');
    }
    this.audit({ action: 'protect', result: 'ok', actor: ctx.actor, detail: 'passphrase' });
    this.deps.bus.emit('vault.changed', {});
    this.deps.bus.emit('keys.changed', {});
  }

  async reset(passphrase: string | undefined, ctx: CallContext): Promise<void> {
    if (passphrase) this.deps.logger.redact(passphrase);
    let backup: string | null;
    try {
      ({ backup } = await this.deps.vault.reset(passphrase));
    } catch (err) {
      this.audit({ action: 'reset', result: 'failed', actor: ctx.actor, detail: err instanceof AppError ? err.code : 'error' });
      throw err instanceof AppError ? err : saveFailure(err, 'The vault was not changed');
    }
    this.audit({ action: 'reset', result: 'ok', actor: ctx.actor, ...(backup ? { detail: `old vault kept as ${backup.split(/[\\/]/).pop() ?? 'backup'}` } : {}) });
    this.deps.bus.emit('vault.changed', {});
    this.deps.bus.emit('keys.changed', {});
  }

  // --- KeyResolver -----------------------------------------------------------------------------

  /**
   * The key without decrypting it: `secret` is a getter that decrypts on each read, and `version`
   * names the current seal (a fresh IV on every rotation), so the router's cached SDK client for the
   * key is reused without the plaintext, which then lives only inside that client.
   */
  async resolve(keyId: string): Promise<ResolvedKey> {
    const env = this.envById(keyId);
    if (env) return this.envResolved(env);
    const rec = this.storedRecord(keyId);
    const sealed = rec.meta.sealed;
    // A key that cannot be used fails here, as before, with the vault's own error (nothing is decrypted).
    if (rec.blocked || !sealed) this.deps.vault.reveal(keyId);
    const vault = this.deps.vault;
    return {
      id: keyId,
      provider: rec.meta.provider,
      label: rec.meta.label,
      get secret(): string {
        return vault.reveal(keyId);
      },
      baseUrl: rec.meta.baseUrl,
      options: { ...rec.meta.options },
      source: 'user',
      version: `${rec.layer}:${sealed?.iv ?? ''}:${sealed?.tag ?? ''}`,
    };
  }

  /**
   * Usable keys of a provider in failover order: the user's healthy keys oldest first, then the
   * environment key, then keys marked by a recent auth/quota-type failure (they may have recovered).
   * Keys the provider rejected as invalid, and keys that cannot be decrypted, are left out.
   */
  async candidates(provider: ProviderId): Promise<ResolvedKey[]> {
    const own = this.deps.vault
      .list()
      .filter((r) => r.meta.provider === provider && !r.blocked && r.meta.status !== 'invalid')
      .sort((a, b) => a.meta.createdAt - b.meta.createdAt);
    const healthy = (s: KeyStatus) => s === 'ok' || s === 'untested';
    const out: { key: ResolvedKey; healthy: boolean; env: boolean }[] = [];
    for (const r of own) {
      try {
        out.push({ key: await this.resolve(r.meta.id), healthy: healthy(r.meta.status), env: false });
      } catch {
        // A key that fails to decrypt is marked needs-reentry by the vault and skipped.
      }
    }
    const env = this.environmentKey(provider);
    const envStatus = this.envStateOf(provider).status;
    if (env && envStatus !== 'invalid') out.push({ key: env, healthy: healthy(envStatus), env: true });
    return [...out.filter((c) => c.healthy), ...out.filter((c) => !c.healthy)].map((c) => c.key);
  }

  environmentKey(provider: ProviderId): ResolvedKey | null {
    const env = this.envKeys.get(provider);
    return env ? this.envResolved(env) : null;
  }

  /** An environment key's secret is read once at start and never changes while the app runs. */
  private envResolved(env: EnvironmentKey): ResolvedKey {
    return { ...env.key, options: { ...env.key.options }, version: 'environment' };
  }

  noteUsed(keyId: string, outcome: { ok: boolean; code?: string }): void {
    const now = this.deps.now();
    const mark = markFor(outcome);
    let env: EnvironmentKey | null;
    try {
      env = this.envById(keyId);
    } catch {
      return;
    }
    if (env) {
      const prev = this.envStateOf(env.key.provider);
      this.envState.set(env.key.provider, { ...prev, lastUsedAt: now, ...(mark ?? {}) });
      if (mark && mark.status !== prev.status) this.deps.bus.emit('keys.changed', { provider: env.key.provider, keyId });
      return;
    }
    const rec = this.deps.vault.get(keyId);
    if (!rec) return;
    const changed = mark !== null && (mark.status !== rec.meta.status || mark.problem !== rec.meta.problem);
    this.deps.vault.touch(keyId, { lastUsedAt: now, ...(mark ?? {}) }, changed);
    if (changed) this.deps.bus.emit('keys.changed', { provider: rec.meta.provider, keyId });
  }

  async list(): Promise<KeyInfo[]> {
    const own = this.deps.vault
      .list()
      .sort((a, b) => a.meta.createdAt - b.meta.createdAt)
      .map((r) => this.infoOf(r));
    const env = [...this.envKeys.values()].map((e) => this.envInfo(e));
    return [...own, ...env];
  }

  // --- helpers ---------------------------------------------------------------------------------

  private storedRecord(id: string): VaultRecord {
    const rec = this.deps.vault.get(id);
    if (!rec) throw new AppError('KEY_NOT_FOUND', 'No key with that id; it may have been deleted.', { keyId: id });
    return rec;
  }

  private infoOf(rec: VaultRecord): KeyInfo {
    const m = rec.meta;
    const problem = rec.blocked?.problem ?? m.problem;
    return {
      id: m.id,
      provider: m.provider,
      label: m.label,
      last4: m.last4,
      status: rec.blocked?.status ?? m.status,
      source: 'user',
      readOnly: false,
      ...(m.baseUrl ? { baseUrl: m.baseUrl } : {}),
      ...(Object.keys(m.options).length > 0 ? { options: m.options } : {}),
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      ...(m.lastTestedAt !== undefined ? { lastTestedAt: m.lastTestedAt } : {}),
      ...(m.lastUsedAt !== undefined ? { lastUsedAt: m.lastUsedAt } : {}),
      ...(m.lastTest ? { lastTest: m.lastTest } : {}),
      ...(problem ? { problem } : {}),
      persisted: rec.layer === 'disk',
    };
  }

  private envInfo(e: EnvironmentKey): KeyInfo {
    const st = this.envStateOf(e.key.provider);
    return {
      id: e.key.id,
      provider: e.key.provider,
      label: e.key.label,
      last4: last4(e.key.secret),
      status: st.status,
      source: 'environment',
      readOnly: true,
      envVar: e.envVar,
      ...(e.key.baseUrl ? { baseUrl: e.key.baseUrl } : {}),
      ...(Object.keys(e.key.options).length > 0 ? { options: e.key.options } : {}),
      ...(st.lastTestedAt !== undefined ? { lastTestedAt: st.lastTestedAt } : {}),
      ...(st.lastUsedAt !== undefined ? { lastUsedAt: st.lastUsedAt } : {}),
      ...(st.lastTest ? { lastTest: st.lastTest } : {}),
      ...(st.problem ? { problem: st.problem } : {}),
    };
  }

  private envById(id: string): EnvironmentKey | null {
    if (!isEnvKeyId(id)) return null;
    for (const e of this.envKeys.values()) if (e.key.id === id) return e;
    throw new AppError('KEY_NOT_FOUND', `No environment key with the id ${id}.`, { keyId: id });
  }

  private envStateOf(provider: ProviderId): EnvState {
    return this.envState.get(provider) ?? { status: 'untested' };
  }

  private refuseEnvironment(id: string, verb: 'changed' | 'deleted'): void {
    if (!isEnvKeyId(id)) return;
    const env = this.envById(id);
    const v = env?.envVar ?? 'its environment variable';
    throw new AppError(
      'VALIDATION',
      `This key comes from the environment variable ${v} and cannot be ${verb} here. ${verb === 'deleted' ? `Unset ${v}` : `Change ${v}`} and restart Switchboard, or add your own key.`,
      { field: 'id', source: 'environment' },
    );
  }

  private defaultLabel(provider: ProviderId): string {
    const n = this.deps.vault.list().filter((r) => r.meta.provider === provider).length;
    return n === 0 ? `${PROVIDERS[provider].name} key` : `${PROVIDERS[provider].name} key ${n + 1}`;
  }

  private admitChange(provider: ProviderId, action: 'add' | 'update' | 'rotate', ctx: CallContext, keyId?: string): void {
    const limit = this.deps.changesPerHour();
    const decision = this.deps.limiter.check(provider, limit);
    if (!decision.allowed) {
      this.audit({ action: 'rate-limited', provider, ...(keyId ? { keyId } : {}), result: 'refused', actor: ctx.actor, detail: `${action}: ${decision.used} changes in the last hour` });
      throw rateLimited(`Too many key changes for ${PROVIDERS[provider].name}: at most ${limit} per hour.`, decision.retryAt ?? this.deps.now(), limit, this.deps.now(), provider);
    }
    this.deps.limiter.record(provider);
  }

  private refuseDuplicate(provider: ProviderId, secret: string, exceptId: string | null, action: 'add' | 'update' | 'rotate', ctx: CallContext): void {
    if (secret === '') return;
    for (const r of this.deps.vault.list()) {
      if (r.meta.provider !== provider || r.meta.id === exceptId || r.blocked || r.meta.last4 !== last4(secret)) continue;
      let existing: string;
      try {
        existing = this.deps.vault.reveal(r.meta.id);
      } catch {
        continue;
      }
      if (existing === secret) {
        // Which key holds it is not said: a caller guessing full secrets must not learn which saved key matched.
        this.audit({ action, provider, ...(exceptId ? { keyId: exceptId } : {}), result: 'refused', actor: ctx.actor, detail: 'already stored' });
        throw new AppError('CONFLICT', 'This key is already stored.', { field: 'secret' });
      }
    }
  }

  private audit(input: AuditInput): void {
    this.deps.audit.append(input);
  }
}

/**
 * Whether two base URLs (the provider's default standing for none) send a key to the same place. Any
 * change counts, path included: on a shared gateway the path names whose account receives the
 * request. Only spelling differences (a trailing slash, letter case of the host) do not.
 */
function sameDestination(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const norm = (u: string) => {
    try {
      return new URL(u).href.replace(/\/+$/, '');
    } catch {
      return u;
    }
  };
  return norm(a) === norm(b);
}

/** A stored secret to protect: keyless entries (local servers) have an empty ciphertext. */
function storesSecret(rec: VaultRecord): boolean {
  return (rec.meta.sealed?.ct ?? '') !== '' || rec.meta.last4 !== '';
}

/** Where a key goes, for messages and the audit log: scheme, host and port only (a path or query can hold anything). */
function originOf(baseUrl: string | null, provider: ProviderId): string {
  const url = baseUrl ?? PROVIDERS[provider].defaultBaseUrl;
  if (!url) return 'a new address';
  try {
    return new URL(url).origin;
  } catch {
    return 'a new address';
  }
}

function testFields(test: KeyTestResult | undefined, now: number): { status: KeyStatus; lastTest?: KeyTestResult; lastTestedAt?: number; problem?: string } {
  if (!test) return { status: 'untested', problem: undefined };
  if (test.ok) return { status: 'ok', lastTest: test, lastTestedAt: now, problem: undefined };
  return { status: test.code === 'KEY_INVALID' ? 'invalid' : 'error', lastTest: test, lastTestedAt: now, problem: test.hint ?? test.message ?? 'The last test failed.' };
}

/** What a failure on real use says about the key; null when it says nothing (network, overload). */
function markFor(outcome: { ok: boolean; code?: string }): { status: KeyStatus; problem: string | undefined } | null {
  if (outcome.ok) return { status: 'ok', problem: undefined };
  switch (outcome.code) {
    case 'KEY_INVALID':
      return { status: 'invalid', problem: 'The provider rejected this key the last time it was used. Test it, or replace it with a new one.' };
    case 'QUOTA_EXHAUSTED':
      return { status: 'error', problem: 'The account behind this key had no credit or quota left the last time it was used.' };
    case 'PERMISSION_DENIED':
      return { status: 'error', problem: 'The provider said this key lacks permission for the last request.' };
    default:
      return null;
  }
}

function refusal(test: KeyTestResult, providerName: string, kept?: string): AppError {
  // A 404 from the provider means the address the user typed is wrong: a VALIDATION error on baseUrl
  // (a 404 answer from keys.add would read as "no such method").
  const code = test.code === 'KEY_INVALID' ? 'KEY_INVALID' : test.code === 'NOT_FOUND' ? 'VALIDATION' : isKnownCode(test.code) ? test.code : 'PROVIDER_ERROR';
  const what = test.message ?? `${providerName} did not accept the key.`;
  const offline = code === 'NETWORK' || code === 'TIMEOUT' || code === 'PROVIDER_UNAVAILABLE' ? ' To save it anyway, save without testing.' : '';
  const message = `Not saved: ${what} ${test.hint ?? ''}${offline}${kept ? ` ${kept}` : ''}`.replace(/\s+/g, ' ').trim();
  return new AppError(code, message, { test, ...(code === 'VALIDATION' ? { field: test.field ?? 'baseUrl' } : {}) });
}

function isKnownCode(code: string | undefined): code is 'NETWORK' | 'TIMEOUT' | 'PROVIDER_UNAVAILABLE' | 'PROVIDER_ERROR' | 'VALIDATION' {
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'PROVIDER_UNAVAILABLE' || code === 'PROVIDER_ERROR' || code === 'VALIDATION';
}

function rateLimited(what: string, retryAt: number, limit: number, now: number, provider?: ProviderId): AppError {
  const minutes = Math.max(1, Math.ceil((retryAt - now) / 60_000));
  return new AppError('RATE_LIMITED', `${what} Try again in ${minutes} minute${minutes === 1 ? '' : 's'}. Deleting a key is always allowed.`, {
    retryAt,
    retryAtIso: new Date(retryAt).toISOString(),
    retryAfterMs: Math.max(0, retryAt - now),
    limit,
    ...(provider ? { provider } : {}),
  });
}

function saveFailure(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return new AppError('INTERNAL', `${what}: the vault file could not be written${code ? ` (${code})` : ''}. Check free disk space and permissions of the data folder.`);
}

export { envKeyId };
