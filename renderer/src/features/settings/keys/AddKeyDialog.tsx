import { useId, useState } from 'react';
import type { KeyInfo, KeyTestResult, ProviderId } from '../../../../../shared/contract/index.js';
import { PROVIDER_LIST, providerSpec } from '../../../../../shared/providers/registry.js';
import { useBridge } from '../../../bridge/context.js';
import { ExternalLink } from '../../../router/Link.js';
import { Button } from '../../../ui/Button.js';
import { Dialog, DialogActions } from '../../../ui/Dialog.js';
import { Field } from '../../../ui/Field.js';
import { SecretInput } from '../../../ui/SecretInput.js';
import { readSecret, useSecretRef } from '../../../ui/useSecretRef.js';
import {
  article,
  keyShape,
  shortName,
  baseUrlForRequest,
  baseUrlProblem,
  emptyOptionFields,
  keyOptions,
  optionProblems,
  secretFormat,
  secretReady,
  secretToSend,
  type FormatState,
  type OptionFields,
} from './key-form.js';
import { BaseUrlField, ProviderOptionFields } from './KeyFields.js';
import { offlineFailure, TestResultView } from './TestResultView.js';
import { useKeyTest } from './useKeyTest.js';

export interface AddKeyDialogProps {
  provider: ProviderId;
  onClose(): void;
  onSaved(key: KeyInfo, test: KeyTestResult | undefined): void;
}

/**
 * Adds a key: provider fields, format check as you type, a live test, then save (the core tests
 * again before storing). The secret lives only in the password input: never in React state.
 */
