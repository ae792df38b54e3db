import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ChatSystemDefaultResponse, ModelInfo, ProviderId, TeamModelRef, TeamStatus } from '../../../../shared/contract/index.js';
import { teamPickerLabel } from '../team/team-text.js';
import { providerSpec } from '../../../../shared/providers/registry.js';
import type { ConversationTarget } from '../../db/schema.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { Badge } from '../../ui/Badge.js';
import { Callout } from '../../ui/Callout.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { Icon } from '../../ui/Icon.js';
import {
  choiceFromTarget,
  choiceValue,
  formatContext,
  formatPricing,
  keyOptionLabel,
  matchesSearch,
  targetFromChoice,
  type PickerChoice,
  type ProviderGroup,
} from './model-options.js';
import type { PickerData } from './usePickerData.js';

export type PickerResult = { target: ConversationTarget } | { problem: string };

export interface ModelPickerProps {
  data: PickerData;
  /** The model to start on (changing a conversation's model); else the system default when it works, or the first recommended model. */
  initial?: ConversationTarget;
  onChange(result: PickerResult | null): void;
  /** Called when a link leaves the dialog (to Settings), so the dialog can close. */
  onNavigate?(): void;
}

/**
 * Picks the model a conversation talks to: "System default" (with what it resolves to, or why it
 * cannot be used), then each configured provider's models from the catalog (recommended first,
 * searchable, with prices and context size), a free model id per provider for models the catalog
 * does not list, and an explicit key choice when a provider has several keys. Native radios, so
 * arrow keys move through the list and screen readers announce it as one group.
 */
