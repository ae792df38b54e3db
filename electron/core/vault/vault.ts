import { randomBytes } from 'node:crypto';
import { AppError, type KeyStatus, type ProviderId, type VaultStatus } from '../../../shared/contract/index.js';
import { last4 } from '../../../shared/providers/registry.js';
import type { Logger } from '../app/logger.js';
import { newDataKey, open as openBlob, scopedSecretAad, seal, secretAad, type SealedBlob } from './crypto.js';
import type { KeyWrapper, WrappedKey } from './key-wrapper.js';
import { PassphraseKeyWrapper, type ScryptParams } from './passphrase-wrapper.js';
import { VAULT_FILE_NAME, VaultFile, wrappedKeyDigest, type StoredKey, type VaultFileData } from './vault-file.js';

/** Where a key's ciphertext lives: the vault file, or this process only. */
export type Layer = 'disk' | 'session';

/** A key as the vault holds it: metadata plus its sealed secret, never the plaintext. */
export interface VaultRecord {
  readonly meta: StoredKey;
  readonly layer: Layer;
  /** Set when the secret cannot be used (locked vault, failed authentication, lost in a reset). */
  readonly blocked?: { status: KeyStatus; problem: string; code: 'VAULT_LOCKED' | 'KEY_NEEDS_REENTRY' };
}

export type NewKeyMeta = Omit<StoredKey, 'sealed' | 'last4'>;
export type MetaPatch = Partial<Omit<StoredKey, 'id' | 'provider' | 'sealed' | 'createdAt'>>;

type LockReason =
  | 'passphrase-needed'
  | 'wrong-passphrase'
  | 'keychain-unavailable'
  | 'keychain-changed'
  | 'keychain-weak'
  | 'keychain-failed'
  | 'damaged';

interface DiskVault {
  wrapper: KeyWrapper;
  wrappedKey: WrappedKey;
  dataKey: Buffer;
  vaultId: string;
  createdAt: number;
}

interface LockedFile {
  /** null when the file could not be parsed at all. */
  data: VaultFileData | null;
  reason: LockReason;
  /** What went wrong, in plain words, for the status panel. */
  detail: string;
}

export interface VaultOptions {
  dataDir: string;
  osKeyWrapper?: KeyWrapper;
  passphrase?: string;
  logger: Logger;
  now: () => number;
  /** Lower scrypt costs for tests; production uses DEFAULT_SCRYPT. */
  scrypt?: ScryptParams;
  /** Called once per record whose ciphertext fails authentication (for the audit log). */
  onDecryptFailed?: (record: { id: string; provider: StoredKey['provider'] }) => void;
  /** Test seam: the file store (to inject write failures). */
  file?: VaultFile;
}

const REENTER = 're-enter this key';
const WRAPPED_KEY_DAMAGED = `The key that protects your saved keys was altered or damaged in ${VAULT_FILE_NAME} (it no longer matches its checksum), so no passphrase or keychain can open it.`;

/**
 * The key vault: envelope encryption (one random 32-byte data key per vault, wrapped by a KeyWrapper),
 * AES-256-GCM per secret with the record bound in the AAD, and the policy for which vault to open.
 *
 * Saved keys ("disk" layer) exist only while a persistent, strong wrapper holds the vault open. Every
 * other case (no keyring, a weak keyring, a locked or unreadable vault file) keeps new keys in a
 * "session" layer under a random in-memory key and never touches the vault file for them.
 */
export class Vault {
  private disk: DiskVault | null = null;
  private locked: LockedFile | null = null;
  private readonly session = { dataKey: newDataKey(), vaultId: `session-${randomBytes(8).toString('hex')}` };
  private readonly records = new Map<string, VaultRecord>();
  private readonly file: VaultFile;
  private closed = false;
  /** Why a new vault could not be created at start, for the status panel. */
  private startProblem: string | null = null;

  private constructor(private readonly opts: VaultOptions) {
    this.file = opts.file ?? new VaultFile(opts.dataDir);
  }

  /** Opens or creates the vault this machine should use (see status() for what the user is told). */
  static async open(opts: VaultOptions): Promise<Vault> {
    const vault = new Vault(opts);
    await vault.openExisting();
    return vault;
  }

