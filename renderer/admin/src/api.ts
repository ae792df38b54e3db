import { ERROR_CODES, type ErrorCode } from '../../../shared/contract/index.js';
import { BridgeError, codeForStatus } from '../../src/bridge/errors.js';
import { currentToken, signOut } from './session.js';

const KNOWN = new Set<string>(ERROR_CODES);

/**
 * One call of the team server's admin API with the signed-in token. Failures become the app's
 * BridgeError, so the app's error notices and texts show them; a 401 signs the tab out.
 */
export async function call<T>(method: string, path: string, body?: unknown, token = currentToken()): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new BridgeError('NETWORK', 'The team server did not answer. Is it still running?');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; param?: string | null; details?: Record<string, unknown> } } | null)?.error;
    const code: ErrorCode = e?.code && KNOWN.has(e.code) ? (e.code as ErrorCode) : codeForStatus(res.status);
    if (res.status === 401 && token === currentToken()) signOut();
    throw new BridgeError(code, e?.message ?? `The team server answered ${res.status}.`, { ...(e?.details ?? {}), ...(e?.param ? { field: e.param } : {}) }, res.status);
  }
  return data as T;
}

/** The field a validation error names (the server's `param`), to show it beside that field. */
export function fieldOf(err: unknown): string | null {
  return err instanceof BridgeError && typeof err.details?.field === 'string' ? err.details.field : null;
}

/** Downloads the usage CSV with the token in a header (never in a link), then saves it through a blob URL. */
export async function downloadCsv(query: string): Promise<void> {
  const token = currentToken();
  const res = await fetch(`/api/admin/usage.csv${query}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new BridgeError(codeForStatus(res.status), `The export failed (${res.status}).`, undefined, res.status);
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'team-usage.csv';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
