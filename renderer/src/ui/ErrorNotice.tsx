import { describeError } from '../bridge/errors.js';
import { Button } from './Button.js';
import { Callout } from './Callout.js';

/** Any failure, shown the same calm way everywhere: what happened, what to try, a retry. */
export function ErrorNotice({ error, onRetry, className }: { error: unknown; onRetry?: () => void; className?: string }) {
  const view = describeError(error);
  return (
    <Callout
      tone="error"
      title={view.title}
      className={className}
      action={
        onRetry ? (
          <Button size="sm" icon="refresh" onClick={onRetry}>
            Try again
          </Button>
        ) : undefined
      }
    >
      <p>{view.message}</p>
      {view.hint ? <p className="callout-hint">{view.hint}</p> : null}
    </Callout>
  );
}