  private get os(): KeyWrapper | undefined {
    return this.opts.osKeyWrapper;
  }

  private strongOs(): KeyWrapper | null {
    const os = this.os;
    return os && os.persistent && !os.weakReason ? os : null;
  }

  private async openExisting(): Promise<void> {
    const read = this.file.read();
    if (read.state === 'missing') {
      const wrapper = this.opts.passphrase ? this.passphraseWrapper(this.opts.passphrase) : this.strongOs();
      if (!wrapper) return;
      try {
        await this.createDisk(wrapper, []);
      } catch (err) {
        // A keychain that refuses to wrap, or a data folder that cannot be written, must not stop the
        // app: keys stay in this session and the status says why.
        this.startProblem = `Switchboard could not create its encrypted vault (${messageOf(err)}), so keys are kept for this session only.`;
        this.opts.logger.warn('vault not created', { err: messageOf(err) });
      }
      return;
    }
    if (read.state === 'unreadable') {
      this.lock({ data: null, reason: 'damaged', detail: read.reason });
      return;
    }
    const data = read.data;
    if (data.wrappedKeyDigest !== undefined && data.wrappedKeyDigest !== wrappedKeyDigest(data.wrappedKey)) {
      // Told apart from a wrong passphrase or a keychain problem: no passphrase can open an altered key.
      return this.lock({ data, reason: 'damaged', detail: WRAPPED_KEY_DAMAGED });
    }
    const kind = data.wrappedKey.kind;
    if (kind === 'passphrase') {
      if (!this.opts.passphrase) return this.lock({ data, reason: 'passphrase-needed', detail: '' });
      try {
        await this.openDisk(data, this.passphraseWrapper(this.opts.passphrase));
      } catch (err) {
        const wrong = err instanceof AppError && err.code === 'VALIDATION' && err.details?.field === 'passphrase';
        this.lock({ data, reason: wrong ? 'wrong-passphrase' : 'damaged', detail: messageOf(err) });
      }
      return;
    }
    if (kind === 'os-keychain') {
      const os = this.os;
      if (!os || !os.persistent || os.kind !== 'os-keychain') {
        return this.lock({ data, reason: 'keychain-unavailable', detail: '' });
      }
      if (os.backend !== data.wrappedKey.backend) {
        return this.lock({ data, reason: 'keychain-changed', detail: '' });
      }
      if (os.weakReason) return this.lock({ data, reason: 'keychain-weak', detail: os.weakReason });
      try {
        await this.openDisk(data, os);
      } catch (err) {
        this.lock({ data, reason: 'keychain-failed', detail: messageOf(err) });
      }
      return;
    }
    // A session-only vault is never written; a file claiming to be one is not ours to trust.
    this.lock({ data: null, reason: 'damaged', detail: `${VAULT_FILE_NAME} records no usable protection.` });
  }

  private passphraseWrapper(passphrase: string): PassphraseKeyWrapper {
    this.opts.logger.redact(passphrase);
    return new PassphraseKeyWrapper(passphrase, this.opts.scrypt);
  }

  private lock(locked: LockedFile): void {
    this.locked = locked;
    for (const meta of locked.data?.keys ?? []) {
      const lockedOnly = locked.reason === 'passphrase-needed' || locked.reason === 'wrong-passphrase' || locked.reason === 'keychain-unavailable';
      this.records.set(meta.id, {
        meta,
        layer: 'disk',
        blocked: lockedOnly
          ? { status: 'locked', problem: this.lockProblem(), code: 'VAULT_LOCKED' }
          : { status: 'needs-reentry', problem: `The saved vault cannot be opened (${this.shortReason()}); ${REENTER}.`, code: 'KEY_NEEDS_REENTRY' },
      });
    }
    this.opts.logger.warn('vault not opened', { reason: locked.reason });
  }

  private lockProblem(): string {
    return this.locked?.reason === 'keychain-unavailable'
      ? 'Saved with the system keychain of the desktop app; it cannot be opened here.'
      : 'The vault is locked: unlock it with your passphrase to use this key.';
  }

