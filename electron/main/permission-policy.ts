import { isSameOrigin } from './app-origin.js';

/**
 * Everything is refused except writing plain text to the clipboard from the app itself: the
 * "copy" buttons under messages use navigator.clipboard.writeText, and a sanitized write can
 * neither read the clipboard nor carry anything but text.
 */
const ALLOWED_FOR_APP = new Set(['clipboard-sanitized-write']);

export interface PermissionQuery {
  permission: string;
  /** URL or origin asking; may be empty when Chromium does not know it. */
  requestingUrl: string;
  /** Subframes never get anything. Unknown counts as a subframe. */
  isMainFrame: boolean | undefined;
}

export function decidePermission(query: PermissionQuery, appOrigin: string): boolean {
  if (!ALLOWED_FOR_APP.has(query.permission)) return false;
  if (query.isMainFrame !== true) return false;
  return isSameOrigin(query.requestingUrl, appOrigin);
}

/** The subset of Electron's Session used here. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string; isMainFrame?: boolean },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (
      webContents: unknown,
      permission: string,
      requestingOrigin: string,
      details: { requestingUrl?: string; isMainFrame?: boolean },
    ) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

export function installPermissionHandlers(session: PermissionSession, appOrigin: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission({ permission, requestingUrl: details?.requestingUrl ?? '', isMainFrame: details?.isMainFrame }, appOrigin));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermission(
      { permission, requestingUrl: details?.requestingUrl ?? requestingOrigin, isMainFrame: details?.isMainFrame },
      appOrigin,
    ),
  );
  // WebHID, WebUSB and Web Serial: the app talks to no devices.
  session.setDevicePermissionHandler(() => false);
}
