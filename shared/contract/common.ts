import { z } from 'zod';

export const PROVIDER_IDS = [
  'openai',
  'anthropic',
  'gemini',
  'deepseek',
  'openrouter',
  'azure',
  'mistral',
  'groq',
  'xai',
  'together',
  'openai-compatible',
] as const;

export const ProviderId = z.enum(PROVIDER_IDS);
export type ProviderId = z.infer<typeof ProviderId>;

/** Milliseconds since the epoch or an ISO 8601 string; normalised to ms by the services. */
export const TimeInput = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }), z.iso.date()]);
export type TimeInput = z.infer<typeof TimeInput>;

export const Id = z.string().min(1).max(200);

/** Normalised token usage (DESIGN.md section 2). `inputTokens` excludes cache reads and writes;
 * `outputTokens` includes reasoning; `reasoningTokens` is the reasoning part of `outputTokens`. */
export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
  estimated: z.boolean(),
  /**
   * Anthropic: the part of cacheWriteTokens written to the 1-hour cache (priced higher than the
   * 5-minute one). Present only when some were; absent means every cache write was a 5-minute one.
   */
  cacheWrite1hTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

export const ZERO_USAGE: Usage = {
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  estimated: false,
};

/** USD per million tokens; null where not known or not offered. */
export const Pricing = z.object({
  input: z.number().nonnegative().nullable(),
  output: z.number().nonnegative().nullable(),
  cacheRead: z.number().nonnegative().nullable(),
  cacheWrite: z.number().nonnegative().nullable(),
  /** Anthropic's 1-hour cache write; absent: priced as `cacheWrite` (see shared/pricing). */
  cacheWrite1h: z.number().nonnegative().nullable().optional(),
});
export type Pricing = z.infer<typeof Pricing>;

export const ChatRole = z.enum(['system', 'user', 'assistant', 'tool']);
export type ChatRole = z.infer<typeof ChatRole>;

/** A tool call the model made: `name` is the name the model was offered, `arguments` its JSON text. */
export const ChatToolCall = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  arguments: z.string().max(1_000_000),
  /** Opaque provider data that must travel back with the call (Gemini's thought signature). */
  signature: z.string().max(200_000).optional(),
});
export type ChatToolCall = z.infer<typeof ChatToolCall>;

/**
 * One message in the router's own shape, which each adapter translates to its wire format. An
 * assistant message may carry the tool calls it made (`toolCalls`); a `tool` message answers one of
 * them (`toolCallId`, the tool's `name`, its result in `content`, `isError` when it failed).
 */
export const ChatMessage = z
  .object({
    role: ChatRole,
    content: z.string().max(2_000_000),
    toolCalls: z.array(ChatToolCall).max(128).optional(),
    toolCallId: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional(),
    isError: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.role === 'tool') {
      if (m.toolCallId === undefined) ctx.addIssue({ code: 'custom', path: ['toolCallId'], message: 'a tool message needs the id of the call it answers' });
      if (m.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a tool message needs the name of the tool' });
    } else if (m.toolCallId !== undefined || m.isError !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['toolCallId'], message: 'only tool messages answer a tool call' });
    }
    if (m.toolCalls !== undefined && m.role !== 'assistant') ctx.addIssue({ code: 'custom', path: ['toolCalls'], message: 'only assistant messages make tool calls' });
  });
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ModelId = z.string().min(1).max(300);

export const KeyTarget = z.object({ keyId: Id, model: ModelId }).strict();
export const ProviderTarget = z.object({ provider: ProviderId, model: ModelId }).strict();
export const SystemTarget = z.object({ system: z.literal(true) }).strict();
export const ChatTarget = z.union([KeyTarget, ProviderTarget, SystemTarget]);
export type ChatTarget = z.infer<typeof ChatTarget>;

export const ChatParams = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().max(10_000_000).optional(),
  })
  .strict();
export type ChatParams = z.infer<typeof ChatParams>;

export const KeySource = z.enum(['user', 'environment', 'team']);
export type KeySource = z.infer<typeof KeySource>;
