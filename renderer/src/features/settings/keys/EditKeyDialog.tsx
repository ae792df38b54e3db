import { useState } from 'react';
import type { KeyInfo } from '../../../../../shared/contract/index.js';
import { providerSpec } from '../../../../../shared/providers/registry.js';
import { BridgeError } from '../../../bridge/errors.js';
import { useBridge } from '../../../bridge/context.js';
import { Callout } from '../../../ui/Callout.js';
import { Dialog, DialogActions } from '../../../ui/Dialog.js';
import { Field } from '../../../ui/Field.js';
import { SecretInput } from '../../../ui/SecretInput.js';
import { readSecret, useSecretRef } from '../../../ui/useSecretRef.js';
import { baseUrlForRequest, baseUrlProblem, destinationOf, emptyOptionFields, keyOptions, keyShape, maskedKey, optionProblems, sameUrl, secretFormat, type FormatState, type OptionFields } from './key-form.js';
import { BaseUrlField, ProviderOptionFields } from './KeyFields.js';
import { TestResultView, type TestState } from './TestResultView.js';

/**
 * Label, base URL and provider fields of a stored key. The secret is changed with Rotate. A new base
 * URL sends the key to another server, so the key must be entered again (the core refuses otherwise).
 */
export function EditKeyDialog({ keyInfo, onClose, onSaved }: { keyInfo: KeyInfo; onClose(): void; onSaved(key: KeyInfo): void }) {
  const bridge = useBridge();
  const spec = providerSpec(keyInfo.provider);
  const secretRef = useSecretRef();
  const [label, setLabel] = useState(keyInfo.label);
  const [baseUrl, setBaseUrl] = useState(keyInfo.baseUrl ?? spec.defaultBaseUrl ?? '');
  const [fields, setFields] = useState<OptionFields>(() => emptyOptionFields(spec, keyInfo.options));
  const [showProblems, setShowProblems] = useState(false);
  const [format, setFormat] = useState<FormatState>({ kind: 'empty' });
  // Set when the core asks for the key although this form did not expect it (it decides).
  const [keyAsked, setKeyAsked] = useState(false);
  const [state, setState] = useState<TestState>({ kind: 'idle' });

  const urlProblem = baseUrlProblem(spec, baseUrl);
  const optProblems = optionProblems(spec, fields);
  const busy = state.kind === 'running';
  // null puts the key back on the provider's default address.
  const nextBase = baseUrlForRequest(spec, baseUrl) ?? null;
  const currentBase = keyInfo.baseUrl && !sameUrl(keyInfo.baseUrl, spec.defaultBaseUrl) ? keyInfo.baseUrl : null;
  const moving = nextBase === null ? currentBase !== null : !sameUrl(nextBase, currentBase ?? spec.defaultBaseUrl);
  // Keyless entries (a local server without a key) have nothing to protect.
  const needsKey = (moving && keyInfo.last4 !== '') || keyAsked;
  const keyMissing = needsKey && format.kind !== 'ok';

  const save = async () => {
    if (urlProblem !== null || Object.keys(optProblems).length > 0 || keyMissing) {
      setShowProblems(true);
      if (keyMissing) secretRef.current?.focus();
      return;
    }
    const options = keyOptions(spec, fields);
    const request = {
      id: keyInfo.id,
      ...(label.trim() !== keyInfo.label ? { label: label.trim() } : {}),
      ...(moving ? { baseUrl: nextBase } : {}),
      ...(options && JSON.stringify(options) !== JSON.stringify(keyInfo.options ?? {}) ? { options } : {}),
      ...(needsKey ? { secret: readSecret(secretRef) } : {}),
    };
    if (Object.keys(request).length === 1) {
      onClose();
      return;
    }
    setState({ kind: 'running', what: 'save' });
    try {
      const res = await bridge.call('keys.update', request);
      onSaved(res.key);
    } catch (error) {
      if (error instanceof BridgeError && error.code === 'VALIDATION' && error.details?.field === 'secret') setKeyAsked(true);
      setState({ kind: 'error', error });
    }
  };

  return (
    <Dialog
      title={`Edit “${keyInfo.label || spec.name}”`}
      busy={busy}
      onClose={onClose}
      onSubmit={() => void save()}
      {...(state.kind !== 'idle' ? { status: <TestResultView state={state} idleText="" /> } : {})}
      footer={<DialogActions submitLabel="Save changes" onCancel={onClose} busy={busy} />}
    >
      <Field label="Label" help="A name to tell keys apart.">
        {(props) => <input {...props} data-autofocus className="input" maxLength={120} autoComplete="off" value={label} onChange={(e) => setLabel(e.currentTarget.value)} />}
      </Field>
      <BaseUrlField
        spec={spec}
        value={baseUrl}
        onChange={setBaseUrl}
        touched={true}
        onBlur={() => undefined}
        {...(spec.defaultBaseUrl && !sameUrl(baseUrl, spec.defaultBaseUrl) ? { onReset: () => setBaseUrl(spec.defaultBaseUrl ?? '') } : {})}
      />
      {needsKey ? (
        <div className="key-reentry" data-testid="key-reentry">
          <Callout tone="info" title="Enter the key again to use a new address">
            <p>
              The saved key {maskedKey(keyInfo)} is only ever sent to the address it was saved with. Sending it to{' '}
              <code>{destinationOf(nextBase ?? spec.defaultBaseUrl)}</code> instead needs the key itself, so nothing else that can reach Switchboard can
              redirect your key. The key is tested there before anything changes.
            </p>
          </Callout>
          <Field
            label="API key"
            help={`The same key (or a new one). It ${keyShape(spec)}.`}
            error={format.kind === 'bad' ? format.message : showProblems && keyMissing ? 'Enter the key to send it to the new address.' : null}
            status={format.kind === 'ok' ? format.message : null}
          >
            {(props) => (
              <SecretInput
                ref={secretRef}
                {...props}
                revealLabel="key"
                placeholder="Paste the key"
                onInput={(e) => setFormat(secretFormat(keyInfo.provider, e.currentTarget.value))}
              />
            )}
          </Field>
        </div>
      ) : null}
      <ProviderOptionFields spec={spec} fields={fields} onChange={setFields} problems={showProblems ? optProblems : {}} />
    </Dialog>
  );
}
