import type { UsageDirective } from './directives.js';
import type { TokenCounts } from './types.js';

/** Roughly four characters a token, never zero: deterministic, so tests can predict it. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/**
 * The counts one call reports: forced by `[[usage:...]]`, else estimated from text lengths.
 * Parts are clamped to their wholes (cached + write ≤ in, reasoning ≤ out) so every format's
 * arithmetic stays non-negative.
 */
export function resolveTokens(forced: UsageDirective | null, promptChars: number, outputChars: number, reasoningChars = 0): TokenCounts {
  const estimatedReasoning = reasoningChars > 0 ? estimateTokens(reasoningChars) : 0;
  const input = forced?.in ?? estimateTokens(promptChars);
  const output = forced?.out ?? estimateTokens(outputChars) + estimatedReasoning;
  const cached = Math.min(forced?.cached ?? 0, input);
  const write = Math.min(forced?.write ?? 0, input - cached);
  const write1h = Math.min(forced?.write1h ?? 0, write);
  const reasoning = Math.min(forced ? forced.reasoning : estimatedReasoning, output);
  return { input, cached, write, write1h, output, reasoning };
}

/** What has been produced after `done` of `total` content frames, for formats that report running usage. */
export function partial(total: number, done: number, of: number): number {
  if (of <= 0) return total;
  return Math.floor((total * done) / of);
}
