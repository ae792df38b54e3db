import { useId } from 'react';
import type { ChatMessage, PowerLevel, PowerLevelChoice, PowerLevelOption } from '../../../../shared/contract/index.js';
import { POWER_LEVELS } from '../../../../shared/contract/index.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { Callout } from '../../ui/Callout.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { formatCostRange } from '../chat/format.js';
import { formatPricePerMillion } from '../usage/money.js';
import { LEVEL_HELP, LEVEL_LABEL } from './agent-format.js';

/** agents.powerLevels, refreshed when keys or prices change. */
export function usePowerLevels(opts: { needsTools?: boolean; maxTokens?: number; messages?: ChatMessage[] } = {}) {
  return useBridgeQuery(
    'agents.powerLevels',
    { ...(opts.needsTools ? { needsTools: true } : {}), ...(opts.maxTokens ? { maxTokens: opts.maxTokens } : {}), ...(opts.messages ? { messages: opts.messages } : {}) },
    { refreshOn: ['keys.changed', 'vault.changed'] },
  );
}

function Prices({ c }: { c: PowerLevelChoice }) {
  return (
    <>
      <span className="level-price">
        {formatPricePerMillion(c.pricing?.input)} in · {formatPricePerMillion(c.pricing?.output)} out
        <span className="muted"> per 1M tokens</span>
      </span>
      <span className="level-estimate">
        Next turn: <strong>{formatCostRange(c.minCostUsd, c.maxCostUsd)}</strong>
      </span>
    </>
  );
}

/**
 * Eco / Balanced / Precision side by side: the model each level would use with the user's keys,
 * its live prices per million tokens and the estimated cost of the next turn. A radio group.
 */
export function PowerLevelPicker({
  value,
  onChange,
  needsTools,
  maxTokens,
  onNavigate,
}: {
  value: PowerLevel | null;
  onChange(level: PowerLevel): void;
  needsTools?: boolean;
  maxTokens?: number;
  onNavigate?(): void;
}) {
  const name = useId();
  const q = usePowerLevels({ ...(needsTools ? { needsTools } : {}), ...(maxTokens ? { maxTokens } : {}) });
  if (q.error && !q.data) return <ErrorNotice error={q.error} onRetry={q.reload} />;
  const levels: PowerLevelOption[] = q.data?.levels ?? POWER_LEVELS.map((level) => ({ level, choice: null, alternatives: [] }));
  const noKeys = q.data !== undefined && q.data.families.length === 0;
  return (
    <div className="level-picker" aria-busy={!q.data}>
      {noKeys ? (
        <Callout tone="warning" title="No provider keys yet">
          Levels pick a model among the providers you have keys for.{' '}
          <Link to={paths.settings('keys')} onClick={onNavigate}>
            Add a key
          </Link>
        </Callout>
      ) : null}
      <div className="level-grid" role="radiogroup" aria-label="Power level">
        {levels.map((l) => (
          <label key={l.level} className={`level-card ${value === l.level ? 'is-selected' : ''}`} data-level={l.level}>
            <span className="level-head">
              <input type="radio" name={name} value={l.level} checked={value === l.level} onChange={() => onChange(l.level)} />
              <span className="level-name">{LEVEL_LABEL[l.level]}</span>
            </span>
            <span className="level-help muted">{LEVEL_HELP[l.level]}</span>
            {l.choice ? (
              <>
                <span className="level-model">
                  {l.choice.name} <span className="muted">· {providerSpec(l.choice.provider).name}</span>
                </span>
                <Prices c={l.choice} />
                {l.alternatives.length > 0 ? (
                  <span className="level-alts muted">Falls back to {l.alternatives.map((a) => `${a.name} (${providerSpec(a.provider).name})`).join(', ')}</span>
                ) : null}
              </>
            ) : q.data ? (
              <span className="level-model muted">No priced model{needsTools ? ' that can use tools' : ''} with your keys</span>
            ) : (
              <span className="level-model muted">Loading…</span>
            )}
          </label>
        ))}
      </div>
    </div>
  );
}
