import { isSameOrigin } from './app-origin.js';

/** What an IPC event tells us about who sent it; Electron's IpcMainInvokeEvent fits. */
export interface SenderEventLike {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
  readonly sender: { readonly id: number };
}

export type SenderCheck = { ok: true; actor: string } | { ok: false; reason: string };

/**
 * Only the top-level document of our own window, at the app origin, may call the contract. The
 * frame can be null when it navigated or was destroyed while the message was in flight, and a
 * subframe (even a same-origin one) is refused because the app never embeds frames.
 */
export function checkSender(event: SenderEventLike, appOrigin: string): SenderCheck {
  let frame: SenderEventLike['senderFrame'];
  try {
    frame = event.senderFrame;
  } catch {
    frame = null;
  }
  if (frame === null || frame === undefined) return { ok: false, reason: 'the sending frame is gone' };
  if (frame.parent !== null) return { ok: false, reason: 'sent from a subframe' };
  const url = typeof frame.url === 'string' ? frame.url : '';
  if (!isSameOrigin(url, appOrigin)) return { ok: false, reason: `sent from another origin (${describeOrigin(url)})` };
  return { ok: true, actor: `window ${event.sender.id} (${appOrigin})` };
}

// Only scheme and host go into logs: a full URL could carry a fragment with a token.
function describeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return 'unparseable URL';
  }
}
