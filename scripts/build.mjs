#!/usr/bin/env node
// Builds what Switchboard runs from out/:
//   renderer  renderer/vite.config.ts      -> out/renderer/        (Vite)
//   electron  electron/main/main.ts        -> out/main/main.cjs    (esbuild, Node CJS)
//             electron/preload/preload.ts  -> out/preload/preload.cjs (esbuild, one file)
//   admin     renderer/admin/vite.config.ts -> out/team-admin/      (Vite; the team server's admin page)
// Flags: --renderer, --electron, --admin (default: all), --force (rebuild even when up to date).
// A part is skipped when its stamp is newer than every input it reads.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out');

// Native modules and their optional helpers: loaded from node_modules at run time, never bundled.
const MAIN_EXTERNALS = ['electron', 'libsql', '@libsql/*', '@neon-rs/load', 'detect-libc', 'bufferutil', 'utf-8-validate'];

const COMMON_INPUTS = ['shared', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'tsconfig.base.json'];

const PARTS = {
  renderer: {
    inputs: [...COMMON_INPUTS, 'renderer', 'tsconfig.web.json'],
    outputs: ['out/renderer/index.html'],
    run: buildRenderer,
  },
  electron: {
    inputs: [...COMMON_INPUTS, 'electron/main', 'electron/preload', 'electron/core', 'tsconfig.node.json'],
    outputs: ['out/main/main.cjs', 'out/preload/preload.cjs'],
    run: buildElectron,
  },
  admin: {
    // The admin page is built from the renderer's own components and styles.
    inputs: [...COMMON_INPUTS, 'renderer', 'tsconfig.web.json'],
    outputs: ['out/team-admin/index.html'],
    run: buildAdmin,
  },
};

const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', '.git']);

function log(line) {
  process.stderr.write(`build: ${line}\n`);
}

/** Newest modification time under the given paths (files or folders), 0 when none exist. */
function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    let info;
    try {
      info = statSync(path);
    } catch {
      return;
    }
    if (info.isDirectory()) {
      for (const entry of readdirSync(path)) if (!SKIP_DIRS.has(entry)) visit(join(path, entry));
    } else {
      newest = Math.max(newest, info.mtimeMs);
    }
  };
  for (const p of paths) visit(join(root, p));
  return newest;
}

function stampPath(name) {
  return join(outDir, `.built-${name}`);
}

function isFresh(name, part) {
  const stamp = stampPath(name);
  if (!existsSync(stamp)) return false;
  if (part.outputs.some((o) => !existsSync(join(root, o)))) return false;
  return statSync(stamp).mtimeMs > newestMtime(part.inputs);
}

function writeStamp(name) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(stampPath(name), `${new Date().toISOString()}\n`);
}

async function buildRenderer() {
  const configFile = join(root, 'renderer', 'vite.config.ts');
  if (!existsSync(configFile)) {
    log('renderer/vite.config.ts is not there yet; skipping the renderer');
    return false;
  }
  const { build } = await import('vite');
  await build({
    configFile,
    mode: 'production',
    logLevel: 'warn',
    // Pinned here as well as in the config: the app:// protocol and the web host serve this folder.
    build: { outDir: join(outDir, 'renderer'), emptyOutDir: true },
  });
  return true;
}

/**
 * Built beside its final folder and swapped in with renames: several team server processes starting
 * at once each run this build, and none may serve a folder another one is emptying.
 */
async function buildAdmin() {
  const configFile = join(root, 'renderer', 'admin', 'vite.config.ts');
  const final = join(outDir, 'team-admin');
  const fresh = join(outDir, `.team-admin-${process.pid}`);
  const old = join(outDir, `.team-admin-old-${process.pid}`);
  const { build } = await import('vite');
  await build({ configFile, mode: 'production', logLevel: 'warn', build: { outDir: fresh, emptyOutDir: true } });
  if (existsSync(final)) renameSync(final, old);
  try {
    renameSync(fresh, final);
  } catch {
    // Another build won the swap; its output is as good as ours.
    rmSync(fresh, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return true;
}

async function buildElectron() {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    metafile: true,
    write: false,
    legalComments: 'none',
    absWorkingDir: root,
  };

  await writeAtomically(await esbuild.build({
    ...common,
    entryPoints: ['electron/main/main.ts'],
    outfile: 'out/main/main.cjs',
    external: MAIN_EXTERNALS,
    // Modules written as ESM may read import.meta.url; in the CJS bundle it becomes this file's URL.
    define: { 'import.meta.url': '__sb_import_meta_url' },
    banner: { js: "const __sb_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  }));

  const preload = await esbuild.build({
    ...common,
    // The preload runs in Chromium's renderer; the sandbox gives it only `electron` to require.
    platform: 'browser',
    target: 'chrome120',
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'out/preload/preload.cjs',
    external: ['electron'],
    plugins: [await methodNamesPlugin()],
  });
  checkPreloadImports(preload.metafile);
  await writeAtomically(preload);
  return true;
}

/**
 * Each output is written beside its final name and renamed into place, so a running app, a test
 * reading the bundle or a second build started at the same time never sees half a file.
 */
async function writeAtomically(result) {
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

/**
 * METHOD_NAMES is `Object.keys(contract)`, and the contract is built from zod schemas, so a plain
 * bundle of the preload would carry all of zod (about 750 kB) for a list of strings. The list is
 * computed here from the real contract and handed to the preload bundle as a tiny module.
 */
async function methodNamesPlugin() {
  const { tsImport } = await import('tsx/esm/api');
  const methodsFile = join(root, 'shared', 'contract', 'methods.ts');
  const { METHOD_NAMES } = await tsImport(pathToFileURL(methodsFile).href, import.meta.url);
  if (!Array.isArray(METHOD_NAMES) || METHOD_NAMES.length === 0) throw new Error('shared/contract/methods.ts exports no METHOD_NAMES');
  return {
    name: 'switchboard-method-names',
    setup(build) {
      build.onResolve({ filter: /contract\/methods\.js$/ }, (args) => {
        const resolved = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        return resolved === methodsFile ? { path: 'shared/contract/methods.ts', namespace: 'sb-method-names' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'sb-method-names' }, () => ({
        contents: `export const METHOD_NAMES = ${JSON.stringify(METHOD_NAMES)};\n`,
        loader: 'js',
      }));
    },
  };
}

function checkPreloadImports(metafile) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.cjs')) continue;
    const other = output.imports.filter((i) => i.path !== 'electron');
    if (other.length > 0) {
      throw new Error(`the sandboxed preload may require only "electron", but ${file} requires ${other.map((i) => i.path).join(', ')}`);
    }
  }
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { renderer: { type: 'boolean' }, electron: { type: 'boolean' }, admin: { type: 'boolean' }, force: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    log(`${err.message}\nusage: node scripts/build.mjs [--renderer] [--electron] [--admin] [--force]`);
    process.exit(2);
  }
  const chosen = Object.keys(PARTS).filter((name) => values[name]);
  const names = chosen.length > 0 ? chosen : Object.keys(PARTS);

  // One part failing does not stop the other: a broken renderer should not block main-process work.
  const failed = [];
  for (const name of names) {
    const part = PARTS[name];
    if (!values.force && isFresh(name, part)) {
      log(`${name} is up to date`);
      continue;
    }
    const started = Date.now();
    try {
      if (await part.run()) {
        writeStamp(name);
        log(`${name} built in ${Date.now() - started} ms (${part.outputs.join(', ')})`);
      }
    } catch (err) {
      log(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      failed.push(name);
    }
  }
  if (failed.length > 0) process.exit(1);
}

main().catch((err) => {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
