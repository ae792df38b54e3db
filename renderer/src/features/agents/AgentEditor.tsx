import { useId, useMemo, useState } from 'react';
import type { Agent, AgentParams, AgentsSaveRequest, ChatTarget, PowerLevel, ToolInfo } from '../../../../shared/contract/index.js';
import { DEFAULT_TOOL_STEPS, MAX_TOOL_STEPS } from '../../../../shared/contract/index.js';
import { useBridge } from '../../bridge/context.js';
import { BridgeError, describeError, fieldMessage, isBridgeError } from '../../bridge/errors.js';
import type { ConversationTarget } from '../../db/schema.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Callout } from '../../ui/Callout.js';
import { Dialog, DialogActions } from '../../ui/Dialog.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { Field } from '../../ui/Field.js';
import { toChatTarget } from '../conversations/targets.js';
import { FallbackSelect } from '../models/FallbackSelect.js';
import { fallbackTarget } from '../models/fallbacks.js';
import { ModelPicker, type PickerResult } from '../models/ModelPicker.js';
import { usePickerData, type PickerData } from '../models/usePickerData.js';
import { PowerLevelPicker } from './PowerLevelPicker.js';
import { useFocusFirstInvalid } from '../../hooks/useFocusFirstInvalid.js';

type ModelMode = 'level' | 'model';

/** A stored agent target as the model picker's starting point (the key of a provider target: that provider's first key). */
function pickerTarget(t: ChatTarget | undefined, data: PickerData): ConversationTarget | undefined {
  if (!t) return undefined;
  if ('system' in t) return { kind: 'system' };
  for (const g of data.groups?.configured ?? []) {
    const key = 'keyId' in t ? g.keys.find((k) => k.id === t.keyId) : g.provider === t.provider ? g.keys[0] : undefined;
    if (key) return { kind: 'key', keyId: key.id, provider: key.provider, model: t.model, providerName: g.name, keyLabel: key.label };
  }
  return undefined;
}

function numberOrUndefined(text: string): number | undefined {
  const v = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(v) ? v : undefined;
}

/** The first number field holding text that is not a number: sent as nothing, it would be dropped without a word. */
function notANumber(fields: Record<string, string>): BridgeError | null {
  for (const [field, text] of Object.entries(fields)) {
    if (text.trim() !== '' && numberOrUndefined(text) === undefined) return new BridgeError('VALIDATION', `${field}: Enter a number, or leave it empty.`, { field });
  }
  return null;
}

/**
 * Creates or edits an agent: name, instructions, its model (a power level, or a named model with a
 * fallback), temperature and output limits, loop bounds, and the tools it may use. Errors from the
 * core name the field and are shown beside it.
 */
