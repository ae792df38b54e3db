import type { SessionTitles } from './useConversationTitles.js';
import type { UsageGroup } from '../../../../shared/contract/index.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { topByCost } from './chart-data.js';
import { providerName } from './limit-text.js';
import { UsageTable } from './UsageTable.js';
import { describeTotalCost, formatTokens, plural, totalTokens } from './money.js';

const TOP = 8;
// Fixed widths for the figures; the name column takes the rest and cuts long names with an ellipsis.
const FIGURES = [
  { label: 'Calls', num: true, width: '64px' },
  { label: 'Tokens', num: true, width: '84px' },
  { label: 'Cost', num: true, width: '104px' },
] as const;

function CostCell({ group }: { group: UsageGroup }) {
  const cost = describeTotalCost(group);
  return (
    <td className="num" title={cost.title}>
      {cost.text}
      {cost.note && cost.text !== 'unknown' ? <span className="cell-note">+ {cost.note}</span> : null}
    </td>
  );
}

function TokensCell({ group }: { group: UsageGroup }) {
  return (
    <td className="num" title={`${formatTokens(group.inputTokens)} input · ${formatTokens(group.cacheReadTokens)} cache read · ${formatTokens(group.cacheWriteTokens)} cache write · ${formatTokens(group.outputTokens)} output (${formatTokens(group.reasoningTokens)} reasoning)`}>
      {formatTokens(totalTokens(group))}
    </td>
  );
}

export function TopModels({ groups, loading }: { groups: readonly UsageGroup[] | undefined; loading: boolean }) {
  const rows = groups ? topByCost(groups, TOP) : [];
  return (
    <section className="card usage-table-card" aria-labelledby="top-models">
      <h2 id="top-models" className="card-title">
        Top models
      </h2>
      <UsageTable columns={[{ label: 'Model' }, ...FIGURES]} empty={rows.length === 0} loading={loading} className="top-table">
        {rows.map((g) => (
          <tr key={`${g.key.provider}/${g.key.model}`}>
            <td className="cell-clip">
              <span className="cell-main mono">{g.key.model ?? 'unknown'}</span>
              <span className="cell-sub">{providerName(g.key.provider)}</span>
            </td>
            <td className="num">
              {formatTokens(g.calls)}
              {g.errors > 0 ? <span className="cell-note">{plural(g.errors, 'error', 'errors')}</span> : null}
            </td>
            <TokensCell group={g} />
            <CostCell group={g} />
          </tr>
        ))}
      </UsageTable>
    </section>
  );
}

export function TopConversations({
  groups,
  titles,
  loading,
}: {
  groups: readonly UsageGroup[] | undefined;
  titles: SessionTitles | undefined;
  loading: boolean;
}) {
  const rows = groups ? topByCost(groups, TOP) : [];
  return (
    <section className="card usage-table-card" aria-labelledby="top-conversations">
      <h2 id="top-conversations" className="card-title">
        Top conversations
      </h2>
      <UsageTable columns={[{ label: 'Conversation' }, ...FIGURES]} empty={rows.length === 0} loading={loading} className="top-table">
        {rows.map((g) => {
          const id = g.key.session ?? '';
          return (
            <tr key={id}>
              <td className="cell-clip">
                <SessionName sessionId={id} titles={titles} />
              </td>
              <td className="num">{formatTokens(g.calls)}</td>
              <TokensCell group={g} />
              <CostCell group={g} />
            </tr>
          );
        })}
      </UsageTable>
    </section>
  );
}

/** The conversation's title, linked, while it exists; else its session id (its usage outlives it). */
export function SessionName({ sessionId, titles }: { sessionId: string; titles: SessionTitles | undefined }) {
  const title = titles?.local.get(sessionId);
  const reported = titles?.reported.get(sessionId);
  if (title === undefined && reported !== undefined) {
    return (
      <span className="cell-main session-elsewhere" title={`${reported}: a conversation kept in another window (the desktop app or another browser), so it cannot be opened here.`}>
        {reported}
      </span>
    );
  }
  if (title !== undefined) {
    return (
      <Link to={paths.conversation(sessionId)} className="cell-main session-link" title={title}>
        {title}
      </Link>
    );
  }
  return (
    <span className="cell-main mono session-id" title={titles ? 'No conversation with this id in this browser (deleted, or not a chat). Its usage is kept.' : undefined}>
      {sessionId}
    </span>
  );
}
