export { startFakeProviders, type FakeProviders, type FakeProvidersOptions } from './server.js';
export type { RecordedRequest, StatsSnapshot } from './stats.js';