  private shortReason(): string {
    switch (this.locked?.reason) {
      case 'keychain-changed':
        return 'the keychain changed';
      case 'keychain-weak':
        return 'the keychain gives no protection now';
      case 'keychain-failed':
        return 'the keychain could not unlock it';
      default:
        return 'the vault file is damaged';
    }
  }

  private async openDisk(data: VaultFileData, wrapper: KeyWrapper): Promise<void> {
    const { dataKey, shouldRewrap } = await wrapper.unwrap(data.wrappedKey);
    if (dataKey.length !== 32) throw new AppError('VAULT_LOCKED', 'The unwrapped vault key has the wrong size.');
    this.disk = { wrapper, wrappedKey: data.wrappedKey, dataKey, vaultId: data.vaultId, createdAt: data.createdAt };
    this.locked = null;
    for (const meta of data.keys) this.records.set(meta.id, this.verify(meta, 'disk'));
    // Files from before the wrapped key's checksum was kept get it now (and a re-wrap when asked for).
    if (shouldRewrap || data.wrappedKeyDigest === undefined) {
      try {
        if (shouldRewrap) this.disk.wrappedKey = await wrapper.wrap(dataKey);
        this.writeDisk(this.diskMetas());
      } catch (err) {
        this.opts.logger.warn('could not re-wrap the vault key', { err: messageOf(err) });
      }
    }
  }

  /** Decrypts once to check authentication and register the secret for log redaction. */
  private verify(meta: StoredKey, layer: Layer): VaultRecord {
    if (!meta.sealed) {
      return { meta, layer, blocked: { status: 'needs-reentry', problem: `The secret was not kept when the vault was reset; ${REENTER}.`, code: 'KEY_NEEDS_REENTRY' } };
    }
    try {
      this.openFor(layer, meta.id, meta.provider, meta.sealed);
      return { meta, layer };
    } catch {
      this.opts.onDecryptFailed?.({ id: meta.id, provider: meta.provider });
      return {
        meta,
        layer,
        blocked: {
          status: 'needs-reentry',
          problem: `The saved copy of this key could not be decrypted (it was altered, damaged or moved from another record); ${REENTER}.`,
          code: 'KEY_NEEDS_REENTRY',
        },
      };
    }
  }

  private async createDisk(wrapper: KeyWrapper, carry: StoredKeyWithSecret[]): Promise<void> {
    const dataKey = newDataKey();
    const wrappedKey = await wrapper.wrap(dataKey);
    const disk: DiskVault = { wrapper, wrappedKey, dataKey, vaultId: randomBytes(16).toString('hex'), createdAt: this.opts.now() };
    const metas = carry.map(({ meta, secret }) =>
      secret === null ? { ...meta, sealed: null } : { ...meta, sealed: seal(dataKey, Buffer.from(secret, 'utf8'), secretAad(disk.vaultId, meta.id, meta.provider)) },
    );
    this.writeFile(disk, metas);
    this.disk = disk;
    for (const meta of metas) this.records.set(meta.id, this.verify(meta, 'disk'));
  }

  private keyFor(layer: Layer): Buffer {
    if (layer === 'session') return this.session.dataKey;
    if (!this.disk) throw new AppError('VAULT_LOCKED', this.lockProblem());
    return this.disk.dataKey;
  }

  private aad(layer: Layer, id: string, provider: string): Buffer {
    const vaultId = layer === 'session' ? this.session.vaultId : (this.disk?.vaultId ?? '');
    return secretAad(vaultId, id, provider);
  }

  private diskMetas(): StoredKey[] {
    return [...this.records.values()].filter((r) => r.layer === 'disk').map((r) => r.meta);
  }

  private writeDisk(metas: StoredKey[]): void {
    if (!this.disk) throw new AppError('VAULT_LOCKED', 'The vault is not open.');
    this.writeFile(this.disk, metas);
  }

