#!/usr/bin/env node
// `npm start`: build what is stale, then run the desktop app. The Electron runtime is fetched on
// first use (npm install never downloads it); where it cannot be downloaded, or cannot open a
// window, one line says so and the same app is served to a local browser by the web host.
//
//   npm start [-- --port <p>] [--data-dir <dir>] [--passphrase-file <file>] [--dry-run] [electron switches...]
//
// --port, --data-dir and --passphrase-file apply to the web host; anything else is handed to
// Electron (e.g. --password-store=gnome-libsecret). --dry-run prints the plan as JSON and exits
// (after fetching the runtime if it is missing, as a real start would; its lines go to stderr).
import { spawn, spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronPackageDir, fetchRuntime, findRuntime, noDisplayReason } from './electron-runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 5178;
const PORT_ATTEMPTS = 50;
const APP_DIR_NAME = 'Switchboard';

function fail(message) {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(2);
}

/** Start's own options; everything else is kept, in order, for Electron. */
function parseStartArgs(argv) {
  const options = { port: undefined, dataDir: undefined, passphraseFile: undefined, dryRun: false, electronArgs: [] };
  const valueOf = (arg, i, name) => {
    if (arg.startsWith(`${name}=`)) return [arg.slice(name.length + 1), i];
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) fail(`${name} needs a value`);
    return [next, i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.split('=')[0];
    if (name === '--port') [options.port, i] = valueOf(arg, i, name);
    else if (name === '--data-dir') [options.dataDir, i] = valueOf(arg, i, name);
    else if (name === '--passphrase-file') [options.passphraseFile, i] = valueOf(arg, i, name);
    else if (arg === '--dry-run') options.dryRun = true;
    else options.electronArgs.push(arg);
  }
  if (options.port !== undefined) {
    const n = Number(options.port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`--port must be a number from 1 to 65535, not "${options.port}"`);
    options.port = n;
  }
  return options;
}

/** The folder Electron uses as userData for an app named Switchboard. */
function defaultDataDir(platform = process.platform, env = process.env, home = homedir()) {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME);
}

/** Where the runtime download goes when no mirror is set (as @electron/get decides). */
function downloadHost(env = process.env) {
  try {
    return new URL(env.ELECTRON_MIRROR || env.npm_config_electron_mirror || 'https://github.com/').hostname;
  } catch {
    return 'github.com';
  }
}

/** A clearer cause than "fetch failed" when the machine cannot even resolve the download host. */
async function explainFailure(reason) {
  if (!/fetch failed|download failed/.test(reason)) return reason;
  const host = downloadHost();
  const resolved = await Promise.race([lookup(host).then(() => true, () => false), new Promise((r) => setTimeout(() => r(null), 3000).unref())]);
  return resolved === false ? `cannot resolve ${host}; no internet access?` : `${reason} from ${host}`;
}

/**
 * The Electron executable to run, fetching the runtime on first use; or why the web version is
 * used instead. `say` shows progress (a slow download announces itself after two seconds).
 */
async function electronRuntime(say) {
  const display = noDisplayReason();
  if (display) return { reason: display };
  const dir = electronPackageDir(root);
  if (!dir) return { reason: 'the electron package is not installed (run npm install)' };
  const found = findRuntime(dir);
  if (found) return { executable: found };
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { reason: 'the Electron runtime is not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' };
  const slow = setTimeout(() => say('Downloading the Electron runtime (about 100 MB, first start only)...'), 2000);
  const fetched = await fetchRuntime(dir);
  clearTimeout(slow);
  const executable = fetched.ok ? findRuntime(dir) : null;
  if (executable) return { executable };
  return { reason: `the Electron runtime could not be downloaded (${await explainFailure(fetched.ok ? 'the download held no executable' : fetched.reason)})` };
}

function portIsFree(port) {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePort(true)));
  });
}

async function firstFreePort(start) {
  for (let port = start; port < start + PORT_ATTEMPTS && port <= 65535; port++) {
    if (await portIsFree(port)) return port;
  }
  fail(`no free port between ${start} and ${start + PORT_ATTEMPTS - 1}; pass --port <p>`);
}

function buildStale(parts) {
  // Build logs go to stderr so stdout carries only the lines a user or script reads.
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...parts], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) fail('the build failed (see above)');
}

/** Passes Ctrl-C and termination on, then leaves with the child's status. */
function supervise(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
  child.on('error', (err) => fail(`could not start ${child.spawnfile}: ${err.message}`));
}

function runElectron(executable, electronArgs) {
  const env = { ...process.env };
  // Set by some shells and tools; it would make the binary behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  supervise(spawn(executable, [root, ...electronArgs], { cwd: root, stdio: 'inherit', env }));
}

function runWebHost(port, dataDir, passphraseFile) {
  const args = ['--import', 'tsx', join(root, 'electron', 'host', 'cli.ts'), '--port', String(port), '--data-dir', dataDir];
  if (passphraseFile) args.push('--passphrase-file', resolve(passphraseFile));
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  supervise(child);

  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text) => {
    process.stdout.write(text);
    pending += text;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) announce(match[1], dataDir);
    }
  });
}

/** The renderer reads the token from the fragment, which browsers never send to a server. */
function announce(baseUrl, dataDir) {
  let token = '';
  try {
    token = readFileSync(join(dataDir, 'host-token'), 'utf8').trim();
  } catch {
    // Without the token the page asks for it; the host still works.
  }
  process.stdout.write(token ? `open ${baseUrl}/#token=${token}\n` : `open ${baseUrl}/ (token file missing in ${dataDir})\n`);
}

async function main() {
  const options = parseStartArgs(process.argv.slice(2));
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  // In a dry run stdout carries only the JSON plan.
  const say = (line) => (options.dryRun ? process.stderr : process.stdout).write(`${line}\n`);
  const runtime = await electronRuntime(say);

  if (runtime.executable) {
    if (options.dryRun) {
      process.stdout.write(`${JSON.stringify({ mode: 'electron', executable: runtime.executable, args: [root, ...options.electronArgs] })}\n`);
      return;
    }
    buildStale([]);
    runElectron(runtime.executable, options.electronArgs);
    return;
  }

  const port = options.port ?? (await firstFreePort(DEFAULT_PORT));
  say(
    `Desktop window unavailable: ${runtime.reason}. Serving the same app at http://127.0.0.1:${port}/ instead ` +
      '(README, Troubleshooting: "Electron runtime").',
  );
  if (options.dryRun) {
    process.stdout.write(`${JSON.stringify({ mode: 'web', port, dataDir, passphraseFile: options.passphraseFile ?? null })}\n`);
    return;
  }
  buildStale(['--renderer']);
  runWebHost(port, dataDir, options.passphraseFile);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
