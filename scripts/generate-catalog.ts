/**
 * Generates shared/catalog/models.generated.ts from a models.dev snapshot (repository
 * anomalyco/models.dev): every chat model models.dev lists for our providers, with prices per million
 * tokens, long-prompt tiers, limits and capabilities, and the source commit and date. Our own choices
 * (recommended, EU, names, display order) stay in shared/catalog/curated.ts.
 *
 *   npm run catalog:generate -- <models.dev checkout, bare git dir or plain folder> [--out <file>] [--allow-missing]
 *
 * Re-running on the same commit gives the same file. The snapshot itself is never committed. What
 * the catalog cannot use is reported, never dropped silently: models that cannot chat (left out, and
 * named in CATALOG_SOURCE.notChat), price fields Switchboard does not bill by (kept in otherPrices),
 * non-standard spellings and implausible prices (warnings).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import type { ProviderId } from '../shared/contract/common.js';
import { CURATED_MODELS, CURATED_PROVIDERS } from '../shared/catalog/curated.js';
import { isTable, modelsDevPath, readCost, readModelsDevModel } from '../shared/catalog/models-dev.js';
import type { CatalogSource, CuratedModel, CuratedProvider, GeneratedModel } from '../shared/catalog/types.js';

export const REPOSITORY = 'anomalyco/models.dev';

/** Read access to one snapshot of models.dev: a work tree, a bare git dir, or a plain folder. */
export interface ModelsDevSource {
  read(path: string): string | null;
  /** Paths of the files under a folder (recursive), e.g. list('providers/openai/models'). */
  list(folder: string): string[];
  commit: string;
  commitDate: string;
}

function listFolder(root: string, folder: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs)) {
      const child = `${rel}/${entry}`;
      if (statSync(join(root, child)).isDirectory()) visit(child);
      else out.push(child);
    }
  };
  visit(folder);
  return out.sort();
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
      list: (folder) => listFolder(abs, folder),
      commit: 'unknown',
      commitDate: new Date(0).toISOString(),
    };
  }
  const git = (args: string[], input?: string) =>
    execFileSync('git', [...gitArgs, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, ...(input !== undefined ? { input } : {}) });
  const commit = git(['rev-parse', 'HEAD']).trim();
  const commitDate = git(['log', '-1', '--format=%cI', 'HEAD']).trim();
  // Every TOML file of the snapshot in one `git cat-file --batch`, instead of a process per file.
  // -z: paths as they are (no quoting of non-ASCII names).
  const files = git(['ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', 'providers', 'models'])
    .split('\0')
    .filter((p) => p.endsWith('.toml'));
  const contents = new Map<string, string>();
  const batch = Buffer.from(git(['cat-file', '--batch'], files.map((p) => `HEAD:${p}\n`).join('')), 'utf8');
  let at = 0;
  for (const path of files) {
    const nl = batch.indexOf(0x0a, at);
    const header = batch.subarray(at, nl).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!Number.isInteger(size)) throw new Error(`git cat-file: unexpected answer "${header}" for ${path}`);
    contents.set(path, batch.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return {
    read: (p) => contents.get(p) ?? null,
    list: (folder) => files.filter((p) => p.startsWith(`${folder}/`)),
    commit,
    commitDate,
  };
}

type Toml = Record<string, unknown>;

/** models.dev's merge (remeda mergeDeep): tables merge key by key, anything else is replaced. */
function mergeDeep(base: Toml, over: Toml): Toml {
  const out: Toml = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isTable(v) && isTable(out[k]) ? mergeDeep(out[k], v) : v;
  return out;
}

/** Base-model fields a provider's model does not inherit (models.dev inheritableModelMetadata). */
const NOT_INHERITED = ['id', 'benchmarks', 'license', 'links', 'weights'];

/**
 * A provider model file merged with its `base_model` (models/<lab>/<model>.toml) as models.dev's
 * generator does it: a deep merge where the provider's fields win, then `base_model_omit` dot paths
 * are removed.
 */
export function loadModelToml(source: ModelsDevSource, path: string): Toml | null {
  const text = source.read(path);
  if (text === null) return null;
  const own = parseToml(text) as Toml;
  const base = typeof own.base_model === 'string' ? own.base_model : null;
  if (!base) return own;
  const baseText = source.read(`models/${base}.toml`);
  if (baseText === null) throw new Error(`${path}: base_model ${base} not found under models/`);
  const inherited = parseToml(baseText) as Toml;
  for (const k of NOT_INHERITED) delete inherited[k];
  const { base_model: _b, base_model_omit: omit, ...overrides } = own;
  // A fresh copy per model, so removing an omitted field never touches another model's data.
  const merged = structuredClone(mergeDeep(inherited, overrides));
  for (const dotted of Array.isArray(omit) ? omit : []) {
    if (typeof dotted !== 'string') continue;
    const parts = dotted.split('.');
    let node: unknown = merged;
    for (const part of parts.slice(0, -1)) node = isTable(node) ? node[part] : undefined;
    if (isTable(node)) delete node[parts[parts.length - 1]!];
  }
  return merged;
}

export interface BuildResult {
  source: CatalogSource;
  models: GeneratedModel[];
  /** Curated models models.dev does not have. */
  missing: string[];
  /** Data that looks wrong or that Switchboard reads in a non-standard way (implausible prices, odd spellings, tiers). */
  problems: string[];
}

function modelIdOf(dir: string, path: string): string {
  return path.slice(`providers/${dir}/models/`.length, -'.toml'.length);
}

