import type { ModelsRefreshResult } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import { displayZone } from '../../state/time-zone-store.js';
import { formatIso } from '../../ui/datetime.js';

export interface RefreshLine {
  provider: ModelsRefreshResult['provider'];
  name: string;
  ok: boolean;
  /** "5 listed · 4 added (3 with the provider’s prices)" or what went wrong. */
  text: string;
  /** Troubleshooting for a failure, and what is kept meanwhile. */
  detail?: string;
}

export interface RefreshSummary {
  tone: 'success' | 'warning' | 'info';
  title: string;
  lines: RefreshLine[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Jul 3, 9:30 AM" in the user's locale and time zone (the limits zone unless given), for "kept the list from …". */
export function formatListTime(iso: string, locale?: string, timeZone?: string): string {
  return formatIso(iso, timeZone ?? displayZone(), { locale });
}

export function refreshLine(r: ModelsRefreshResult, timeZone?: string): RefreshLine {
  const name = providerSpec(r.provider).name;
  if (r.error) {
    const kept = r.fetchedAt ? `Still using the list from ${formatListTime(r.fetchedAt, undefined, timeZone)}.` : 'No earlier list is kept.';
    return { provider: r.provider, name, ok: false, text: r.error.message, detail: [r.error.hint, kept].filter(Boolean).join(' ') };
  }
  const added =
    r.added === 0
      ? 'nothing new (all in the catalog)'
      : `${r.added} added${r.priced === r.added ? ' with the provider’s prices' : r.priced > 0 ? ` (${r.priced} with the provider’s prices, the rest price unknown)` : ', price unknown'}`;
  const parts = [`${plural(r.listed, 'model')} listed`, added];
  if (r.repriced) parts.push(`${plural(r.repriced, 'catalog model')} at ${name}’s own price`);
  if (r.rejectedPrices) parts.push(`${plural(r.rejectedPrices, 'price')} that could not be per token left unknown`);
  return { provider: r.provider, name, ok: true, text: parts.join(' · ') };
}

/** What the Models page says after "Refresh from providers". */
export function summarizeRefresh(results: readonly ModelsRefreshResult[], timeZone?: string): RefreshSummary {
  if (results.length === 0) {
    return { tone: 'info', title: 'No provider is set up yet. Add a key in Settings → Providers & Keys, then refresh.', lines: [] };
  }
  const lines = results.map((r) => refreshLine(r, timeZone));
  const failed = lines.filter((l) => !l.ok).length;
  const added = results.reduce((s, r) => s + r.added, 0);
  const listed = results.reduce((s, r) => s + r.listed, 0);
  // The same counts as the lines below: listed by the providers, and of those, new to the catalog.
  const title =
    failed === 0
      ? `Refreshed ${plural(results.length, 'provider')}: ${plural(listed, 'model')} listed, ${added === 0 ? 'none new beyond the catalog' : `${added} new beyond the catalog`}.`
      : failed === results.length
        ? `No provider list could be refreshed (${plural(failed, 'provider')} failed).`
        : `Refreshed ${results.length - failed} of ${plural(results.length, 'provider')}; ${failed} failed.`;
  return { tone: failed > 0 ? 'warning' : 'success', title, lines };
}
