import { describe, expect, it } from 'vitest';
import { downloadModelsDev, MAX_DOCUMENT_BYTES } from '../../../electron/core/catalog/models-dev-download.js';

// The download's own refusals, with fetch doubles (the fake server covers the HTTP and content faults).

const fetchAnswering = (make: () => Response): typeof globalThis.fetch => (async () => make()) as typeof globalThis.fetch;

describe('models.dev download', () => {
  it('refuses a body larger than the catalog could be, by its declared length or as it streams', async () => {
    const declared = await downloadModelsDev('https://models.dev/api.json', { fetch: fetchAnswering(() => new Response('{}', { headers: { 'content-length': String(MAX_DOCUMENT_BYTES + 1) } })) });
    expect(declared).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/larger than 64 MB/) });
    const chunk = new Uint8Array(8 * 1024 * 1024);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent++;
        controller.enqueue(chunk);
      },
    });
    const streamed = await downloadModelsDev('https://models.dev/api.json', { fetch: fetchAnswering(() => new Response(endless)) });
    expect(streamed).toMatchObject({ code: 'TOO_LARGE' });
    expect(sent).toBeLessThan(20);
  });

  it('a source that does not answer in time is a TIMEOUT; one that cannot be reached is NETWORK', async () => {
    const slow = (async (_url: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof globalThis.fetch;
    expect(await downloadModelsDev('https://models.dev/api.json', { fetch: slow, timeoutMs: 50 })).toMatchObject({ code: 'TIMEOUT', message: 'models.dev did not answer within 0.1 s.' });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    expect(await downloadModelsDev('https://models.dev/api.json', { fetch: down })).toMatchObject({ code: 'NETWORK', message: expect.stringMatching(/Could not reach models\.dev/) });
  });
});
