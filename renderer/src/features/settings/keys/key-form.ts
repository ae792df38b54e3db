import type { KeyInfo, KeyOptions, KeyStatus, ProviderId, ProviderInfo } from '../../../../../shared/contract/index.js';
import { classifyKey, keyCheckMessage, normalizePastedKey } from '../../../../../shared/providers/key-format.js';
import { PROVIDER_LIST, providerSpec, type ProviderSpec } from '../../../../../shared/providers/registry.js';
import type { BadgeTone } from '../../../ui/badge-tone.js';

/** Azure OpenAI's current GA data-plane API version, prefilled in the add dialog. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export type FormatState =
  | { kind: 'empty' }
  | { kind: 'ok'; message: string }
  /** `otherProvider`: the key looks like that provider's; the form offers to switch to it. */
  | { kind: 'bad'; message: string; otherProvider?: ProviderId };

/**
 * The as-you-type check of a secret, on the key as it will be sent (pasted whitespace and line
 * breaks trimmed: see normalizePastedKey). An empty field says nothing yet.
 */
export function secretFormat(provider: ProviderId, secret: string): FormatState {
  const spec = providerSpec(provider);
  const key = normalizePastedKey(secret);
  if (key === '') return { kind: 'empty' };
  const check = classifyKey(provider, key);
  const problem = keyCheckMessage(provider, check);
  if (problem) return { kind: 'bad', message: problem, ...(check.kind === 'other-provider' ? { otherProvider: check.provider } : {}) };
  return { kind: 'ok', message: spec.keyShapes.length > 0 ? `Looks like ${article(spec.name)} ${spec.name} key.` : 'Key entered.' };
}

/** The key to send from what is in the field. */
export function secretToSend(fieldValue: string): string {
  return normalizePastedKey(fieldValue);
}

/** "a" or "an" before a provider's name. */
export function article(name: string): string {
  return /^[AEIOU]/i.test(name) ? 'an' : 'a';
}

/**
 * The registry's key hint as a predicate that reads after "It" or "Key": "starts with sk-",
 * "has 32 letters and digits", "is optional; local servers usually need none".
 */
export function keyShape(spec: Pick<ProviderSpec, 'keyHint'>): string {
  const hint = spec.keyHint.trim();
  if (/^(starts|ends|begins|has|is|contains|looks)\b/i.test(hint)) return hint;
  if (/^optional\b/i.test(hint)) return `is ${hint}`;
  return `has ${hint}`;
}

/** "OpenAI-compatible" for "OpenAI-compatible (Ollama, LM Studio, vLLM)": for titles and sentences. */
export function shortName(spec: Pick<ProviderSpec, 'name'>): string {
  return spec.name.replace(/\s*\([^)]*\)\s*$/, '');
}

/** Whether the secret in the field can be tested or saved. */
export function secretReady(provider: ProviderId, format: FormatState): boolean {
  if (format.kind === 'bad') return false;
  if (format.kind === 'empty') return !providerSpec(provider).keyRequired;
  return true;
}

function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function sameUrl(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '') !== '' && (b ?? '') !== '' && trimSlash(a!).toLowerCase() === trimSlash(b!).toLowerCase();
}

/** Where a base URL sends requests, for people: scheme, host and port ("https://proxy.example.com"). */
export function destinationOf(url: string | null | undefined): string {
  if (!url) return 'a new address';
  try {
    return new URL(url.trim()).origin;
  } catch {
    return url.trim();
  }
}

