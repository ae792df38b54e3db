import { join } from 'node:path';
import { AppError, type FileNotice } from '../../../shared/contract/index.js';
import type { FileNotices } from '../app/file-notices.js';
import type { PartialHandlers } from '../app/handlers.js';
import { setAside } from '../fs/set-aside.js';
import type { CallAdmission } from '../ports.js';
import type { CsvExport } from './csv-export.js';
import type { Ledger } from './ledger.js';
import { createMetering, type Metering, type MeteringOptions } from './create-metering.js';
import { TokenCounter } from './token-counter.js';

export const LEDGER_FILE = 'usage.db';
// SQLite keeps uncommitted pages beside the database; a new ledger must not pick up the old ones.
const COMPANIONS = ['-wal', '-shm', '-journal'];

type MeteredMethod = 'usage.query' | 'usage.records' | 'usage.exportCsv' | 'usage.setSessionTitles' | 'usage.sessionTitles' | 'limits.get' | 'limits.set';

interface LedgerProblem {
  /** SQLite's own words ("file is not a database"). */
  cause: string;
  /** The file is not a usable database (as opposed to locked, unreadable, from a newer version). */
  damaged: boolean;
}

export interface MeteringGateOptions extends MeteringOptions {
  notices: FileNotices;
  /** Told after the ledger came back (ledger.reset), so the renderer reloads what it shows. */
  onReopened?: () => void;
}

/**
 * The metering the core uses. Normally the ledger over usage.db; when usage.db cannot be opened the
 * app still starts, but everything that must be metered is refused with LEDGER_UNAVAILABLE (chat
 * first of all: no provider request without a ledger row) and the notice says why. A damaged ledger
 * is never overwritten: only ledger.reset, the user's choice, moves it aside and starts a new one.
 */
export class MeteringGate {
  /** Owned here, not by the ledger, so prompt estimates work while the ledger is unavailable. */
  readonly tokens: TokenCounter;
  readonly admission: CallAdmission;
  readonly handlers: PartialHandlers<MeteredMethod>;
  /** The open ledger's upload reads (team sync); LEDGER_UNAVAILABLE while there is none, so the sync retries later. */
  readonly ledger: Pick<Ledger, 'callsAfter' | 'countAfter' | 'maxSeq'> = {
    callsAfter: (...a) => this.metering().ledger.callsAfter(...a),
    countAfter: (...a) => this.metering().ledger.countAfter(...a),
    maxSeq: () => this.metering().ledger.maxSeq(),
  };
  private current: Metering | null = null;
  private problem: LedgerProblem | null = null;

  constructor(private readonly options: MeteringGateOptions) {
    this.tokens = options.tokens ?? new TokenCounter({ logger: options.logger });
    this.tryOpen();
    this.admission = {
      admit: (request) => this.metering().admission.admit(request),
      estimatePromptTokens: (messages, provider, model) => this.tokens.estimate(messages, provider, model),
    };
    const through =
      <M extends MeteredMethod>(method: M): NonNullable<PartialHandlers<MeteredMethod>[M]> =>
      ((request: never, ctx: never) => (this.metering().handlers[method] as (r: never, c: never) => unknown)(request, ctx)) as never;
    this.handlers = {
      'usage.query': through('usage.query'),
      'usage.records': through('usage.records'),
      'usage.exportCsv': through('usage.exportCsv'),
      'usage.setSessionTitles': through('usage.setSessionTitles'),
      'usage.sessionTitles': through('usage.sessionTitles'),
      'limits.get': through('limits.get'),
      'limits.set': through('limits.set'),
    };
  }

  /** The open metering, or LEDGER_UNAVAILABLE naming the file and what to do. */
  metering(): Metering {
    if (this.current) return this.current;
    const p = this.problem ?? { cause: 'not opened', damaged: false };
    throw new AppError(
      'LEDGER_UNAVAILABLE',
      `The usage ledger ${this.path()} cannot be used (${p.cause}), so nothing is sent to a provider until usage can be recorded. ` +
        (p.damaged
          ? 'Move the damaged ledger aside to start a new one (About, Data files), or quit Switchboard and put back a copy of usage.db from a backup.'
          : 'Check that no other Switchboard uses this data folder and that the file can be read and written, then restart Switchboard.'),
      { file: LEDGER_FILE, damaged: p.damaged },
    );
  }

  exportCsv(input: unknown): CsvExport {
    return this.metering().exportCsv(input);
  }

  /** ledger.reset: moves a damaged usage.db (and SQLite's files beside it) aside and opens a new ledger. */
  reset(): { keptAs: string } {
    if (this.current) throw new AppError('CONFLICT', 'The usage ledger opens normally; there is nothing to move aside.');
    if (!this.problem?.damaged) {
      throw new AppError('CONFLICT', `${LEDGER_FILE} is not damaged (${this.problem?.cause ?? 'unknown'}), so it is left where it is. Fix the cause and restart Switchboard.`);
    }
    const now = (this.options.now ?? Date.now)();
    let keptAs: string | null;
    try {
      keptAs = setAside(this.path(), now);
      for (const suffix of COMPANIONS) setAside(this.path() + suffix, now);
    } catch (err) {
      throw new AppError('INTERNAL', `${LEDGER_FILE} could not be moved aside (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the data folder's permissions.`);
    }
    this.tryOpen();
    // Throws LEDGER_UNAVAILABLE when the new ledger cannot be opened either (the folder is not writable).
    this.metering();
    this.options.notices.report({
      file: LEDGER_FILE,
      problem: 'It was damaged and has been replaced by a new, empty ledger.',
      outcome: `Usage is recorded again, from now on. The damaged ledger is kept as ${keptAs}; limits you had set were in it, so set them again under Settings, Limits & time zone.`,
      ...(keptAs ? { keptAs } : {}),
    });
    this.options.onReopened?.();
    return { keptAs: keptAs ?? LEDGER_FILE };
  }

  async close(): Promise<void> {
    const open = this.current;
    this.current = null;
    await open?.close();
    if (!this.options.tokens) await this.tokens.close();
  }

  private path(): string {
    return join(this.options.dataDir, LEDGER_FILE);
  }

  private tryOpen(): void {
    try {
      this.current = createMetering({ ...this.options, tokens: this.tokens, notices: this.options.notices });
      this.problem = null;
    } catch (err) {
      this.current = null;
      this.problem = classify(err);
      this.options.notices.report(this.notice(this.problem));
    }
  }

  private notice(p: LedgerProblem): FileNotice {
    const paused = 'Usage cannot be recorded, so chat is paused (no request goes to a provider), and the usage dashboard and limits are unavailable.';
    return p.damaged
      ? {
          file: LEDGER_FILE,
          problem: `It is not a usable database (${p.cause}).`,
          outcome: `${paused} Move it aside to start a new, empty ledger (it is kept, with your history and limits, for you to inspect), or quit Switchboard and put back a copy of ${LEDGER_FILE} from a backup.`,
          action: 'reset-ledger',
        }
      : {
          file: LEDGER_FILE,
          problem: `It could not be opened (${p.cause}).`,
          outcome: `${paused} Check that no other Switchboard uses this data folder and that the file can be read and written, then restart Switchboard.`,
        };
  }
}

const DAMAGE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

function classify(err: unknown): LedgerProblem {
  const e = err as { code?: unknown; message?: unknown };
  const cause = typeof e?.message === 'string' && e.message ? e.message : String(err);
  const damaged = (typeof e?.code === 'string' && DAMAGE_CODES.has(e.code)) || /not a database|malformed|corrupt/i.test(cause);
  return { cause, damaged };
}