export function ModelPicker({ data, initial, onChange, onNavigate }: ModelPickerProps) {
  const name = useId();
  const searchId = useId();
  const { groups, systemDefault } = data;
  const [choice, setChoice] = useState<PickerChoice | null>(null);
  const [keyIds, setKeyIds] = useState<Partial<Record<ProviderId, string>>>({});
  const [customIds, setCustomIds] = useState<Partial<Record<ProviderId, string>>>({});
  const [query, setQuery] = useState('');
  const initialised = useRef(false);
  const userChose = useRef(false);

  // Start once everything is known: on the given model, else on what is most likely wanted. A choice
  // the user made while the system default was still loading is kept, never replaced by the start.
  useEffect(() => {
    if (initialised.current || !groups || (!initial && !systemDefault)) return;
    initialised.current = true;
    if (userChose.current) return;
    if (initial) {
      const start = choiceFromTarget(initial, groups.configured);
      setChoice(start.choice);
      if (start.keyId && initial.kind === 'key') setKeyIds({ [initial.provider]: start.keyId });
      if (start.customId && initial.kind === 'key') setCustomIds({ [initial.provider]: start.customId });
      return;
    }
    const first = groups.configured[0];
    const firstModel = first?.models[0];
    if (systemDefault?.available || !first) setChoice({ kind: 'system' });
    else setChoice(firstModel ? { kind: 'model', provider: first.provider, model: firstModel.id } : { kind: 'custom', provider: first.provider });
  }, [groups, systemDefault, initial]);

  const result = useMemo<PickerResult | null>(() => {
    if (!groups || !choice) return null;
    return targetFromChoice(choice, groups.configured, keyIds, customIds);
  }, [groups, choice, keyIds, customIds]);

  // The starting choice is scrolled into view once (changing the model of a conversation that uses one far down the list).
  const listRef = useRef<HTMLDivElement>(null);
  const scrolled = useRef(false);
  useEffect(() => {
    if (scrolled.current || !choice || !listRef.current) return;
    scrolled.current = true;
    listRef.current.querySelector('input[type="radio"]:checked')?.closest('label')?.scrollIntoView({ block: 'nearest' });
  }, [choice]);

  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => onChangeRef.current(result), [result]);

  if (data.error && !groups) return <ErrorNotice error={data.error} onRetry={data.reload} />;
  if (!groups) {
    return (
      <div className="model-picker is-loading" aria-busy="true">
        <span className="skeleton skeleton-block" />
      </div>
    );
  }

  const selected = choice ? choiceValue(choice) : '';
  const radio = (c: PickerChoice) => ({
    type: 'radio' as const,
    name,
    value: choiceValue(c),
    checked: selected === choiceValue(c),
    onChange: () => {
      userChose.current = true;
      setChoice(c);
    },
  });

  return (
    <fieldset className="model-picker">
      <legend className="field-label">Model</legend>
      {groups.configured.length === 0 ? (
        <Callout tone="warning" title="No provider keys yet">
          <p>
            Add a key to use your own models: <SettingsLink onNavigate={onNavigate}>Settings → Providers &amp; Keys</SettingsLink>. Until then only the system default
            {data.team?.connected && data.team.allowedModels.length > 0 ? ' and your team’s models' : ''} can
            answer{systemDefault && !systemDefault.available ? ', and it is not available on this computer' : ''}.
          </p>
        </Callout>
      ) : null}
      <div className="picker-search">
        <label htmlFor={searchId} className="visually-hidden">
          Search models
        </label>
        <input
          id={searchId}
          type="search"
          className="input"
          placeholder="Search models by name or id"
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          // Enter in the search box narrows the list; it never submits the dialog.
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.preventDefault();
          }}
        />
      </div>
      <div className="picker-list" ref={listRef}>
        <SystemDefaultOption info={systemDefault} input={radio({ kind: 'system' })} onNavigate={onNavigate} />
        <TeamSection team={data.team} query={query} radio={radio} />
        {groups.configured.map((g) => (
          <ProviderSection
            key={g.provider}
            group={g}
            query={query}
            keyId={keyIds[g.provider] ?? g.keys[0]?.id ?? ''}
            onKey={(id) => setKeyIds((k) => ({ ...k, [g.provider]: id }))}
            customId={customIds[g.provider] ?? ''}
            onCustom={(text) => {
              setCustomIds((c) => ({ ...c, [g.provider]: text }));
              userChose.current = true;
              setChoice({ kind: 'custom', provider: g.provider });
            }}
            radio={radio}
          />
        ))}
        {groups.unconfigured.length > 0 ? (
          <section className="picker-unconfigured" aria-label="Providers not set up">
            <h3 className="picker-group-title">Not set up</h3>
            <ul>
              {groups.unconfigured.map((spec) => (
                <li key={spec.id} className="picker-warning">
                  <Icon name="alert" size={14} />
                  <span>
                    <strong>{spec.name}</strong> has no key.{' '}
                    <SettingsLink onNavigate={onNavigate} label={`Set up ${spec.name} in Settings → Providers & Keys`}>
                      Add one in Settings
                    </SettingsLink>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
      {result && 'problem' in result ? (
        <p className="field-message is-error" role="alert">
          {result.problem}
        </p>
      ) : null}
    </fieldset>
  );
}

function SettingsLink({ children, onNavigate, label }: { children: ReactNode; onNavigate?: (() => void) | undefined; label?: string }) {
  return (
    <Link to={paths.settings('keys')} onClick={() => onNavigate?.()} aria-label={label}>
      {children}
    </Link>
  );
}

type RadioProps = { type: 'radio'; name: string; value: string; checked: boolean; onChange(): void };

function SystemDefaultOption({ info, input, onNavigate }: { info: ChatSystemDefaultResponse | undefined; input: RadioProps; onNavigate?: (() => void) | undefined }) {
  const detailId = useId();
  const available = info?.available === true;
  return (
    <label className={`picker-option picker-system ${input.checked ? 'is-selected' : ''} ${info && !available ? 'is-unavailable' : ''}`}>
      <input {...input} aria-describedby={detailId} />
      <span className="picker-option-body">
        <span className="picker-option-name">
          System default
          {info ? available ? <Badge tone="success">available</Badge> : <Badge tone="warning">unavailable</Badge> : null}
        </span>
        <span id={detailId} className="picker-option-detail">
          {!info ? (
            'Checking…'
          ) : available && info.source === 'team' ? (
            <>
              The team&apos;s model: {info.provider ? providerSpec(info.provider).name : 'Team'} · <span className="mono">{info.model}</span> · through the team server, within your team
              budget
            </>
          ) : available ? (
            <>
              {info.provider ? providerSpec(info.provider).name : 'Team'} · <span className="mono">{info.model}</span>
              {info.keyLabel ? ` · key from the environment (${info.keyLabel})` : null}
            </>
          ) : (
            <>
              {info.reason}
              {info.fix ? <span className="picker-fix"> {info.fix}</span> : null}{' '}
              <SettingsLink onNavigate={onNavigate}>Open Providers &amp; Keys</SettingsLink>
            </>
          )}
        </span>
      </span>
    </label>
  );
}

/** The team's allowed models, when connected: "Team · provider/model", called through the team server. */
function TeamSection({ team, query, radio }: { team: TeamStatus | undefined; query: string; radio(c: PickerChoice): RadioProps }) {
  const titleId = useId();
  if (!team?.connected || !team.tokenAvailable || team.allowedModels.length === 0) return null;
  const shown = team.allowedModels.filter((m) => matchesSearch({ id: `${m.provider}/${m.model}`, name: teamPickerLabel(m) }, query));
  return (
    <section className="picker-group picker-team" aria-labelledby={titleId} data-provider="team">
      <header className="picker-group-header">
        <h3 id={titleId} className="picker-group-title">
          Team models
        </h3>
        <span className="picker-key-single">{team.teamName ?? 'team server'}</span>
      </header>
      {shown.length === 0 ? <p className="picker-empty">No team model matches “{query}”.</p> : null}
      {shown.map((m) => (
        <TeamOption key={`${m.provider}/${m.model}`} model={m} input={radio({ kind: 'team', provider: m.provider, model: m.model })} />
      ))}
    </section>
  );
}

function TeamOption({ model, input }: { model: TeamModelRef; input: RadioProps }) {
  const detailId = useId();
  return (
    <label className={`picker-option ${input.checked ? 'is-selected' : ''}`} data-model={`${model.provider}/${model.model}`}>
      <input {...input} aria-describedby={detailId} />
      <span className="picker-option-body">
        <span className="picker-option-name">{teamPickerLabel(model)}</span>
        <span id={detailId} className="picker-option-detail">
          {providerSpec(model.provider).name} through the team server · counts against your team budget
        </span>
      </span>
    </label>
  );
}

function ProviderSection({
  group,
  query,
  keyId,
  onKey,
  customId,
  onCustom,
  radio,
}: {
  group: ProviderGroup;
  query: string;
  keyId: string;
  onKey(id: string): void;
  customId: string;
  onCustom(text: string): void;
  radio(c: PickerChoice): RadioProps;
}) {
  const titleId = useId();
  const keySelectId = useId();
  const models = group.models.filter((m) => matchesSearch(m, query));
  const custom = radio({ kind: 'custom', provider: group.provider });
  const onlyKey = group.keys.length === 1 ? group.keys[0] : undefined;
  return (
    <section className="picker-group" aria-labelledby={titleId} data-provider={group.provider}>
      <header className="picker-group-header">
        <h3 id={titleId} className="picker-group-title">
          {group.name}
        </h3>
        {onlyKey ? (
          <span className="picker-key-single">key {keyOptionLabel(onlyKey)}</span>
        ) : (
          <span className="picker-key">
            <label htmlFor={keySelectId}>Key</label>
            <select id={keySelectId} className="input input-sm" value={keyId} onChange={(e) => onKey(e.currentTarget.value)} aria-label={`Key for ${group.name}`}>
              {group.keys.map((k) => (
                <option key={k.id} value={k.id}>
                  {keyOptionLabel(k)}
                </option>
              ))}
            </select>
          </span>
        )}
      </header>
      {models.length === 0 && group.models.length > 0 ? <p className="picker-empty">No {group.name} model matches “{query}”.</p> : null}
      {models.map((m) => (
        <ModelOption key={m.id} model={m} input={radio({ kind: 'model', provider: group.provider, model: m.id })} />
      ))}
      <label className={`picker-option picker-custom ${custom.checked ? 'is-selected' : ''}`}>
        <input {...custom} aria-label={`Other ${group.name} model`} />
        <span className="picker-option-body">
          <span className="picker-option-name">{group.models.length === 0 ? 'Model id' : 'Other model id'}</span>
          <input
            type="text"
            className="input input-sm input-mono"
            placeholder={group.models.length === 0 ? exampleModel(group.provider) : 'A model the list does not have'}
            value={customId}
            aria-label={`${group.name} model id`}
            maxLength={300}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onCustom(e.currentTarget.value)}
            onFocus={() => {
              if (!custom.checked) onCustom(customId);
            }}
          />
          <span className="picker-option-detail">Price unknown unless you set one; cost is then shown as unknown.</span>
        </span>
      </label>
    </section>
  );
}

function exampleModel(provider: ProviderId): string {
  return provider === 'openai-compatible' ? 'e.g. llama3.1:8b' : providerSpec(provider).defaultModel;
}

function ModelOption({ model, input }: { model: ModelInfo; input: RadioProps }) {
  const detailId = useId();
  return (
    <label className={`picker-option ${input.checked ? 'is-selected' : ''}`} data-model={model.id}>
      <input {...input} aria-describedby={detailId} />
      <span className="picker-option-body">
        <span className="picker-option-name">
          {model.name}
          {model.recommended ? <Badge tone="accent">recommended</Badge> : null}
          {model.name !== model.id ? <span className="picker-option-id mono">{model.id}</span> : null}
        </span>
        <span id={detailId} className="picker-option-detail">
          {formatPricing(model.pricing)} · {formatContext(model.contextWindow)}
        </span>
      </span>
    </label>
  );
}
