import { join } from 'node:path';
import { parseRequest, type EventName, type EventPayload } from '../../../shared/contract/index.js';
import type { FileNotices } from '../app/file-notices.js';
import type { Logger } from '../app/logger.js';
import type { HandlerMap } from '../app/handlers.js';
import { MeteringAdmission } from '../limits/admission.js';
import { limitsHandlers } from '../limits/handlers.js';
import { LimitsStore } from '../limits/limits-store.js';
import type { CsvExport } from './csv-export.js';
import { usageCsv, usageHandlers } from './handlers.js';
import { Ledger } from './ledger.js';
import { openSessionTitles, SESSION_TITLES_FILE, type SessionTitles } from './session-titles.js';
import { machineTimeZone } from './time-zone.js';
import { TokenCounter } from './token-counter.js';

export interface MeteringOptions {
  dataDir: string;
  logger: Logger;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  /** Key id → label for the CSV (labels only). */
  keyLabels?: () => Promise<Map<string, string>> | Map<string, string>;
  now?: () => number;
  /** The machine's zone, used until the user picks one (tests inject it). */
  machineZone?: () => string;
  /** Counts prompt tokens; one of its own (closed with the metering) when not given. */
  tokens?: TokenCounter;
  /** Where unreadable stored limits are reported. */
  notices?: FileNotices;
  /** How long admission waits for a provider's count of a prompt (AdmissionOptions.countTimeoutMs). */
  countTimeoutMs?: number;
}

export interface Metering {
  ledger: Ledger;
  /** The router's CallAdmission (electron/core/ports.ts). */
  admission: MeteringAdmission;
  /** Prompt token counts (a worker thread owns the tokenizers); start() loads them ahead of the first turn. */
  tokens: TokenCounter;
  handlers: Pick<HandlerMap, 'usage.query' | 'usage.records' | 'usage.exportCsv' | 'usage.setSessionTitles' | 'usage.sessionTitles' | 'limits.get' | 'limits.set'>;
  /** Core.exportCsv: parses the request, then streams the CSV. */
  exportCsv(input: unknown): CsvExport;
  /** Settles running calls, closes the ledger, then stops the tokenizer worker. */
  close(): Promise<void>;
}

/** Opens the ledger (<dataDir>/usage.db), settles what a crash left running, and wires limits. */
export function createMetering(options: MeteringOptions): Metering {
  const now = options.now ?? Date.now;
  const machineZone = options.machineZone ?? machineTimeZone;
  const ledger = Ledger.open({ path: join(options.dataDir, 'usage.db'), timeZone: machineZone() });
  // Started lazily (first estimate, or the core's start()), so tests that never count spawn no thread.
  const tokens = options.tokens ?? new TokenCounter({ logger: options.logger });
  let titles: SessionTitles | null = null;
  try {
    titles = openSessionTitles(join(options.dataDir, SESSION_TITLES_FILE), { notices: options.notices, logger: options.logger, now });
    const limits = new LimitsStore(ledger, options.logger, machineZone, options.notices);
    const admission = new MeteringAdmission({
      ledger,
      limits,
      emit: options.emit,
      logger: options.logger,
      now,
      tokens,
      ...(options.countTimeoutMs !== undefined ? { countTimeoutMs: options.countTimeoutMs } : {}),
    });
    admission.recoverInterrupted();
    const deps = { ledger, ...(titles ? { titles } : {}), timeZone: () => limits.get().timeZone, now, ...(options.keyLabels ? { keyLabels: options.keyLabels } : {}) };
    return {
      ledger,
      admission,
      tokens,
      handlers: { ...usageHandlers(deps), ...limitsHandlers(admission) },
      exportCsv: (input) => usageCsv(deps, parseRequest('usage.exportCsv', input)),
      close: async () => {
        admission.close();
        ledger.close();
        titles?.close();
        if (!options.tokens) await tokens.close();
      },
    };
  } catch (err) {
    ledger.close();
    titles?.close();
    throw err;
  }
}
