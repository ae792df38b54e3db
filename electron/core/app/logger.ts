import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivateDir } from '../fs/private-dir.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Every later line has this value replaced; the vault registers each secret it holds. */
  redact(secret: string): void;
}

// Shapes of real provider keys; a second line of defence behind the registered secrets.
const KEY_SHAPES = [
  /sk-[A-Za-z0-9_-]{12,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  /gsk_[A-Za-z0-9]{12,}/g,
  /xai-[A-Za-z0-9_-]{12,}/g,
  /tgp_v1_[A-Za-z0-9_-]{12,}/g,
  /(authorization|x-api-key|x-goog-api-key|api-key)(["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi,
];

export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('[redacted]');
  for (const re of KEY_SHAPES) {
    out = out.replace(re, (match, ...groups) => {
      if (typeof groups[0] === 'string' && /^(authorization|x-api-key|x-goog-api-key|api-key)$/i.test(groups[0])) {
        return `${groups[0]}${groups[1] as string}[redacted]`;
      }
      return match.length > 8 ? `${match.slice(0, 3)}…[redacted]` : '[redacted]';
    });
  }
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Also append JSON lines here. */
  file?: string;
  /** Where human-readable lines go; defaults to stderr. */
  write?: (line: string) => void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = new Set<string>();
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  // The log folder (and the data folder above it, when the logger is made first) is private: 0700.
  if (options.file) makePrivateDir(dirname(options.file));

  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const safeFields = fields ? redactText(safeJson(fields), secrets) : '';
    const safeMsg = redactText(msg, secrets);
    write(`${level.toUpperCase().padEnd(5)} ${safeMsg}${safeFields && safeFields !== '{}' ? ' ' + safeFields : ''}`);
    if (options.file) {
      try {
        appendFileSync(options.file, `${JSON.stringify({ t: new Date().toISOString(), level, msg: safeMsg, fields: safeFields || undefined })}\n`, { mode: 0o600 });
      } catch {
        // A full disk must not take the app down with it; the console line was still written.
      }
    }
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    redact: (s) => {
      if (s && s.length >= 6) secrets.add(s);
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  } catch {
    return '"[unserialisable]"';
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, redact() {} };