export function AddKeyDialog({ provider: initialProvider, onClose, onSaved }: AddKeyDialogProps) {
  const bridge = useBridge();
  const [provider, setProvider] = useState<ProviderId>(initialProvider);
  const spec = providerSpec(provider);
  const secretRef = useSecretRef();
  const [format, setFormat] = useState<FormatState>({ kind: 'empty' });
  const [label, setLabel] = useState('');
  const [baseUrl, setBaseUrl] = useState(spec.defaultBaseUrl ?? '');
  const [baseUrlTouched, setBaseUrlTouched] = useState(false);
  const [fields, setFields] = useState<OptionFields>(() => emptyOptionFields(spec));
  const [showProblems, setShowProblems] = useState(false);
  const [skipTest, setSkipTest] = useState(false);
  const providerSelectId = useId();

  const changeProvider = (next: ProviderId) => {
    const nextSpec = providerSpec(next);
    setProvider(next);
    setBaseUrl(nextSpec.defaultBaseUrl ?? '');
    setBaseUrlTouched(false);
    setFields(emptyOptionFields(nextSpec));
    setTest({ kind: 'idle' });
    setSkipTest(false);
    setFormat(secretFormat(next, readSecret(secretRef)));
  };

  const urlProblem = baseUrlProblem(spec, baseUrl);
  const optProblems = optionProblems(spec, fields);
  const formReady = secretReady(provider, format) && urlProblem === null && Object.keys(optProblems).length === 0;

  const requestBase = () => {
    const url = baseUrlForRequest(spec, baseUrl);
    const options = keyOptions(spec, fields);
    return { provider, secret: secretToSend(readSecret(secretRef)), ...(url ? { baseUrl: url } : {}), ...(options ? { options } : {}) };
  };

  const checkForm = (): boolean => {
    if (formReady) return true;
    setShowProblems(true);
    setBaseUrlTouched(true);
    if (format.kind !== 'ok' && !secretReady(provider, format)) secretRef.current?.focus();
    return false;
  };

  const { test, setTest, busy, testing, saving, ...actions } = useKeyTest(secretRef, checkForm);
  const runTest = () => actions.runTest(() => bridge.call('keys.testDraft', requestBase()));
  const save = () => {
    const trimmed = label.trim();
    return actions.save(
      () => bridge.call('keys.add', { ...requestBase(), ...(trimmed ? { label: trimmed } : {}), ...(skipTest ? { skipTest: true } : {}) }),
      (res) => onSaved(res.key, res.test),
    );
  };

  const secretMessage = format.kind === 'bad' ? format.message : showProblems && !secretReady(provider, format) ? `${spec.name} needs a key.` : null;

  return (
    <Dialog
      title={spec.keyRequired ? `Add ${article(spec.name)} ${shortName(spec)} key` : `Add ${article(spec.name)} ${shortName(spec)} server`}
      size="lg"
      busy={busy}
      onClose={onClose}
      onSubmit={() => void save()}
      className="key-dialog"
      status={
        <>
          <TestResultView
            state={test}
            idleText={
              provider === 'azure'
                ? '“Test connection” asks your deployment for a one-token answer (costs a fraction of a cent). Saving tests the key too.'
                : '“Test connection” makes one cheap call to the provider. Saving tests the key too.'
            }
          />
          {offlineFailure(test) || skipTest ? (
            <label className="checkbox">
              <input type="checkbox" checked={skipTest} onChange={(e) => setSkipTest(e.currentTarget.checked)} />
              <span>Save without the live test (for setting up offline; the key’s format is still checked)</span>
            </label>
          ) : null}
        </>
      }
      footer={
        <DialogActions
          submitLabel="Save key"
          onCancel={onClose}
          busy={busy}
          saving={saving}
          disabled={busy}
          before={
            <Button onClick={() => void runTest()} disabled={busy} busy={testing} icon="refresh">
              Test connection
            </Button>
          }
        />
      }
    >
      <div className="key-dialog-grid">
        <div className="key-dialog-fields">
          <div className="field-row">
            <div className="field">
              <label htmlFor={providerSelectId} className="field-label">
                Provider
              </label>
              <select id={providerSelectId} className="input" value={provider} onChange={(e) => changeProvider(e.currentTarget.value as ProviderId)} disabled={busy}>
                {PROVIDER_LIST.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <Field label="Label" optional>
              {(props) => (
                <input {...props} className="input" maxLength={120} autoComplete="off" placeholder="Work, Personal…" value={label} onChange={(e) => setLabel(e.currentTarget.value)} />
              )}
            </Field>
          </div>
          <Field
            label="API key"
            optional={!spec.keyRequired}
            help={`It ${keyShape(spec)}.`}
            error={secretMessage}
            status={format.kind === 'ok' ? format.message : null}
          >
            {(props) => (
              <SecretInput
                ref={secretRef}
                {...props}
                revealLabel="key"
                data-autofocus
                placeholder={spec.keyRequired ? 'Paste your key' : 'Leave empty if the server needs none'}
                onInput={(e) => {
                  setFormat(secretFormat(provider, e.currentTarget.value));
                  if (test.kind !== 'running') setTest({ kind: 'idle' });
                }}
              />
            )}
          </Field>
          {format.kind === 'bad' && format.otherProvider ? (
            <p className="key-switch">
              <Button size="sm" variant="secondary" onClick={() => changeProvider(format.otherProvider!)} disabled={busy}>
                Switch to {shortName(providerSpec(format.otherProvider))}
              </Button>
            </p>
          ) : null}
          <BaseUrlField spec={spec} value={baseUrl} onChange={(v) => { setBaseUrl(v); setTest({ kind: 'idle' }); }} touched={baseUrlTouched || showProblems} onBlur={() => setBaseUrlTouched(true)} />
          <ProviderOptionFields spec={spec} fields={fields} onChange={(f) => { setFields(f); setTest({ kind: 'idle' }); }} problems={showProblems ? optProblems : {}} />
        </div>
        <aside className="key-dialog-help" aria-label={`Where to get ${article(spec.name)} ${shortName(spec)} key`}>
          <h3>{spec.keyRequired ? 'Where to get a key' : 'Setting it up'}</h3>
          <p>{spec.help}</p>
          <p>
            <ExternalLink href={spec.docsUrl}>{spec.keyRequired ? `Open ${shortName(spec)}’s key page` : 'Read the set-up guide'}</ExternalLink>
          </p>
          {spec.envVars.length ? (
            <p className="muted">
              Or set <code>{spec.envVars[0]}</code> in the environment before starting Switchboard; it then appears here as a key “from environment”.
            </p>
          ) : null}
        </aside>
      </div>
    </Dialog>
  );
}
