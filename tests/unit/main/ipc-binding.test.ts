import { describe, expect, it, vi } from 'vitest';
import { AppError, METHOD_NAMES } from '../../../shared/contract/index.js';
import { APP_ORIGIN } from '../../../electron/main/app-origin.js';
import { toEnvelope } from '../../../electron/main/envelope.js';
import { bindContract, type IpcMainLike } from '../../../electron/main/ipc-binding.js';
import type { SenderEventLike } from '../../../electron/main/sender-check.js';

type Handler = (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

const appEvent: SenderEventLike = { senderFrame: { url: 'app://switchboard/', parent: null }, sender: { id: 3 } };

function setup(call: (method: string, input: unknown) => Promise<unknown> = async () => ({ fine: true })) {
  const { ipcMain, handlers } = fakeIpcMain();
  const core = { call: vi.fn((method: string, input: unknown) => call(method, input)) };
  const download = vi.fn(async () => ({ saved: false, rows: 0 }));
  const log = vi.fn();
  const unbind = bindContract({ ipcMain, core, appOrigin: APP_ORIGIN, download, log });
  const invoke = (method: string, event: SenderEventLike, payload?: unknown) => {
    const handler = handlers.get(`sb:${method}`);
    if (!handler) throw new Error(`no handler for ${method}`);
    return handler(event, payload);
  };
  return { handlers, core, download, log, unbind, invoke };
}

describe('bindContract', () => {
  it('registers exactly one channel per contract method', () => {
    const { handlers, unbind } = setup();
    expect([...handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `sb:${m}`).sort());
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('calls the core with the payload and an electron context, answering an ok envelope', async () => {
    const { core, invoke } = setup(async () => ({ keys: [] }));
    await expect(invoke('keys.list', appEvent, {})).resolves.toEqual({ ok: true, value: { keys: [] } });
    expect(core.call).toHaveBeenCalledWith('keys.list', {}, { transport: 'electron', actor: 'window 3 (app://switchboard)' });
  });

  it.each([
    ['null frame', { senderFrame: null, sender: { id: 1 } }],
    ['subframe', { senderFrame: { url: 'app://switchboard/', parent: {} }, sender: { id: 1 } }],
    ['wrong origin', { senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 1 } }],
    ['file://', { senderFrame: { url: 'file:///tmp/index.html', parent: null }, sender: { id: 1 } }],
    ['http://localhost', { senderFrame: { url: 'http://localhost:5178/', parent: null }, sender: { id: 1 } }],
  ] as Array<[string, SenderEventLike]>)('refuses a call from a %s without reaching the core', async (_name, event) => {
    const { core, download, invoke } = setup();
    const answer = await invoke('keys.add', event, { provider: 'openai', secret: 'sk-test-000000000000' });
    expect(answer).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'This request did not come from the Switchboard window.' } });
    expect(core.call).not.toHaveBeenCalled();
    expect(download).not.toHaveBeenCalled();
  });

  it('does not log the payload of a refused call', async () => {
    const { log, invoke } = setup();
    await invoke('keys.add', { senderFrame: null, sender: { id: 1 } }, { secret: 'sk-live-should-not-appear' });
    expect(JSON.stringify(log.mock.calls)).not.toContain('sk-live-should-not-appear');
  });

  it('maps an AppError to its payload', async () => {
    const { invoke } = setup(async () => {
      throw new AppError('VALIDATION', 'Invalid keys.add request: provider: bad', { field: 'provider' });
    });
    await expect(invoke('keys.add', appEvent, {})).resolves.toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: 'Invalid keys.add request: provider: bad', details: { field: 'provider' } },
    });
  });

  it('hides the text of unexpected errors', async () => {
    const { invoke } = setup(async () => {
      throw new Error('ENOENT /home/someone/.config/Switchboard/vault.json');
    });
    const answer = (await invoke('keys.list', appEvent, {})) as { ok: false; error: { code: string; message: string } };
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe('INTERNAL');
    expect(answer.error.message).not.toContain('ENOENT');
  });

  it('never rejects, even when the core throws a non-Error', async () => {
    const { invoke } = setup(async () => {
      throw 'a string';
    });
    await expect(invoke('keys.list', appEvent, {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('routes download methods (usage.exportCsv) to the download handler', async () => {
    const { core, download, invoke } = setup();
    await expect(invoke('usage.exportCsv', appEvent, { from: 0 })).resolves.toEqual({ ok: true, value: { saved: false, rows: 0 } });
    expect(download).toHaveBeenCalledWith('usage.exportCsv', { from: 0 }, { transport: 'electron', actor: 'window 3 (app://switchboard)' }, appEvent);
    expect(core.call).not.toHaveBeenCalled();
  });
});

describe('toEnvelope', () => {
  it('wraps values and synchronous throws', async () => {
    await expect(toEnvelope(() => 5)).resolves.toEqual({ ok: true, value: 5 });
    await expect(
      toEnvelope(() => {
        throw new AppError('NOT_FOUND', 'gone');
      }),
    ).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'gone' } });
  });

  it('maps AbortError to CANCELLED', async () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    await expect(toEnvelope(() => Promise.reject(abort))).resolves.toEqual({
      ok: false,
      error: { code: 'CANCELLED', message: 'The request was cancelled.' },
    });
  });
});
