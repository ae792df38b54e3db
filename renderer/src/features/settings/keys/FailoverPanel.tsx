import { useState } from 'react';
import type { Settings } from '../../../../../shared/contract/index.js';
import { useBridge } from '../../../bridge/context.js';
import { describeError } from '../../../bridge/errors.js';
import { useBridgeQuery } from '../../../hooks/useBridgeQuery.js';
import { toast } from '../../../state/toast-store.js';
import { Switch } from '../../../ui/Switch.js';

/** What happens when a key fails mid-work. */
export function FailoverPanel() {
  const bridge = useBridge();
  const settings = useBridgeQuery('settings.get', {});
  const [optimistic, setOptimistic] = useState<Partial<Settings>>({});
  const current = settings.data ? { ...settings.data, ...optimistic } : undefined;

  const set = async (patch: Partial<Settings>) => {
    setOptimistic((o) => ({ ...o, ...patch }));
    try {
      await bridge.call('settings.set', patch);
      settings.reload();
    } catch (err) {
      toast.error('Setting not saved', describeError(err).message);
    } finally {
      setOptimistic({});
    }
  };

  return (
    <section className="card" aria-labelledby="failover-title">
      <h2 id="failover-title" className="card-title">
        When a key fails
      </h2>
      <Switch
        label="Key failover"
        description="If a key is refused or out of credit, continue with the same provider’s next key. Keys are used in order, not in turns, so providers’ prompt caching keeps working."
        checked={current?.keyFailover ?? true}
        disabled={!current}
        onChange={(keyFailover) => void set({ keyFailover })}
      />
      <Switch
        label="Fall back to the system default"
        description="If a turn fails on your own keys, let the system default model (team server or environment key) answer instead."
        checked={current?.fallbackToSystemDefault ?? false}
        disabled={!current}
        onChange={(fallbackToSystemDefault) => void set({ fallbackToSystemDefault })}
      />
      {settings.error && !settings.data ? <p className="field-message is-error">{describeError(settings.error).message}</p> : null}
    </section>
  );
}
