import type { ModelsRefreshResult } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';

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

/** "2026-07-03 09:30" in the viewer's time zone, for "kept the list from …". */
export function formatListTime(iso: string, locale?: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale ?? 'en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) })
    .format(d)
    .replace(',', '');
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
  const title =
    failed === 0
      ? `Refreshed ${plural(results.length, 'provider')}: ${added === 0 ? 'no models beyond the catalog' : `${plural(added, 'model')} listed by providers`}.`
      : failed === results.length
        ? `No provider list could be refreshed (${plural(failed, 'provider')} failed).`
        : `Refreshed ${results.length - failed} of ${plural(results.length, 'provider')}; ${failed} failed.`;
  return { tone: failed > 0 ? 'warning' : 'success', title, lines };
}
