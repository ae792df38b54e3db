import type { KeyTestResult } from '../../../../../shared/contract/index.js';
import { describeError } from '../../../bridge/errors.js';
import { Icon } from '../../../ui/Icon.js';
import { Spinner } from '../../../ui/Spinner.js';
import { formatLatency } from '../../../ui/format.js';

export type TestState =
  | { kind: 'idle' }
  | { kind: 'running'; what: 'test' | 'save' }
  | { kind: 'result'; result: KeyTestResult }
  | { kind: 'error'; error: unknown };

/** The strip under a key form that says what a test or save found. Its height is reserved. */
export function TestResultView({ state, idleText }: { state: TestState; idleText: string }) {
  let body;
  let tone = 'neutral';
  if (state.kind === 'idle') {
    body = <span className="muted">{idleText}</span>;
  } else if (state.kind === 'running') {
    body = (
      <>
        <Spinner size={14} />
        <span>{state.what === 'test' ? 'Testing the connection…' : 'Testing and saving…'}</span>
      </>
    );
  } else if (state.kind === 'result') {
    const r = state.result;
    tone = r.ok ? 'success' : 'error';
    body = r.ok ? (
      <>
        <Icon name="check" size={16} />
        <span>
          <strong>Connected</strong> in {formatLatency(r.latencyMs)}
          {r.modelCount !== undefined ? ` · ${r.modelCount} ${r.modelCount === 1 ? 'model' : 'models'} available` : ''}
        </span>
      </>
    ) : (
      <>
        <Icon name="alert" size={16} />
        <span>
          <strong>{r.message ?? 'The test failed.'}</strong> {r.hint ?? (r.message ? '' : 'The provider did not accept the request.')}
          {r.code ? <span className="code-tag">{r.code}</span> : null}
        </span>
      </>
    );
  } else {
    const view = describeError(state.error);
    tone = 'error';
    body = (
      <>
        <Icon name="alert" size={16} />
        <span>
          <strong>{view.title}.</strong> {view.message}
          {view.hint ? ` ${view.hint}` : ''}
        </span>
      </>
    );
  }
  return (
    <div className={`test-result test-result-${tone}`} role="status" aria-live="polite" data-testid="key-test-result">
      {body}
    </div>
  );
}

/** Codes after which saving without the live test is a reasonable offer (offline set-up). */
export function offlineFailure(state: TestState): boolean {
  const code =
    state.kind === 'result' && !state.result.ok
      ? state.result.code
      : state.kind === 'error'
        ? describeError(state.error).code
        : undefined;
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'PROVIDER_UNAVAILABLE';
}