export function AgentEditor({ agent, onClose, onSaved }: { agent: Agent | null; onClose(): void; onSaved?(id: string): void }) {
  const bridge = useBridge();
  const data = usePickerData();
  const tools = useBridgeQuery('tools.list', {}, { refreshOn: ['mcp.changed'] });
  const [name, setName] = useState(agent?.name ?? '');
  const [description, setDescription] = useState(agent?.description ?? '');
  const [instructions, setInstructions] = useState(agent?.instructions ?? '');
  const [mode, setMode] = useState<ModelMode>(agent?.target ? 'model' : 'level');
  const [level, setLevel] = useState<PowerLevel>(agent?.powerLevel ?? 'balanced');
  const [picked, setPicked] = useState<PickerResult | null>(null);
  const firstFallback = agent?.fallbacks[0];
  const [fallback, setFallback] = useState(() => (firstFallback && 'keyId' in firstFallback ? `${firstFallback.keyId}\u0000${firstFallback.model}` : firstFallback && 'system' in firstFallback ? 'system' : ''));
  const [temperature, setTemperature] = useState(agent?.params.temperature?.toString() ?? '');
  const [maxTokens, setMaxTokens] = useState(agent?.params.maxTokens?.toString() ?? '');
  const [maxSteps, setMaxSteps] = useState(agent?.params.maxToolSteps?.toString() ?? '');
  const [budget, setBudget] = useState(agent?.params.turnBudgetUsd?.toString() ?? '');
  const [allowed, setAllowed] = useState<Set<string>>(new Set(agent?.tools ?? []));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const modeName = useId();
  const initialTarget = useMemo(() => pickerTarget(agent?.target, data), [agent, data]);

  const field = isBridgeError(error) && typeof error.details?.field === 'string' ? error.details.field : null;
  useFocusFirstInvalid(error);
  const fieldError = (...names: string[]) => (field && names.some((n) => field === n || field.startsWith(`${n}.`) || field.startsWith(`${n}[`)) ? fieldMessage(describeError(error).message, field) : null);

  const save = async () => {
    const typo = notANumber({ 'params.temperature': temperature, 'params.maxTokens': maxTokens, 'params.maxToolSteps': maxSteps, 'params.turnBudgetUsd': budget });
    if (typo) {
      setError(typo);
      return;
    }
    setBusy(true);
    setError(null);
    const params: AgentParams = {};
    const t = numberOrUndefined(temperature);
    const m = numberOrUndefined(maxTokens);
    const s = numberOrUndefined(maxSteps);
    const b = numberOrUndefined(budget);
    if (t !== undefined) params.temperature = t;
    if (m !== undefined) params.maxTokens = m;
    if (s !== undefined) params.maxToolSteps = s;
    if (b !== undefined) params.turnBudgetUsd = b;
    const request: AgentsSaveRequest = {
      ...(agent && !agent.builtin ? { id: agent.id } : {}),
      name,
      ...(description.trim() ? { description: description.trim() } : {}),
      instructions,
      params,
      tools: [...allowed],
    };
    if (mode === 'level') request.powerLevel = level;
    else {
      const target = picked && 'target' in picked ? toChatTarget(picked.target) : null;
      if (target) request.target = target;
      const fb = fallbackTarget(fallback, data.groups?.configured ?? []);
      const fbTarget = fb ? toChatTarget(fb) : null;
      const rest = (agent?.fallbacks ?? []).slice(1);
      if (fbTarget || rest.length > 0) request.fallbacks = [...(fbTarget ? [fbTarget] : []), ...rest];
    }
    try {
      const { id } = await bridge.call('agents.save', request);
      onSaved?.(id);
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const toggle = (id: string, on: boolean) =>
    setAllowed((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <Dialog
      title={agent && !agent.builtin ? `Edit “${agent.name}”` : 'New agent'}
      size="lg"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void save()}
      className="agent-editor"
      status={error && !field ? <ErrorNotice error={error} /> : undefined}
      footer={<DialogActions submitLabel={agent && !agent.builtin ? 'Save agent' : 'Create agent'} onCancel={onClose} busy={busy} />}
    >
      <Field label="Name" error={fieldError('name')}>
        {(props) => <input {...props} className="input" value={name} maxLength={100} onChange={(e) => setName(e.currentTarget.value)} data-autofocus autoComplete="off" />}
      </Field>
      <Field label="Description" optional error={fieldError('description')}>
        {(props) => <input {...props} className="input" value={description} maxLength={500} onChange={(e) => setDescription(e.currentTarget.value)} autoComplete="off" />}
      </Field>
      <Field label="Instructions" optional help="Sent to the model at the start of every conversation with this agent." error={fieldError('instructions')}>
        {(props) => <textarea {...props} className="input agent-instructions" rows={4} value={instructions} onChange={(e) => setInstructions(e.currentTarget.value)} />}
      </Field>

      <fieldset className="agent-fieldset">
        <legend className="field-label">Model</legend>
        <div className="segmented" role="radiogroup" aria-label="How the model is chosen">
          <label className={`segmented-option ${mode === 'level' ? 'is-selected' : ''}`}>
            <input type="radio" name={modeName} checked={mode === 'level'} onChange={() => setMode('level')} />
            By power level
          </label>
          <label className={`segmented-option ${mode === 'model' ? 'is-selected' : ''}`}>
            <input type="radio" name={modeName} checked={mode === 'model'} onChange={() => setMode('model')} />A specific model
          </label>
        </div>
        {fieldError('target') ? (
          <p className="field-message is-error" role="alert">
            {fieldError('target')}
          </p>
        ) : null}
        {mode === 'level' ? (
          <PowerLevelPicker value={level} onChange={setLevel} needsTools={allowed.size > 0} {...(numberOrUndefined(maxTokens) ? { maxTokens: numberOrUndefined(maxTokens)! } : {})} onNavigate={onClose} />
        ) : (
          <>
            <ModelPicker data={data} {...(initialTarget ? { initial: initialTarget } : {})} onChange={setPicked} onNavigate={onClose} />
            <FallbackSelect data={data} value={fallback} onChange={setFallback} />
          </>
        )}
      </fieldset>

      <div className="agent-params">
        <Field label="Temperature" help="0 to 2; empty uses the model's default." error={fieldError('params.temperature')}>
          {(props) => <input {...props} className="input" inputMode="decimal" value={temperature} onChange={(e) => setTemperature(e.currentTarget.value)} placeholder="default" />}
        </Field>
        <Field label="Max output tokens" help="Per model call." error={fieldError('params.maxTokens')}>
          {(props) => <input {...props} className="input" inputMode="numeric" value={maxTokens} onChange={(e) => setMaxTokens(e.currentTarget.value)} placeholder="model default" />}
        </Field>
        <Field label="Model calls per turn" help={`With tools, 1 to ${MAX_TOOL_STEPS}.`} error={fieldError('params.maxToolSteps')}>
          {(props) => <input {...props} className="input" inputMode="numeric" value={maxSteps} onChange={(e) => setMaxSteps(e.currentTarget.value)} placeholder={String(DEFAULT_TOOL_STEPS)} />}
        </Field>
        <Field label="Budget per turn (USD)" help="Covers every call of a tool loop." error={fieldError('params.turnBudgetUsd')}>
          {(props) => <input {...props} className="input" inputMode="decimal" value={budget} onChange={(e) => setBudget(e.currentTarget.value)} placeholder="none" />}
        </Field>
      </div>

      <fieldset className="agent-fieldset">
        <legend className="field-label">Tools it may use</legend>
        {fieldError('tools') ? (
          <p className="field-message is-error" role="alert">
            {fieldError('tools')}
          </p>
        ) : null}
        <ToolChecklist tools={tools.data?.tools} allowed={allowed} onToggle={toggle} />
      </fieldset>
    </Dialog>
  );
}

function ToolChecklist({ tools, allowed, onToggle }: { tools: ToolInfo[] | undefined; allowed: ReadonlySet<string>; onToggle(id: string, on: boolean): void }) {
  if (!tools) return <p className="muted">Loading tools…</p>;
  const groups = new Map<string, ToolInfo[]>();
  for (const t of tools) {
    const g = t.source === 'builtin' ? 'Built-in' : `MCP · ${t.serverName ?? t.serverId}`;
    groups.set(g, [...(groups.get(g) ?? []), t]);
  }
  // Tools an imported agent allows whose server is not added (yet) stay listed, so saving keeps them.
  const missing = [...allowed].filter((id) => !tools.some((t) => t.id === id));
  return (
    <div className="tool-checklist">
      {[...groups.entries()].map(([group, list]) => (
        <div key={group} className="tool-group" role="group" aria-label={group}>
          <p className="tool-group-title">{group}</p>
          {list.map((t) => (
            <label key={t.id} className="tool-check">
              <input type="checkbox" checked={allowed.has(t.id)} onChange={(e) => onToggle(t.id, e.currentTarget.checked)} />
              <span>
                <span className="tool-check-name">{t.title}</span> <span className="mono muted">{t.name}</span>
                <span className="tool-check-desc">{t.description}</span>
                {t.unavailable ? <span className="tool-check-warn">{t.unavailable}</span> : null}
              </span>
            </label>
          ))}
        </div>
      ))}
      {missing.length > 0 ? (
        <Callout tone="warning" title="Tools of servers that are not added">
          {missing.join(', ')}: add their MCP server in Settings → Tools, or untick them.
          {missing.map((id) => (
            <label key={id} className="tool-check">
              <input type="checkbox" checked onChange={(e) => onToggle(id, e.currentTarget.checked)} />
              <span className="mono">{id}</span>
            </label>
          ))}
        </Callout>
      ) : null}
      {tools.length === 0 ? <p className="muted">No tools yet.</p> : null}
    </div>
  );
}
