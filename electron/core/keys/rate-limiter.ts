import Conf from 'conf';
import { z } from 'zod';
import { FileNotices } from '../app/file-notices.js';
import { silentLogger } from '../app/logger.js';
import { readJsonOrSetAside } from '../fs/json-file.js';

const HOUR_MS = 60 * 60 * 1000;
const FILE = 'credential-changes.json';

const State = z.object({ version: z.literal(1), events: z.record(z.string(), z.array(z.number())) });
type State = z.infer<typeof State>;

export interface LimitDecision {
  allowed: boolean;
  /** How many changes the window already holds. */
  used: number;
  /** When the oldest change in the window leaves it (only when refused). */
  retryAt?: number;
}

/**
 * Sliding one-hour window of credential changes per bucket (a provider id). The times are kept in
 * `<dataDir>/credential-changes.json` (conf: atomic, 0600) so a restart does not reset the window.
 * Only times and bucket names are stored.
 */
export class CredentialRateLimiter {
  private readonly conf: Conf<State>;
  private state: State;

  constructor(
    dataDir: string,
    private readonly now: () => number,
    private readonly onWriteError: (err: unknown) => void = () => {},
    private readonly windowMs = HOUR_MS,
    notices: FileNotices = new FileNotices(silentLogger),
  ) {
    // A damaged file must not stop the app from starting: it is moved aside (conf would clear it)
    // and the window starts empty.
    const stored = readJsonOrSetAside(dataDir, FILE, State, {
      notices,
      now,
      outcome: 'The count of key changes in the last hour starts again from zero.',
    });
    this.conf = new Conf<State>({
      cwd: dataDir,
      configName: 'credential-changes',
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
      watch: false,
    });
    this.state = stored ?? { version: 1, events: {} };
  }

  check(bucket: string, limit: number): LimitDecision {
    const times = this.live(bucket);
    if (times.length < limit) return { allowed: true, used: times.length };
    // The (used - limit + 1)th oldest must leave before one more fits.
    const sorted = [...times].sort((a, b) => a - b);
    const leaving = sorted[times.length - limit] ?? sorted[0] ?? this.now();
    return { allowed: false, used: times.length, retryAt: leaving + this.windowMs };
  }

  record(bucket: string): void {
    const times = [...this.live(bucket), this.now()];
    this.state = { version: 1, events: { ...this.prunedAll(), [bucket]: times } };
    try {
      this.conf.store = this.state;
    } catch (err) {
      this.onWriteError(err);
    }
  }

  private live(bucket: string): number[] {
    const now = this.now();
    // Times far in the future (a clock set back) are kept: they expire an hour after that time,
    // so winding the clock back never lifts the limit.
    return (this.state.events[bucket] ?? []).filter((t) => t > now - this.windowMs);
  }

  private prunedAll(): Record<string, number[]> {
    const now = this.now();
    const out: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(this.state.events)) {
      const live = v.filter((t) => t > now - this.windowMs);
      if (live.length > 0) out[k] = live;
    }
    return out;
  }
}
