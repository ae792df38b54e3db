/** Who is calling: recorded in the audit log and used for per-transport behaviour. */
export interface CallContext {
  transport: 'electron' | 'web' | 'internal';
  /** e.g. "web 127.0.0.1", "window 1 (app://switchboard)" */
  actor: string;
}

export const INTERNAL_CONTEXT: CallContext = { transport: 'internal', actor: 'core' };
