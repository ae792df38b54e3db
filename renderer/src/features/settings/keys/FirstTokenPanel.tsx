import { useEffect, useState, type FormEvent } from 'react';
import { FIRST_TOKEN_TIMEOUT_DEFAULTS, type Settings } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { describeError, fieldMessage, isBridgeError } from '../../../bridge/errors.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { toast } from '../../../state/toast-store.js';
import { Button } from '../../../ui/Button.js';
import { Field } from '../../../ui/Field.js';
import { parseSeconds } from './first-token-form.js';

type Name = 'firstTokenTimeoutSec' | 'localFirstTokenTimeoutSec';

const FIELDS: Array<{ name: Name; label: string; help: string }> = [
  { name: 'firstTokenTimeoutSec', label: 'Cloud providers', help: `OpenAI, Anthropic, Gemini and the other hosted providers. Default ${FIRST_TOKEN_TIMEOUT_DEFAULTS.cloud} s.` },
  {
    name: 'localFirstTokenTimeoutSec',
    label: 'Local and OpenAI-compatible servers',
    help: `Ollama, LM Studio, vLLM: they may load the model first. Default ${FIRST_TOKEN_TIMEOUT_DEFAULTS.local} s.`,
  },
];

/** How long a model may take to start answering before the turn moves on to the next model (or gives up). */
export function FirstTokenPanel() {
  const bridge = useBridge();
  const settings = useBridgeQuery('settings.get', {});
  const [text, setText] = useState<Record<Name, string> | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Name, string>>>({});
  const [saving, setSaving] = useState(false);

  // The fields follow the saved values until the user types.
  useEffect(() => {
    if (settings.data && text === null) setText(textOf(settings.data));
  }, [settings.data, text]);

  const saved = settings.data ? textOf(settings.data) : null;
  const dirty = text !== null && saved !== null && FIELDS.some((f) => text[f.name].trim() !== saved[f.name]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text) return;
    const patch: Partial<Settings> = {};
    const found: Partial<Record<Name, string>> = {};
    for (const f of FIELDS) {
      const parsed = parseSeconds(text[f.name]);
      if (parsed.ok) patch[f.name] = parsed.seconds;
      else found[f.name] = parsed.error;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      const next = await bridge.call('settings.set', patch);
      setText(textOf(next));
      settings.reload();
      toast.success('Saved', 'New turns use these limits.');
    } catch (err) {
      const field = isBridgeError(err) ? err.details?.field : undefined;
      const name = FIELDS.find((f) => f.name === field)?.name;
      if (name) setErrors({ [name]: fieldMessage(describeError(err).message, field) });
      else toast.error('Setting not saved', describeError(err).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" aria-labelledby="first-token-title">
      <h2 id="first-token-title" className="card-title">
        When a model is slow to start
      </h2>
      <p className="muted small">
        How long to wait for the first word of an answer. After that, Switchboard tries the conversation’s next model once (no retries of a
        stalled one), or stops if there is none. While you wait you can also skip to the next model yourself.
      </p>
      <form className="first-token-form" onSubmit={(e) => void submit(e)} noValidate>
        {FIELDS.map((f) => (
          <Field key={f.name} label={f.label} help={f.help} error={errors[f.name] ?? null}>
            {(props) => (
              <div className="input-affix first-token-input">
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  autoComplete="off"
                  value={text?.[f.name] ?? ''}
                  disabled={!text}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setText((t) => (t ? { ...t, [f.name]: value } : t));
                  }}
                />
                <span className="input-suffix">seconds</span>
              </div>
            )}
          </Field>
        ))}
        <div className="form-actions">
          <Button type="submit" variant="primary" size="sm" disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save'}
          </Button>
        </div>
      </form>
      {settings.error && !settings.data ? <p className="field-message is-error">{describeError(settings.error).message}</p> : null}
    </section>
  );
}

function textOf(s: Settings): Record<Name, string> {
  return { firstTokenTimeoutSec: String(s.firstTokenTimeoutSec), localFirstTokenTimeoutSec: String(s.localFirstTokenTimeoutSec) };
}
