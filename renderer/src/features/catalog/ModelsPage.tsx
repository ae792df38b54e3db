import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { ModelInfo, ProviderId } from '../../../../shared/contract/index.js';
import { Capability } from '../../../../shared/contract/index.js';
import { PROVIDER_LIST, providerSpec } from '../../../../shared/providers/registry.js';
import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { useBridge } from '../../bridge/context.js';
import { describeError } from '../../bridge/errors.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { toast } from '../../state/toast-store.js';
import { Badge } from '../../ui/Badge.js';
import { Button, IconButton } from '../../ui/Button.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { TableHead } from '../../ui/TableHead.js';
import { formatPricePerMillion } from '../usage/money.js';
import { CAPABILITY_LABELS, EMPTY_FILTERS, formatTokenLimit, isFiltered, parsePrice, toListRequest, type CatalogFilters } from './catalog-filters.js';
import { catalogView, SORT_LABELS, type CatalogSort } from './catalog-view.js';
import { PriceDialog } from './PriceDialog.js';
import { PriceSourcePanel } from './PriceSourcePanel.js';
import { formatListTime, summarizeRefresh, type RefreshSummary } from './refresh-summary.js';
import { RefreshResults } from './RefreshResults.js';

const COLUMNS = [
  { label: 'Model' },
  { label: 'Input', num: true },
  { label: 'Output', num: true },
  { label: <abbr title="Price of prompt tokens read from the provider’s cache, and of writing them to it">Cache read / write</abbr>, num: true },
  { label: <abbr title="Context window, and the most tokens one answer may have">Context / output</abbr>, num: true },
  { label: 'Capabilities' },
  { label: 'Price checked' },
  { label: <span className="visually-hidden">Actions</span> },
] as const;

/** A background change (OpenRouter's list after a key was added, an online price update) reloads the list. */
const CATALOG_EVENTS = ['models.changed'] as const;

type Editing = { model: ModelInfo | null } | null;