  private writeFile(disk: DiskVault, metas: StoredKey[]): void {
    const wrappedKey = { kind: disk.wrappedKey.kind, backend: disk.wrappedKey.backend, blob: disk.wrappedKey.blob, ...(disk.wrappedKey.params ? { params: disk.wrappedKey.params } : {}) };
    this.file.write({
      format: 'switchboard-vault',
      version: 1,
      vaultId: disk.vaultId,
      createdAt: disk.createdAt,
      wrappedKey,
      wrappedKeyDigest: wrappedKeyDigest(wrappedKey),
      keys: metas,
    });
  }

  /** New secrets go to disk only under an open, strong vault; otherwise they stay in this session. */
  private newKeyLayer(): Layer {
    return this.disk && !this.disk.wrapper.weakReason ? 'disk' : 'session';
  }

  // --- records ---------------------------------------------------------------------------------

  /** Provider keys only: credentials (the team member token) are held beside them but never listed as keys. */
  list(): VaultRecord[] {
    return [...this.records.values()].filter((r) => !isCredentialId(r.meta.id));
  }

  get(id: string): VaultRecord | undefined {
    return isCredentialId(id) ? undefined : this.records.get(id);
  }

  // --- credentials -----------------------------------------------------------------------------
  // Secrets that are not provider keys (the team server's member token) are sealed and stored like
  // keys, so they follow the vault's protection, session layer, migration and reset rules, but live
  // under ids the key service never sees (list() and get() leave them out).

  /** Seals and saves a credential, replacing any earlier one of that id. */
  putCredential(id: string, meta: { provider: ProviderId; label: string; baseUrl: string | null }, secret: string): VaultRecord {
    assertCredentialId(id);
    const now = this.opts.now();
    if (this.records.has(id)) {
      return this.update(id, { label: meta.label, baseUrl: meta.baseUrl, updatedAt: now, status: 'ok' }, secret);
    }
    return this.add({ id, provider: meta.provider, label: meta.label, baseUrl: meta.baseUrl, options: {}, createdAt: now, updatedAt: now, status: 'ok' }, secret);
  }

  /** The credential's record (metadata, layer, why it cannot be used), never its secret. */
  credential(id: string): VaultRecord | undefined {
    assertCredentialId(id);
    return this.records.get(id);
  }

  /** The credential's plaintext. Throws VAULT_LOCKED, KEY_NEEDS_REENTRY or KEY_NOT_FOUND. */
  revealCredential(id: string): string {
    assertCredentialId(id);
    return this.reveal(id);
  }

  /** Deletes a credential (its ciphertext scrubbed from the file); false when there was none. */
  removeCredential(id: string): boolean {
    assertCredentialId(id);
    return this.remove(id);
  }

  /** Seals and saves a new key. On a failed write nothing changes (the old file and the list stay). */
  add(meta: NewKeyMeta, secret: string): VaultRecord {
    this.assertOpen();
    if (this.records.has(meta.id)) throw new AppError('CONFLICT', 'A key with this id already exists.');
    this.opts.logger.redact(secret);
    const layer = this.newKeyLayer();
    const stored: StoredKey = { ...meta, last4: last4(secret), sealed: this.sealFor(layer, meta.id, meta.provider, secret) };
    if (layer === 'disk') this.writeDisk([...this.diskMetas(), stored]);
    const rec: VaultRecord = { meta: stored, layer };
    this.records.set(stored.id, rec);
    return rec;
  }

  /** The plaintext secret. Throws VAULT_LOCKED, KEY_NEEDS_REENTRY or KEY_NOT_FOUND. */
  reveal(id: string): string {
    this.assertOpen();
    const rec = this.records.get(id);
    if (!rec) throw new AppError('KEY_NOT_FOUND', 'No key with that id.');
    if (rec.blocked) throw new AppError(rec.blocked.code, rec.blocked.problem, { keyId: id });
    if (!rec.meta.sealed) throw new AppError('KEY_NEEDS_REENTRY', `This key has no saved secret; ${REENTER}.`, { keyId: id });
    try {
      return this.openFor(rec.layer, id, rec.meta.provider, rec.meta.sealed);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.opts.onDecryptFailed?.({ id, provider: rec.meta.provider });
      const problem = `The saved copy of this key could not be decrypted (it was altered or damaged); ${REENTER}.`;
      this.records.set(id, { ...rec, blocked: { status: 'needs-reentry', problem, code: 'KEY_NEEDS_REENTRY' } });
      throw new AppError('KEY_NEEDS_REENTRY', problem, { keyId: id });
    }
  }

