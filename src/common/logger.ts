/**
 * Structured logs: pino, one JSON line per event on one stream (`kam serve` writes to stdout, where
 * a container runtime or journald collects it; the other commands to stderr, as their stdout is data).
 * Every line has `level` (a name: `info`, `warn`…), `time` (ISO 8601, UTC) and `msg`.
 *
 * Secrets and personal values are never passed to it, and as a second line of defence it redacts what
 * looks like one: fields named like a secret, KAM Hub credentials (`kam_…` API keys, `kamt_…` login
 * tokens) and passwords in URLs.
 */
import pino from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

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

/** Where the lines go: a standard stream, or a function that receives each line (tests). */
export type LogSink = 'stdout' | 'stderr' | ((line: string) => void);

/** A closed pipe (`kam serve | head`) ends the log quietly, like the CLI's own output. */
function ignoreClosedPipe(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
}

function destination(sink: LogSink): pino.DestinationStream {
  if (typeof sink === 'function') return { write: (line: string) => sink(line.replace(/\n$/, '')) };
  // Synchronous writes: a line logged just before the process exits is not lost.
  const stream = pino.destination({ fd: sink === 'stdout' ? 1 : 2, sync: true });
  stream.on('error', ignoreClosedPipe);
  return stream;
}

export function createLogger(level: Level, sink: LogSink = 'stderr'): Logger {
  const log = pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
    },
    destination(sink),
  );
  const at = (l: Level) => (msg: string, fields: Record<string, unknown> = {}) => log[l](fields, redactText(msg));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