/** The model catalog: prices per million tokens, limits, capabilities, EU hosting, and custom prices. */
export function ModelsPage() {
  useDocumentTitle('Models');
  const bridge = useBridge();
  const [filters, setFilters] = useState<CatalogFilters>(EMPTY_FILTERS);
  // Typing in the search box should not queue a request per key press.
  const request = useDeferredValue(toListRequest(filters));
  const models = useBridgeQuery('models.list', request, { refreshOn: CATALOG_EVENTS });
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<ModelInfo | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshed, setRefreshed] = useState<RefreshSummary | null>(null);
  const [includeDeprecated, setIncludeDeprecated] = useState(false);
  const [sort, setSort] = useState<CatalogSort>('catalog');
  const [page, setPage] = useState(0);
  const id = useId();
  const priceCap = parsePrice(filters.maxInputPrice);
  const set = (patch: Partial<CatalogFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(0);
  };
  const list = models.data?.models;
  const view = useMemo(() => (list ? catalogView(list, { includeDeprecated, sort, page }) : undefined), [list, includeDeprecated, sort, page]);
  const listings = models.data?.providerListings ?? [];
  const openRouterListing = listings.find((l) => l.provider === 'openrouter');
  const lastListed = listings.reduce<string | null>((latest, l) => (latest === null || l.fetchedAt > latest ? l.fetchedAt : latest), null);

  const refresh = async () => {
    setRefreshing(true);
    try {
      const answer = await bridge.call('models.refresh', {});
      setRefreshed(summarizeRefresh(answer.providers));
      models.reload();
    } catch (err) {
      toast.error('Could not refresh from providers', describeError(err).message);
    } finally {
      setRefreshing(false);
    }
  };

  return (
    <div className="page models-page">
      <header className="page-header page-header-row">
        <div>
          <h1>Models</h1>
          <p className="page-subtitle">
            Prices in US dollars per million tokens.
            {lastListed ? (
              <>
                {' '}
                Providers’ model lists fetched <time dateTime={lastListed}>{formatListTime(lastListed)}</time>.
              </>
            ) : null}
          </p>
        </div>
        <div style={{ display: 'flex', gap: 8, flex: 'none' }}>
          <Button
            icon="refresh"
            busy={refreshing}
            onClick={() => void refresh()}
            title="Ask each provider you have a key for which models it offers (OpenRouter also publishes prices). Nothing is generated and nothing is billed."
          >
            {refreshing ? 'Refreshing…' : 'Refresh from providers'}
          </Button>
          <Button icon="plus" onClick={() => setEditing({ model: null })}>
            Set a custom price
          </Button>
        </div>
      </header>

      {refreshed ? <RefreshResults summary={refreshed} onDismiss={() => setRefreshed(null)} /> : null}

      {models.data?.priceUpdates ? <PriceSourcePanel status={models.data.priceUpdates} openRouter={openRouterListing} onChanged={models.reload} /> : null}

      <section className="card catalog-filters" aria-label="Filter models">
        <div className="filter-grid">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-search`}>
              Search
            </label>
            <input id={`${id}-search`} type="search" className="input" placeholder="Name, id or provider" value={filters.search} maxLength={200} onChange={(e) => set({ search: e.currentTarget.value })} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-provider`}>
              Provider
            </label>
            <select id={`${id}-provider`} className="input" value={filters.provider} onChange={(e) => set({ provider: e.currentTarget.value as ProviderId | '' })}>
              <option value="">All providers</option>
              {PROVIDER_LIST.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-capability`}>
              Capability
            </label>
            <select id={`${id}-capability`} className="input" value={filters.capability} onChange={(e) => set({ capability: e.currentTarget.value as CatalogFilters['capability'] })}>
              <option value="">Any</option>
              {Capability.options.map((c) => (
                <option key={c} value={c}>
                  {CAPABILITY_LABELS[c]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-price`}>
              Max input price
            </label>
            <div className="input-affix">
              <span className="input-prefix" aria-hidden="true">
                $
              </span>
              <input
                id={`${id}-price`}
                className="input"
                inputMode="decimal"
                placeholder="any"
                value={filters.maxInputPrice}
                aria-invalid={priceCap.error ? true : undefined}
                aria-describedby={`${id}-price-msg`}
                onChange={(e) => set({ maxInputPrice: e.currentTarget.value })}
              />
              <span className="input-suffix">/ 1M</span>
            </div>
          </div>
        </div>
        <div className="filter-row">
          <label className="checkbox">
            <input type="checkbox" checked={filters.euOnly} onChange={(e) => set({ euOnly: e.currentTarget.checked })} />
            <span>EU-hosted only</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={filters.recommendedOnly} onChange={(e) => set({ recommendedOnly: e.currentTarget.checked })} />
            <span>Recommended only</span>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={includeDeprecated}
              onChange={(e) => {
                setIncludeDeprecated(e.currentTarget.checked);
                setPage(0);
              }}
            />
            <span>Include deprecated</span>
          </label>
          <div className="sort-field">
            <label className="sort-label" htmlFor={`${id}-sort`}>
              Sort
            </label>
            <select
              id={`${id}-sort`}
              className="input input-sm"
              value={sort}
              onChange={(e) => {
                setSort(e.currentTarget.value as CatalogSort);
                setPage(0);
              }}
            >
              {(Object.keys(SORT_LABELS) as CatalogSort[]).map((k) => (
                <option key={k} value={k}>
                  {SORT_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <p id={`${id}-price-msg`} className={`field-message ${priceCap.error ? 'is-error' : ''}`} aria-live="polite">
            {priceCap.error ?? ''}
          </p>
          <span className="filter-count muted" aria-live="polite" data-testid="catalog-count">
            {view ? countText(view.total, view.deprecatedHidden) : ''}
          </span>
          {isFiltered(filters) ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setFilters(EMPTY_FILTERS);
                setPage(0);
              }}
            >
              Clear filters
            </Button>
          ) : null}
        </div>
      </section>

      {models.error && !models.data ? <ErrorNotice error={models.error} onRetry={models.reload} /> : null}

      <div className="table-wrap catalog-table-wrap" aria-busy={models.loading} tabIndex={0} role="region" aria-label="Models table (scrolls sideways on narrow windows)">
        <table className="table catalog-table">
          <caption className="visually-hidden">Models, with prices in USD per million tokens</caption>
          <TableHead columns={COLUMNS} />
          <tbody>
            {view === undefined ? (
              <tr>
                <td colSpan={COLUMNS.length}>
                  <span className="skeleton skeleton-block" />
                </td>
              </tr>
            ) : view.rows.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS.length} className="table-empty muted">
                  No model matches these filters.
                </td>
              </tr>
            ) : (
              view.rows.map((m) => <ModelRow key={`${m.provider}/${m.id}`} model={m} onEdit={() => setEditing({ model: m })} onRemove={() => setRemoving(m)} />)
            )}
          </tbody>
        </table>
      </div>
      {view && view.pageCount > 1 ? <Pager from={view.from} to={view.to} total={view.total} page={view.page} pageCount={view.pageCount} onPage={setPage} /> : null}

      {editing ? (
        <PriceDialog
          model={editing.model}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            models.reload();
            if (saved) toast.success('Price saved', `${saved.name}: ${formatPricePerMillion(saved.pricing?.input)} input, ${formatPricePerMillion(saved.pricing?.output)} output per million tokens.`);
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Remove your price?"
          confirmLabel="Remove price"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            try {
              await bridge.call('models.setPrice', { provider: removing.provider, model: removing.id, pricing: null });
            } catch (err) {
              toast.error('Could not remove the price', describeError(err).message);
              throw err;
            }
            setRemoving(null);
            models.reload();
            toast.success('Price removed');
          }}
        >
          <p>
            Calls to <code>{removing.id}</code> ({providerSpec(removing.provider).name}) will use the bundled price again, or count as unknown price if there is none. Costs already
            recorded keep the price they were recorded with.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function countText(total: number, deprecatedHidden: number): string {
  const models = `${total} ${total === 1 ? 'model' : 'models'}`;
  return deprecatedHidden > 0 ? `${models} (${deprecatedHidden} deprecated hidden)` : models;
}