  /**
   * Changes a key's metadata and, when `secret` is given, its secret (re-entry clears a block). Writes
   * before it commits: a failed write leaves the key as it was. Keys of a locked vault cannot change.
   */
  update(id: string, patch: MetaPatch, secret?: string): VaultRecord {
    this.assertOpen();
    const rec = this.records.get(id);
    if (!rec) throw new AppError('KEY_NOT_FOUND', 'No key with that id.');
    if (rec.layer === 'disk' && !this.disk) {
      throw new AppError('VAULT_LOCKED', `${this.lockProblem()} ${this.locked?.reason === 'passphrase-needed' ? '' : 'Start a new vault to re-enter it.'}`.trim(), { keyId: id });
    }
    if (secret !== undefined) this.opts.logger.redact(secret);
    const meta: StoredKey = {
      ...rec.meta,
      ...patch,
      ...(secret !== undefined ? { last4: last4(secret), sealed: this.sealFor(rec.layer, id, rec.meta.provider, secret) } : {}),
    };
    const blocked = secret !== undefined ? undefined : rec.blocked;
    if (rec.layer === 'disk') this.writeDisk(this.diskMetas().map((m) => (m.id === id ? meta : m)));
    const next: VaultRecord = blocked ? { meta, layer: rec.layer, blocked } : { meta, layer: rec.layer };
    this.records.set(id, next);
    return next;
  }

  /** Metadata that may be lost without harm (test results, last use): a failed write is only logged. */
  touch(id: string, patch: MetaPatch, persist: boolean): void {
    const rec = this.records.get(id);
    if (!rec) return;
    const next: VaultRecord = { ...rec, meta: { ...rec.meta, ...patch } };
    this.records.set(id, next);
    if (persist && rec.layer === 'disk' && this.disk) {
      try {
        this.writeDisk(this.diskMetas());
      } catch (err) {
        this.opts.logger.warn('could not save key metadata', { err: messageOf(err) });
      }
    }
  }

  /**
   * Deletes a key in every vault state (revoking a leaked key must always work): the ciphertext is
   * overwritten in the file, then the file is rewritten without the record. Returns false if unknown.
   */
  remove(id: string): boolean {
    this.assertOpen();
    const rec = this.records.get(id);
    if (!rec) return false;
    if (rec.layer === 'disk') {
      const sealed = rec.meta.sealed;
      if (sealed) this.file.scrub([sealed.ct, sealed.tag, sealed.iv].filter((v) => v.length > 0));
      try {
        if (this.disk) {
          this.writeDisk(this.diskMetas().filter((m) => m.id !== id));
        } else if (this.locked?.data) {
          // A locked vault's other records and its wrapped key are copied unchanged.
          const data = { ...this.locked.data, keys: this.locked.data.keys.filter((k) => k.id !== id) };
          this.file.write(data);
          this.locked = { ...this.locked, data };
        }
      } catch (err) {
        // The saved secret is already destroyed; stop using the key now rather than keep a half-deleted one.
        const problem = 'Deleting this key did not finish (the vault file could not be rewritten); its saved secret was destroyed. Delete it again.';
        this.records.set(id, { ...rec, blocked: { status: 'needs-reentry', problem, code: 'KEY_NEEDS_REENTRY' } });
        throw err;
      }
    }
    this.records.delete(id);
    return true;
  }

  /**
   * Seals a secret that is not a provider key (an MCP server's header or environment value) under
   * this vault's data key, bound to `scope`, for its owner to keep in its own file. Saved vaults
   * give a blob that opens after a restart; otherwise it lives as long as this process (layer
   * "session"). The plaintext is registered for redaction at once.
   */
  sealSecret(scope: string, secret: string): { sealed: SealedBlob; vaultId: string; layer: Layer } {
    this.assertOpen();
    this.opts.logger.redact(secret);
    const layer = this.newKeyLayer();
    const vaultId = layer === 'session' ? this.session.vaultId : this.disk!.vaultId;
    return { sealed: seal(this.keyFor(layer), Buffer.from(secret, 'utf8'), scopedSecretAad(vaultId, scope)), vaultId, layer };
  }

