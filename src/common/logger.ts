/**
 * A small structured logger: one JSON line per event on stderr. Secrets and personal values are never
 * passed to it, and as a second line of defence it redacts what looks like one: fields named like a
 * secret, KAM Hub credentials (`kam_…` API keys, `kamt_…` login tokens) and passwords in URLs.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_FIELD = /pass(word)?|secret|token|authorization|cookie|api.?key|data.?keys?|credential/i;
const CREDENTIAL = /\b(kamt?_)[A-Za-z0-9_\-.]{8,}/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]+@/gi;

/** `text` with credentials and URL passwords replaced. */
export function redactText(text: string): string {
  return text.replace(CREDENTIAL, '$1[redacted]').replace(URL_PASSWORD, '$1***@');
}

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) && v != null ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function createLogger(level: Level, sink: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const log = (l: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[l] < ORDER[level]) return;
    const entry: Record<string, unknown> = { t: new Date().toISOString(), level: l, msg: redactText(msg) };
    for (const [k, v] of Object.entries(fields)) entry[k] = SECRET_FIELD.test(k) && v != null ? '[redacted]' : redact(v);
    sink(JSON.stringify(entry));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
