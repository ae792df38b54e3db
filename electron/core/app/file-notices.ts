import type { FileNotice } from '../../../shared/contract/index.js';
import type { Logger } from './logger.js';

/**
 * The damaged files of the data folder, as app.info shows them. Each store that reads a file at start
 * reports what it found here instead of stopping the app; a notice goes when its file is fixed (the
 * ledger moved aside, a new vault). One notice per file: a later report replaces an earlier one.
 */
export class FileNotices {
  private readonly byFile = new Map<string, FileNotice>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly logger: Pick<Logger, 'warn'>) {}

  report(notice: FileNotice): void {
    this.byFile.delete(notice.file);
    this.byFile.set(notice.file, notice);
    this.logger.warn(`damaged file: ${notice.file}`, { problem: notice.problem, outcome: notice.outcome, ...(notice.keptAs ? { keptAs: notice.keptAs } : {}) });
    this.changed();
  }

  resolve(file: string): void {
    if (this.byFile.delete(file)) this.changed();
  }

  /** Oldest first. */
  list(): FileNotice[] {
    return [...this.byFile.values()].map((n) => ({ ...n }));
  }

  get(file: string): FileNotice | undefined {
    return this.byFile.get(file);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