  /**
   * Opens a blob from sealSecret. Throws VAULT_LOCKED while the saved vault is locked, and
   * KEY_NEEDS_REENTRY when the blob belongs to another vault (reset, or a session that ended) or
   * was altered.
   */
  openSecret(scope: string, sealed: SealedBlob, vaultId: string): string {
    this.assertOpen();
    let key: Buffer;
    if (vaultId === this.session.vaultId) key = this.session.dataKey;
    else if (this.disk && vaultId === this.disk.vaultId) key = this.disk.dataKey;
    else if (this.locked?.data?.vaultId === vaultId) throw new AppError('VAULT_LOCKED', this.lockProblem());
    else throw new AppError('KEY_NEEDS_REENTRY', 'This secret was saved in a vault that is gone (reset, or kept for an earlier session only); enter it again.');
    try {
      const plain = openBlob(key, sealed, scopedSecretAad(vaultId, scope)).toString('utf8');
      this.opts.logger.redact(plain);
      return plain;
    } catch {
      throw new AppError('KEY_NEEDS_REENTRY', 'A saved secret could not be decrypted (it was altered or damaged); enter it again.');
    }
  }

  private sealFor(layer: Layer, id: string, provider: string, secret: string) {
    return seal(this.keyFor(layer), Buffer.from(secret, 'utf8'), this.aad(layer, id, provider));
  }

  /** Every plaintext that leaves the blob is registered for redaction before anyone can log it. */
  private openFor(layer: Layer, id: string, provider: string, sealed: SealedBlob): string {
    const plain = openBlob(this.keyFor(layer), sealed, this.aad(layer, id, provider)).toString('utf8');
    this.opts.logger.redact(plain);
    return plain;
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('INTERNAL', 'The vault is closed.');
  }

  // --- protection ------------------------------------------------------------------------------

  /** Opens a passphrase vault that is locked; keys added meanwhile move into it. */
  async unlock(passphrase: string): Promise<void> {
    this.assertOpen();
    if (this.disk) {
      if (this.disk.wrapper.kind !== 'passphrase') throw new AppError('CONFLICT', 'The vault is already open; it is not protected by a passphrase.');
      // Check it anyway so "unlock" never reads as success for a wrong passphrase.
      await this.passphraseWrapper(passphrase).unwrap(this.disk.wrappedKey);
      return;
    }
    const data = this.locked?.data;
    if (!data) {
      throw new AppError(
        'CONFLICT',
        this.locked ? `${this.locked.detail} There is nothing a passphrase can unlock; start a new vault instead.` : 'There is no saved vault to unlock. Set a passphrase to keep your keys.',
      );
    }
    if (data.wrappedKey.kind !== 'passphrase') {
      throw new AppError('CONFLICT', 'The saved keys are protected by the system keychain, not a passphrase. ' + this.statusWarning());
    }
    const wrapper = this.passphraseWrapper(passphrase);
    const sessionRecs = [...this.records.values()].filter((r) => r.layer === 'session');
    await this.openDisk(data, wrapper);
    this.migrateSession(sessionRecs);
  }

  /**
   * Protects the keys with a passphrase: a session-only vault becomes a saved passphrase vault (keys held
   * in memory are re-encrypted into it); an open vault is re-wrapped with the passphrase (also how the
   * passphrase is changed).
   */
  async protect(passphrase: string, currentPassphrase?: string): Promise<void> {
    this.assertOpen();
    if (this.locked) throw new AppError('CONFLICT', `The saved vault is not open. ${this.statusWarning()}`);
    if (this.disk?.wrapper.kind === 'passphrase') {
      // Changing the passphrase takes the current one, so an open window alone cannot re-key the vault.
      if (!currentPassphrase) {
        throw new AppError('VALIDATION', 'Enter your current passphrase to change it.', { field: 'currentPassphrase' });
      }
      try {
        await this.passphraseWrapper(currentPassphrase).unwrap(this.disk.wrappedKey);
      } catch (err) {
        if (err instanceof AppError && err.details?.field === 'passphrase') {
          throw new AppError('VALIDATION', 'The current passphrase is not right.', { field: 'currentPassphrase' });
        }
        throw err;
      }
    }
    const wrapper = this.passphraseWrapper(passphrase);
    if (this.disk) {
      const wrappedKey = await wrapper.wrap(this.disk.dataKey);
      const next = { ...this.disk, wrapper, wrappedKey };
      this.writeFile(next, this.diskMetas());
      this.disk = next;
      const sessionRecs = [...this.records.values()].filter((r) => r.layer === 'session');
      this.migrateSession(sessionRecs);
      return;
    }
    const carry = this.sessionCarry([...this.records.values()]);
    await this.createDisk(wrapper, carry);
    this.startProblem = null;
  }

