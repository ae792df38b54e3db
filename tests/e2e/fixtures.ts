import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { envWithoutProviderKeys } from '../helpers/env.js';

export interface Host {
  url: string;
  token: string;
  dataDir: string;
  /** Everything the host printed (stdout and stderr), for leak checks and failure reports. */
  output(): string;
}

export interface FakeProviderServer {
  url: string;
  baseUrls: { openai: string; anthropic: string; gemini: string; azure: string };
  reset(): void;
}

const ROOT = process.cwd();
const READY = /listening on (http:\/\/127\.0\.0\.1:\d+)/;

/** The child's environment without real provider keys, so no test ever sees "from environment" keys by accident. */
function cleanEnv(): NodeJS.ProcessEnv {
  return { ...envWithoutProviderKeys(), NO_COLOR: '1' };
}

export interface LaunchOptions {
  /** Reuse a data folder (a restart); a fresh temporary one otherwise. */
  dataDir?: string;
  /** A fixed port (a restart at the same address); 0 picks one. */
  port?: number;
  args?: string[];
  /** Extra environment, e.g. OPENAI_API_KEY for "from environment" keys. */
  env?: Record<string, string>;
}

export interface LaunchedHost {
  host: Host;
  /** Stops the host; the data folder is removed unless keepData is set. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Starts the web host as a child process the way `npm run web` does, and waits for its ready line. */
export async function launchHost(options: LaunchOptions = {}): Promise<LaunchedHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const args = options.args ?? [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', '--port', String(options.port ?? 0), '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => (output += d));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host did not start within 60 s:\n${output}`)), 60_000);
    child.stdout?.on('data', (d: string) => {
      output += d;
      const m = READY.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the web host exited with ${code}:\n${output}`));
    });
  });
  const token = readFileSync(join(dataDir, 'host-token'), 'utf8').trim();

  const stop = async (stopOptions: { keepData?: boolean } = {}) => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5000);
      await exited;
      clearTimeout(killer);
    }
    if (!stopOptions.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  return { host: { url, token, dataDir, output: () => output }, stop };
}

interface TestFixtures {
  /** A fresh web host with its own data folder, stopped after the test. */
  host: Host;
  /** `page` already opened at /#token=…, with the app shell on screen. */
  app: Page;
}

interface WorkerFixtures {
  /** The fake provider server (tests/fake-providers), one per worker. */
  fake: FakeProviderServer;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  fake: [
    async ({}, use) => {
      const mod = (await import('../fake-providers/index.js')) as {
        startFakeProviders(o: { port?: number }): Promise<FakeProviderServer & { close(): Promise<void> }>;
      };
      const server = await mod.startFakeProviders({ port: 0 });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],

  host: async ({}, use) => {
    const { host, stop } = await launchHost();
    await use(host);
    await stop();
  },

  app: async ({ page, host }, use) => {
    await page.goto(`${host.url}/#token=${host.token}`);
    await expect(nav(page)).toBeVisible();
    await use(page);
  },
});

export { expect };

/** The app's main navigation (sidebar). */
export const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** One contract call straight to the web host, the way another window or a script would make it. */
export async function rpc<T = Record<string, unknown>>(host: Host, method: string, body: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${host.url}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** rpc for set-up steps the test is not about: the answer, or a throw naming the method when it fails. */
export async function rpcOk<T = Record<string, unknown>>(host: Host, method: string, body: unknown): Promise<T> {
  const { status, json } = await rpc<T>(host, method, body);
  if (status < 200 || status > 299) throw new Error(`${method} failed: ${JSON.stringify(json)}`);
  return json;
}

/** The app scrolls inside <main>, so a full-page shot needs a viewport as tall as the content. */
export async function screenshotWholePage(page: Page, path: string): Promise<void> {
  await page.locator('.toast button[aria-label="Dismiss"]').evaluateAll((buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.locator('#main').evaluate((el) => el.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 4000)) });
  await page.screenshot({ path });
  await page.setViewportSize(size);
}

/** Every piece of client-side storage as one string: localStorage, sessionStorage and all IndexedDB records. */
export async function dumpClientStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i)!;
        parts.push(`${k}=${store.getItem(k) ?? ''}`);
      }
    }
    const dbs = await indexedDB.databases();
    for (const info of dbs) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const name of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(name, 'readonly').objectStore(name).getAll();
          req.onsuccess = () => resolve(req.result as unknown[]);
          req.onerror = () => reject(req.error);
        });
        parts.push(`${info.name}/${name}=${JSON.stringify(rows)}`);
      }
      db.close();
    }
    return parts.join('\n');
  });
}

/** A fake key the fake provider server accepts (or refuses, with `-invalid`). Never a real key. */
export function fakeOpenAiKey(suffix = ''): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let rand = '';
  for (let i = 0; i < 28; i++) rand += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `sk-test-${rand}${suffix}`;
}