/** Error text for the base URL field, or null when it is acceptable. */
export function baseUrlProblem(spec: ProviderSpec, value: string): string | null {
  const v = value.trim();
  if (v === '') {
    if (spec.defaultBaseUrl === null) {
      return spec.id === 'azure' ? 'Enter your resource’s endpoint, like https://my-resource.openai.azure.com.' : 'Enter the server’s address, like http://127.0.0.1:11434/v1.';
    }
    return null;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'Enter a full address starting with https:// (or http:// for a server on this computer).';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The address must start with https:// or http://.';
  if (url.username || url.password) return 'Leave user names and passwords out of the address; put the key in the key field.';
  return null;
}

/** The baseUrl to send: omitted when empty or the provider's default (so a default change reaches the key). */
export function baseUrlForRequest(spec: ProviderSpec, value: string): string | undefined {
  const v = value.trim();
  if (v === '' || sameUrl(v, spec.defaultBaseUrl)) return undefined;
  return v;
}

export interface OptionFields {
  deployment: string;
  apiVersion: string;
  organization: string;
}

export function emptyOptionFields(spec: ProviderSpec, existing?: KeyOptions): OptionFields {
  return {
    deployment: existing?.deployment ?? '',
    apiVersion: existing?.apiVersion ?? (spec.fields.includes('apiVersion') ? AZURE_DEFAULT_API_VERSION : ''),
    organization: existing?.organization ?? '',
  };
}

export function optionProblems(spec: ProviderSpec, fields: OptionFields): Partial<Record<keyof OptionFields, string>> {
  const problems: Partial<Record<keyof OptionFields, string>> = {};
  if (spec.fields.includes('deployment') && fields.deployment.trim() === '') problems.deployment = 'Enter the deployment name.';
  if (spec.fields.includes('apiVersion') && fields.apiVersion.trim() === '') problems.apiVersion = 'Enter an API version, like 2024-10-21.';
  return problems;
}

/** The `options` object for keys.add / testDraft / update, holding only the provider's own fields. */
export function keyOptions(spec: ProviderSpec, fields: OptionFields): KeyOptions | undefined {
  const out: KeyOptions = {};
  for (const name of spec.fields) {
    const v = fields[name].trim();
    if (v !== '') out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface StatusView {
  label: string;
  tone: BadgeTone;
  description: string;
}

const STATUS: Record<KeyStatus, StatusView> = {
  ok: { label: 'Working', tone: 'success', description: 'The last test or call with this key worked.' },
  untested: { label: 'Not tested', tone: 'neutral', description: 'This key has not been tested yet.' },
  invalid: { label: 'Refused', tone: 'danger', description: 'The provider refused this key.' },
  error: { label: 'Error', tone: 'danger', description: 'The last test or call with this key failed.' },
  cooldown: { label: 'Cooling down', tone: 'warning', description: 'This key failed several times and is paused for a moment.' },
  'needs-reentry': { label: 'Re-enter key', tone: 'warning', description: 'This key cannot be decrypted any more; enter it again with Rotate.' },
  locked: { label: 'Locked', tone: 'warning', description: 'Saved in a locked vault; unlock your keys above to use it.' },
};

export function statusView(status: KeyStatus): StatusView {
  return STATUS[status];
}

/** The masked form users recognise a key by. */
export function maskedKey(key: Pick<KeyInfo, 'last4'>): string {
  return key.last4 ? `…${key.last4}` : '…';
}

export function keyDisplayName(key: Pick<KeyInfo, 'label' | 'last4'>): string {
  return key.label.trim() !== '' ? key.label : maskedKey(key);
}

export interface ProviderEntry {
  spec: ProviderSpec;
  info: ProviderInfo | undefined;
  keys: KeyInfo[];
  configured: boolean;
}

/**
 * Every provider, in the registry's order, with its keys. Works from the registry alone when the
 * provider list is not available yet, so the page never renders empty.
 */
export function providerEntries(providers: ProviderInfo[] | undefined, keys: KeyInfo[] | undefined): ProviderEntry[] {
  const infoById = new Map((providers ?? []).map((p) => [p.id, p]));
  return PROVIDER_LIST.map((spec) => {
    const own = (keys ?? []).filter((k) => k.provider === spec.id);
    const info = infoById.get(spec.id);
    return { spec, info, keys: own, configured: own.length > 0 || (info?.configured ?? false) || (info?.hasEnvironmentKey ?? false) };
  });
}