  /**
   * Starts a new vault when the saved one cannot be opened. The old file is moved aside, never deleted;
   * its keys stay listed (metadata only) as needing re-entry, keys of this session move in.
   */
  async reset(passphrase?: string): Promise<{ backup: string | null }> {
    this.assertOpen();
    if (!this.locked) throw new AppError('CONFLICT', 'The vault opens normally; there is nothing to reset.');
    const all = [...this.records.values()];
    const carry = this.sessionCarry(all);
    const before = new Map(this.records);
    const oldLocked = this.locked;
    const backup = this.file.backup(this.opts.now());
    this.locked = null;
    this.records.clear();
    const pass = passphrase ?? this.opts.passphrase;
    const wrapper = pass ? this.passphraseWrapper(pass) : this.strongOs();
    try {
      if (wrapper) {
        await this.createDisk(wrapper, carry);
      } else {
        for (const { meta, secret } of carry) {
          const sealed = secret === null ? null : this.sealFor('session', meta.id, meta.provider, secret);
          this.records.set(meta.id, this.verify({ ...meta, sealed }, 'session'));
        }
      }
    } catch (err) {
      // Put everything back as it was, the old file included.
      if (backup) this.file.restoreBackup(backup);
      this.locked = oldLocked;
      this.records.clear();
      for (const [id, r] of before) this.records.set(id, r);
      throw err;
    }
    return { backup };
  }

  /** Session keys with their secrets, plus keys that need re-entry as metadata only. */
  private sessionCarry(recs: VaultRecord[]): StoredKeyWithSecret[] {
    return recs.map((r) => {
      if (r.layer === 'session' && !r.blocked && r.meta.sealed) return { meta: r.meta, secret: this.reveal(r.meta.id) };
      return {
        meta: { ...r.meta, status: 'needs-reentry' as const, problem: `The secret was not kept when the vault was reset; ${REENTER}.` },
        secret: null,
      };
    });
  }

  private migrateSession(recs: VaultRecord[]): void {
    const movable = recs.filter((r) => !r.blocked && r.meta.sealed);
    if (movable.length === 0 || !this.disk || this.disk.wrapper.weakReason) return;
    const moved = movable.map((r) => {
      const secret = this.reveal(r.meta.id);
      return { ...r.meta, sealed: this.sealFor('disk', r.meta.id, r.meta.provider, secret) };
    });
    try {
      this.writeDisk([...this.diskMetas(), ...moved]);
    } catch (err) {
      this.opts.logger.warn('could not save the keys of this session into the vault', { err: messageOf(err) });
      return;
    }
    for (const meta of moved) this.records.set(meta.id, { meta, layer: 'disk' });
  }

  // --- status ----------------------------------------------------------------------------------

  isLocked(): boolean {
    return this.locked !== null;
  }

  /** What is wrong with vault.json when it could not be opened because it is damaged; null otherwise. */
  fileDamage(): string | null {
    return this.locked?.reason === 'damaged' ? this.locked.detail : null;
  }

