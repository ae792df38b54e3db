import type { VaultStatus } from '../../../shared/contract/index.js';
import type { EventBus } from '../app/event-bus.js';
import { FileNotices } from '../app/file-notices.js';
import type { PartialHandlers } from '../app/handlers.js';
import type { Logger } from '../app/logger.js';
import type { SessionEnder } from '../ports.js';
import type { KeyWrapper } from '../vault/key-wrapper.js';
import type { ScryptParams } from '../vault/passphrase-wrapper.js';
import { Vault } from '../vault/vault.js';
import { VAULT_FILE_NAME, type VaultFile } from '../vault/vault-file.js';
import { AuditLog } from './audit-log.js';
import { KeyService } from './key-service.js';
import { createKeyTester, type KeyTester } from './key-tester.js';
import { CredentialRateLimiter } from './rate-limiter.js';

export type KeysMethod =
  | 'keys.add'
  | 'keys.list'
  | 'keys.update'
  | 'keys.test'
  | 'keys.testDraft'
  | 'keys.delete'
  | 'keys.audit'
  | 'vault.status'
  | 'vault.unlock'
  | 'vault.protect'
  | 'vault.reset';

export interface KeysAreaOptions {
  dataDir: string;
  osKeyWrapper?: KeyWrapper;
  passphrase?: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  bus: EventBus;
  now: () => number;
  /** Credential changes allowed per provider per hour (settings.credentialChangesPerHour). */
  changesPerHour: () => number;
  /** Where damaged files (vault.json, credential-changes.json, the audit log) are reported. */
  notices?: FileNotices;
  /** Test seams. */
  scrypt?: ScryptParams;
  tester?: KeyTester;
  vaultFile?: VaultFile;
}

export interface KeysArea {
  /** The KeyResolver the router is given. */
  readonly service: KeyService;
  readonly vault: Vault;
  /** The credential audit log (the team connection records its connects and disconnects there too). */
  readonly audit: AuditLog;
  readonly handlers: PartialHandlers<KeysMethod>;
  vaultStatus(): VaultStatus;
  /** Plugs in the router's session registry (late: the router is built after the keys). */
  setSessionEnder(ender: SessionEnder | null): void;
  close(): void;
}

/** Builds the vault, audit log, rate limiter and key service, and binds them to the contract. */
export async function createKeysArea(opts: KeysAreaOptions): Promise<KeysArea> {
  let sessionEnder: SessionEnder | null = null;
  const notices = opts.notices ?? new FileNotices(opts.logger);
  const audit = new AuditLog(opts.dataDir, opts.now, () => [], (err) => opts.logger.error('audit log write failed', { err }));
  audit.checkAtStart(notices);
  const vault = await Vault.open({
    dataDir: opts.dataDir,
    ...(opts.osKeyWrapper ? { osKeyWrapper: opts.osKeyWrapper } : {}),
    ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
    logger: opts.logger,
    now: opts.now,
    ...(opts.scrypt ? { scrypt: opts.scrypt } : {}),
    ...(opts.vaultFile ? { file: opts.vaultFile } : {}),
    onDecryptFailed: ({ id, provider }) => {
      audit.append({ action: 'decrypt-failed', provider, keyId: id, result: 'failed', actor: 'core', detail: 'stored secret failed authentication' });
      opts.bus.emit('keys.changed', { provider, keyId: id });
    },
  });
  const vaultNotice = () => {
    const damage = vault.fileDamage();
    if (damage === null) return notices.resolve(VAULT_FILE_NAME);
    notices.report({
      file: VAULT_FILE_NAME,
      problem: damage,
      outcome:
        'Your saved keys cannot be used, and keys you add are kept for this session only, until you start a new vault under Settings, Providers & Keys; the file is left untouched (a new vault keeps it as a backup).',
      action: 'reset-vault',
    });
  };
  vaultNotice();
  const limiter = new CredentialRateLimiter(opts.dataDir, opts.now, (err) => opts.logger.error('rate limit window not saved', { err }), undefined, notices);
  const service = new KeyService({
    vault,
    audit,
    limiter,
    tester: opts.tester ?? createKeyTester(),
    changesPerHour: opts.changesPerHour,
    env: opts.env,
    logger: opts.logger,
    bus: opts.bus,
    now: opts.now,
    sessions: () => sessionEnder,
  });
  const status = () => vault.status();

  const handlers: PartialHandlers<KeysMethod> = {
    'keys.add': (req, ctx) => service.add(req, ctx),
    'keys.list': (req) => service.listKeys(req),
    'keys.update': (req, ctx) => service.update(req, ctx),
    'keys.test': (req, ctx) => service.test(req, ctx),
    'keys.testDraft': (req, ctx) => service.testDraft(req, ctx),
    'keys.delete': (req, ctx) => service.delete(req, ctx),
    'keys.audit': (req) => service.auditEntries(req),
    'vault.status': () => status(),
    'vault.unlock': async (req, ctx) => {
      await service.unlock(req.passphrase, ctx);
      vaultNotice();
      return status();
    },
    'vault.protect': async (req, ctx) => {
      await service.protect(req.passphrase, req.currentPassphrase, ctx);
      return status();
    },
    'vault.reset': async (req, ctx) => {
      await service.reset(req.passphrase, ctx);
      vaultNotice();
      return status();
    },
  };

  return {
    service,
    vault,
    audit,
    handlers,
    vaultStatus: status,
    setSessionEnder: (ender) => {
      sessionEnder = ender;
    },
    close: () => vault.close(),
  };
}
