// Re-exported from the contract's own modules (not its index) so the bundle pulls in only what the
// bridge needs.
export { channelFor, IPC_EVENT_CHANNEL, PRELOAD_GLOBAL } from '../../shared/contract/bridge.js';
export { METHOD_NAMES } from '../../shared/contract/methods.js';
