import { useEffect, useId, useRef, useState, type ToggleEvent } from 'react';
import { create } from 'zustand';
import type { MethodRequest, ProviderId } from '../../../../shared/contract/index.js';
import type { Conversation } from '../../db/schema.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { toast } from '../../state/toast-store.js';
import { compactTokens } from '../models/model-options.js';
import { useModelInfo } from '../models/usePickerData.js';
import { maxTokensDefaultText, paramLimits, parseParams, type ParamErrors } from './params.js';
import { toChatTarget } from './targets.js';
import { conversationStore } from './store.js';

interface OpenRequest {
  conversationId: string;
  /** A core VALIDATION error to show beside its field. */
  errors?: ParamErrors;
  seq: number;
}

/** Lets a failed turn ("max tokens too high") open the header's settings at the field at fault. */
export const useModelSettingsRequest = create<{ request: OpenRequest | null; open(conversationId: string, errors?: ParamErrors): void }>((set, get) => ({
  request: null,
  open: (conversationId, errors) => set({ request: { conversationId, ...(errors ? { errors } : {}), seq: (get().request?.seq ?? 0) + 1 } }),
}));

/** chat.estimate for a one-word prompt, as the conversation would send it (its agent decides the model when it has one). */
function estimateRequest(conversation: Conversation): MethodRequest<'chat.estimate'> {
  const target = toChatTarget(conversation.target);
  return {
    ...(target ? { target } : {}),
    ...(conversation.agentId ? { agentId: conversation.agentId } : {}),
    ...(conversation.agentId && !target && conversation.powerLevel ? { powerLevel: conversation.powerLevel } : {}),
    messages: [{ role: 'user', content: '.' }],
  };
}

/** Which provider and model the conversation's settings apply to (the system default's, when it uses that). */
function useEffectiveModel(conversation: Conversation): { provider: ProviderId | null; model: string | null } {
  const sd = useBridgeQuery('chat.systemDefault', {}, { enabled: conversation.target.kind === 'system', refreshOn: ['keys.changed'] });
  if (conversation.target.kind === 'key') return { provider: conversation.target.provider, model: conversation.target.model };
  return { provider: sd.data?.provider ?? null, model: sd.data?.model ?? null };
}

/**
 * Temperature and max output tokens for one conversation, in a popover under the header button
 * (native popover: Escape and a click outside close it). Shows the model's limits.
 */
export function ModelSettingsPopover({ conversation }: { conversation: Conversation }) {
  const popoverId = useId();
  const headingId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { provider, model } = useEffectiveModel(conversation);
  const info = useModelInfo(provider, model);
  const limits = paramLimits(provider, info);
  const [open, setOpen] = useState(false);
  // What an empty field sends is the core's rule: ask it (chat.estimate answers the allowance it would send).
  const allowance = useBridgeQuery(
    'chat.estimate',
    estimateRequest(conversation),
    { enabled: open, refreshOn: ['keys.changed'] },
  );
  const defaultText = maxTokensDefaultText(allowance.data?.maxOutputTokens ?? null, limits.maxOutputTokens);
  const [temperature, setTemperature] = useState('');
  const [maxTokens, setMaxTokens] = useState('');
  const [errors, setErrors] = useState<ParamErrors>({});
  const request = useModelSettingsRequest((s) => s.request);

  const reset = () => {
    setTemperature(conversation.params.temperature?.toString() ?? '');
    setMaxTokens(conversation.params.maxTokens?.toString() ?? '');
  };

  useEffect(() => {
    if (!request || request.conversationId !== conversation.id) return;
    reset();
    setErrors(request.errors ?? {});
    ref.current?.showPopover();
    // Runs once per request (seq), not when the conversation's other fields change.
  }, [request?.seq]);

  const onToggle = (e: ToggleEvent<HTMLDivElement>) => {
    const isOpen = e.newState === 'open';
    setOpen(isOpen);
    if (isOpen) {
      if (!request || request.conversationId !== conversation.id || !request.errors) {
        reset();
        setErrors({});
      }
      requestAnimationFrame(() => ref.current?.querySelector<HTMLInputElement>('input')?.focus());
    }
  };

  const save = async () => {
    const parsed = parseParams({ temperature, maxTokens }, limits);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    try {
      await conversationStore().update(conversation.id, { params: parsed.params });
      setErrors({});
      ref.current?.hidePopover();
      buttonRef.current?.focus();
    } catch {
      toast.error('Could not save the settings', 'The browser’s storage refused the write.');
    }
  };

  const custom = conversation.params.temperature !== undefined || conversation.params.maxTokens !== undefined;
  const summary = [
    conversation.params.temperature !== undefined ? `temperature ${conversation.params.temperature}` : null,
    conversation.params.maxTokens !== undefined ? `max ${conversation.params.maxTokens.toLocaleString('en-US')} tokens` : null,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={`btn btn-ghost btn-sm model-settings-button ${custom ? 'is-custom' : ''}`}
        popoverTarget={popoverId}
        aria-expanded={open}
        aria-label={custom ? `Model settings (${summary})` : 'Model settings'}
        title={custom ? `Model settings: ${summary}` : 'Model settings: temperature and max output tokens'}
      >
        <Icon name="settings" size={15} />
        {custom ? <span className="model-settings-dot" aria-hidden="true" /> : null}
      </button>
      <div ref={ref} id={popoverId} popover="auto" className="popover model-settings" role="dialog" aria-labelledby={headingId} onToggle={onToggle}>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h2 id={headingId} className="popover-title">
            Model settings
          </h2>
          <p className="popover-sub">
            For this conversation{model ? (
              <>
                {' '}
                · <span className="mono">{model}</span>
              </>
            ) : null}
            . Empty fields use the defaults shown.
          </p>
          <Field label={`Temperature (0–${limits.maxTemperature})`} error={errors.temperature ?? null} help="Lower is more focused, higher more varied.">
            {(props) => (
              <input
                {...props}
                className="input"
                inputMode="decimal"
                placeholder="Provider’s default"
                value={temperature}
                onChange={(e) => setTemperature(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label="Max output tokens"
            error={errors.maxTokens ?? null}
            help={defaultText.help}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                inputMode="numeric"
                placeholder={defaultText.placeholder}
                value={maxTokens}
                onChange={(e) => setMaxTokens(e.currentTarget.value)}
              />
            )}
          </Field>
          <p className="popover-limits">
            <Icon name="info" size={13} />
            {limits.contextWindow ? `Context window ${compactTokens(limits.contextWindow)} tokens` : 'Context window unknown'}
            {limits.maxOutputTokens ? ` · output up to ${compactTokens(limits.maxOutputTokens)}` : ''}
          </p>
          <div className="popover-actions">
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setTemperature('');
                setMaxTokens('');
                setErrors({});
              }}
            >
              Reset to defaults
            </Button>
            <Button size="sm" variant="primary" type="submit">
              Save
            </Button>
          </div>
        </form>
      </div>
    </>
  );
}