/** Which rows are shown, and buttons to the other pages. */
function Pager({ from, to, total, page, pageCount, onPage }: { from: number; to: number; total: number; page: number; pageCount: number; onPage(page: number): void }) {
  return (
    <nav className="pager" aria-label="Pages of models">
      <span className="muted" aria-live="polite">
        Showing {from}–{to} of {total}
      </span>
      <Button size="sm" disabled={page === 0} onClick={() => onPage(page - 1)}>
        Previous
      </Button>
      <span className="pager-page">
        Page {page + 1} of {pageCount}
      </span>
      <Button size="sm" disabled={page >= pageCount - 1} onClick={() => onPage(page + 1)}>
        Next
      </Button>
    </nav>
  );
}

function priceSourceLabel(m: ModelInfo): string {
  if (m.priceSource === 'user') return 'set by you';
  // The source's name under the date, like "models.dev": here the provider that published the price.
  if (m.priceSource === 'provider') return m.pricing ? providerSpec(m.provider).name : 'listed by provider';
  return m.priceSource === 'catalog' ? 'models.dev' : '';
}

function ModelRow({ model: m, onEdit, onRemove }: { model: ModelInfo; onEdit(): void; onRemove(): void }) {
  const p = m.pricing;
  const userPrice = m.priceSource === 'user';
  const listed = m.listedAt !== undefined;
  const unknown = p === null ? 'unknown' : undefined;
  const tiers = m.pricingTiers ?? [];
  const tierNote = tiers.map((t) => `Above ${formatTokenLimit(t.aboveInputTokens)} prompt tokens: ${formatPricePerMillion(t.pricing.input)} input, ${formatPricePerMillion(t.pricing.output)} output`).join('. ');
  return (
    <tr data-testid="catalog-model" data-model={m.id} data-provider={m.provider}>
      <td className="model-cell">
        <span className="cell-main">{m.name}</span>
        <span className="cell-sub">
          {providerSpec(m.provider).name} · <code className="model-id">{m.id}</code>
        </span>
        <span className="model-badges">
          {m.recommended ? <Badge tone="accent">Recommended</Badge> : null}
          {m.eu ? (
            <Badge tone="info" title={m.note}>
              EU
            </Badge>
          ) : null}
          {userPrice ? <Badge tone="neutral">Your price</Badge> : null}
          {listed ? (
            <Badge tone="info" title={m.note}>
              Listed by provider
            </Badge>
          ) : null}
          {m.status === 'deprecated' ? (
            <Badge tone="warning" title={m.note}>
              Deprecated
            </Badge>
          ) : m.status ? (
            <Badge tone="neutral">{m.status === 'beta' ? 'Beta' : 'Alpha'}</Badge>
          ) : null}
        </span>
      </td>
      <td className="num" title={tierNote || undefined}>
        {unknown ?? formatPricePerMillion(p?.input)}
        {tiers.length > 0 ? (
          <span className="cell-sub tiered" title={tierNote}>
            tiered
          </span>
        ) : null}
      </td>
      <td className="num">{unknown ?? formatPricePerMillion(p?.output)}</td>
      <td className="num">
        <span className="cell-main" title="Cache read, per million tokens">
          {formatPricePerMillion(p?.cacheRead)}
        </span>
        {p?.cacheWrite != null ? (
          <span className="cell-sub" title="Cache write, per million tokens">
            write {formatPricePerMillion(p.cacheWrite)}
          </span>
        ) : null}
      </td>
      <td className="num">
        <span className="cell-main" title={m.contextWindow ? `${m.contextWindow.toLocaleString()} tokens of context` : 'Context window unknown'}>
          {formatTokenLimit(m.contextWindow)}
        </span>
        <span className="cell-sub" title={m.maxOutputTokens ? `At most ${m.maxOutputTokens.toLocaleString()} output tokens per answer` : 'Output limit unknown'}>
          {formatTokenLimit(m.maxOutputTokens)} out
        </span>
      </td>
      <td>
        <span className="capabilities">
          {m.capabilities.length === 0 ? <span className="muted">—</span> : m.capabilities.map((c) => <span key={c} className="capability">{CAPABILITY_LABELS[c]}</span>)}
        </span>
      </td>
      <td className="nowrap checked-cell" title={m.note}>
        {m.pricesCheckedAt ? <time dateTime={m.pricesCheckedAt}>{m.pricesCheckedAt}</time> : <span className="muted">price unknown</span>}
        <span className="cell-sub">{priceSourceLabel(m)}</span>
      </td>
      <td className="row-actions">
        <IconButton icon="pencil" label={`Set price of ${m.name}`} onClick={onEdit} />
        {userPrice ? <IconButton icon="trash" label={`Remove your price of ${m.name}`} onClick={onRemove} /> : null}
      </td>
    </tr>
  );
}
