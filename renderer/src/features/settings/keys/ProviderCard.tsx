import { ExternalLink } from '../../../router/Link.js';
import { Badge } from '../../../ui/Badge.js';
import { Button } from '../../../ui/Button.js';
import { formatLatency } from '../../../ui/format.js';
import { article, keyShape, type ProviderEntry } from './key-form.js';
import { KeyRow, type KeyAction } from './KeyRow.js';
import type { KeyInfo } from '../../../../../shared/contract/index.js';

/** A provider with keys: its key list, health, and "Add key". */
export function ProviderCard({
  entry,
  now,
  onAdd,
  onAction,
  onTested,
}: {
  entry: ProviderEntry;
  now: number;
  onAdd(): void;
  onAction(action: KeyAction, key: KeyInfo): void;
  onTested(): void;
}) {
  const { spec, info, keys } = entry;
  const headingId = `provider-${spec.id}`;
  const health = info?.health;
  return (
    <section className="card provider-card" aria-labelledby={headingId} data-provider={spec.id}>
      <header className="provider-card-header">
        <div>
          <h3 id={headingId} className="provider-name">
            {spec.name}
          </h3>
          <p className="provider-sub">
            {keys.length === 0 && info?.hasEnvironmentKey ? 'Key from the environment' : `${keys.length} ${keys.length === 1 ? 'key' : 'keys'}`}
            {health && health.recentCalls > 0 ? (
              <>
                {' · '}
                {health.errorRate !== null ? `${Math.round(health.errorRate * 100)}% errors` : null}
                {health.p50LatencyMs !== null ? ` · typical reply ${formatLatency(health.p50LatencyMs)}` : null}
              </>
            ) : null}
            {health?.coolingDownUntil && health.coolingDownUntil > now ? (
              <>
                {' '}
                <Badge tone="warning">cooling down</Badge>
              </>
            ) : null}
          </p>
        </div>
        <div className="provider-card-actions">
          <ExternalLink href={spec.docsUrl} className="subtle-link">
            {spec.keyRequired ? 'Key page' : 'Set-up guide'}
          </ExternalLink>
          <Button size="sm" icon="plus" onClick={onAdd} aria-label={`Add ${spec.name} key`}>
            Add key
          </Button>
        </div>
      </header>
      {keys.length > 0 ? (
        <ul className="key-list" aria-label={`${spec.name} keys`}>
          {keys.map((k) => (
            <KeyRow key={k.id} keyInfo={k} now={now} onAction={onAction} onTested={onTested} />
          ))}
        </ul>
      ) : (
        <p className="muted provider-empty">
          Configured outside Switchboard. Add {article(spec.name)} {spec.name} key to manage it here.
        </p>
      )}
    </section>
  );
}

/** A provider without keys yet: where to get one and the button to add it. */
export function ProviderTile({ entry, onAdd }: { entry: ProviderEntry; onAdd(): void }) {
  const { spec } = entry;
  const headingId = `provider-${spec.id}`;
  return (
    <section className="provider-tile" aria-labelledby={headingId} data-provider={spec.id}>
      <h3 id={headingId} className="provider-name">
        {spec.name}
      </h3>
      <p className="provider-hint">
        {spec.keyRequired ? `Key ${keyShape(spec)}.` : 'For servers on your computer or network.'}
        {spec.envVars[0] ? (
          <>
            {' '}
            Or set <code>{spec.envVars[0]}</code>.
          </>
        ) : null}
      </p>
      <div className="provider-tile-actions">
        <ExternalLink href={spec.docsUrl} className="subtle-link">
          {spec.keyRequired ? 'Get a key' : 'Set-up guide'}
        </ExternalLink>
        <Button size="sm" icon="plus" onClick={onAdd} aria-label={`Add ${spec.name} key`}>
          Add key
        </Button>
      </div>
    </section>
  );
}
