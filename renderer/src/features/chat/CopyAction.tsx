import { Button } from '../../ui/Button.js';
import { useCopy } from '../../ui/useCopy.js';

/** A small copy button with a named purpose ("Copy code", "Copy answer") that says when it worked. */
export function CopyAction({ text, label, showLabel = true }: { text: string; label: string; showLabel?: boolean }) {
  const [done, copy] = useCopy(text);
  const status = done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <Button
      size="sm"
      variant="ghost"
      className={showLabel ? 'copy-action' : 'copy-action btn-icon'}
      icon={done === 'copied' ? 'check' : 'copy'}
      aria-label={done === 'idle' ? label : `${label}: ${status.toLowerCase()}`}
      title={label}
      onClick={copy}
    >
      {showLabel ? status : undefined}
    </Button>
  );
}
