/**
 * models.dev's public catalog (`https://models.dev/api.json`) read for Switchboard's providers:
 * provider id → `{id, name, models: {<model id>: {name, cost: {input, output, cache_read,
 * cache_write, tiers?, context_over_200k?, ...}, limit: {context, output}, modalities, ...}}}`.
 *
 * Every field is optional and checked with zod; the models then go through the same reader as the
 * bundled table (shared/catalog/models-dev.ts). What cannot be used is skipped with a reason, and
 * those models keep their previous price; a document that is not the catalog at all is refused.
 */
import { z } from 'zod';
import { CURATED_PROVIDERS } from '../../../shared/catalog/curated.js';
import { modelsDevPath, readModelsDevModel } from '../../../shared/catalog/models-dev.js';
import type { GeneratedModel } from '../../../shared/catalog/types.js';
import type { ProviderId } from '../../../shared/contract/index.js';

const Price = z.number().nonnegative();
const PriceTable = z.looseObject({
  input: Price.optional(),
  output: Price.optional(),
  cache_read: Price.optional(),
  cache_write: Price.optional(),
});
const Cost = PriceTable.extend({
  tiers: z.array(PriceTable.extend({ tier: z.looseObject({ type: z.string().optional(), size: z.number().int().positive() }) })).optional(),
  context_over_200k: PriceTable.optional(),
});
const Tokens = z.number().nonnegative();
const Strings = z.array(z.string());

/** One model record; unknown fields are kept (and read or reported by the shared reader). */
export const ModelsDevModel = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  family: z.string().optional(),
  cost: Cost.optional(),
  limit: z.looseObject({ context: Tokens.optional(), input: Tokens.optional(), output: Tokens.optional() }).optional(),
  modalities: z.looseObject({ input: Strings.optional(), output: Strings.optional() }).optional(),
  tool_call: z.boolean().optional(),
  reasoning: z.boolean().optional(),
  structured_output: z.boolean().optional(),
  open_weights: z.boolean().optional(),
  release_date: z.string().optional(),
  last_updated: z.string().optional(),
  status: z.string().optional(),
});

export const ModelsDevProvider = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  models: z.record(z.string(), z.unknown()),
});

/** The whole document: an object of providers. Each of ours is checked on its own. */
export const ModelsDevDocument = z.record(z.string(), z.unknown());

export interface ReadDocument {
  /** Usable models per provider of ours (only providers the document has). */
  models: Map<ProviderId, GeneratedModel[]>;
  /** Entries that could not be used: `provider/model: why`. */
  skipped: string[];
  /** The providers' sections as received (ours only), to keep as the last good download. */
  kept: Record<string, { models: Record<string, unknown> }>;
  /** How many usable models in all. */
  count: number;
}

export class DocumentError extends Error {}

const MAX_ID = 300;

function describeIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  return issue ? `${issue.path.join('.') || '(record)'}: ${issue.message}` : 'invalid';
}

/**
 * Reads our providers out of a parsed api.json. Throws DocumentError when it is not models.dev's
 * catalog (not an object of providers, or none of ours in it).
 */
export function readModelsDevDocument(json: unknown): ReadDocument {
  const doc = ModelsDevDocument.safeParse(json);
  if (!doc.success) throw new DocumentError('The answer is not models.dev’s catalog (expected an object of providers).');
  const models = new Map<ProviderId, GeneratedModel[]>();
  const skipped: string[] = [];
  const kept: ReadDocument['kept'] = {};
  let count = 0;
  let sections = 0;
  for (const [provider, spec] of Object.entries(CURATED_PROVIDERS) as Array<[ProviderId, { modelsDevDir: string }]>) {
    const raw = doc.data[spec.modelsDevDir];
    if (raw === undefined) continue;
    const section = ModelsDevProvider.safeParse(raw);
    if (!section.success) {
      skipped.push(`${provider}: the provider's section is not usable (${describeIssue(section.error)})`);
      continue;
    }
    sections++;
    const list: GeneratedModel[] = [];
    const keep: Record<string, unknown> = {};
    for (const [id, record] of Object.entries(section.data.models)) {
      const why = (reason: string) => skipped.push(`${provider}/${id.slice(0, 100)}: ${reason}`);
      // eslint-disable-next-line no-control-regex
      if (id === '' || id.length > MAX_ID || /[\u0000-\u001f\u007f]/.test(id)) {
        why('not a usable model id');
        continue;
      }
      const parsed = ModelsDevModel.safeParse(record);
      if (!parsed.success) {
        why(describeIssue(parsed.error));
        continue;
      }
      const problems: string[] = [];
      const reading = readModelsDevModel(provider, id, parsed.data, modelsDevPath(spec.modelsDevDir, id), problems);
      if (reading.notChat) continue;
      if (!reading.plausible || !reading.model) {
        why(problems[0]?.replace(/^[^:]*: /, '') ?? 'not usable');
        continue;
      }
      list.push(reading.model);
      keep[id] = record;
    }
    models.set(provider, list);
    kept[spec.modelsDevDir] = { models: keep };
    count += list.length;
  }
  if (sections === 0) throw new DocumentError('The answer has none of Switchboard’s providers: it does not look like models.dev’s catalog.');
  return { models, skipped, kept, count };
}
