import { AppError, channelFor, isDownloadMethod, METHOD_NAMES, type MethodName } from '../../shared/contract/index.js';
import type { CallContext } from '../core/app/context.js';
import type { Core } from '../core/core.js';
import { toEnvelope } from './envelope.js';
import { checkSender, type SenderEventLike } from './sender-check.js';

/** The subset of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface BindContractOptions {
  ipcMain: IpcMainLike;
  core: Pick<Core, 'call'>;
  appOrigin: string;
  /** Methods of kind "download" (usage.exportCsv): save dialog and file instead of a plain answer. */
  download: (method: MethodName, input: unknown, ctx: CallContext, event: SenderEventLike) => Promise<unknown>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * One ipcMain.handle per contract method and nothing else. Each call is answered with an
 * Envelope: the sender is checked first, then the core parses the payload with the method's
 * schema before any service sees it. Returns a function that removes every handler.
 */
export function bindContract(options: BindContractOptions): () => void {
  const { ipcMain, core, appOrigin } = options;
  for (const method of METHOD_NAMES) {
    const isDownload = isDownloadMethod(method);
    ipcMain.handle(channelFor(method), async (event, payload) => {
      const sender = checkSender(event, appOrigin);
      if (!sender.ok) {
        options.log?.(`refused ${method}: ${sender.reason}`);
        return toEnvelope(() => {
          throw new AppError('UNAUTHORIZED', 'This request did not come from the Switchboard window.');
        });
      }
      const ctx: CallContext = { transport: 'electron', actor: sender.actor };
      return toEnvelope(() => (isDownload ? options.download(method, payload, ctx, event) : core.call(method, payload, ctx)));
    });
  }
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(channelFor(method));
  };
}
