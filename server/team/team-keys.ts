import { randomUUID } from 'node:crypto';
import type { KeyInfo, KeyOptions, KeyTestResult, ProviderId } from '../../shared/contract/index.js';
import { checkKeyFormat, last4, PROVIDERS } from '../../shared/providers/registry.js';
import type { Logger } from '../../electron/core/app/logger.js';
import { checkKeyFields, cleanLabel } from '../../electron/core/keys/key-fields.js';
import type { KeyTester } from '../../electron/core/keys/key-tester.js';
import type { KeyResolver, ResolvedKey } from '../../electron/core/ports.js';
import { AppError } from '../../shared/contract/index.js';
import { Cached, type ChangeFeed, notifyChange } from '../db/change-feed.js';
import { inTransaction, type Db } from '../db/pool.js';
import { ApiError } from '../http/errors.js';
import type { MasterKey } from '../security/master-key.js';
import { openSecret, sealSecret, type SealedSecret } from '../security/sealed-keys.js';
import { audit, type Member } from './members.js';

export interface TeamKeyView {
  id: string;
  provider: ProviderId;
  label: string;
  last4: string;
  baseUrl: string | null;
  options: KeyOptions;
  createdAt: string;
}

interface StoredKey extends TeamKeyView {
  sealed: SealedSecret;
}

export interface AddKeyInput {
  provider: ProviderId;
  secret: string;
  baseUrl?: string | undefined;
  label?: string | undefined;
  options?: KeyOptions | undefined;
}

/**
 * The team's provider keys: sealed with the master key in the database, tested before they are
 * saved, never answered by any endpoint (the admin page sees provider, label and last four
 * characters). Also the router's KeyResolver on the server: a key's secret is decrypted only when
 * an SDK client is built for it.
 */
export class TeamKeys implements KeyResolver {
  private readonly cached: Cached<StoredKey[]>;

  constructor(
    private readonly db: Db,
    feed: ChangeFeed,
    private readonly master: MasterKey,
    private readonly teamUid: string,
    private readonly tester: KeyTester,
    private readonly logger: Logger,
  ) {
    this.cached = new Cached(() => this.load(), feed, 'keys');
  }

  async add(actor: Member, input: AddKeyInput): Promise<{ id: string; test: KeyTestResult }> {
    const spec = PROVIDERS[input.provider];
    const secret = input.secret;
    const shape = checkKeyFormat(input.provider, secret);
    if (shape) throw new ApiError(400, 'VALIDATION', `secret: ${shape}`, { param: 'secret' });
    const baseUrl = input.baseUrl?.trim() ? input.baseUrl.trim().replace(/\/+$/, '') : null;
    const options = input.options ?? {};
    let label: string;
    try {
      checkKeyFields(input.provider, baseUrl, options, secret !== '');
      label = cleanLabel(input.label, spec.name);
    } catch (err) {
      if (err instanceof AppError) throw new ApiError(400, 'VALIDATION', err.message, { param: String(err.details?.field ?? 'secret') });
      throw err;
    }
    this.logger.redact(secret);
    const test = await this.tester.test({ provider: input.provider, secret, baseUrl, options });
    if (!test.ok) {
      throw new ApiError(400, test.code === 'KEY_INVALID' ? 'KEY_INVALID' : 'VALIDATION', `The key did not work, so it was not saved: ${test.message ?? test.code ?? 'the test failed'}`, {
        param: test.field ?? 'secret',
        details: { ...(test.hint ? { hint: test.hint } : {}), field: test.field ?? 'secret' },
      });
    }
    const id = randomUUID();
    const sealed = sealSecret(this.master, this.teamUid, id, input.provider, secret);
    await inTransaction(this.db, async (c) => {
      await c.query(
        `INSERT INTO team_keys (id, provider, label, base_url, options, last4, secret_iv, secret_ct, secret_tag, dek_iv, dek_ct, dek_tag, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [id, input.provider, label, baseUrl, JSON.stringify(options), last4(secret), sealed.secret.iv, sealed.secret.ct, sealed.secret.tag, sealed.dek.iv, sealed.dek.ct, sealed.dek.tag, actor.id],
      );
      await audit(c, actor.id, 'key.added', id, { provider: input.provider, label });
      await notifyChange(c, 'keys');
    });
    this.cached.invalidate();
    return { id, test };
  }

  async remove(actor: Member, id: string): Promise<void> {
    const removed = await inTransaction(this.db, async (c) => {
      const r = await c.query('DELETE FROM team_keys WHERE id = $1 RETURNING provider', [id]);
      if (r.rowCount === 0) return false;
      await audit(c, actor.id, 'key.deleted', id, {});
      await notifyChange(c, 'keys');
      return true;
    });
    if (!removed) throw new ApiError(404, 'NOT_FOUND', `No team key with id ${id}.`, { param: 'id' });
    this.cached.invalidate();
  }

  async views(): Promise<TeamKeyView[]> {
    return (await this.cached.get()).map(({ sealed: _sealed, ...view }) => view);
  }

  /** Providers the team has a key for. */
  async providers(): Promise<Set<ProviderId>> {
    return new Set((await this.cached.get()).map((k) => k.provider));
  }

  // --- KeyResolver (the router's port) ---------------------------------------------------------

  async resolve(keyId: string): Promise<ResolvedKey> {
    const k = (await this.cached.get()).find((x) => x.id === keyId);
    if (!k) throw new AppError('KEY_NOT_FOUND', 'That team key was deleted.');
    return this.resolved(k);
  }

  async candidates(provider: ProviderId): Promise<ResolvedKey[]> {
    return (await this.cached.get()).filter((k) => k.provider === provider).map((k) => this.resolved(k));
  }

  environmentKey(): ResolvedKey | null {
    return null;
  }

  noteUsed(): void {
    // Health is kept per process by the router; nothing is written per call.
  }

  async list(): Promise<KeyInfo[]> {
    return (await this.cached.get()).map((k) => ({
      id: k.id,
      provider: k.provider,
      label: k.label,
      last4: k.last4,
      status: 'ok' as const,
      source: 'team' as const,
      readOnly: true,
      ...(k.baseUrl ? { baseUrl: k.baseUrl } : {}),
    }));
  }

  private resolved(k: StoredKey): ResolvedKey {
    const { master, teamUid } = this;
    return {
      id: k.id,
      provider: k.provider,
      label: k.label,
      baseUrl: k.baseUrl,
      options: k.options,
      source: 'team',
      // Rows are never updated in place (a new secret is a new key), so the id names the secret.
      version: k.id,
      get secret(): string {
        return openSecret(master, teamUid, k.id, k.provider, k.sealed);
      },
    };
  }

  private async load(): Promise<StoredKey[]> {
    const r = await this.db.query<{
      id: string;
      provider: ProviderId;
      label: string;
      base_url: string | null;
      options: KeyOptions;
      last4: string;
      created_at: Date;
      secret_iv: string;
      secret_ct: string;
      secret_tag: string;
      dek_iv: string;
      dek_ct: string;
      dek_tag: string;
    }>('SELECT * FROM team_keys ORDER BY created_at, id');
    return r.rows.map((row) => ({
      id: row.id,
      provider: row.provider,
      label: row.label,
      last4: row.last4,
      baseUrl: row.base_url,
      options: row.options,
      createdAt: row.created_at.toISOString(),
      sealed: {
        secret: { iv: row.secret_iv, ct: row.secret_ct, tag: row.secret_tag },
        dek: { iv: row.dek_iv, ct: row.dek_ct, tag: row.dek_tag },
      },
    }));
  }
}
