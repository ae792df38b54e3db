import { useEffect, useState } from 'react';
import { Button } from './Button.js';

/** Copies non-secret text (a folder path) and says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (done === 'idle') return;
    const t = setTimeout(() => setDone('idle'), 2000);
    return () => clearTimeout(t);
  }, [done]);
  return (
    <Button
      size="sm"
      variant="ghost"
      icon={done === 'copied' ? 'check' : 'copy'}
      onClick={() => {
        navigator.clipboard?.writeText(text).then(
          () => setDone('copied'),
          () => setDone('failed'),
        ) ?? setDone('failed');
      }}
    >
      <span aria-live="polite">{done === 'copied' ? 'Copied' : done === 'failed' ? 'Select and copy' : label}</span>
    </Button>
  );
}
