// The Electron runtime (the ~100 MB binary), found and fetched for `npm start`.
//
// `npm install` never downloads it: Electron 42+ has no install script (and package.json's
// allowScripts leaves one unapproved should it return), so an install without internet cannot fail
// on it. `npm start` fetches it on first use with electron's own install step (install.js), and
// falls back to the web version when that fails.
// require('electron') is not used to find it: since Electron 42 that call itself downloads the
// runtime, with no time limit and a stack trace when it fails.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Long enough for a slow download of the runtime; an offline machine fails within seconds. */
export const FETCH_TIMEOUT_MS = 10 * 60 * 1000;
const OUTPUT_LIMIT = 64 * 1024;

/** The installed electron package's folder, or null when it is not installed at all. */
export function electronPackageDir(root) {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The executable's path inside the runtime folder, as electron/install.js names it. */
function executableName(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * The runtime's executable, or null when it was not downloaded: what electron/index.js answers,
 * without its download side effect (ELECTRON_OVERRIDE_DIST_PATH, then path.txt + dist/).
 */
export function findRuntime(electronDir, { env = process.env, platform = process.platform } = {}) {
  if (!electronDir) return null;
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || executableName(platform));
    return existsSync(overridden) ? overridden : null;
  }
  if (!relative) return null;
  const executable = join(electronDir, 'dist', relative);
  return existsSync(executable) ? executable : null;
}

/**
 * Why the runtime could not run here, or null. A Linux session without a display (SSH, a server,
 * a container) cannot open a window, so the runtime is neither fetched nor started there.
 */
export function noDisplayReason({ env = process.env, platform = process.platform } = {}) {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return null;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? null : 'no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set)';
}

/**
 * Runs electron's own install step (downloads into node_modules/electron/dist, checked against the
 * checksums the package ships). Resolves { ok: true } or { ok: false, reason } with a short reason;
 * never rejects. Its output is kept, not shown: a failure is summed up in one line by the caller.
 */
export function fetchRuntime(electronDir, { env = process.env, timeoutMs = FETCH_TIMEOUT_MS } = {}) {
  return new Promise((resolveFetch) => {
    let output = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolveFetch({ ok: false, reason: err instanceof Error ? err.message : String(err) });
      return;
    }
    const keep = (chunk) => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolveFetch({ ok: false, reason: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) resolveFetch({ ok: false, reason: `no complete download within ${Math.round(timeoutMs / 1000)} s` });
      else if (code === 0) resolveFetch({ ok: true });
      else resolveFetch({ ok: false, reason: downloadFailure(output) });
    });
  });
}

/** One short phrase for what electron's install step printed when it failed. */
export function downloadFailure(output) {
  const dns = /getaddrinfo (ENOTFOUND|EAI_AGAIN) (\S+)/.exec(output);
  if (dns) return `cannot resolve ${dns[2]}`;
  const net = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)\b/.exec(output);
  if (net) return `network error ${net[1]}`;
  const http = /HTTP(?:Error)?[^\n]*?\b([45]\d\d)\b/.exec(output) ?? /status(?: code)?:? ([45]\d\d)\b/i.exec(output);
  if (http) return `the download server answered HTTP ${http[1]}`;
  if (/checksum|sha256/i.test(output)) return 'the download did not match its checksum';
  const first = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /error/i.test(l) && !l.startsWith('at '));
  return first ? first.replace(/^[A-Za-z]*Error:\s*/, '').slice(0, 120) : 'the download failed';
}
