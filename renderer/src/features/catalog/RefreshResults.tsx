import { useId } from 'react';
import { Badge } from '../../ui/Badge.js';
import { IconButton } from '../../ui/Button.js';
import { Callout } from '../../ui/Callout.js';
import type { RefreshSummary } from './refresh-summary.js';

/** Per-provider outcome of "Refresh from providers": how many models were listed and added, or why not. */
export function RefreshResults({ summary, onDismiss }: { summary: RefreshSummary; onDismiss(): void }) {
  const listId = useId();
  return (
    <section aria-label="Model list refresh results" data-testid="refresh-results">
      <Callout tone={summary.tone} title={summary.title} action={<IconButton icon="x" label="Dismiss the refresh results" onClick={onDismiss} />}>
        {summary.lines.length > 0 ? (
          <ul id={listId} className="refresh-results">
            {summary.lines.map((l) => (
              <li key={l.provider} data-provider={l.provider} data-ok={l.ok}>
                <strong>{l.name}</strong> {l.ok ? null : <Badge tone="danger">failed</Badge>} {l.text}
                {l.detail ? <span className="callout-hint"> {l.detail}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </Callout>
    </section>
  );
}
