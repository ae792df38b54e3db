import { useEffect, useState } from 'react';
import { Button } from '../../ui/Button.js';

/** A small copy button with a named purpose ("Copy code", "Copy answer") that says when it worked. */
export function CopyAction({ text, label, showLabel = true }: { text: string; label: string; showLabel?: boolean }) {
  const [done, setDone] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (done === 'idle') return;
    const t = setTimeout(() => setDone('idle'), 2000);
    return () => clearTimeout(t);
  }, [done]);
  const status = done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <Button
      size="sm"
      variant="ghost"
      className={showLabel ? 'copy-action' : 'copy-action btn-icon'}
      icon={done === 'copied' ? 'check' : 'copy'}
      aria-label={done === 'idle' ? label : `${label}: ${status.toLowerCase()}`}
      title={label}
      onClick={() => {
        const clip = globalThis.navigator?.clipboard;
        if (!clip) return setDone('failed');
        clip.writeText(text).then(
          () => setDone('copied'),
          () => setDone('failed'),
        );
      }}
    >
      {showLabel ? status : undefined}
    </Button>
  );
}
