import type { ProviderId } from '../contract/common.js';

export type WireFormat = 'openai' | 'anthropic' | 'gemini';

export interface ProviderSpec {
  id: ProviderId;
  name: string;
  /** Which SDK speaks to it. */
  wire: WireFormat;
  /** null: the user must give one (Azure endpoint, local servers). */
  defaultBaseUrl: string | null;
  keyRequired: boolean;
  /** The provider's real key shape; a key that does not match is refused before any call. */
  keyPattern: RegExp | null;
  /** What a key looks like, in words, for the add dialog. */
  keyHint: string;
  /** Where to create a key. */
  docsUrl: string;
  /** Short steps shown beside the add dialog. */
  help: string;
  /** Environment variables read for "from environment" keys, first match wins. */
  envVars: string[];
  /** Environment variable that overrides the base URL of an environment key. */
  envBaseUrlVar: string;
  /** Provider-specific fields the add dialog asks for. */
  fields: Array<'deployment' | 'apiVersion' | 'organization'>;
  /** Model the key test and the "System default" use when nothing else is chosen. */
  defaultModel: string;
  /** Suggested base URLs for self-hosted servers. */
  baseUrlSuggestions?: { label: string; url: string }[];
}

const spec = (s: ProviderSpec) => s;

export const PROVIDERS: Record<ProviderId, ProviderSpec> = {
  openai: spec({
    id: 'openai',
    name: 'OpenAI',
    wire: 'openai',
    defaultBaseUrl: 'https://api.openai.com/v1',
    keyRequired: true,
    keyPattern: /^sk-[A-Za-z0-9_-]{20,}$/,
    keyHint: 'starts with sk- (project keys: sk-proj-)',
    docsUrl: 'https://platform.openai.com/api-keys',
    help: 'Sign in to platform.openai.com, open API keys, choose "Create new secret key" and copy it once. The project needs billing set up.',
    envVars: ['OPENAI_API_KEY'],
    envBaseUrlVar: 'OPENAI_BASE_URL',
    fields: ['organization'],
    defaultModel: 'gpt-4o-mini',
  }),
  anthropic: spec({
    id: 'anthropic',
    name: 'Anthropic',
    wire: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    keyRequired: true,
    keyPattern: /^sk-ant-[A-Za-z0-9_-]{20,}$/,
    keyHint: 'starts with sk-ant-',
    docsUrl: 'https://console.anthropic.com/settings/keys',
    help: 'In the Anthropic Console open Settings → API keys, create a key and copy it. Buy credits under Billing first.',
    envVars: ['ANTHROPIC_API_KEY'],
    envBaseUrlVar: 'ANTHROPIC_BASE_URL',
    fields: [],
    defaultModel: 'claude-haiku-4-5',
  }),
  gemini: spec({
    id: 'gemini',
    name: 'Google Gemini',
    wire: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    keyRequired: true,
    keyPattern: /^AIza[0-9A-Za-z_-]{35}$/,
    keyHint: 'starts with AIza, 39 characters',
    docsUrl: 'https://aistudio.google.com/app/apikey',
    help: 'In Google AI Studio choose "Get API key", create one in a project and copy it. Some regions are not served.',
    envVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    envBaseUrlVar: 'GEMINI_BASE_URL',
    fields: [],
    defaultModel: 'gemini-2.5-flash',
  }),
  deepseek: spec({
    id: 'deepseek',
    name: 'DeepSeek',
    wire: 'openai',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    keyRequired: true,
    keyPattern: /^sk-[A-Za-z0-9]{20,}$/,
    keyHint: 'starts with sk-',
    docsUrl: 'https://platform.deepseek.com/api_keys',
    help: 'On platform.deepseek.com open API keys, create one and top up your balance (an empty balance answers 402).',
    envVars: ['DEEPSEEK_API_KEY'],
    envBaseUrlVar: 'DEEPSEEK_BASE_URL',
    fields: [],
    defaultModel: 'deepseek-chat',
  }),
  openrouter: spec({
    id: 'openrouter',
    name: 'OpenRouter',
    wire: 'openai',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    keyRequired: true,
    keyPattern: /^sk-or-[A-Za-z0-9_-]{20,}$/,
    keyHint: 'starts with sk-or-v1-',
    docsUrl: 'https://openrouter.ai/keys',
    help: 'On openrouter.ai open Keys, create a key (optionally with a credit limit) and copy it.',
    envVars: ['OPENROUTER_API_KEY'],
    envBaseUrlVar: 'OPENROUTER_BASE_URL',
    fields: [],
    defaultModel: 'openai/gpt-4o-mini',
  }),
  azure: spec({
    id: 'azure',
    name: 'Azure OpenAI',
    wire: 'openai',
    defaultBaseUrl: null,
    keyRequired: true,
    keyPattern: /^[A-Za-z0-9]{32,128}$/,
    keyHint: '32 or 84 letters and digits (Keys and Endpoint page)',
    docsUrl: 'https://portal.azure.com/#view/Microsoft_Azure_ProjectOxford/CognitiveServicesHub/~/OpenAI',
    help: 'In the Azure portal open your Azure OpenAI resource → Keys and Endpoint. Copy KEY 1 and the endpoint (https://<resource>.openai.azure.com), and the name of a deployment from Azure AI Foundry.',
    envVars: ['AZURE_OPENAI_API_KEY'],
    envBaseUrlVar: 'AZURE_OPENAI_ENDPOINT',
    fields: ['deployment', 'apiVersion'],
    defaultModel: 'gpt-4o-mini',
  }),
  mistral: spec({
    id: 'mistral',
    name: 'Mistral',
    wire: 'openai',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    keyRequired: true,
    keyPattern: /^[A-Za-z0-9]{32}$/,
    keyHint: '32 letters and digits',
    docsUrl: 'https://console.mistral.ai/api-keys',
    help: 'In the Mistral console (La Plateforme) open API keys, create one and copy it. A new key can take a few minutes to work.',
    envVars: ['MISTRAL_API_KEY'],
    envBaseUrlVar: 'MISTRAL_BASE_URL',
    fields: [],
    defaultModel: 'mistral-small-latest',
  }),
  groq: spec({
    id: 'groq',
    name: 'Groq',
    wire: 'openai',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    keyRequired: true,
    keyPattern: /^gsk_[A-Za-z0-9]{20,}$/,
    keyHint: 'starts with gsk_',
    docsUrl: 'https://console.groq.com/keys',
    help: 'In the Groq console open API Keys, create a key and copy it.',
    envVars: ['GROQ_API_KEY'],
    envBaseUrlVar: 'GROQ_BASE_URL',
    fields: [],
    defaultModel: 'llama-3.3-70b-versatile',
  }),
  xai: spec({
    id: 'xai',
    name: 'xAI',
    wire: 'openai',
    defaultBaseUrl: 'https://api.x.ai/v1',
    keyRequired: true,
    keyPattern: /^xai-[A-Za-z0-9_-]{20,}$/,
    keyHint: 'starts with xai-',
    docsUrl: 'https://console.x.ai',
    help: 'In the xAI console open API Keys, create a key and copy it.',
    envVars: ['XAI_API_KEY'],
    envBaseUrlVar: 'XAI_BASE_URL',
    fields: [],
    defaultModel: 'grok-4.3',
  }),
  together: spec({
    id: 'together',
    name: 'Together AI',
    wire: 'openai',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    keyRequired: true,
    keyPattern: /^(tgp_v1_[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{40,})$/,
    keyHint: 'starts with tgp_v1_ (older keys: 64 hex digits)',
    docsUrl: 'https://api.together.ai/settings/api-keys',
    help: 'In your Together AI settings open API Keys and copy the key.',
    envVars: ['TOGETHER_API_KEY'],
    envBaseUrlVar: 'TOGETHER_BASE_URL',
    fields: [],
    defaultModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
  }),
  'openai-compatible': spec({
    id: 'openai-compatible',
    name: 'OpenAI-compatible (Ollama, LM Studio, vLLM)',
    wire: 'openai',
    defaultBaseUrl: null,
    keyRequired: false,
    keyPattern: null,
    keyHint: 'optional; local servers usually need none',
    docsUrl: 'https://github.com/ollama/ollama/blob/main/docs/openai.md',
    help: 'Start your server and give its OpenAI-compatible base URL (it ends in /v1). Leave the key empty unless the server asks for one.',
    envVars: ['OPENAI_COMPATIBLE_API_KEY'],
    envBaseUrlVar: 'OPENAI_COMPATIBLE_BASE_URL',
    fields: [],
    defaultModel: 'llama3.2',
    baseUrlSuggestions: [
      { label: 'Ollama', url: 'http://127.0.0.1:11434/v1' },
      { label: 'LM Studio', url: 'http://127.0.0.1:1234/v1' },
      { label: 'vLLM', url: 'http://127.0.0.1:8000/v1' },
    ],
  }),
};

export const PROVIDER_LIST: ProviderSpec[] = Object.values(PROVIDERS);

export function providerSpec(id: ProviderId): ProviderSpec {
  return PROVIDERS[id];
}

/** Highest temperature the provider accepts: Anthropic's API takes 0–1, OpenAI and Gemini (and those speaking their wire) 0–2. */
export function maxTemperature(id: ProviderId): number {
  return PROVIDERS[id].wire === 'anthropic' ? 1 : 2;
}

/** Format check used as the user types and again before any save. null when the key looks right. */
export function checkKeyFormat(id: ProviderId, secret: string): string | null {
  const p = PROVIDERS[id];
  const trimmed = secret.trim();
  if (trimmed !== secret) return 'The key has spaces or line breaks around it; paste it again without them.';
  if (trimmed === '') return p.keyRequired ? `${p.name} needs a key.` : null;
  if (/\s/.test(trimmed)) return 'The key contains spaces; paste it again as one piece.';
  if (p.keyPattern && !p.keyPattern.test(trimmed)) {
    return `That does not look like ${/^[AEIOU]/i.test(p.name) ? 'an' : 'a'} ${p.name} key (expected: ${p.keyHint}).`;
  }
  return null;
}

/** The last four characters, the only part of a secret that ever leaves the vault. */
export function last4(secret: string): string {
  return secret.length < 12 ? "" : secret.slice(-4);
}
