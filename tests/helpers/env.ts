/**
 * The environment without provider keys or Switchboard settings, for child processes that run the
 * core: a developer's real OPENAI_API_KEY would otherwise join as a "from environment" key.
 */
export function envWithoutProviderKeys(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/_API_KEY$/.test(k) || /^(OPENAI|ANTHROPIC|GEMINI|GOOGLE|AZURE_OPENAI|SWITCHBOARD)_/.test(k)) continue;
    env[k] = v;
  }
  return env;
}
