import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../shared/contract/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
let code: string;

// The preload runs sandboxed: it may require only `electron`. This builds the real bundle and runs
// it in a bare VM context whose require knows nothing else.
beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--electron'], { cwd: root, stdio: 'pipe' });
  code = readFileSync(join(root, 'out', 'preload', 'preload.cjs'), 'utf8');
}, 120_000);

describe('bundled preload (out/preload/preload.cjs)', () => {
  it('is one small file without zod', () => {
    expect(code.length).toBeLessThan(20_000);
    expect(code).not.toMatch(/zod/i);
  });

  it('runs with only electron available and exposes every contract method', () => {
    const exposed: Record<string, unknown> = {};
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: { invoke: async () => undefined, on: () => {}, removeListener: () => {} },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`sandboxed preload cannot require ${name}`);
        return electron;
      },
      module,
      exports: module.exports,
    });
    expect(required).toEqual(['electron']);
    const api = exposed.switchboard as { methods: Record<string, unknown>; transport: string };
    expect(Object.keys(api.methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(api.transport).toBe('electron');
  });
});
