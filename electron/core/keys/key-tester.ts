import type { KeyTestResult } from '../../../shared/contract/index.js';
import type { ClientKey } from '../providers/clients.js';
import { createOpenAIClient, resolveBaseUrl } from '../providers/clients.js';
import { listModelIds, type ListModelsOptions } from '../providers/list-models.js';
import { timedProviderCall } from '../providers/probe.js';

export const KEY_TEST_TIMEOUT_MS = 15_000;

export interface KeyTester {
  /**
   * A real, cheap provider call: list models (OpenRouter: its key-info endpoint, because its model
   * list is public), or for an Azure key with a deployment, a one-token chat
   * completion against that deployment (a fraction of a cent) so a wrong deployment name shows here,
   * not at the first chat. Never throws; failures come back as {ok: false, code, hint}.
   */
  test(key: ClientKey): Promise<KeyTestResult>;
}

export interface KeyTesterOptions {
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createKeyTester(options: KeyTesterOptions = {}): KeyTester {
  const timeoutMs = options.timeoutMs ?? KEY_TEST_TIMEOUT_MS;
  return {
    async test(key) {
      const started = performance.now();
      const elapsed = () => Math.max(0, Math.round(performance.now() - started));
      let baseUrl: string;
      try {
        baseUrl = resolveBaseUrl(key);
      } catch (err) {
        return { ok: false, latencyMs: 0, code: 'VALIDATION', hint: (err as Error).message, message: (err as Error).message };
      }
      const deployment = key.provider === 'azure' ? (key.options.deployment?.trim() ?? '') : '';
      const outcome = await timedProviderCall({ provider: key.provider, baseUrl, secret: key.secret }, timeoutMs, (signal) =>
        probe(key, deployment, { signal, timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      );
      if (outcome.ok) return { ok: true, latencyMs: elapsed(), ...outcome.value };
      const { info, error } = outcome;
      const missingDeployment = deployment !== '' && isDeploymentNotFound(error);
      const hint = missingDeployment ? deploymentHint(deployment, baseUrl) : info.hint;
      return { ok: false, latencyMs: elapsed(), code: info.code, hint, message: info.message, ...(missingDeployment ? { field: 'options.deployment' } : {}) };
    },
  };
}

/** The calls one key test makes, all under one time limit; what they found, for the result. */
async function probe(key: ClientKey, deployment: string, opts: ListModelsOptions): Promise<Pick<KeyTestResult, 'message' | 'modelCount'>> {
  if (deployment !== '') {
    await askDeployment(key, deployment, opts);
    return { message: `The deployment “${deployment}” answered.` };
  }
  if (key.provider === 'openrouter') {
    await askOpenRouterKeyInfo(key, opts);
    const ids = await listModelIds(key, opts).catch(() => null);
    return ids ? { modelCount: ids.length } : {};
  }
  const ids = await listModelIds(key, opts);
  return { modelCount: ids.length };
}

/**
 * OpenRouter's model list is public, so listing models proves nothing about a key. Its key-info
 * endpoint (GET /key) is free and answers 401 for a key it does not know.
 */
async function askOpenRouterKeyInfo(key: ClientKey, opts: ListModelsOptions): Promise<void> {
  const client = createOpenAIClient(key, { timeoutMs: opts.timeoutMs, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  await client.get('/key', { signal: opts.signal });
}

/**
 * One-token chat completion against an Azure deployment: proves endpoint, key, API version and
 * deployment together. Reasoning-model deployments refuse `max_tokens`; they get one retry with
 * `max_completion_tokens`.
 */
async function askDeployment(key: ClientKey, deployment: string, opts: ListModelsOptions): Promise<void> {
  const client = createOpenAIClient(key, { timeoutMs: opts.timeoutMs, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const messages = [{ role: 'user' as const, content: 'Reply with OK.' }];
  try {
    await client.chat.completions.create({ model: deployment, messages, max_tokens: 1 }, { signal: opts.signal });
  } catch (err) {
    if (!refusesMaxTokens(err)) throw err;
    await client.chat.completions.create({ model: deployment, messages, max_completion_tokens: 1 }, { signal: opts.signal });
  }
}

function errorBody(err: unknown): { status: number | null; code: string; message: string } {
  const e = err !== null && typeof err === 'object' ? (err as Record<string, unknown>) : {};
  const inner = e.error !== null && typeof e.error === 'object' ? (e.error as Record<string, unknown>) : {};
  return {
    status: typeof e.status === 'number' ? e.status : null,
    code: typeof inner.code === 'string' ? inner.code : typeof e.code === 'string' ? e.code : '',
    message: typeof inner.message === 'string' ? inner.message : '',
  };
}

function refusesMaxTokens(err: unknown): boolean {
  const b = errorBody(err);
  return b.status === 400 && /max_tokens/.test(b.message) && /max_completion_tokens|not supported|unsupported/i.test(`${b.code} ${b.message}`);
}

function isDeploymentNotFound(err: unknown): boolean {
  const b = errorBody(err);
  return b.status === 404 && (b.code === 'DeploymentNotFound' || /deployment/i.test(b.message));
}

function deploymentHint(deployment: string, baseUrl: string): string {
  let host = baseUrl;
  try {
    host = new URL(baseUrl).host;
  } catch {
    // keep the URL as given
  }
  return `Wrong endpoint or deployment: ${host} has no deployment named “${deployment}”. Check the deployment name under Deployments in Azure AI Foundry (the name you gave it, which may differ from the model’s name) and that the endpoint is this resource’s. A deployment created in the last few minutes may not answer yet.`;
}
