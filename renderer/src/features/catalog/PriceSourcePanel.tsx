import { useState } from 'react';
import type { PriceUpdateStatus, ProviderListing } from '../../../../shared/contract/index.js';
import { useBridge } from '../../bridge/context.js';
import { describeError } from '../../bridge/errors.js';
import { toast } from '../../state/toast-store.js';
import { Button } from '../../ui/Button.js';
import { Switch } from '../../ui/Switch.js';
import { describePriceSource } from './price-source.js';
import { formatListTime } from './refresh-summary.js';

/**
 * Where the prices come from (bundled snapshot or models.dev online, OpenRouter's own list), the
 * switch that allows the daily online update, and "Check now".
 */
export function PriceSourcePanel({ status, openRouter, onChanged }: { status: PriceUpdateStatus; openRouter: ProviderListing | undefined; onChanged(): void }) {
  const bridge = useBridge();
  const [saving, setSaving] = useState<boolean | null>(null);
  const [checking, setChecking] = useState(false);
  const text = describePriceSource(status);
  const enabled = saving ?? status.enabled;

  const setEnabled = async (onlinePriceUpdates: boolean) => {
    setSaving(onlinePriceUpdates);
    try {
      await bridge.call('settings.set', { onlinePriceUpdates });
      onChanged();
    } catch (err) {
      toast.error('Setting not saved', describeError(err).message);
    } finally {
      setSaving(null);
    }
  };

  const checkNow = async () => {
    setChecking(true);
    try {
      const answer = await bridge.call('models.updatePrices', {});
      if (answer.error) toast.error('Prices not updated', answer.error.message);
      else toast.success('Prices checked', answer.online ? `models.dev prices of ${formatListTime(answer.online.fetchedAt)} are in use.` : undefined);
      onChanged();
    } catch (err) {
      toast.error('Could not check prices', describeError(err).message);
    } finally {
      setChecking(false);
    }
  };

  return (
    <section className="card price-source" aria-labelledby="price-source-title" data-testid="price-source" data-in-use={status.inUse}>
      <div className="price-source-text">
        <h2 id="price-source-title" className="card-title">
          Where prices come from
        </h2>
        <p className="price-source-headline">{text.headline}</p>
        {text.details.length > 0 ? <p className="field-help">{text.details.join(' ')}</p> : null}
        <p className="field-help">
          {openRouter ? (
            <>
              OpenRouter’s models use OpenRouter’s own prices (listed <time dateTime={openRouter.fetchedAt}>{formatListTime(openRouter.fetchedAt)}</time>).{' '}
            </>
          ) : null}
          Prices you set yourself win over all of these.
        </p>
        {text.problem ? (
          <p className="field-message is-error" role="status">
            {text.problem}
          </p>
        ) : null}
      </div>
      <div className="price-source-actions">
        <Switch
          label="Update prices daily from models.dev"
          description="At most once a day, from models.dev’s public price list. No key or personal data is sent."
          checked={enabled}
          disabled={saving !== null}
          onChange={(next) => void setEnabled(next)}
        />
        {status.enabled ? (
          <Button size="sm" icon="refresh" busy={checking} onClick={() => void checkNow()}>
            {checking ? 'Checking…' : 'Check now'}
          </Button>
        ) : null}
      </div>
    </section>
  );
}
