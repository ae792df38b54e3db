// Electron entry (bundled to out/main/main.cjs). Everything lives in app-lifecycle.ts so tests can
// drive it with a mocked `electron` module.
import { createCore } from '../core/core.js';
import { startSwitchboard } from './app-lifecycle.js';

startSwitchboard({ createCore });
