import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin.js';
import { checkSender, type SenderEventLike } from '../../../electron/main/sender-check.js';

const top = (url: string): SenderEventLike => ({ senderFrame: { url, parent: null }, sender: { id: 7 } });

// Checklist item 3: every IPC call is checked against the sending frame before anything runs.
describe('checkSender', () => {
  const refused: Array<[string, SenderEventLike]> = [
    ['a null frame (navigated or destroyed)', { senderFrame: null, sender: { id: 1 } }],
    ['a subframe at the app origin', { senderFrame: { url: 'app://switchboard/', parent: { url: 'app://switchboard/' } }, sender: { id: 1 } }],
    ['another app:// host', top('app://evil/')],
    ['a look-alike host', top('app://switchboard.evil.example/')],
    ['the app host with a port', top('app://switchboard:1234/')],
    ['credentials in the URL', top('app://x@switchboard/')],
    ['file://', top('file:///work/main/out/renderer/index.html')],
    ['http://localhost', top('http://localhost:5178/')],
    ['http://127.0.0.1', top('http://127.0.0.1:5178/')],
    ['https', top('https://switchboard/')],
    ['about:blank', top('about:blank')],
    ['an empty URL', top('')],
    ['devtools', top('devtools://devtools/bundled/inspector.html')],
  ];
  it.each(refused)('refuses %s', (_name, event) => {
    const result = checkSender(event, APP_ORIGIN);
    expect(result.ok).toBe(false);
  });

  it('refuses when reading senderFrame throws', () => {
    const event = {
      get senderFrame(): never {
        throw new Error('frame disposed');
      },
      sender: { id: 1 },
    } as SenderEventLike;
    expect(checkSender(event, APP_ORIGIN)).toEqual({ ok: false, reason: 'the sending frame is gone' });
  });

  it.each(['app://switchboard/', 'app://switchboard/index.html', 'app://switchboard/usage?range=30d#top'])('accepts the top frame at %s', (url) => {
    expect(checkSender(top(url), APP_ORIGIN)).toEqual({ ok: true, actor: 'window 7 (app://switchboard)' });
  });

  it('never puts a full URL in the refusal reason', () => {
    const result = checkSender(top('http://localhost:5178/#token=secret-token-value'), APP_ORIGIN);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret-token-value');
  });
});
