export type { Bridge, CallOptions, ConnectionState, EventHandler } from './types.js';
export { BridgeError, describeError, isBridgeError, type ErrorView } from './errors.js';
export { createWebBridge } from './web-transport.js';
export { createElectronBridge } from './electron-transport.js';
export { BridgeProvider, useBridge, useBridgeEvent, useConnectionState } from './context.js';
