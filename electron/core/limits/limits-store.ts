import { z } from 'zod';
import { Limits, type LimitsPatch } from '../../../shared/contract/index.js';
import type { FileNotices } from '../app/file-notices.js';
import type { Logger } from '../app/logger.js';
import type { Ledger } from '../metering/ledger.js';
import { isValidTimeZone, machineTimeZone } from '../metering/time-zone.js';

/** Stored form: `timeZone: null` follows the machine's zone. */
const Stored = Limits.extend({ timeZone: z.string().nullable() });
type Stored = z.infer<typeof Stored>;

const EMPTY: Stored = { dailyTokens: { provider: {}, key: {} }, monthlyUsd: { total: null, provider: {} }, sessionUsd: null, timeZone: null };

/**
 * The user's limits, kept in the ledger database (kv 'limits'): written in the same file and
 * transactionally, so limits and the usage they are checked against cannot drift apart.
 */
export class LimitsStore {
  private stored: Stored;
  /** get() runs on every admission: resolved once per change (checking a zone name builds an Intl formatter). */
  private resolved: Limits | null = null;

  constructor(
    private readonly ledger: Ledger,
    private readonly logger: Logger,
    private readonly machineZone: () => string = machineTimeZone,
    private readonly notices?: FileNotices,
  ) {
    this.stored = this.load();
  }

  private load(): Stored {
    const text = this.ledger.kvGet('limits');
    if (text === null) return structuredClone(EMPTY);
    try {
      return Stored.parse(JSON.parse(text));
    } catch (err) {
      // Never silently drop limits: keep the unreadable value beside for inspection and say so.
      this.logger.error('stored limits could not be read; starting without limits', { err });
      const keptAs = `limits.unreadable.${Date.now()}`;
      this.ledger.kvSet(keptAs, text);
      this.notices?.report({
        file: 'usage.db',
        problem: 'The limits stored in it could not be read.',
        outcome: `No limits are in force until you set them again under Settings, Limits & time zone. The unreadable value is kept in the ledger (${keptAs}); your usage history is intact.`,
      });
      return structuredClone(EMPTY);
    }
  }

  /** The limits in force. Shared and read-only: do not modify the answer. */
  get(): Limits {
    if (this.resolved) return this.resolved;
    const s = this.stored;
    const tz = s.timeZone && isValidTimeZone(s.timeZone) ? s.timeZone : this.machineZone();
    this.resolved = Object.freeze({
      dailyTokens: Object.freeze({ provider: Object.freeze({ ...s.dailyTokens.provider }), key: Object.freeze({ ...s.dailyTokens.key }) }),
      monthlyUsd: Object.freeze({ total: s.monthlyUsd.total, provider: Object.freeze({ ...s.monthlyUsd.provider }) }),
      sessionUsd: s.sessionUsd,
      timeZone: tz,
    }) as Limits;
    return this.resolved;
  }

  /** Applies a patch: omitted fields unchanged, `null` clears one entry. */
  set(patch: LimitsPatch): Limits {
    const next: Stored = structuredClone(this.stored);
    const merge = (into: Record<string, number>, p: Partial<Record<string, number | null>> | undefined) => {
      if (!p) return;
      for (const [k, v] of Object.entries(p)) {
        if (v === null || v === undefined) delete into[k];
        else into[k] = v;
      }
    };
    merge(next.dailyTokens.provider, patch.dailyTokens?.provider);
    merge(next.dailyTokens.key, patch.dailyTokens?.key);
    if (patch.monthlyUsd?.total !== undefined) next.monthlyUsd.total = patch.monthlyUsd.total;
    merge(next.monthlyUsd.provider, patch.monthlyUsd?.provider);
    if (patch.sessionUsd !== undefined) next.sessionUsd = patch.sessionUsd;
    if (patch.timeZone !== undefined) next.timeZone = patch.timeZone;
    this.ledger.kvSet('limits', JSON.stringify(next));
    this.stored = next;
    this.resolved = null;
    return this.get();
  }
}
