import { useState } from 'react';
import { useBridge } from '../../bridge/context.js';
import { toast } from '../../state/toast-store.js';
import { Button } from '../../ui/Button.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';

/** "Move the damaged ledger aside and start a new one", after a confirmation that says what it means. */
export function ResetLedgerButton({ size = 'sm' }: { size?: 'sm' | 'md' }) {
  const bridge = useBridge();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={size} variant="primary" onClick={() => setOpen(true)}>
        Move aside and start a new ledger
      </Button>
      {open ? (
        <ConfirmDialog
          title="Start a new usage ledger?"
          confirmLabel="Move aside and start new"
          onClose={() => setOpen(false)}
          onConfirm={async () => {
            const { keptAs } = await bridge.call('ledger.reset', {});
            setOpen(false);
            toast.success('A new usage ledger is in use', `The damaged one is kept as ${keptAs} in the data folder. Set your limits again.`);
          }}
        >
          <p>
            The damaged <code>usage.db</code> is renamed, not deleted: it stays in the data folder with your usage history and limits, for you or a
            tool to recover. Switchboard starts a new, empty ledger, and chat works again.
          </p>
          <p>To keep your history instead, quit Switchboard and put back a copy of usage.db from a backup.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
