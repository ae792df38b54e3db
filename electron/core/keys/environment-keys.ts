import { checkKeyFormat } from '../../../shared/providers/key-format.js';
import { PROVIDER_LIST, type ProviderSpec } from '../../../shared/providers/registry.js';
import type { KeyOptions, ProviderId } from '../../../shared/contract/index.js';
import type { ResolvedKey } from '../ports.js';

export interface EnvironmentKey {
  key: ResolvedKey;
  envVar: string;
  /** Set when the value does not look like the provider's key. */
  formatProblem: string | null;
}

/** Stable id of a provider's environment key. */
export function envKeyId(provider: ProviderId): string {
  return `env:${provider}`;
}

export function isEnvKeyId(id: string): boolean {
  return id.startsWith('env:');
}

/**
 * Keys from the environment (OPENAI_API_KEY, ...), read once at start. Never stored anywhere.
 * An OpenAI-compatible server needs no key, so its "environment key" exists when its base URL is set.
 */
export function readEnvironmentKeys(env: Record<string, string | undefined>): Map<ProviderId, EnvironmentKey> {
  const out = new Map<ProviderId, EnvironmentKey>();
  for (const spec of PROVIDER_LIST) {
    const found = spec.envVars.map((name) => ({ name, value: env[name]?.trim() ?? '' })).find((v) => v.value !== '');
    const baseUrl = validUrl(env[spec.envBaseUrlVar]);
    if (!found && !(spec.id === 'openai-compatible' && baseUrl)) continue;
    if (!spec.defaultBaseUrl && !baseUrl) continue;
    const secret = found?.value ?? '';
    out.set(spec.id, {
      envVar: found?.name ?? spec.envBaseUrlVar,
      formatProblem: secret ? checkKeyFormat(spec.id, secret) : null,
      key: {
        id: envKeyId(spec.id),
        provider: spec.id,
        label: `${spec.name} (environment)`,
        secret,
        baseUrl,
        options: optionsFromEnv(spec, env),
        source: 'environment',
      },
    });
  }
  return out;
}

function optionsFromEnv(spec: ProviderSpec, env: Record<string, string | undefined>): KeyOptions {
  if (spec.id === 'azure') {
    const deployment = env.AZURE_OPENAI_DEPLOYMENT?.trim();
    const apiVersion = (env.AZURE_OPENAI_API_VERSION ?? env.OPENAI_API_VERSION)?.trim();
    return { ...(deployment ? { deployment } : {}), ...(apiVersion ? { apiVersion } : {}) };
  }
  if (spec.id === 'openai') {
    const organization = env.OPENAI_ORG_ID?.trim();
    return organization ? { organization } : {};
  }
  return {};
}

function validUrl(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password ? v.replace(/\/+$/, '') : null;
  } catch {
    return null;
  }
}
