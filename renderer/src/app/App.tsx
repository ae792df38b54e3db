import { BridgeProvider } from '../bridge/context.js';
import { ConnectScreen } from '../features/connect/ConnectScreen.js';
import { useSessionStore } from '../state/session-store.js';
import { Toasts } from '../ui/Toasts.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Shell } from './Shell.js';

export function App() {
  const status = useSessionStore((s) => s.status);
  return (
    <ErrorBoundary>
      {status.kind === 'needs-token' ? (
        <ConnectScreen reason={status.reason} />
      ) : (
        <BridgeProvider bridge={status.bridge}>
          <Shell />
        </BridgeProvider>
      )}
      <Toasts />
    </ErrorBoundary>
  );
}
