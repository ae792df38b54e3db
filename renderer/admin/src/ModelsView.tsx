import { useEffect, useState } from 'react';
import type { ModelInfo, ProviderId } from '../../../shared/contract/index.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';
import { errorText } from '../../src/bridge/errors.js';
import { formatPricePerMillion } from '../../src/features/usage/money.js';
import { Button } from '../../src/ui/Button.js';
import { Callout } from '../../src/ui/Callout.js';
import { ErrorNotice } from '../../src/ui/ErrorNotice.js';
import { Field } from '../../src/ui/Field.js';
import { call, fieldOf } from './api.js';
import { useLoad } from './use-load.js';
import type { ModelRef, ModelsInfo } from './types.js';

const keyOf = (m: ModelRef) => `${m.provider}/${m.model}`;
const infoKey = (m: ModelInfo) => `${m.provider}/${m.id}`;

/** The team's default model ("System default" in members' apps, `model: "default"` for OpenAI clients) and the others members may use. */
export function ModelsView() {
  const info = useLoad(() => call<ModelsInfo>('GET', '/api/admin/models'));
  const [def, setDef] = useState('');
  const [custom, setCustom] = useState('');
  const [allowed, setAllowed] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!info.data) return;
    setDef(info.data.default ? keyOf(info.data.default) : '');
    setAllowed(new Set(info.data.allowed.map(keyOf)));
  }, [info.data]);

  const catalog = info.data?.catalog ?? [];
  const providers = [...new Set(catalog.map((m) => m.provider))];
  const extra = [...allowed, def].filter((k) => k && !catalog.some((m) => infoKey(m) === k));
  const toRef = (k: string): ModelRef => ({ provider: k.slice(0, k.indexOf('/')) as ProviderId, model: k.slice(k.indexOf('/') + 1) });

  const addCustom = () => {
    const k = custom.trim();
    if (!/^[a-z-]+\/.+/.test(k)) {
      setError(new Error('Write the model as provider/model, like openai/gpt-4o-mini.'));
      return;
    }
    setAllowed(new Set([...allowed, k]));
    setCustom('');
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await call('PUT', '/api/admin/models', { default: toRef(def), allowed: [...allowed].filter((k) => k !== def).map(toRef) });
      setSaved(true);
      info.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const field = fieldOf(error);
  return (
    <div className="page">
      <header className="page-header">
        <h1>Models</h1>
        <p className="page-subtitle">Members see these in the model picker beside their own; “System default” is the default model.</p>
      </header>
      {info.error ? <ErrorNotice error={info.error} onRetry={info.reload} /> : null}
      {info.data && catalog.length === 0 && !info.data.default ? (
        <Callout tone="info" title="Add a key first">
          The models offered here are those of the providers the team has a key for.
        </Callout>
      ) : null}
      {info.data ? (
        <form
          className="card admin-models"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Field label="Default model" error={field?.startsWith('default') ? errorText(error) : null}>
            {(p) => (
              <select {...p} className="input" value={def} onChange={(e) => setDef(e.currentTarget.value)}>
                <option value="" disabled>
                  Choose a model
                </option>
                {providers.map((pid) => (
                  <optgroup key={pid} label={PROVIDERS[pid].name}>
                    {catalog
                      .filter((m) => m.provider === pid)
                      .map((m) => (
                        <option key={infoKey(m)} value={infoKey(m)}>
                          {m.name}
                        </option>
                      ))}
                  </optgroup>
                ))}
                {extra.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset className="admin-allowed">
            <legend className="field-label">Other models members may use</legend>
            {catalog.length === 0 && extra.length === 0 ? <p className="muted">None yet.</p> : null}
            <ul className="admin-model-list">
              {[...catalog.map((m) => ({ k: infoKey(m), name: m.name, price: m.pricing })), ...extra.map((k) => ({ k, name: k, price: null }))].map(({ k, name, price }) => (
                <li key={k}>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={allowed.has(k) || k === def}
                      disabled={k === def}
                      onChange={(e) => {
                        const next = new Set(allowed);
                        if (e.currentTarget.checked) next.add(k);
                        else next.delete(k);
                        setAllowed(next);
                      }}
                    />
                    <span>
                      {name} <span className="muted mono">{k}</span>
                      {price ? <span className="cell-sub">{`${formatPricePerMillion(price.input)} in · ${formatPricePerMillion(price.output)} out per 1M tokens`}</span> : null}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <div className="input-with-actions admin-custom-model">
              <input className="input input-mono" aria-label="Another model, as provider/model" placeholder="provider/model" value={custom} onChange={(e) => setCustom(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), addCustom())} />
              <Button size="sm" onClick={addCustom}>
                Add
              </Button>
            </div>
          </fieldset>
          {error && !field?.startsWith('default') ? <ErrorNotice error={error} /> : null}
          {saved ? <p className="field-message is-ok" role="status">Saved. Members’ apps pick it up on their next call.</p> : null}
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy} disabled={!def}>
              Save models
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
