import { useState } from 'react';
import type { KeyInfo } from '../../../../../shared/contract/index.js';
import { providerSpec } from '../../../../../shared/providers/registry.js';
import { useBridge } from '../../../bridge/context.js';
import { Dialog, DialogActions } from '../../../ui/Dialog.js';
import { Field } from '../../../ui/Field.js';
import { baseUrlForRequest, baseUrlProblem, emptyOptionFields, keyOptions, optionProblems, sameUrl, type OptionFields } from './key-form.js';
import { BaseUrlField, ProviderOptionFields } from './KeyFields.js';
import { TestResultView, type TestState } from './TestResultView.js';

/** Label, base URL and provider fields of a stored key. The secret is changed with Rotate. */
export function EditKeyDialog({ keyInfo, onClose, onSaved }: { keyInfo: KeyInfo; onClose(): void; onSaved(key: KeyInfo): void }) {
  const bridge = useBridge();
  const spec = providerSpec(keyInfo.provider);
  const [label, setLabel] = useState(keyInfo.label);
  const [baseUrl, setBaseUrl] = useState(keyInfo.baseUrl ?? spec.defaultBaseUrl ?? '');
  const [fields, setFields] = useState<OptionFields>(() => emptyOptionFields(spec, keyInfo.options));
  const [showProblems, setShowProblems] = useState(false);
  const [state, setState] = useState<TestState>({ kind: 'idle' });

  const urlProblem = baseUrlProblem(spec, baseUrl);
  const optProblems = optionProblems(spec, fields);
  const busy = state.kind === 'running';

  const save = async () => {
    if (urlProblem !== null || Object.keys(optProblems).length > 0) {
      setShowProblems(true);
      return;
    }
    // null puts the key back on the provider's default address.
    const nextBase = baseUrlForRequest(spec, baseUrl) ?? null;
    const currentBase = keyInfo.baseUrl && !sameUrl(keyInfo.baseUrl, spec.defaultBaseUrl) ? keyInfo.baseUrl : null;
    const options = keyOptions(spec, fields);
    const request = {
      id: keyInfo.id,
      ...(label.trim() !== keyInfo.label ? { label: label.trim() } : {}),
      ...(nextBase !== currentBase ? { baseUrl: nextBase } : {}),
      ...(options && JSON.stringify(options) !== JSON.stringify(keyInfo.options ?? {}) ? { options } : {}),
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
      <ProviderOptionFields spec={spec} fields={fields} onChange={setFields} problems={showProblems ? optProblems : {}} />
    </Dialog>
  );
}
