// First streamed turn per wire format in a fresh process (`node --import tsx bench/lib/first-turn.ts
// router|direct`): nothing loaded yet but the modules, as when the app has just started. Prints
// {"openai": ms, ...} on stdout. Run by router-overhead.bench.ts as a child so the other benches in
// the same run (which warm the tokenizer and SDK clients) cannot hide the cold cost.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { anthropicBody } from '../../electron/core/providers/adapters/anthropic-adapter.js';
import { geminiParams } from '../../electron/core/providers/adapters/gemini-adapter.js';
import { openAIBody } from '../../electron/core/providers/adapters/openai-adapter.js';
import type { AdapterRequest } from '../../electron/core/providers/adapters/types.js';
import type { ChatMessage } from '../../shared/contract/index.js';
import { benchFixture, type BenchWire } from './fixture.js';
import { coreTurn, directTurn, MODELS, timed } from './turns.js';

export type FirstTurnMode = 'router' | 'direct';
export const WIRES: BenchWire[] = ['openai', 'anthropic', 'gemini'];

/** The body the router's adapter would send, built by the adapters' own (pure) builders. */
function bodyFor(wire: BenchWire, messages: ChatMessage[]): Record<string, unknown> {
  const req: AdapterRequest = { provider: wire, model: MODELS[wire], messages, maxTokens: 4096, stream: true };
  if (wire === 'openai') return openAIBody('openai', req);
  if (wire === 'anthropic') return anthropicBody(req);
  const p = geminiParams(req, new AbortController().signal);
  return { contents: p.contents, generationConfig: { maxOutputTokens: p.config.maxOutputTokens } };
}

async function measure(mode: FirstTurnMode, messages: ChatMessage[]): Promise<Record<BenchWire, number>> {
  const fx = await benchFixture();
  try {
    const out = {} as Record<BenchWire, number>;
    for (const wire of WIRES) {
      const op = mode === 'router' ? coreTurn(fx, wire, messages) : directTurn(fx, wire, bodyFor(wire, messages));
      out[wire] = (await timed(op)).ms;
    }
    return out;
  } finally {
    await fx.close();
  }
}

/** Runs `measure` in a child process; rejects if it fails or takes longer than 60 s. */
export function firstTurnsInChild(mode: FirstTurnMode, prompt: string): Promise<Record<BenchWire, number>> {
  return new Promise((resolve, reject) => {
    // cwd: the repository root, where `--import tsx` resolves.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), mode, prompt], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`first-turn ${mode} exited ${code}: ${err.slice(-500)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as Record<BenchWire, number>);
      } catch {
        reject(new Error(`first-turn ${mode}: unreadable output ${out.slice(-200)}`));
      }
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mode = process.argv[2] === 'direct' ? 'direct' : 'router';
  const prompt = process.argv[3] ?? 'Say hello in one sentence.';
  const result = await measure(mode, [{ role: 'user', content: prompt }]);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
