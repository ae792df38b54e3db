import { useEffect } from 'react';
import { useBridge } from '../../bridge/context.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { describeTotalCost, formatCostExact, formatCostShort, formatTokens, formatTokensCompact, plural, totalTokens } from './money.js';
import { percent } from './limit-text.js';

/**
 * What one conversation (usage session) has cost so far, from the usage ledger, so it stays right
 * after messages or the conversation are deleted elsewhere. For the conversation header:
 * `<ConversationCost sessionId={conversation.id} />`. Shows the per-conversation budget too when
 * one is set.
 */
export function ConversationCost({ sessionId, className }: { sessionId: string; className?: string }) {
  const bridge = useBridge();
  const usage = useBridgeQuery('usage.query', { sessionId, groupBy: [] });
  const budget = useBridgeQuery('limits.get', { sessionId });
  const { reload: reloadUsage } = usage;
  const { reload: reloadBudget } = budget;

  // Only this conversation's calls change its total.
  useEffect(() => {
    const offRecorded = bridge.onEvent('usage.recorded', ({ record }) => {
      if (record.sessionId !== sessionId) return;
      reloadUsage();
      reloadBudget();
    });
    const offLimit = bridge.onEvent('limits.exceeded', ({ state }) => {
      if (state.scope === 'sessionUsd' && state.subject === sessionId) reloadBudget();
    });
    return () => {
      offRecorded();
      offLimit();
    };
  }, [bridge, sessionId, reloadUsage, reloadBudget]);

  const t = usage.data?.totals;
  if (!t) return <span className={`conversation-cost ${className ?? ''}`} aria-busy="true" />;
  const session = budget.data?.states.find((s) => s.scope === 'sessionUsd');

  if (t.calls === 0) {
    return (
      <span className={`conversation-cost ${className ?? ''}`} data-testid="conversation-cost">
        <span className="muted">No cost yet</span>
        {session ? <span className="muted"> · budget {formatCostExact(session.limit)}</span> : null}
      </span>
    );
  }
  const cost = describeTotalCost(t);
  const tokens = totalTokens(t);
  const breakdown = [
    `${plural(t.calls, 'call', 'calls')}`,
    `${formatTokens(t.inputTokens)} input`,
    t.cacheReadTokens > 0 ? `${formatTokens(t.cacheReadTokens)} cache read` : null,
    t.cacheWriteTokens > 0 ? `${formatTokens(t.cacheWriteTokens)} cache write` : null,
    `${formatTokens(t.outputTokens)} output${t.reasoningTokens > 0 ? ` (${formatTokens(t.reasoningTokens)} reasoning)` : ''}`,
    t.estimatedCalls > 0 ? `${plural(t.estimatedCalls, 'call', 'calls')} estimated` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span className={`conversation-cost ${className ?? ''}`} data-testid="conversation-cost" title={`${cost.title}\n${breakdown}`}>
      <span className="visually-hidden">Cost of this conversation: </span>
      <span className="conversation-cost-value">{cost.text === 'unknown' ? 'Cost unknown' : formatCostShort(t.costUsd)}</span>
      <span className="muted"> · {formatTokensCompact(tokens)} tokens</span>
      {cost.note && cost.text !== 'unknown' ? <span className="muted"> · {cost.note}</span> : null}
      {session ? (
        <span className={`conversation-budget is-${session.level}`}>
          {' '}
          · {percent(session)}% of {formatCostExact(session.limit)} budget
        </span>
      ) : null}
    </span>
  );
}
