// Runs in the sandboxed preload: bundled to one CommonJS file (out/preload/preload.cjs), because a
// sandboxed preload can require nothing but `electron` and a few Node built-ins.
import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './api.js';
import { PRELOAD_GLOBAL } from './constants.js';

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, buildPreloadApi(ipcRenderer));
