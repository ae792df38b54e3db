import { useEffect, useState } from 'react';
import { useConnectionState } from '../bridge/context.js';
import { Spinner } from '../ui/Spinner.js';

/** A bar at the top of the main area (never over the page's title) when the web event stream has been down for a moment. */
export function ConnectionBanner() {
  const state = useConnectionState();
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (state !== 'reconnecting') {
      setVisible(false);
      return;
    }
    const t = setTimeout(() => setVisible(true), 1500);
    return () => clearTimeout(t);
  }, [state]);
  if (!visible) return null;
  return (
    <div className="connection-banner" role="status">
      <Spinner size={12} /> Reconnecting to the Switchboard host… Live updates resume when it answers.
    </div>
  );
}
