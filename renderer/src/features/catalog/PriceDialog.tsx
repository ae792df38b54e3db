import { useState } from 'react';
import type { ModelInfo, ProviderId } from '../../../../shared/contract/index.js';
import { PROVIDER_LIST } from '../../../../shared/providers/registry.js';
import { useBridge } from '../../bridge/context.js';
import { fieldMessage, isBridgeError } from '../../bridge/errors.js';
import { Dialog, DialogActions } from '../../ui/Dialog.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { Field } from '../../ui/Field.js';
import { priceFieldOf, priceFormFor, toSetPrice, type PriceForm, type PriceFormErrors } from './catalog-filters.js';

/**
 * Sets the price of a custom, local or OpenAI-compatible model (models.setPrice), in USD per
 * million tokens. 0 marks a free local model; a limit on spend then lets it through.
 */
export function PriceDialog({ model, onClose, onSaved }: { model: ModelInfo | null; onClose(): void; onSaved(saved: ModelInfo | null): void }) {
  const bridge = useBridge();
  const [form, setForm] = useState<PriceForm>(() => priceFormFor(model));
  const [errors, setErrors] = useState<PriceFormErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editing = model !== null;

  const change = (patch: Partial<PriceForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    const cleared = { ...errors };
    for (const k of Object.keys(patch) as (keyof PriceForm)[]) delete cleared[k];
    setErrors(cleared);
  };

  const save = async () => {
    const { request, errors: found } = toSetPrice(form);
    setErrors(found);
    setFailure(null);
    if (!request) return;
    setBusy(true);
    try {
      const res = await bridge.call('models.setPrice', request);
      onSaved(res.model);
    } catch (err) {
      const field = isBridgeError(err) && err.code === 'VALIDATION' ? priceFieldOf(err.details?.field) : null;
      if (field && isBridgeError(err)) setErrors({ [field]: fieldMessage(err.message, err.details?.field) });
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const priceField = (key: 'input' | 'output' | 'cacheRead' | 'cacheWrite', label: string, help: string, optional = false) => (
    <Field label={label} help={help} error={errors[key] ?? null} optional={optional}>
      {(props) => (
        <div className="input-affix">
          <span className="input-prefix" aria-hidden="true">
            $
          </span>
          <input
            {...props}
            className="input input-mono"
            inputMode="decimal"
            autoComplete="off"
            placeholder={optional ? 'not offered' : '0.00'}
            value={form[key]}
            onChange={(e) => change({ [key]: e.currentTarget.value })}
            {...(key === 'input' && editing ? { 'data-autofocus': true } : {})}
          />
          <span className="input-suffix">per 1M tokens</span>
        </div>
      )}
    </Field>
  );

  return (
    <Dialog
      title={editing ? `Price of ${model.name}` : 'Set a custom model price'}
      description="Prices are in US dollars per million tokens, as providers publish them (not per token). Use 0 for a free local model."
      onClose={onClose}
      busy={busy}
      onSubmit={() => void save()}
      className="price-dialog"
      footer={<DialogActions submitLabel="Save price" onCancel={onClose} busy={busy} />}
      status={failure ? <ErrorNotice error={failure} /> : null}
    >
      <div className="field-row">
        <Field label="Provider" error={errors.provider ?? null}>
          {(props) => (
            <select {...props} className="input" value={form.provider} disabled={editing} onChange={(e) => change({ provider: e.currentTarget.value as ProviderId })}>
              {PROVIDER_LIST.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Model id" error={errors.model ?? null} help="As the server names it.">
          {(props) => (
            <input
              {...props}
              className="input input-mono"
              value={form.model}
              readOnly={editing}
              autoComplete="off"
              spellCheck={false}
              placeholder="llama3.1:8b"
              onChange={(e) => change({ model: e.currentTarget.value })}
              {...(!editing ? { 'data-autofocus': true } : {})}
            />
          )}
        </Field>
      </div>
      <div className="field-row">
        {priceField('input', 'Input', 'Prompt tokens.')}
        {priceField('output', 'Output', 'Answer tokens, reasoning included.')}
      </div>
      <div className="field-row">
        {priceField('cacheRead', 'Cache read', 'Leave empty if not offered.', true)}
        {priceField('cacheWrite', 'Cache write', 'Leave empty if not offered.', true)}
      </div>
      <div className="field-row">
        <Field label="Context window" optional error={errors.contextWindow ?? null} help="Tokens; used to warn before a prompt is too long.">
          {(props) => <input {...props} className="input" inputMode="numeric" value={form.contextWindow} onChange={(e) => change({ contextWindow: e.currentTarget.value })} />}
        </Field>
        <Field label="Max output" optional error={errors.maxOutputTokens ?? null} help="Tokens; limits reserve this much per call.">
          {(props) => <input {...props} className="input" inputMode="numeric" value={form.maxOutputTokens} onChange={(e) => change({ maxOutputTokens: e.currentTarget.value })} />}
        </Field>
      </div>
    </Dialog>
  );
}
