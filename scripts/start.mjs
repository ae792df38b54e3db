#!/usr/bin/env node
// `npm start`: build what is stale, then run the desktop app. Without the Electron runtime (it
// cannot be downloaded everywhere) the same app is served to a local browser by the web host.
//
//   npm start [-- --port <p>] [--data-dir <dir>] [--passphrase-file <file>] [--dry-run] [electron switches...]
//
// --port, --data-dir and --passphrase-file apply to the web host; anything else is handed to
// Electron (e.g. --password-store=gnome-libsecret). --dry-run prints the plan as JSON and exits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * The Electron executable, or null when the runtime was not downloaded: the electron package
 * exports the binary's path, and throws when its install step was skipped.
 */
function electronExecutable() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
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
  const electron = electronExecutable();
  const dataDir = resolve(options.dataDir ?? defaultDataDir());

  if (electron) {
    if (options.dryRun) {
      process.stdout.write(`${JSON.stringify({ mode: 'electron', executable: electron, args: [root, ...options.electronArgs] })}\n`);
      return;
    }
    buildStale([]);
    runElectron(electron, options.electronArgs);
    return;
  }

  const port = options.port ?? (await firstFreePort(DEFAULT_PORT));
  if (options.dryRun) {
    process.stdout.write(`${JSON.stringify({ mode: 'web', port, dataDir, passphraseFile: options.passphraseFile ?? null })}\n`);
    return;
  }
  process.stdout.write(
    'The Electron runtime is missing (get it with `npm install` on a network, or `node node_modules/electron/install.js`); ' +
      `serving the same app at http://127.0.0.1:${port}/ instead.\n`,
  );
  buildStale(['--renderer']);
  runWebHost(port, dataDir, options.passphraseFile);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
