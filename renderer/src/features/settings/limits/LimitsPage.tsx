import { useMemo } from 'react';
import type { KeyInfo, ProviderId } from '../../../../../shared/contract/index.js';
import { PROVIDER_LIST, providerSpec } from '../../../../../shared/providers/registry.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { toast } from '../../../state/toast-store.js';
import { ErrorNotice } from '../../../ui/ErrorNotice.js';
import { limitsChanged } from '../../usage/limit-alerts.js';
import { formatCostExact, plural } from '../../usage/money.js';
import { fieldOf, patchFor, stateFor, type LimitTarget } from './limits-form.js';
import { AddLimit, LimitRow, useLimitSaver, type LimitsAnswer } from './LimitRow.js';
import { TimeZoneCard } from './TimeZoneCard.js';

const REFRESH = ['usage.recorded', 'limits.warning', 'limits.exceeded'] as const;

function keyName(k: KeyInfo): string {
  return `${providerSpec(k.provider).name} · ${k.label}${k.last4 ? ` …${k.last4}` : ''}`;
}

/** Settings → Limits & time zone. Every value is one limits.set call; null removes a limit. */
export function LimitsPage() {
  const limits = useBridgeQuery('limits.get', {}, { refreshOn: REFRESH });
  const keys = useBridgeQuery('keys.list', {}, { refreshOn: ['keys.changed'] });
  const data = limits.data;
  const tz = data?.limits.timeZone;
  const zone = tz ?? 'UTC';
  const states = data?.states;

  const onSaved = (answer: LimitsAnswer) => {
    limitsChanged(answer.states, answer.limits.timeZone);
    limits.reload();
  };
  const save = useLimitSaver((answer) => {
    onSaved(answer);
    toast.success('Limit saved');
  });
  const add = (target: LimitTarget) => (value: number) => save(patchFor(target, value), fieldOf(target));

  const l = data?.limits;
  const dailyProviders = useMemo(() => Object.entries(l?.dailyTokens.provider ?? {}) as [ProviderId, number][], [l]);
  const dailyKeys = useMemo(() => Object.entries(l?.dailyTokens.key ?? {}), [l]);
  const monthlyProviders = useMemo(() => Object.entries(l?.monthlyUsd.provider ?? {}) as [ProviderId, number][], [l]);
  const keyList = keys.data?.keys ?? [];
  const keyById = new Map(keyList.map((k) => [k.id, k]));

  const providerChoices = (taken: string[]) => PROVIDER_LIST.filter((p) => !taken.includes(p.id)).map((p) => ({ value: p.id, label: p.name }));

  return (
    <div className="limits-page">
      <div className="section-intro">
        <p data-testid="limits-explainer">
          Limits are checked before every call by reserving its worst case (the prompt plus the longest answer allowed), so calls running at the same time can never overshoot
          them. You are warned at 80%; a call that could go over is refused before anything is sent.
        </p>
      </div>

      {limits.error && !data ? <ErrorNotice error={limits.error} onRetry={limits.reload} /> : null}

      <TimeZoneCard timeZone={tz} onSaved={onSaved} />

      <section className="card" aria-labelledby="limits-monthly" aria-busy={!data}>
        <h2 id="limits-monthly" className="card-title">
          Monthly spending cap
        </h2>
        <p className="card-help">In US dollars, for the calendar month. Calls to models without a known price cannot be guaranteed and are refused while a cap applies to them; set their price on the Models page (0 for free local models).</p>
        {l ? (
          <ul className="limit-list">
            {l.monthlyUsd.total !== null ? (
              <LimitRow
                target={{ kind: 'monthlyUsd.total' }}
                title="All providers"
                value={l.monthlyUsd.total}
                state={stateFor(states, { kind: 'monthlyUsd.total' })}
                timeZone={zone}
                onSaved={onSaved}
              />
            ) : null}
            {monthlyProviders.map(([provider, value]) => (
              <LimitRow
                key={provider}
                target={{ kind: 'monthlyUsd.provider', provider }}
                title={providerSpec(provider).name}
                value={value}
                state={stateFor(states, { kind: 'monthlyUsd.provider', provider })}
                timeZone={zone}
                onSaved={onSaved}
              />
            ))}
          </ul>
        ) : null}
        {l && l.monthlyUsd.total === null ? (
          <AddLimit label="Cap for all providers" unit="usd" placeholder="Set cap" onAdd={(_s, v) => add({ kind: 'monthlyUsd.total' })(v)} />
        ) : null}
        {l ? (
          <AddLimit
            label="Cap"
            unit="usd"
            subjectLabel="For one provider"
            subjects={providerChoices(monthlyProviders.map(([p]) => p))}
            placeholder="Add cap"
            onAdd={(s, v) => add({ kind: 'monthlyUsd.provider', provider: s as ProviderId })(v)}
          />
        ) : null}
      </section>

      <section className="card" aria-labelledby="limits-daily" aria-busy={!data}>
        <h2 id="limits-daily" className="card-title">
          Daily token limits
        </h2>
        <p className="card-help">All tokens of a call count: input, cache reads and writes, and output (reasoning included).</p>
        {l ? (
          <ul className="limit-list">
            {dailyProviders.map(([provider, value]) => (
              <LimitRow
                key={provider}
                target={{ kind: 'dailyTokens.provider', provider }}
                title={providerSpec(provider).name}
                value={value}
                state={stateFor(states, { kind: 'dailyTokens.provider', provider })}
                timeZone={zone}
                onSaved={onSaved}
              />
            ))}
            {dailyKeys.map(([keyId, value]) => {
              const k = keyById.get(keyId);
              return (
                <LimitRow
                  key={keyId}
                  target={{ kind: 'dailyTokens.key', keyId }}
                  title={k ? `Key ${keyName(k)}` : `Key ${keyId} (deleted)`}
                  value={value}
                  state={stateFor(states, { kind: 'dailyTokens.key', keyId })}
                  timeZone={zone}
                  onSaved={onSaved}
                />
              );
            })}
          </ul>
        ) : null}
        {l ? (
          <div className="add-limit-group">
            <AddLimit
              label="Tokens per day"
              unit="tokens"
              subjectLabel="For a provider"
              subjects={providerChoices(dailyProviders.map(([p]) => p))}
              placeholder="Add limit"
              onAdd={(s, v) => add({ kind: 'dailyTokens.provider', provider: s as ProviderId })(v)}
            />
            <AddLimit
              label="Tokens per day"
              unit="tokens"
              subjectLabel="For one key"
              subjects={keyList.filter((k) => !(k.id in (l.dailyTokens.key ?? {}))).map((k) => ({ value: k.id, label: keyName(k) }))}
              placeholder="Add limit"
              onAdd={(s, v) => add({ kind: 'dailyTokens.key', keyId: s ?? '' })(v)}
            />
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="limits-session" aria-busy={!data}>
        <h2 id="limits-session" className="card-title">
          Per-conversation budget
        </h2>
        <p className="card-help">
          In US dollars, for each conversation on its own, over its whole life. It does not reset: raise it to continue a conversation that reached it. The conversation header shows
          what each one has spent.
        </p>
        {l && l.sessionUsd !== null ? (
          <ul className="limit-list">
            <LimitRow target={{ kind: 'sessionUsd' }} title="Each conversation" value={l.sessionUsd} state={undefined} timeZone={zone} onSaved={onSaved} />
          </ul>
        ) : l ? (
          <AddLimit label="Budget per conversation" unit="usd" placeholder="Set budget" onAdd={(_s, v) => add({ kind: 'sessionUsd' })(v)} />
        ) : null}
      </section>

      {l ? <LimitsSummary total={l.monthlyUsd.total} dailyCount={dailyProviders.length + dailyKeys.length} monthlyCount={monthlyProviders.length} session={l.sessionUsd} /> : null}
    </div>
  );
}

/** One line on what is in force, so an empty page reads as "no limits", not as "not loaded". */
function LimitsSummary({ total, dailyCount, monthlyCount, session }: { total: number | null; dailyCount: number; monthlyCount: number; session: number | null }) {
  const parts = [
    total !== null ? `a monthly cap of ${formatCostExact(total)}` : null,
    monthlyCount > 0 ? `${plural(monthlyCount, 'provider cap', 'provider caps')}` : null,
    dailyCount > 0 ? `${plural(dailyCount, 'daily token limit', 'daily token limits')}` : null,
    session !== null ? `a budget of ${formatCostExact(session)} per conversation` : null,
  ].filter(Boolean);
  return <p className="muted limits-summary">{parts.length === 0 ? 'No limits are set: every call is allowed.' : `In force: ${parts.join(', ')}.`}</p>;
}
