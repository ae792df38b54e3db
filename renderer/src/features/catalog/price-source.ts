import type { PriceUpdateStatus } from '../../../../shared/contract/index.js';
import { formatListTime } from './refresh-summary.js';

export interface PriceSourceText {
  /** Where the prices in use come from, with when. */
  headline: string;
  /** Supporting facts: the fallback, skipped entries, the next check. */
  details: string[];
  /** Why the last check changed nothing (the previous prices stay). */
  problem?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "bundled models.dev snapshot of 2026-07-02 (commit f3fc692)". */
function bundledLabel(s: PriceUpdateStatus): string {
  const commit = /^[0-9a-f]{7,}$/.test(s.bundled.commit) ? ` (commit ${s.bundled.commit.slice(0, 7)})` : '';
  return `bundled models.dev snapshot of ${s.bundled.checkedAt}${commit}`;
}

/** What the Models page says about where its models.dev prices come from and how the online update is doing. */
export function describePriceSource(s: PriceUpdateStatus, timeZone?: string): PriceSourceText {
  const time = (iso: string) => formatListTime(iso, undefined, timeZone);
  const details: string[] = [];
  let headline: string;
  if (s.inUse === 'models.dev' && s.online) {
    headline = `models.dev prices, updated online ${time(s.online.fetchedAt)}.`;
    details.push(
      `${s.online.changed === 0 ? 'Same as' : `${plural(s.online.changed, 'model')} new or changed since`} the ${bundledLabel(s)}, which stays as the fallback.`,
    );
    if (s.online.skipped > 0) details.push(`${plural(s.online.skipped, 'entry', 'entries')} of the download could not be used and keep their previous price.`);
  } else {
    headline = `${bundledLabel(s).replace(/^b/, 'B')}.`;
    if (s.enabled && s.online) details.push(`The last download (${time(s.online.fetchedAt)}) is older than this snapshot, so the snapshot is used.`);
    else if (s.enabled && !s.lastAttemptAt) details.push('Checking models.dev for newer prices…');
  }
  if (s.enabled && s.nextCheckAt && s.lastAttemptAt) details.push(`Next check after ${time(s.nextCheckAt)}.`);
  const problem = s.error && s.lastAttemptAt ? `The check at ${time(s.lastAttemptAt)} failed: ${s.error.message}` : undefined;
  return { headline, details, ...(problem ? { problem } : {}) };
}
