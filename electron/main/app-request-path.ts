import nodePath from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

type PathApi = Pick<typeof nodePath, 'resolve' | 'join' | 'sep'>;

/**
 * Maps an app:// request URL to a file inside `root`, or null when the URL is not ours or could
 * reach outside root. The URL parser already folds plain and %2e-encoded dot segments; what is
 * left after decoding (encoded slashes, backslashes, NUL, drive letters, a leading slash that
 * would make the path absolute) is refused rather than cleaned up, since no built asset needs it.
 * `pathApi` lets tests run the Windows rules on any machine.
 */
export function resolveAppRequest(requestUrl: string, root: string, pathApi: PathApi = nodePath): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return null;
  if (url.username !== '' || url.password !== '') return null;

  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (/[\0\\:]/.test(decoded)) return null;
  const relative = decoded.replace(/^\//, '');
  // "//etc/passwd" (from %2F) would be absolute once the single leading slash is removed.
  if (relative.startsWith('/')) return null;
  const segments = relative.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;

  const absRoot = pathApi.resolve(root);
  const full = pathApi.resolve(pathApi.join(absRoot, ...segments.filter((s) => s !== '')));
  if (full !== absRoot && !full.startsWith(absRoot + pathApi.sep)) return null;
  return full;
}
