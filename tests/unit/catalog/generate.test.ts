import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCatalog, openSource, otherPriceFields, renderGenerated, summarize } from '../../../scripts/generate-catalog.js';
import type { CuratedModel, CuratedProvider } from '../../../shared/catalog/types.js';
import { tempDir } from '../../helpers/temp-dir.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function fakeModelsDev(files: Record<string, string>): string {
  const t = tempDir('sb-modelsdev-');
  cleanups.push(t.cleanup);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(t.path, path, '..'), { recursive: true });
    writeFileSync(join(t.path, path), text);
  }
  return t.path;
}

const providers: Partial<Record<string, CuratedProvider>> = {
  openai: { modelsDevDir: 'openai', eu: false },
  gemini: { modelsDevDir: 'google', eu: false },
  azure: { modelsDevDir: 'azure', eu: true },
  together: { modelsDevDir: 'togetherai', eu: false },
};

const byId = <T extends { provider: string; id: string }>(models: T[], key: string): T | undefined => models.find((m) => `${m.provider}/${m.id}` === key);

describe('generate-catalog', () => {
  it('bundles every model of every provider, reading prices, tiers, limits and capabilities, merging base_model files the models.dev way', () => {
    const dir = fakeModelsDev({
      'providers/openai/models/gpt-x.toml': `name = "GPT X"\nfamily = "gpt"\nreasoning = true\ntool_call = true\nstructured_output = true\nrelease_date = "2026-01-01"\nlast_updated = 2026-02-01\n\n[cost]\ninput = 1.25\noutput = 10.00\ncache_read = 0.125\n\n[limit]\ncontext = 400_000\noutput = 128_000\n\n[modalities]\ninput = ["text", "image"]\noutput = ["text"]\n`,
      'providers/openai/models/uncurated.toml': `name = "Not curated"\n[cost]\ninput = 1\noutput = 2\n`,
      'providers/openai/models/vendor/nested-id.toml': `name = "Nested"\n[cost]\ninput = 3\noutput = 4\n`,
      'models/google/gem.toml': `name = "Gem Pro"\nreasoning = true\ntool_call = true\nstructured_output = true\nlicense = "proprietary"\n\n[limit]\ncontext = 1_048_576\noutput = 65_536\n\n[modalities]\ninput = ["text", "image", "audio"]\noutput = ["text"]\n`,
      // A partial [limit] override keeps the base's output limit (models.dev merges tables deeply).
      'providers/google/models/gem-pro.toml': `base_model = "google/gem"\nbase_model_omit = ["structured_output"]\n\n[limit]\ncontext = 2_000_000\n\n[cost]\ninput = 1.25\noutput = 10.00\ncache_read = 0.125\n\n[[cost.tiers]]\ntier = { size = 200_000 }\ninput = 2.50\noutput = 15.00\ncache_read = 0.25\n`,
      'providers/azure/models/gpt-x.toml': `name = "GPT X"\ntool_call = true\n\n[limit]\ncontext = 1000\noutput = 100\n`,
    });
    const curated: CuratedModel[] = [
      { provider: 'openai', id: 'gpt-x' },
      { provider: 'gemini', id: 'gem-pro' },
      { provider: 'azure', id: 'gpt-x', pricesFrom: 'openai/gpt-x' },
      { provider: 'openai', id: 'not-there' },
      { provider: 'openai', id: 'per-token', source: 'gpt-x' },
    ];
    const result = buildCatalog(openSource(dir), curated, providers);
    expect(result.missing).toEqual(['openai/not-there (providers/openai/models/not-there.toml)']);
    // Every file is a model, curated or not, and nested folders make "vendor/model" ids.
    expect(result.models.map((m) => `${m.provider}/${m.id}`)).toEqual(['openai/gpt-x', 'openai/per-token', 'openai/uncurated', 'openai/vendor/nested-id', 'gemini/gem-pro', 'azure/gpt-x']);
    expect(byId(result.models, 'openai/gpt-x')).toMatchObject({
      name: 'GPT X',
      contextWindow: 400_000,
      maxOutputTokens: 128_000,
      pricing: { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: null },
      pricingTiers: [],
      capabilities: ['tools', 'vision', 'reasoning', 'json'],
      lastUpdated: '2026-02-01',
      sourcePath: 'providers/openai/models/gpt-x.toml',
    });
    expect(byId(result.models, 'openai/per-token')).toMatchObject({ name: 'GPT X', sourcePath: 'providers/openai/models/gpt-x.toml' });
    expect(byId(result.models, 'gemini/gem-pro')).toMatchObject({
      name: 'Gem Pro',
      contextWindow: 2_000_000,
      maxOutputTokens: 65_536,
      capabilities: ['tools', 'vision', 'reasoning', 'audio'],
      pricingTiers: [{ aboveInputTokens: 200_000, pricing: { input: 2.5, output: 15, cacheRead: 0.25, cacheWrite: null } }],
    });
    expect(byId(result.models, 'azure/gpt-x')).toMatchObject({ provider: 'azure', pricing: { input: 1.25, output: 10 }, pricesFrom: 'openai/gpt-x', contextWindow: 1000 });
    expect(result.source).toMatchObject({ repository: 'anomalyco/models.dev', commit: 'unknown' });
    expect(summarize(result.models)).toEqual([
      { provider: 'openai', models: 4, priced: 4 },
      { provider: 'gemini', models: 1, priced: 1 },
      { provider: 'azure', models: 1, priced: 1 },
    ]);
  });

  it('unpriced fields stay null, never 0; a model without prices is bundled with pricing null', () => {
    const dir = fakeModelsDev({
      'providers/openai/models/no-cost.toml': `name = "No cost"\n[limit]\ncontext = 1000\noutput = 100\n`,
      'providers/openai/models/no-cache.toml': `name = "No cache"\n[cost]\ninput = 1\noutput = 2\n`,
      'providers/openai/models/free.toml': `name = "Free"\n[cost]\ninput = 0\noutput = 0\n`,
    });
    const result = buildCatalog(openSource(dir), [], providers);
    expect(byId(result.models, 'openai/no-cost')).toMatchObject({ pricing: null, pricingTiers: [] });
    expect(byId(result.models, 'openai/no-cache')?.pricing).toEqual({ input: 1, output: 2, cacheRead: null, cacheWrite: null });
    expect(byId(result.models, 'openai/free')?.pricing).toEqual({ input: 0, output: 0, cacheRead: null, cacheWrite: null });
  });

  it('reads non-standard price fields or reports them, never dropping one silently', () => {
    const dir = fakeModelsDev({
      'providers/togetherai/models/Qwen/Q.toml': `name = "Q"\n[cost]\ninput = 0.6\noutput = 3.6\ncached_input = 0.35\n`,
      'providers/openai/models/audio.toml': `name = "Audio"\n[cost]\ninput = 2.5\noutput = 10\ninput_audio = 40\nreasoning = 10\n`,
      'providers/openai/models/deep.toml': `name = "Deep"\nreasoning = true\n[cost]\ninput = 2\noutput = 8\nreasoning = 3\ncache_write_1h = 6\n`,
      'providers/openai/models/fast.toml': `name = "Fast"\n[cost]\ninput = 5\noutput = 25\n[experimental.modes.fast.cost]\ninput = 30\noutput = 150\n`,
      'providers/openai/models/tiered.toml': `name = "Tiered"\n[cost]\ninput = 1\noutput = 2\n[[cost.tiers]]\ntier = { type = "requests", size = 5 }\ninput = 9\noutput = 9\n`,
    });
    const result = buildCatalog(openSource(dir), [], providers);
    const problems = result.problems.join('\n');
    // A known misspelling is read as the field it means, and reported.
    expect(byId(result.models, 'together/Qwen/Q')?.pricing).toEqual({ input: 0.6, output: 3.6, cacheRead: 0.35, cacheWrite: null });
    expect(problems).toMatch(/togetherai\/models\/Qwen\/Q\.toml: non-standard price field "cached_input" read as cache_read/);
    // Prices Switchboard does not bill by are kept (and a reasoning price equal to the output price needs nothing).
    expect(byId(result.models, 'openai/audio')?.otherPrices).toEqual({ input_audio: 40 });
    expect(byId(result.models, 'openai/deep')?.otherPrices).toEqual({ reasoning: 3, cache_write_1h: 6 });
    expect(problems).toMatch(/deep\.toml: reasoning tokens priced 3, Switchboard bills them at the output price 8/);
    expect(problems).toMatch(/deep\.toml: unknown price field "cache_write_1h" \(6\)/);
    expect(byId(result.models, 'openai/fast')?.otherPrices).toEqual({ 'fast.input': 30, 'fast.output': 150 });
    // A tier that is not about prompt length is not applied, and said so.
    expect(byId(result.models, 'openai/tiered')?.pricingTiers).toEqual([]);
    expect(problems).toMatch(/tiered\.toml: a cost tier that is not a positive context size was skipped/);
    expect(otherPriceFields(result.models)).toEqual([
      { field: 'cache_write_1h', models: 1 },
      { field: 'fast.input', models: 1 },
      { field: 'fast.output', models: 1 },
      { field: 'input_audio', models: 1 },
      { field: 'reasoning', models: 1 },
    ]);
  });

  it('leaves out models that cannot chat, naming them in the source record', () => {
    const dir = fakeModelsDev({
      'providers/openai/models/text-embedding-3-small.toml': `name = "Embedding"\n[cost]\ninput = 0.02\noutput = 0\n[modalities]\ninput = ["text"]\noutput = ["text"]\n`,
      'providers/google/models/speech-preview.toml': `name = "Speech"\n[cost]\ninput = 0.5\noutput = 10\n[modalities]\ninput = ["text"]\noutput = ["audio"]\n`,
      'providers/openai/models/chat.toml': `name = "Chat"\n[cost]\ninput = 1\noutput = 2\n[modalities]\ninput = ["text", "image"]\noutput = ["text", "image"]\n`,
    });
    const result = buildCatalog(openSource(dir), [], providers);
    expect(result.models.map((m) => m.id)).toEqual(['chat']);
    expect(result.source.notChat).toEqual(['gemini/speech-preview', 'openai/text-embedding-3-small']);
  });

  it('reads a git snapshot (work tree or bare git dir) with its commit and date, multi-byte text included', () => {
    const dir = fakeModelsDev({
      'providers/openai/models/é.toml': `name = "Modèle à accents — ünïcode"\n[cost]\ninput = 1\noutput = 2\n`,
      'providers/openai/models/z.toml': `name = "Zed"\n[cost]\ninput = 3\noutput = 4\n`,
    });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-07-01T12:00:00Z', GIT_COMMITTER_DATE: '2026-07-01T12:00:00Z' } });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'snapshot');
    const commit = git('rev-parse', 'HEAD').trim();
    for (const source of [openSource(dir), openSource(join(dir, '.git'))]) {
      const result = buildCatalog(source, [], providers);
      expect(result.source).toMatchObject({ commit, checkedAt: '2026-07-01' });
      expect(result.models.map((m) => [m.id, m.name, m.pricing?.input])).toEqual([
        ['z', 'Zed', 3],
        ['é', 'Modèle à accents — ünïcode', 1],
      ]);
    }
  });

  it('flags implausible prices in the source instead of shipping them silently', () => {
    const dir = fakeModelsDev({ 'providers/openai/models/bad.toml': `name = "Bad"\n[cost]\ninput = 0.0000025\noutput = 10\n` });
    const result = buildCatalog(openSource(dir), [{ provider: 'openai', id: 'bad' }], providers);
    expect(result.problems.join('\n')).toMatch(/input price .*per token/);
  });

  it('renders deterministic TypeScript: the same source gives the same file', () => {
    const dir = fakeModelsDev({ 'providers/openai/models/a.toml': `name = "A"\n[cost]\ninput = 1\noutput = 2\n` });
    const one = renderGenerated(buildCatalog(openSource(dir), [{ provider: 'openai', id: 'a' }], providers));
    const two = renderGenerated(buildCatalog(openSource(dir), [{ provider: 'openai', id: 'a' }], providers));
    expect(one).toBe(two);
    expect(one).toContain('GENERATED by scripts/generate-catalog.ts');
    expect(one).toContain('"sourcePath":"providers/openai/models/a.toml"');
  });
});
