import type { Agent } from '../../../shared/contract/index.js';

/** Built-in agents are timeless: their dates are the release they shipped with, never "now". */
const SHIPPED = Date.UTC(2026, 6, 1);

const builtin = (a: Omit<Agent, 'builtin' | 'createdAt' | 'updatedAt' | 'fallbacks' | 'params' | 'tools'> & Partial<Pick<Agent, 'params' | 'tools'>>): Agent => ({
  fallbacks: [],
  params: {},
  tools: [],
  ...a,
  builtin: true,
  createdAt: SHIPPED,
  updatedAt: SHIPPED,
});

/**
 * Agents that ship with the app. They pick their model by power level, so they work with whatever
 * provider keys the user has; they cannot be changed or deleted, only duplicated and then edited.
 */
export const BUILTIN_AGENTS: readonly Agent[] = [
  builtin({
    id: 'builtin-assistant',
    name: 'Assistant',
    description: 'A helpful general assistant at a balanced price, with the clock and a calculator.',
    instructions: 'You are a helpful, precise assistant. Answer clearly and concisely. Use the calculator for arithmetic instead of doing it in your head, and the clock when the current date or time matters.',
    powerLevel: 'balanced',
    tools: ['builtin:current_time', 'builtin:calculator'],
  }),
  builtin({
    id: 'builtin-quick',
    name: 'Quick answers',
    description: 'Short answers from the cheapest capable model.',
    instructions: 'Answer in as few words as will do: one or two sentences, or a short list. No preamble.',
    powerLevel: 'eco',
    params: { maxTokens: 1024 },
  }),
  builtin({
    id: 'builtin-reviewer',
    name: 'Careful reviewer',
    description: 'The strongest model for reviewing code, contracts or plans.',
    instructions:
      'You review what the user gives you (code, a text, a plan) with care. List concrete problems first, most serious first, each with where it is and how to fix it; then what is good. Say when you are unsure.',
    powerLevel: 'precision',
    params: { temperature: 0.2 },
  }),
  builtin({
    id: 'builtin-researcher',
    name: 'Web reader',
    description: 'Reads pages you allowed in Settings → Tools and answers from them.',
    instructions:
      'You answer from web pages the user allows. Read the pages with the read_url tool, quote what you rely on, and name the address you read. If a page is not allowed, say which address the user can add in Settings → Tools.',
    powerLevel: 'balanced',
    tools: ['builtin:read_url', 'builtin:current_time'],
  }),
];

export function isBuiltinAgentId(id: string): boolean {
  return BUILTIN_AGENTS.some((a) => a.id === id);
}
