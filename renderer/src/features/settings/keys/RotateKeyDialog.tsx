import { useState } from 'react';
import type { KeyInfo } from '../../../../../shared/contract/index.js';
import { providerSpec } from '../../../../../shared/providers/registry.js';
import { useBridge } from '../../../bridge/context.js';
import { ExternalLink } from '../../../router/Link.js';
import { Button } from '../../../ui/Button.js';
import { Dialog, DialogActions } from '../../../ui/Dialog.js';
import { Field } from '../../../ui/Field.js';
import { SecretInput } from '../../../ui/SecretInput.js';
import { readSecret, useSecretRef } from '../../../ui/useSecretRef.js';
import { keyShape, keyDisplayName, maskedKey, secretFormat, secretToSend, type FormatState } from './key-form.js';
import { TestResultView } from './TestResultView.js';
import { useKeyTest } from './useKeyTest.js';

/**
 * Replaces a key's secret. The new secret is tested first (here on request, and always by the core
 * before it replaces anything): until it passes, the old secret keeps working.
 */
export function RotateKeyDialog({ keyInfo, onClose, onRotated }: { keyInfo: KeyInfo; onClose(): void; onRotated(key: KeyInfo): void }) {
  const bridge = useBridge();
  const spec = providerSpec(keyInfo.provider);
  const secretRef = useSecretRef();
  const [format, setFormat] = useState<FormatState>({ kind: 'empty' });
  const [showProblems, setShowProblems] = useState(false);

  // A rotation must change something: an empty secret is never "ready" here, even where keys are optional.
  const ready = format.kind === 'ok';

  const check = () => {
    if (ready) return true;
    setShowProblems(true);
    secretRef.current?.focus();
    return false;
  };

  const { test, setTest, busy, testing, saving, ...actions } = useKeyTest(secretRef, check);
  const runTest = () =>
    actions.runTest(() =>
      bridge.call('keys.testDraft', {
        provider: keyInfo.provider,
        secret: secretToSend(readSecret(secretRef)),
        ...(keyInfo.baseUrl ? { baseUrl: keyInfo.baseUrl } : {}),
        ...(keyInfo.options ? { options: keyInfo.options } : {}),
      }),
    );
  const replace = () =>
    actions.save(
      () => bridge.call('keys.update', { id: keyInfo.id, secret: secretToSend(readSecret(secretRef)) }),
      (res) => onRotated(res.key),
    );

  return (
    <Dialog
      title={`Rotate “${keyDisplayName(keyInfo)}”`}
      description={
        <p>
          Paste the new {spec.name} key that replaces {maskedKey(keyInfo)}. It is tested before anything changes; the current key keeps working
          until the new one passes. Afterwards, revoke the old key at <ExternalLink href={spec.docsUrl}>{spec.name}</ExternalLink>.
        </p>
      }
      busy={busy}
      onClose={onClose}
      onSubmit={() => void replace()}
      status={<TestResultView state={test} idleText="The new key is tested with one cheap call before it replaces the current one." />}
      footer={
        <DialogActions
          submitLabel="Replace key"
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
      <Field
        label="New API key"
        help={`It ${keyShape(spec)}.`}
        error={format.kind === 'bad' ? format.message : showProblems && !ready ? 'Paste the new key.' : null}
        status={format.kind === 'ok' ? format.message : null}
      >
        {(props) => (
          <SecretInput
            ref={secretRef}
            {...props}
            revealLabel="key"
            data-autofocus
            placeholder="Paste the new key"
            onInput={(e) => {
              setFormat(secretFormat(keyInfo.provider, e.currentTarget.value));
              if (test.kind !== 'running') setTest({ kind: 'idle' });
            }}
          />
        )}
      </Field>
    </Dialog>
  );
}
