import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  failed: boolean;
}

/** A render bug shows a calm message and a way out, never a stack trace. */
export class ErrorBoundary extends Component<{ children: ReactNode; compact?: boolean }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The component stack helps us; the error text may hold user content, so only its type.
    console.error('Switchboard: a view failed to render', error instanceof Error ? error.name : typeof error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className={this.props.compact ? 'crash crash-compact' : 'crash'} role="alert">
        <h1>This view hit a problem</h1>
        <p>Your conversations and keys are safe. Reloading usually fixes it.</p>
        <div className="crash-actions">
          <button className="btn btn-primary" type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
          <button className="btn btn-secondary" type="button" onClick={() => this.setState({ failed: false })}>
            Try again
          </button>
        </div>
      </div>
    );
  }
}