/** One provider's models, every file under providers/<dir>/models. */
function providerModels(source: ModelsDevSource, provider: ProviderId, dir: string, problems: string[], notChat: string[]): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (const path of source.list(`providers/${dir}/models`)) {
    if (!path.endsWith('.toml')) continue;
    const id = modelIdOf(dir, path);
    const m = loadModelToml(source, path);
    if (!m) continue;
    const reading = readModelsDevModel(provider, id, m, path, problems);
    if (reading.notChat) notChat.push(`${provider}/${id}`);
    if (reading.model) out.push(reading.model);
  }
  return out;
}

/** A curated model whose id is not a models.dev file of its own (`source`), or that borrows prices (`pricesFrom`). */
function curatedExtra(source: ModelsDevSource, c: CuratedModel, dir: string, problems: string[]): GeneratedModel | null {
  const path = modelsDevPath(dir, c.source ?? c.id);
  const m = loadModelToml(source, path);
  if (!m) return null;
  const reading = readModelsDevModel(c.provider, c.id, m, path, problems);
  return reading.model;
}

function borrowPrices(source: ModelsDevSource, model: GeneratedModel, from: string, problems: string[]): GeneratedModel {
  if (model.pricing) return model;
  const other = loadModelToml(source, `providers/${from.replace(/^([^/]+)\//, '$1/models/')}.toml`);
  if (!other || !isTable(other.cost)) return model;
  const cost = readCost(other.cost, `${model.sourcePath} (prices of ${from})`, problems);
  return { ...model, pricing: cost.pricing, pricingTiers: cost.tiers, pricesFrom: from };
}

export function buildCatalog(
  source: ModelsDevSource,
  curated: readonly CuratedModel[] = CURATED_MODELS,
  providers: Partial<Record<ProviderId, CuratedProvider>> = CURATED_PROVIDERS,
): BuildResult {
  const problems: string[] = [];
  const missing: string[] = [];
  const notChat: string[] = [];
  const byKey = new Map<string, GeneratedModel>();
  for (const [provider, spec] of Object.entries(providers) as Array<[ProviderId, CuratedProvider]>) {
    for (const m of providerModels(source, provider, spec.modelsDevDir, problems, notChat)) byKey.set(`${provider}/${m.id}`, m);
  }
  for (const c of curated) {
    const dir = providers[c.provider]?.modelsDevDir;
    if (!dir) {
      problems.push(`${c.provider}/${c.id}: provider has no models.dev folder in curated.ts`);
      continue;
    }
    const k = `${c.provider}/${c.id}`;
    let model = byKey.get(k) ?? (c.source ? curatedExtra(source, c, dir, problems) : null);
    if (!model) {
      missing.push(`${k} (${modelsDevPath(dir, c.source ?? c.id)})`);
      continue;
    }
    if (c.pricesFrom) model = borrowPrices(source, model, c.pricesFrom, problems);
    byKey.set(k, model);
  }
  const order = new Map(Object.keys(providers).map((p, i) => [p, i]));
  // Sorted by provider and id: a new snapshot's diff shows exactly what changed. Display order is curated.ts's business.
  const models = [...byKey.values()].sort((a, b) => (order.get(a.provider) ?? 99) - (order.get(b.provider) ?? 99) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sourceInfo: CatalogSource = { repository: REPOSITORY, commit: source.commit, commitDate: source.commitDate, checkedAt: source.commitDate.slice(0, 10) };
  if (notChat.length > 0) sourceInfo.notChat = [...notChat].sort();
  return { source: sourceInfo, models, missing, problems };
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

/** Per provider: models, and how many have both an input and an output price. */
export function summarize(models: readonly GeneratedModel[]): Array<{ provider: string; models: number; priced: number }> {
  const rows = new Map<string, { provider: string; models: number; priced: number }>();
  for (const m of models) {
    const row = rows.get(m.provider) ?? { provider: m.provider, models: 0, priced: 0 };
    row.models++;
    if (m.pricing?.input != null && m.pricing.output != null) row.priced++;
    rows.set(m.provider, row);
  }
  return [...rows.values()];
}

/** Which price fields the catalog keeps without billing by them, and how often. */
export function otherPriceFields(models: readonly GeneratedModel[]): Array<{ field: string; models: number }> {
  const counts = new Map<string, number>();
  for (const m of models) for (const k of Object.keys(m.otherPrices ?? {})) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([field, n]) => ({ field, models: n }));
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
  const other = otherPriceFields(result.models);
  if (other.length > 0) {
    process.stderr.write(`price fields kept in otherPrices, not billed by: ${other.map((o) => `${o.field} (${o.models})`).join(', ')}\n`);
  }
  if (result.source.notChat?.length) {
    process.stderr.write(`left out, cannot chat (${result.source.notChat.length}): ${result.source.notChat.join(', ')}\n`);
  }
  if (result.missing.length > 0) {
    process.stderr.write(`models.dev has no file for:\n  ${result.missing.join('\n  ')}\n`);
    if (!allowMissing) {
      process.stderr.write('Fix shared/catalog/curated.ts (or pass --allow-missing to leave them out).\n');
      return 1;
    }
  }
  const text = renderGenerated(result);
  const tmp = `${out}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, out);
  for (const row of summarize(result.models)) process.stdout.write(`  ${row.provider.padEnd(12)} ${String(row.models).padStart(4)} models, ${String(row.priced).padStart(4)} priced\n`);
  process.stdout.write(
    `wrote ${relative(process.cwd(), out)} (${Math.round(text.length / 1024)} KiB): ${result.models.length} models, ` +
      `${REPOSITORY}@${result.source.commit.slice(0, 12)} (${result.source.commitDate})\n`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv);
}
