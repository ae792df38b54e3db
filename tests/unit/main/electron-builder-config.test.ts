import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(root, 'package.json'));

// The same loader and offline schema validator `electron-builder` runs before packaging.
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

let config: Record<string, any>;
beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null);
});

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is checked for real: the validator rejects an unknown option', async () => {
    await expect(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false))).rejects.toThrow(/configuration/i);
  });

  // Checklist item 8.
  it('burns the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the bundles into an asar without rebuilding the N-API libsql binding', () => {
    expect(config.appId).toBe('dev.switchboard.app');
    expect(config.productName).toBe('Switchboard');
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.directories).toEqual({ buildResources: 'build', output: 'dist' });
    // getConfig normalises `files` to [{ filter: [...] }].
    const files = (config.files as Array<{ filter: string[] }>).flatMap((f) => f.filter);
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json', '!out/**/*.map']));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/main.cjs');
  });

  it('targets AppImage and deb, dmg with a hardened runtime, and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.linux.maintainer).toMatch(/<.+@.+>/);
    expect(config.mac.target).toBe('dmg');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.category).toBe('public.app-category.developer-tools');
    expect(config.win.target).toBe('nsis');
  });

  it('has a 1024x1024 PNG icon', () => {
    const icon = join(root, 'build', 'icon.png');
    expect(existsSync(icon)).toBe(true);
    const png = readFileSync(icon);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1024);
    expect(png.readUInt32BE(20)).toBe(1024);
  });
});

// package.json overrides @electron/rebuild 4 (Node 22.12+ only) with 3.7, whose rebuild() has the
// same options and lifecycle events; app-builder-lib imports it from a helper process.
describe('the @electron/rebuild electron-builder runs', () => {
  const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
  const helperDir = join(dirname(builderRequire.resolve('app-builder-lib/package.json')), 'helpers');

  it('is a version that accepts this Node and has the API app-builder-lib calls', async () => {
    const rebuildPkg = JSON.parse(readFileSync(builderRequire.resolve('@electron/rebuild/package.json'), 'utf8')) as { version: string; engines: { node: string } };
    expect(rebuildPkg.version).toMatch(/^3\./);
    const { dynamicImportMaybe } = createRequire(join(helperDir, 'x.js'))('./dynamic-import') as { dynamicImportMaybe(name: string): Promise<any> };
    const { rebuild } = await dynamicImportMaybe('@electron/rebuild');
    const dir = mkdtempSync(join(tmpdir(), 'sb-rebuild-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0', dependencies: {} }));
      // The options app-builder-lib's util/yarn.js passes; with no native module nothing is fetched.
      const run = rebuild({ buildPath: dir, electronVersion: '45.6.1', arch: 'x64', platform: 'linux', mode: 'sequential', disablePreGypCopy: true, projectRootPath: dir, buildFromSource: false });
      expect(typeof run.lifecycle.on).toBe('function');
      await expect(run).resolves.toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
