import { AppError, type KeyOptions, type ProviderId } from '../../../shared/contract/index.js';
import { PROVIDERS } from '../../../shared/providers/registry.js';

/** A label fit for lists: trimmed, no control characters; a default when none is given. */
export function cleanLabel(label: string | undefined, fallback: string): string {
  const l = label?.trim() ?? '';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(l)) throw new AppError('VALIDATION', 'label: remove line breaks and control characters.', { field: 'label' });
  return l === '' ? fallback : l;
}

const FIELD_NAMES: Record<keyof KeyOptions, string> = {
  deployment: 'deployment',
  apiVersion: 'API version',
  organization: 'organization',
};

/**
 * Checks the provider-specific fields and the base URL a key will be used with. A secret is never sent
 * over plain http to a host outside this machine or the private network.
 */
export function checkKeyFields(provider: ProviderId, baseUrl: string | null, options: KeyOptions, hasSecret: boolean): void {
  const spec = PROVIDERS[provider];
  for (const field of Object.keys(options) as (keyof KeyOptions)[]) {
    if (options[field] !== undefined && !spec.fields.includes(field)) {
      throw new AppError('VALIDATION', `options.${field}: ${spec.name} has no ${FIELD_NAMES[field]} setting.`, { field: `options.${field}` });
    }
  }
  if (baseUrl === null) {
    if (!spec.defaultBaseUrl) {
      throw new AppError(
        'VALIDATION',
        provider === 'azure'
          ? 'baseUrl: Azure OpenAI needs your resource endpoint, like https://<resource>.openai.azure.com.'
          : `baseUrl: ${spec.name} needs the server's base URL, like http://127.0.0.1:11434/v1 for Ollama.`,
        { field: 'baseUrl' },
      );
    }
    return;
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AppError('VALIDATION', 'baseUrl: not a valid URL.', { field: 'baseUrl' });
  }
  if (url.username || url.password) {
    throw new AppError('VALIDATION', 'baseUrl: remove the user name and password from the URL; put the key in the key field.', { field: 'baseUrl' });
  }
  if (url.protocol === 'http:' && hasSecret && !isLocalHost(url.hostname)) {
    throw new AppError(
      'VALIDATION',
      'baseUrl: use https. Over plain http the key could be read on the network (http is allowed for this computer and private network addresses).',
      { field: 'baseUrl' },
    );
  }
}

export function isLocalHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h === '::1' || h === '0.0.0.0') return true;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  return /^f[cd][0-9a-f]{2}:/.test(h) || h.startsWith('fe80:');
}