  status(): VaultStatus {
    if (this.disk) {
      const kind = this.disk.wrapper.kind;
      return {
        protection: kind,
        backend: this.disk.wrapper.backend,
        persistent: true,
        locked: false,
        summary:
          kind === 'passphrase'
            ? 'Your keys are saved encrypted on this computer, protected by your passphrase.'
            : `Your keys are saved encrypted on this computer, protected by the system keychain (${this.disk.wrapper.backend}).`,
        actions: [],
      };
    }
    if (this.locked) {
      const data = this.locked.data;
      const reason = this.locked.reason;
      const unlockable = reason === 'passphrase-needed' || reason === 'wrong-passphrase';
      return {
        protection: data?.wrappedKey.kind ?? 'session-only',
        backend: data?.wrappedKey.backend ?? 'unknown',
        persistent: false,
        locked: true,
        summary: unlockable
          ? 'Your saved keys are locked. Keys you add before unlocking are kept for this session only.'
          : 'Your saved keys cannot be opened here. Keys you add now are kept for this session only.',
        warning: this.statusWarning(),
        actions: unlockable ? ['unlock', 'reset-vault', 'use-session-only'] : ['reset-vault', 'use-session-only'],
      };
    }
    const os = this.os;
    const weak = os?.weakReason;
    return {
      protection: 'session-only',
      backend: 'memory',
      persistent: false,
      locked: false,
      // The headline already says "for this session only"; these say why, and what would keep them.
      summary: 'They live in memory and are gone when Switchboard stops.',
      warning: this.startProblem
        ? `${this.startProblem} Set a passphrase to try again.`
        : weak
        ? `${weak} Switchboard will not save keys that way. Set a passphrase to keep them encrypted on disk.`
        : os && !os.persistent
          ? 'The system keychain is not available, so keys are not saved. Set a passphrase to keep them encrypted on disk.'
          : 'Keys are not saved. Set a passphrase to keep them encrypted on disk.',
      actions: ['set-passphrase', 'use-session-only'],
    };
  }

  private statusWarning(): string {
    const l = this.locked;
    if (!l) return '';
    const recorded = l.data?.wrappedKey.backend ?? 'unknown';
    const keep = 'Or start a new vault and re-enter your keys (the old vault file is kept as a backup).';
    switch (l.reason) {
      case 'passphrase-needed':
        return 'Unlock your saved keys with your passphrase.';
      case 'wrong-passphrase':
        return `The passphrase given at start did not open your saved keys. Unlock them with the right passphrase. ${keep}`;
      case 'keychain-unavailable':
        return `Your saved keys are protected by the system keychain (${recorded}), which is not available here. Open them in the Switchboard desktop app where they were added. ${keep}`;
      case 'keychain-changed': {
        const now = this.os?.backend ?? 'none';
        const linux = ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'].includes(recorded)
          ? ` Start Switchboard with --password-store=${recorded === 'gnome_libsecret' ? 'gnome-libsecret' : recorded} to use the original keyring.`
          : '';
        return `The keychain changed: your keys were saved with "${recorded}" but Switchboard now sees "${now}", so they cannot be opened.${linux} ${keep}`;
      }
      case 'keychain-weak':
        return `${l.detail} Your saved keys stay untouched. ${keep}`;
      case 'keychain-failed':
        return `The system keychain could not open your saved keys: ${l.detail} Unlock the keychain and restart Switchboard. ${keep}`;
      case 'damaged':
        return `${l.detail} Switchboard left the file untouched. Start a new vault and re-enter your keys (the damaged file is kept as a backup).`;
    }
  }

  /** Forgets the data keys (zeroed); the vault answers nothing afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.disk?.dataKey.fill(0);
    this.session.dataKey.fill(0);
    this.disk = null;
  }
}

interface StoredKeyWithSecret {
  meta: StoredKey;
  /** null: metadata only (the secret is lost and must be re-entered). */
  secret: string | null;
}

/** Ids of credentials that are not provider keys; key ids never take this form. */
export const CREDENTIAL_PREFIX = 'credential:';

function isCredentialId(id: string): boolean {
  return id.startsWith(CREDENTIAL_PREFIX);
}

function assertCredentialId(id: string): void {
  if (!isCredentialId(id)) throw new AppError('INTERNAL', 'Not a credential id.');
}

function messageOf(err: unknown): string {
  return err instanceof Error && err.message ? err.message : 'unknown error';
}
