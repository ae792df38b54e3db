import { useState } from 'react';
import type { KeyInfo, KeyTestResult } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { errorText } from '../../../bridge/errors.js';
import { Badge } from '../../../ui/Badge.js';
import { Button } from '../../../ui/Button.js';
import { formatWhen } from '../../../ui/datetime.js';
import { formatLatency, relativeTime } from '../../../ui/format.js';
import { useDisplayZone } from '../../../state/time-zone-store.js';
import { Icon } from '../../../ui/Icon.js';
import { keyDisplayName, maskedKey, statusView } from './key-form.js';

export type KeyAction = 'rotate' | 'edit' | 'delete';

/** One key: who it is (label, …last4, source), how it is doing, and what can be done with it. */
export function KeyRow({ keyInfo, now, onAction, onTested }: { keyInfo: KeyInfo; now: number; onAction(action: KeyAction, key: KeyInfo): void; onTested(): void }) {
  const bridge = useBridge();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const status = statusView(keyInfo.status);
  const zone = useDisplayZone();
  const fromEnv = keyInfo.source === 'environment';
  const name = keyDisplayName(keyInfo);

  const retest = async () => {
    setTesting(true);
    setResult(null);
    try {
      const r: KeyTestResult = await bridge.call('keys.test', { id: keyInfo.id });
      setResult(r.ok ? { ok: true, text: `Connected in ${formatLatency(r.latencyMs)}` } : { ok: false, text: [r.message, r.hint].filter(Boolean).join(' ') || 'The test failed.' });
    } catch (err) {
      setResult({ ok: false, text: errorText(err) });
    } finally {
      setTesting(false);
      onTested();
    }
  };

  const problem = keyInfo.problem ?? (keyInfo.status !== 'ok' && keyInfo.lastTest && !keyInfo.lastTest.ok ? keyInfo.lastTest.hint : undefined);

  return (
    <li className="key-row" aria-label={`${name} ${maskedKey(keyInfo)}`} data-key-id={keyInfo.id}>
      <div className="key-main">
        <div className="key-identity">
          <Icon name="key" size={15} />
          <span className="key-label">{keyInfo.label || 'Unnamed key'}</span>
          <code className="key-last4" title="The last four characters of the key">
            {maskedKey(keyInfo)}
          </code>
          <Badge tone={status.tone} title={status.description}>
            {status.label}
          </Badge>
          {fromEnv ? (
            <Badge tone="info" title={keyInfo.envVar ? `Read from ${keyInfo.envVar}; never stored` : 'Read from the environment; never stored'}>
              from environment
            </Badge>
          ) : keyInfo.source === 'team' ? (
            <Badge tone="accent">team</Badge>
          ) : null}
        </div>
        <p className="key-meta">
          {fromEnv && keyInfo.envVar ? (
            <span>
              Set by <code>{keyInfo.envVar}</code> (read-only)
            </span>
          ) : null}
          {keyInfo.baseUrl ? (
            <span title="Base URL">
              <code>{keyInfo.baseUrl}</code>
            </span>
          ) : null}
          <span title={keyInfo.lastTestedAt ? formatWhen(keyInfo.lastTestedAt, zone) : undefined}>
            Tested {keyInfo.lastTestedAt ? relativeTime(keyInfo.lastTestedAt, now, zone) : 'never'}
          </span>
          <span title={keyInfo.lastUsedAt ? formatWhen(keyInfo.lastUsedAt, zone) : undefined}>Used {keyInfo.lastUsedAt ? relativeTime(keyInfo.lastUsedAt, now, zone) : 'never'}</span>
        </p>
        {result ? (
          <p className={`key-result ${result.ok ? 'is-ok' : 'is-error'}`} role="status">
            <Icon name={result.ok ? 'check' : 'alert'} size={14} /> {result.text}
          </p>
        ) : problem ? (
          <p className="key-result is-error">
            <Icon name="alert" size={14} /> {problem}
          </p>
        ) : null}
      </div>
      <div className="key-actions">
        <Button size="sm" icon="refresh" onClick={() => void retest()} busy={testing} aria-label={`Test ${name}`}>
          Test
        </Button>
        {fromEnv || keyInfo.readOnly ? null : (
          <>
            <Button size="sm" icon="rotate" onClick={() => onAction('rotate', keyInfo)} aria-label={`Rotate ${name}`}>
              Rotate
            </Button>
            <Button size="sm" icon="pencil" onClick={() => onAction('edit', keyInfo)} aria-label={`Edit ${name}`}>
              Edit
            </Button>
            <Button size="sm" variant="ghost" icon="trash" className="btn-danger-ghost" onClick={() => onAction('delete', keyInfo)} aria-label={`Delete ${name}`}>
              Delete
            </Button>
          </>
        )}
      </div>
    </li>
  );
}
