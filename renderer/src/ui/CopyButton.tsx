import { Button } from './Button.js';
import { useCopy } from './useCopy.js';

/** Copies non-secret text (a folder path) and says so for a moment. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, copy] = useCopy(text);
  return (
    <Button
      size="sm"
      variant="ghost"
      icon={done === 'copied' ? 'check' : 'copy'}
      onClick={copy}
    >
      <span aria-live="polite">{done === 'copied' ? 'Copied' : done === 'failed' ? 'Select and copy' : label}</span>
    </Button>
  );
}
