import {
  AppError,
  contract,
  describeIssues,
  isMethodName,
  parseRequest,
  type MethodName,
} from '../../../shared/contract/index.js';
import type { CallContext } from './context.js';
import type { HandlerMap } from './handlers.js';
import type { Logger } from './logger.js';

/**
 * The single entry point every transport uses: unknown methods are refused, every request is
 * parsed with its schema before a service sees it, and every answer is checked against its schema
 * so a service bug can never leak fields the contract does not promise.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: HandlerMap,
    private readonly logger: Logger,
  ) {}

  async call(method: string, input: unknown, ctx: CallContext): Promise<unknown> {
    if (!isMethodName(method)) throw new AppError('NOT_FOUND', `Unknown method "${method}"`);
    const request = parseRequest(method, input);
    const handler = this.handlers[method] as (req: unknown, ctx: CallContext) => unknown;
    const started = performance.now();
    try {
      const result = await handler(request, ctx);
      this.checkResponse(method, result);
      this.logger.debug(`${method} ok`, { ms: Math.round(performance.now() - started), via: ctx.transport });
      return result;
    } catch (err) {
      const error = toAppError(err);
      const level = error.code === 'INTERNAL' ? 'error' : 'info';
      this.logger[level](`${method} failed: ${error.code}`, {
        message: error.message,
        via: ctx.transport,
        ...(error.code === 'INTERNAL' && err instanceof Error && err.stack ? { stack: err.stack } : {}),
      });
      throw error;
    }
  }

  private checkResponse(method: MethodName, result: unknown): void {
    const parsed = contract[method].response.safeParse(result);
    if (!parsed.success) {
      const described = describeIssues(parsed.error);
      throw new AppError('INTERNAL', `The ${method} answer broke the contract at ${described.message}`);
    }
  }
}

/** Anything thrown becomes a stable error; unexpected errors keep their text out of the answer. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Error && err.name === 'AbortError') return new AppError('CANCELLED', 'The request was cancelled.');
  return new AppError('INTERNAL', 'Something went wrong inside Switchboard. The details are in the log.');
}
