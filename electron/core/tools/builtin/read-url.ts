import type { ToolDefinition } from '../types.js';
import { clip, failed } from '../types.js';

/** Limits of one read: at most this many bytes of body, this long in total, this many redirects (each one allowed too). */
export const READ_URL_LIMITS = { maxBytes: 512 * 1024, timeoutMs: 15_000, maxRedirects: 3 };

/**
 * Whether `url` is under one of the allowed prefixes: same origin, and a path equal to the prefix's
 * or below it (`https://a.com/docs` allows /docs and /docs/x, not /docsx). An origin alone allows
 * the whole site. Addresses with credentials are never allowed.
 */
export function isAllowedUrl(url: URL, allowList: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return allowList.some((entry) => {
    let prefix: URL;
    try {
      prefix = new URL(entry);
    } catch {
      return false;
    }
    if (prefix.origin !== url.origin) return false;
    const base = prefix.pathname;
    if (base === '/' || base === '') return true;
    if (base.endsWith('/')) return url.pathname.startsWith(base);
    return url.pathname === base || url.pathname.startsWith(`${base}/`);
  });
}

const notAllowed = (url: string) =>
  failed(`${url} is not on the user's list of addresses this tool may read. Tell the user they can add it (or its site) in Settings → Tools → Allowed addresses.`);

/** Readable text of an HTML page: scripts, styles and tags dropped, common entities decoded, blank runs folded. */
export function htmlToText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]?.trim();
  const body = html
    .replace(/<(script|style|noscript|svg|template)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(br|\/p|\/div|\/h[1-6]|\/li|\/tr|\/section|\/article)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ');
  const text = decodeEntities(body)
    .split('\n')
    .map((l) => l.replace(/[ \t\f\v\r]+/g, ' ').trim())
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
    .trim();
  return title ? `${decodeEntities(title)}\n\n${text}` : text;
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return named[e.toLowerCase()] ?? m;
  });
}

async function readCapped(res: Response, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  const reader = res.body?.getReader();
  if (!reader) return { text: '', cut: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      cut = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)), cut };
}

export interface ReadUrlOptions {
  allowList: () => readonly string[];
  fetch?: typeof globalThis.fetch;
  limits?: Partial<typeof READ_URL_LIMITS>;
}

/**
 * builtin:read_url — reads a page the user allowed in Settings → Tools. Redirects are followed by
 * hand, each hop checked against the allow list, so a page can never lead the tool off the list;
 * the body is cut at maxBytes and the whole read at timeoutMs.
 */
export function readUrlTool(options: ReadUrlOptions): ToolDefinition {
  const limits = { ...READ_URL_LIMITS, ...options.limits };
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    id: 'builtin:read_url',
    name: 'read_url',
    title: 'Read a web page',
    description: 'Reads a web page or text file at an address the user allowed in Settings, and answers with its text (HTML turned into plain text).',
    parameters: {
      type: 'object',
      properties: { url: { type: 'string', description: 'The full http(s) address to read.', examples: ['https://example.com/'] } },
      required: ['url'],
      additionalProperties: false,
    },
    source: 'builtin',
    get unavailable() {
      return options.allowList().length === 0 ? 'No addresses are allowed yet: add them under “Addresses the URL reader may open” (Settings, Tools).' : undefined;
    },
    async run(args, signal) {
      if (typeof args.url !== 'string') return failed('Give the address as a string in "url".');
      let url: URL;
      try {
        url = new URL(args.url);
      } catch {
        return failed(`"${args.url}" is not a full address (it needs http:// or https://).`);
      }
      const timeout = AbortSignal.timeout(limits.timeoutMs);
      const both = AbortSignal.any([signal, timeout]);
      try {
        for (let hop = 0; ; hop++) {
          if (!isAllowedUrl(url, options.allowList())) return hop === 0 ? notAllowed(url.href) : failed(`The page redirected to ${url.href}, which is not on the allowed list; it was not followed.`);
          const res = await doFetch(url, { redirect: 'manual', signal: both, headers: { accept: 'text/html, text/plain, application/json, */*;q=0.5', 'user-agent': 'Switchboard read_url' } });
          const location = res.headers.get('location');
          if (res.status >= 300 && res.status < 400 && location) {
            await res.body?.cancel().catch(() => undefined);
            if (hop >= limits.maxRedirects) return failed(`${args.url} redirected more than ${limits.maxRedirects} times; stopped.`);
            url = new URL(location, url);
            continue;
          }
          const type = res.headers.get('content-type') ?? '';
          if (!/^(text\/|application\/(json|xml|xhtml\+xml|javascript))/i.test(type) && type !== '') {
            await res.body?.cancel().catch(() => undefined);
            return failed(`${url.href} is ${type}, not text; only text and web pages can be read.`);
          }
          const { text, cut } = await readCapped(res, limits.maxBytes);
          const body = /html/i.test(type) ? htmlToText(text) : text;
          const head = `${res.status} ${url.href}${cut ? ` (only the first ${Math.round(limits.maxBytes / 1024)} KB were read)` : ''}`;
          return { ok: res.ok, content: clip(`${head}\n\n${body}`) };
        }
      } catch (err) {
        if (timeout.aborted) return failed(`${url.href} did not answer within ${Math.round(limits.timeoutMs / 1000)} s.`);
        if (signal.aborted) return failed('The read was stopped.');
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return failed(`${url.href} could not be read${cause ? ` (${cause})` : ''}.`);
      }
    },
  };
}
