import { useToastStore } from '../state/toast-store.js';
import { IconButton } from './Button.js';
import { Icon } from './Icon.js';

/** Short confirmations in a corner; a polite live region so screen readers hear them too. */
export function Toasts() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite" aria-relevant="additions">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
          <Icon name={t.tone === 'error' ? 'alert' : t.tone === 'success' ? 'check' : 'info'} size={18} />
          <div className="toast-content">
            <p className="toast-title">{t.title}</p>
            {t.message ? <p className="toast-message">{t.message}</p> : null}
          </div>
          <IconButton icon="x" label="Dismiss" onClick={() => dismiss(t.id)} />
        </div>
      ))}
    </div>
  );
}
