import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Encoding } from './tokenizer.js';

/** Main thread → worker. */
export type ToWorker = { type: 'load'; enc: Encoding } | { type: 'count'; id: number; enc: Encoding; texts: string[] };
/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready'; enc: Encoding }
  | { type: 'failed'; enc: Encoding; message: string }
  | { type: 'counts'; id: number; counts: number[] }
  | { type: 'counts'; id: number; error: string };

export interface TokenizerWorkerData {
  /** Absolute paths, so the worker loads the same files from wherever the app runs (tsx, out/main, app.asar). */
  lite: string;
  ranks: Record<Encoding, string>;
  /** Encodings built as soon as the worker starts. */
  preload: Encoding[];
}

/**
 * The worker's whole program, plain CommonJS run with `eval: true`. An inline source instead of a
 * worker file: it runs unchanged under tsx, vitest and in the esbuild bundle (out/main/main.cjs),
 * where a separate .ts worker file would need its own loader or bundle entry. It owns the
 * encoders and answers token counts; all caching and fallbacks stay on the main thread.
 */
const SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const encoders = new Map();
function encoder(enc) {
  let e = encoders.get(enc);
  if (e) return e;
  const { Tiktoken } = require(workerData.lite);
  const ranks = require(workerData.ranks[enc]);
  e = new Tiktoken(ranks.default || ranks);
  encoders.set(enc, e);
  parentPort.postMessage({ type: 'ready', enc });
  return e;
}
function load(enc) {
  try {
    encoder(enc);
    return true;
  } catch (err) {
    parentPort.postMessage({ type: 'failed', enc, message: String((err && err.message) || err) });
    return false;
  }
}
parentPort.on('message', (m) => {
  if (m.type === 'load') {
    load(m.enc);
  } else if (m.type === 'count') {
    try {
      const e = encoder(m.enc);
      // Special-token names typed by a user are plain text to the provider.
      const counts = m.texts.map((t) => e.encode(t, [], []).length);
      parentPort.postMessage({ type: 'counts', id: m.id, counts });
    } catch (err) {
      parentPort.postMessage({ type: 'counts', id: m.id, error: String((err && err.message) || err) });
    }
  }
});
for (const enc of workerData.preload) load(enc);
`;

/** Where js-tiktoken's CommonJS files are, resolved from this module (or from the bundle that contains it). */
function modulePaths(): Omit<TokenizerWorkerData, 'preload'> {
  const req = createRequire(import.meta.url);
  return {
    lite: req.resolve('js-tiktoken/lite'),
    ranks: { o200k_base: req.resolve('js-tiktoken/ranks/o200k_base'), cl100k_base: req.resolve('js-tiktoken/ranks/cl100k_base') },
  };
}

/**
 * Starts the tokenizer worker; it builds the `preload` encodings at once and the others on first
 * use. `modules` overrides where js-tiktoken is loaded from (tests).
 */
export function startTokenizerWorker(preload: Encoding[], modules: Omit<TokenizerWorkerData, 'preload'> = modulePaths()): Worker {
  const workerData: TokenizerWorkerData = { ...modules, preload };
  // The main thread's --import hooks (tsx) and flags are not needed by plain CommonJS.
  return new Worker(SOURCE, { eval: true, workerData, execArgv: [], name: 'switchboard-tokenizer' });
}
