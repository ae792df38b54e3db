/**
 * Generates shared/catalog/models.generated.ts from a models.dev checkout (repository
 * anomalyco/models.dev): prices per million tokens, long-prompt tiers, limits and capabilities of the
 * models chosen in shared/catalog/curated.ts, with the source commit and date.
 *
 *   npm run catalog:generate -- <path to models.dev checkout or bare git dir> [--out <file>] [--allow-missing]
 *
 * Re-running on the same commit gives the same file. The checkout itself is never committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import type { Pricing } from '../shared/contract/common.js';
import type { Capability } from '../shared/contract/models.js';
import { CURATED_MODELS, CURATED_PROVIDERS } from '../shared/catalog/curated.js';
import type { CatalogSource, CuratedModel, CuratedProvider, GeneratedModel } from '../shared/catalog/types.js';
import { checkPricePerMillion, type PricingTier } from '../shared/cost.js';

export const REPOSITORY = 'anomalyco/models.dev';

/** Read access to one snapshot of models.dev: a work tree, a bare git dir, or a plain folder. */
export interface ModelsDevSource {
  read(path: string): string | null;
  commit: string;
  commitDate: string;
}

export function openSource(dir: string): ModelsDevSource {
  const abs = resolve(dir);
  let gitArgs: string[] | null = null;
  if (existsSync(join(abs, '.git'))) gitArgs = ['-C', abs];
  else if (existsSync(join(abs, 'HEAD')) && existsSync(join(abs, 'objects'))) gitArgs = ['--git-dir', abs];
  if (!gitArgs) {
    if (!existsSync(join(abs, 'providers'))) throw new Error(`${abs} is not a models.dev checkout (no providers/ folder)`);
    return {
      read: (p) => (existsSync(join(abs, p)) ? readFileSync(join(abs, p), 'utf8') : null),
      commit: 'unknown',
      commitDate: new Date(0).toISOString(),
    };
  }
  const git = (...args: string[]) => execFileSync('git', [...gitArgs, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const commit = git('rev-parse', 'HEAD').trim();
  const commitDate = git('log', '-1', '--format=%cI', 'HEAD').trim();
  return {
    read: (p) => {
      try {
        return git('show', `HEAD:${p}`);
      } catch {
        return null;
      }
    },
    commit,
    commitDate,
  };
}

type Toml = Record<string, unknown>;

function isTable(v: unknown): v is Toml {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * A provider model file merged with its `base_model` (models/<provider>/<model>.toml) the way
 * models.dev documents it: provider fields win, a nested table given by the provider replaces the
 * base's whole table, then `base_model_omit` dot paths are removed.
 */
export function loadModelToml(source: ModelsDevSource, path: string): Toml | null {
  const text = source.read(path);
  if (text === null) return null;
  const own = parseToml(text) as Toml;
  const base = typeof own.base_model === 'string' ? own.base_model : null;
  if (!base) return own;
  const baseText = source.read(`models/${base}.toml`);
  if (baseText === null) throw new Error(`${path}: base_model ${base} not found under models/`);
  // A fresh copy per model, so removing an omitted field never touches another model's data.
  const merged = structuredClone({ ...(parseToml(baseText) as Toml), ...own });
  const omit = Array.isArray(own.base_model_omit) ? own.base_model_omit : [];
  for (const dotted of omit) {
    if (typeof dotted !== 'string') continue;
    const parts = dotted.split('.');
    let node: unknown = merged;
    for (const part of parts.slice(0, -1)) node = isTable(node) ? node[part] : undefined;
    if (isTable(node)) delete node[parts[parts.length - 1]!];
  }
  return merged;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString().slice(0, 10) : null);

function pricingOf(cost: Toml): Pricing | null {
  const p: Pricing = { input: num(cost.input), output: num(cost.output), cacheRead: num(cost.cache_read), cacheWrite: num(cost.cache_write) };
  return p.input === null && p.output === null ? null : p;
}

function tiersOf(cost: Toml, problems: string[], where: string): PricingTier[] {
  const tiers = Array.isArray(cost.tiers) ? cost.tiers : [];
  const out: PricingTier[] = [];
  for (const t of tiers) {
    if (!isTable(t)) continue;
    const size = isTable(t.tier) ? num(t.tier.size) : null;
    const pricing = pricingOf(t);
    if (size === null || !pricing) {
      problems.push(`${where}: a cost tier without size or prices was skipped`);
      continue;
    }
    out.push({ aboveInputTokens: size, pricing });
  }
  return out.sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
}

function capabilitiesOf(m: Toml): Capability[] {
  const inputs = isTable(m.modalities) && Array.isArray(m.modalities.input) ? (m.modalities.input as unknown[]) : [];
  const caps: Capability[] = [];
  if (m.tool_call === true) caps.push('tools');
  if (inputs.includes('image')) caps.push('vision');
  if (m.reasoning === true) caps.push('reasoning');
  if (m.structured_output === true) caps.push('json');
  if (inputs.includes('audio')) caps.push('audio');
  return caps;
}

function checkPrices(where: string, pricing: Pricing | null, problems: string[]): void {
  if (!pricing) return;
  for (const [kind, value] of Object.entries(pricing)) {
    if (value === null) continue;
    const why = checkPricePerMillion(value);
    if (why) problems.push(`${where}: ${kind} price ${why}`);
  }
}

export interface BuildResult {
  source: CatalogSource;
  models: GeneratedModel[];
  /** Curated models models.dev does not have. */
  missing: string[];
  /** Data that looks wrong (implausible prices, malformed tiers). */
  problems: string[];
}

export function buildCatalog(
  source: ModelsDevSource,
  curated: readonly CuratedModel[] = CURATED_MODELS,
  providers: Record<string, CuratedProvider> = CURATED_PROVIDERS,
): BuildResult {
  const models: GeneratedModel[] = [];
  const missing: string[] = [];
  const problems: string[] = [];
  for (const c of curated) {
    const dir = providers[c.provider]?.modelsDevDir;
    if (!dir) {
      problems.push(`${c.provider}/${c.id}: provider has no models.dev folder in curated.ts`);
      continue;
    }
    const sourcePath = `providers/${dir}/models/${c.source ?? c.id}.toml`;
    const m = loadModelToml(source, sourcePath);
    if (!m) {
      missing.push(`${c.provider}/${c.id} (${sourcePath})`);
      continue;
    }
    let cost = isTable(m.cost) ? m.cost : null;
    let pricesFrom: string | null = null;
    if (!cost && c.pricesFrom) {
      const other = loadModelToml(source, `providers/${c.pricesFrom.replace(/^([^/]+)\//, '$1/models/')}.toml`);
      if (other && isTable(other.cost)) {
        cost = other.cost;
        pricesFrom = c.pricesFrom;
      }
    }
    const pricing = cost ? pricingOf(cost) : null;
    const pricingTiers = cost ? tiersOf(cost, problems, sourcePath) : [];
    checkPrices(sourcePath, pricing, problems);
    for (const t of pricingTiers) checkPrices(`${sourcePath} (prompts above ${t.aboveInputTokens})`, t.pricing, problems);
    const limit = isTable(m.limit) ? m.limit : {};
    const name = str(m.name) ?? c.id;
    models.push({
      provider: c.provider,
      id: c.id,
      name,
      family: str(m.family),
      contextWindow: num(limit.context),
      maxOutputTokens: num(limit.output),
      pricing,
      pricingTiers,
      capabilities: capabilitiesOf(m),
      releaseDate: str(m.release_date),
      lastUpdated: str(m.last_updated),
      openWeights: m.open_weights === true,
      status: str(m.status),
      sourcePath,
      pricesFrom,
    });
  }
  return {
    source: { repository: REPOSITORY, commit: source.commit, commitDate: source.commitDate, checkedAt: source.commitDate.slice(0, 10) },
    models,
    missing,
    problems,
  };
}

export function renderGenerated(result: Pick<BuildResult, 'source' | 'models'>): string {
  const lines = [
    '// GENERATED by scripts/generate-catalog.ts from models.dev: do not edit by hand.',
    '// Re-run `npm run catalog:generate -- <models.dev checkout>`; our own choices live in curated.ts.',
    "import type { CatalogSource, GeneratedModel } from './types.js';",
    '',
    `export const CATALOG_SOURCE: CatalogSource = ${JSON.stringify(result.source, null, 2)};`,
    '',
    'export const GENERATED_MODELS: readonly GeneratedModel[] = [',
    ...result.models.map((m) => `  ${JSON.stringify(m)},`),
    '];',
    '',
  ];
  return lines.join('\n');
}

function main(argv: string[]): number {
  const args = argv.slice(2);
  const allowMissing = args.includes('--allow-missing');
  const outIdx = args.indexOf('--out');
  const here = fileURLToPath(new URL('.', import.meta.url));
  const out = outIdx >= 0 && args[outIdx + 1] ? resolve(args[outIdx + 1]!) : resolve(here, '../shared/catalog/models.generated.ts');
  const positional = args.filter((a, i) => !a.startsWith('--') && (outIdx < 0 || i !== outIdx + 1));
  const dir = positional[0];
  if (!dir) {
    process.stderr.write('usage: npm run catalog:generate -- <models.dev checkout or bare git dir> [--out file] [--allow-missing]\n');
    return 2;
  }
  const result = buildCatalog(openSource(dir));
  for (const p of result.problems) process.stderr.write(`warning: ${p}\n`);
  if (result.missing.length > 0) {
    process.stderr.write(`models.dev has no file for:\n  ${result.missing.join('\n  ')}\n`);
    if (!allowMissing) {
      process.stderr.write('Fix shared/catalog/curated.ts (or pass --allow-missing to leave them out).\n');
      return 1;
    }
  }
  const tmp = `${out}.tmp`;
  writeFileSync(tmp, renderGenerated(result));
  renameSync(tmp, out);
  const providers = new Set(result.models.map((m) => m.provider)).size;
  process.stdout.write(
    `wrote ${relative(process.cwd(), out)}: ${result.models.length} models from ${providers} providers, ` +
      `${REPOSITORY}@${result.source.commit.slice(0, 12)} (${result.source.commitDate})\n`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv);
}
