import type { Attempt } from './contract/chat.js';

export interface AttemptCounts {
  /** Provider requests made: answered, failed or stopped. */
  requests: number;
  /** Entries passed over without a request (a key cooling down, a deleted key). */
  skipped: number;
  /** Requests a limit refused before they were sent. */
  refused: number;
}

/** What a turn's attempts came to. One count for the error message and the attempts list, so they agree. */
export function countAttempts(attempts: readonly Pick<Attempt, 'status'>[]): AttemptCounts {
  const counts: AttemptCounts = { requests: 0, skipped: 0, refused: 0 };
  for (const a of attempts) {
    if (a.status === 'skipped') counts.skipped++;
    else if (a.status === 'refused') counts.refused++;
    else counts.requests++;
  }
  return counts;
}

/** "8 requests, 2 skipped", "1 request, 1 refused by a limit". */
export function describeAttemptCounts(attempts: readonly Pick<Attempt, 'status'>[]): string {
  const c = countAttempts(attempts);
  const parts = [`${c.requests} ${c.requests === 1 ? 'request' : 'requests'}`];
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.refused > 0) parts.push(`${c.refused} refused by ${c.refused === 1 ? 'a limit' : 'limits'}`);
  return parts.join(', ');
}
