/**
 * The one place that reads `process.env`. Everything else receives a typed, validated {@link Config}.
 * Each variable is declared once in {@link CONFIG_VARIABLES}; the README's configuration table is
 * generated from the same list (`kam config --markdown`).
 */
import net from 'node:net';
import path from 'node:path';
import { distance as leven } from 'fastest-levenshtein';
import { DEVELOPMENT_KEY, parseDataKeys } from './common/field-crypto';
import { isValidTimeZone } from './common/dates';
import { say } from './common/messages';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string; url: string }
  | { kind: 'mysql'; url: string; host: string; port: number; user: string; password: string; database: string };

export type MysqlDatabaseConfig = Extract<DatabaseConfig, { kind: 'mysql' }>;

export type Environment = 'development' | 'production' | 'test';

export interface Config {
  env: Environment;
  database: DatabaseConfig;
  /** Read replicas of a MySQL primary: GraphQL queries and downloads read from them (src/db/replicas.ts). */
  databaseReplicas: MysqlDatabaseConfig[];
  /** A replica further behind than this gets no reads; a caller who wrote reads from the primary about this long. */
  replicaMaxLagSeconds: number;
  port: number;
  host: string;
  /** Secret that signs login tokens; generated per process in development when unset. */
  tokenSecret: string | undefined;
  tokenTtlSeconds: number;
  maxPageSize: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  /** Seconds a GraphQL query may run; past it the request answers QUERY_TIMEOUT and its statements are stopped. */
  queryTimeLimitSeconds: number;
  /** Requests one caller (API key, login, or address when anonymous) may have running at once. */
  maxConcurrentRequests: number;
  /** Aggregates and other heavy reads running at once across all callers (SQLite: read worker threads). */
  heavyQueryConcurrency: number;
  importMaxBytes: number;
  /** An import that runs longer stops with TIME_LIMIT and writes nothing. */
  importTimeLimitSeconds: number;
  importPreviewHours: number;
  /** KAM_IMPORT_PARSE_WORKER */
  importParseWorker: 'auto' | 'on' | 'off';
  importUndoDays: number;
  importFileRetentionDays: number;
  /** Days a date that describes the past (visit, consent, payment, evaluation) may lie after today. */
  futureDateToleranceDays: number;
  /** The business calendar's IANA time zone: "today", months, due dates and every date a user reads. */
  timeZone: string;
  /** Day of the month (1–28) on which the server closes the previous month's report; 0 = never by itself. */
  reportCloseDay: number;
  /** 编制单位 and the names on the report's signature line (制表人 / 审核人 / 负责人). */
  reportCompany: string | undefined;
  reportPreparer: string | undefined;
  reportReviewer: string | undefined;
  reportPrincipal: string | undefined;
  /** LibreOffice's `soffice` for PDF conversion; found on PATH when unset. */
  sofficePath: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Language of the messages admins read (import reports, the CLI): zh (default) or en. Codes and logs stay English. */
  language: 'zh' | 'en';
  /** Field-encryption keys, `id:base64key` comma separated; the last one encrypts. */
  dataKeys: string | undefined;
  /** Express `trust proxy`: false (clients connect directly), a hop count, or the proxies' addresses. */
  trustProxy: TrustProxy;
  auditRetentionDays: number;
  /** Days tombstones (deleted records) are kept: an incremental refresh from longer ago must reload in full. */
  tombstoneRetentionDays: number;
  /** Bearer token a Prometheus scraper sends to `GET /metrics`; unset = the route is off. */
  metricsToken: string | undefined;
  /** MySQL server for the test suite and the migration generator (no database in the path). */
  testMysqlUrl: string | undefined;
  /** Browser origins allowed to call the API (CORS); empty = no cross-origin access. */
  corsOrigins: string[];
  /** Tests only (NODE_ENV=test): an import waits to be killed after writing this batch. */
  testImportPauseAtBatch: number | undefined;
  /** Development only: the workbook tests fail, instead of being skipped, when their readers are missing. */
  testRequireReaders: boolean;
  /** Development only: the console's browser tests fail, instead of being skipped, when Chromium is missing. */
  testRequireBrowser: boolean;
}

export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** One line per bad variable. */
  readonly problems: string[];

  constructor(message: string, problems: string[] = [message]) {
    super(message);
    this.problems = problems;
  }
}

interface Variable<K extends keyof Config> {
  name: string;
  key: K;
  default: string | undefined;
  description: string;
  parse(raw: string | undefined, env: Environment): Config[K];
}

function int(name: string, min: number, max: number) {
  return (raw: string | undefined): number => {
    if (raw === undefined || raw.trim() === '') throw new ConfigError(`${name} is required`);
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
    }
    return n;
  };
}

/** Seconds, fractions allowed (`0.5`). */
function seconds(name: string, min: number, max: number) {
  return (raw: string | undefined): number => {
    const n = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be a number of seconds between ${min} and ${max}, got "${raw}"`);
    }
    return n;
  };
}

function bytes(name: string) {
  return (raw: string | undefined): number => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$/i.exec(raw ?? '');
    if (!m) throw new ConfigError(`${name} must be a size such as 100MB, got "${raw}"`);
    const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
    return Math.floor(Number(m[1]) * unit);
  };
}

/** Parses `sqlite:<path>` or `mysql://user:pass@host:port/db`. */
export function parseDatabaseUrl(raw: string, name = 'KAM_DATABASE_URL'): DatabaseConfig {
  const value = raw.trim();
  if (value.startsWith('sqlite:')) {
    let file = value.slice('sqlite:'.length);
    if (file.startsWith('//')) file = file.slice(2);
    if (!file) throw new ConfigError(`${name} must name a file after "sqlite:", e.g. sqlite:data/kam.sqlite`);
    const resolved = file === ':memory:' ? file : path.resolve(file);
    return { kind: 'sqlite', path: resolved, url: `sqlite:${resolved}` };
  }
  if (/^(mysql|mariadb):\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value.replace(/^mariadb:/, 'mysql:'));
    } catch {
      throw new ConfigError(`${name} is not a valid URL: "${value}"`);
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (!database) throw new ConfigError(`${name} must name a database, e.g. mysql://root@127.0.0.1:3306/kam`);
    if (!/^[A-Za-z0-9_$]+$/.test(database)) throw new ConfigError(`${name}: database name "${database}" may only use letters, digits, _ and $`);
    const port = url.port ? Number(url.port) : 3306;
    return {
      kind: 'mysql',
      url: url.toString(),
      host: url.hostname || '127.0.0.1',
      port,
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password),
      database,
    };
  }
  throw new ConfigError(`${name} must start with sqlite: or mysql://, got "${value}"`);
}

function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (raw: string | undefined): T => {
    if (raw !== undefined && (values as readonly string[]).includes(raw)) return raw as T;
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  };
}

const optional = (raw: string | undefined) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim());

type AnyVariable = { [K in keyof Config]: Variable<K> }[keyof Config];

/** Every environment variable KAM Hub reads. */
export const CONFIG_VARIABLES: AnyVariable[] = [
  { name: 'NODE_ENV', key: 'env', default: 'development', description: '`development`, `production` or `test`.', parse: (r) => oneOf('NODE_ENV', ['development', 'production', 'test'] as const)(r) },
  { name: 'KAM_DATABASE_URL', key: 'database', default: 'sqlite:data/kam.sqlite', description: '`sqlite:<path>` (embedded; a relative path is relative to the folder `kam` runs in) or `mysql://user:pass@host:port/db` (MySQL 8 / MariaDB 10.6+).', parse: (r) => parseDatabaseUrl(r ?? '') },
  {
    name: 'KAM_DATABASE_REPLICA_URLS', key: 'databaseReplicas', default: undefined,
    description: 'Read replicas of the MySQL/MariaDB primary, `mysql://…` URLs comma separated. GraphQL queries and downloads (exports, reports) read from them; writes, logins, imports and a caller\'s reads shortly after its own writes go to the primary. A replica that lags, stops replicating or goes down gets no reads until it recovers (the user needs `REPLICATION CLIENT` / MariaDB `SLAVE MONITOR` to report its lag).',
    parse: (r) => {
      const urls = (optional(r) ?? '').split(',').map((x) => x.trim()).filter(Boolean);
      return urls.map((u, i) => {
        const db = parseDatabaseUrl(u, `KAM_DATABASE_REPLICA_URLS (#${i + 1})`);
        if (db.kind !== 'mysql') throw new ConfigError(`KAM_DATABASE_REPLICA_URLS (#${i + 1}) must be a mysql:// URL: replicas are for a MySQL/MariaDB primary`);
        return db;
      });
    },
  },
  {
    name: 'KAM_REPLICA_MAX_LAG_SECONDS', key: 'replicaMaxLagSeconds', default: '5',
    description: 'A read replica further behind the primary than this gets no reads until it catches up; after a write its caller reads from the primary for this long plus 4 seconds (read-your-own-writes).',
    parse: int('KAM_REPLICA_MAX_LAG_SECONDS', 0, 3600),
  },
  { name: 'KAM_PORT', key: 'port', default: '4000', description: 'HTTP port of `kam serve`.', parse: int('KAM_PORT', 0, 65535) },
  { name: 'KAM_HOST', key: 'host', default: '0.0.0.0', description: 'Interface to listen on.', parse: (r) => r?.trim() || '0.0.0.0' },
  {
    name: 'KAM_TOKEN_SECRET', key: 'tokenSecret', default: undefined,
    description: 'Secret (≥ 32 characters) that signs login tokens. Required in production; shared by all instances. Unset elsewhere: each process signs with a random key, so its tokens stop working when it restarts.',
    parse: (r, env) => {
      const v = optional(r);
      if (v !== undefined && v.length < 32) throw new ConfigError('KAM_TOKEN_SECRET must be at least 32 characters');
      if (v === undefined && env === 'production') throw new ConfigError('KAM_TOKEN_SECRET is required when NODE_ENV=production');
      if (v !== undefined && env === 'production' && isPlaceholderSecret(v)) {
        throw new ConfigError('KAM_TOKEN_SECRET looks like a placeholder (an example value or too few distinct characters); generate one, e.g. `openssl rand -base64 48`');
      }
      return v;
    },
  },
  { name: 'KAM_TOKEN_TTL', key: 'tokenTtlSeconds', default: '28800', description: 'Lifetime of a login token in seconds.', parse: int('KAM_TOKEN_TTL', 60, 30 * 86400) },
  { name: 'KAM_MAX_PAGE_SIZE', key: 'maxPageSize', default: '500', description: 'Largest `first` a connection accepts.', parse: int('KAM_MAX_PAGE_SIZE', 1, 100000) },
  { name: 'KAM_MAX_QUERY_DEPTH', key: 'maxQueryDepth', default: '10', description: 'Deepest GraphQL selection accepted.', parse: int('KAM_MAX_QUERY_DEPTH', 2, 100) },
  { name: 'KAM_MAX_QUERY_COST', key: 'maxQueryCost', default: '100000', description: 'Largest estimated GraphQL query cost accepted: rows asked for × fields, plus one unit per 25 rows an aggregate or a `totalCount` scans (priced from table sizes refreshed every minute).', parse: int('KAM_MAX_QUERY_COST', 1, 100000000) },
  {
    name: 'KAM_QUERY_TIME_LIMIT', key: 'queryTimeLimitSeconds', default: '10',
    description: 'Seconds a GraphQL query may run (fractions allowed). Past it the request answers `TIMEOUT` (reason `QUERY_TIMEOUT`) and its statements are stopped: MySQL `MAX_EXECUTION_TIME`, MariaDB `max_statement_time`, the SQLite read worker terminated. Mutations and downloads are not cut short.',
    parse: seconds('KAM_QUERY_TIME_LIMIT', 0.1, 3600),
  },
  {
    name: 'KAM_MAX_CONCURRENT_REQUESTS', key: 'maxConcurrentRequests', default: '8',
    description: 'Requests one caller — an API key, a login, or a client address without credentials — may have running at once (GraphQL, uploads, downloads); one more is refused with HTTP 429 `TOO_MANY_REQUESTS` and `Retry-After`.',
    parse: int('KAM_MAX_CONCURRENT_REQUESTS', 1, 10000),
  },
  {
    name: 'KAM_HEAVY_QUERY_CONCURRENCY', key: 'heavyQueryConcurrency', default: '2',
    description: 'Heavy reads — the aggregates (`accountStats`, `activityStats`, `projectStats`) and visit compliance, also inside the year-end review and the monthly report — running at once across all callers, served in turn per caller: on SQLite the read-only worker threads that run them off the event loop, on MySQL the pool connections (of 10) they may hold. Beyond it they wait, within their time budget.',
    parse: int('KAM_HEAVY_QUERY_CONCURRENCY', 1, 64),
  },
  { name: 'KAM_IMPORT_MAX_BYTES', key: 'importMaxBytes', default: '100MB', description: 'Largest uploaded or imported file.', parse: bytes('KAM_IMPORT_MAX_BYTES') },
  { name: 'KAM_IMPORT_TIME_LIMIT', key: 'importTimeLimitSeconds', default: '900', description: 'Seconds an import may run before it stops and writes nothing.', parse: int('KAM_IMPORT_TIME_LIMIT', 1, 86400) },
  {
    name: 'KAM_IMPORT_PARSE_WORKER',
    key: 'importParseWorker',
    default: 'auto',
    description: 'Read and check an imported file in a worker thread while the main thread writes: `on`, `off`, or `auto` (files of 1 MiB or more, on 2+ CPU cores with SQLite, 3+ with MySQL). Measured on 2 cores, 200,000 rows: into SQLite 14.2 s threaded against 17.4 s; into MySQL, whose server competes for the second core, 14.4 s against 13.3 s; about 30 MB more memory.',
    parse: (r) => oneOf('KAM_IMPORT_PARSE_WORKER', ['auto', 'on', 'off'] as const)(r),
  },
  { name: 'KAM_IMPORT_PREVIEW_HOURS', key: 'importPreviewHours', default: '24', description: 'Hours an uploaded import waits, previewed, for its confirmation; after that it expires (upload the file again).', parse: int('KAM_IMPORT_PREVIEW_HOURS', 1, 24 * 30) },
  { name: 'KAM_IMPORT_UNDO_DAYS', key: 'importUndoDays', default: '7', description: 'Days the user who ran an import may undo it (`undoImport`, `kam import undo`); an ADMIN may undo any import at any time.', parse: int('KAM_IMPORT_UNDO_DAYS', 0, 3650) },
  { name: 'KAM_IMPORT_FILE_RETENTION_DAYS', key: 'importFileRetentionDays', default: '30', description: 'Days the files kept with an import job (its upload, its errors workbook `errors.xlsx`) are stored after the job ends; then the daily prune deletes them. The job record stays (counts, issues, what it wrote: undo still works).', parse: int('KAM_IMPORT_FILE_RETENTION_DAYS', 1, 3650) },
  {
    name: 'KAM_FUTURE_DATE_TOLERANCE_DAYS', key: 'futureDateToleranceDays', default: '1',
    description: 'Days a date that describes the past (a visit, a consent, a payment, an evaluation, a decision taking effect) may lie after today before it is refused as `DATE_IN_FUTURE`, through every door.',
    parse: int('KAM_FUTURE_DATE_TOLERANCE_DAYS', 0, 366),
  },
  {
    name: 'KAM_TIMEZONE', key: 'timeZone', default: 'Asia/Shanghai',
    description: 'The business calendar\'s IANA time zone: it decides "today", the current month, the monthly report\'s 数据截至, due dates, the future-date check and every date a user reads of a point in time. Storage and logs stay UTC.',
    parse: (r) => {
      const v = optional(r) ?? 'Asia/Shanghai';
      if (!isValidTimeZone(v)) throw new ConfigError(`KAM_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "${r}"`);
      return v;
    },
  },
  {
    name: 'KAM_REPORT_CLOSE_DAY', key: 'reportCloseDay', default: '0',
    description: 'Day of the month (1–28, business calendar) from which the server closes the previous month\'s monthly report by itself (its figures frozen in a snapshot), exactly once across instances; `0` leaves closing to FINANCE/ADMIN (`closeReportMonth`).',
    parse: int('KAM_REPORT_CLOSE_DAY', 0, 28),
  },
  { name: 'KAM_REPORT_COMPANY', key: 'reportCompany', default: undefined, description: 'The monthly report\'s 编制单位 (the company name printed under the title); the top organisation unit\'s name when unset.', parse: (r) => optional(r) },
  { name: 'KAM_REPORT_PREPARER', key: 'reportPreparer', default: undefined, description: 'Name printed after 制表人 on the report\'s signature line; the person who downloads it when unset.', parse: (r) => optional(r) },
  { name: 'KAM_REPORT_REVIEWER', key: 'reportReviewer', default: undefined, description: 'Name printed after 审核人 on the signature line; blank (to sign by hand) when unset.', parse: (r) => optional(r) },
  { name: 'KAM_REPORT_PRINCIPAL', key: 'reportPrincipal', default: undefined, description: 'Name printed after 负责人 on the signature line; blank (to sign by hand) when unset.', parse: (r) => optional(r) },
  { name: 'KAM_SOFFICE', key: 'sofficePath', default: undefined, description: 'LibreOffice\'s `soffice` used to convert the monthly report to PDF; found on PATH when unset. Without it the PDF download answers 501.', parse: (r) => optional(r) },
  { name: 'KAM_LOG_LEVEL', key: 'logLevel', default: 'info', description: '`debug`, `info`, `warn` or `error`.', parse: (r) => oneOf('KAM_LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const)(r) },
  { name: 'KAM_LANG', key: 'language', default: 'zh', description: 'Language of the messages admins read in import reports and the CLI: `zh` (Chinese, default) or `en`. Stable codes and logs stay English.', parse: (r) => oneOf('KAM_LANG', ['zh', 'en'] as const)(r) },
  {
    name: 'KAM_DATA_KEYS', key: 'dataKeys', default: undefined,
    description: 'Field-encryption keys `id:base64(32 bytes)`, comma separated; the last one encrypts, all decrypt (`kam keys generate`). Required in production; development without it generates a key beside the database and says so.',
    parse: (r, env) => {
      const v = optional(r);
      if (v === undefined && env === 'production') throw new ConfigError('KAM_DATA_KEYS is required when NODE_ENV=production (kam keys generate prints a key line)');
      if (v !== undefined) {
        let keys: ReturnType<typeof parseDataKeys>;
        try {
          keys = parseDataKeys(v);
        } catch (e) {
          throw new ConfigError((e as Error).message);
        }
        if (env === 'production' && keys.some((k) => k.key.equals(DEVELOPMENT_KEY.key))) throw new ConfigError('KAM_DATA_KEYS holds the public development key, which production refuses');
        const weak = keys.find((k) => isWeakKey(k.key));
        if (weak) throw new ConfigError(`KAM_DATA_KEYS key "${weak.id}" is not random (too few distinct bytes, e.g. all zeros); kam keys generate makes one`);
      }
      return v;
    },
  },
  {
    name: 'KAM_TRUST_PROXY', key: 'trustProxy', default: undefined,
    description: 'The TLS-terminating proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed: their addresses or subnets (`loopback`, `10.0.0.0/8`, comma separated) or a hop count (`1`); `false` (or `none`) when clients connect directly. Required when NODE_ENV=production, where `true` (believe anyone) is refused.',
    parse: parseTrustProxy,
  },
  { name: 'KAM_TEST_MYSQL_URL', key: 'testMysqlUrl', default: undefined, description: 'Development only: MySQL server (e.g. `mysql://root@127.0.0.1:3306`) on which `npm test` also runs the MySQL suite, each test file in its own database.', parse: optional },
  { name: 'KAM_AUDIT_RETENTION_DAYS', key: 'auditRetentionDays', default: '1096', description: 'How long audit events are kept (default 3 years).', parse: int('KAM_AUDIT_RETENTION_DAYS', 1, 36500) },
  { name: 'KAM_TOMBSTONE_RETENTION_DAYS', key: 'tombstoneRetentionDays', default: '400', description: 'How long tombstones of deleted records are kept for incremental BI refreshes (default 400 days); a `changes` or feed `updatedSince` older than that is refused with CHANGES_EXPIRED (reload in full).', parse: int('KAM_TOMBSTONE_RETENTION_DAYS', 1, 36500) },
  {
    name: 'KAM_METRICS_TOKEN', key: 'metricsToken', default: undefined,
    description: 'Bearer token (≥ 24 characters) a Prometheus scraper sends to `GET /metrics` (`Authorization: Bearer …`); its own secret, not an API key. Unset = `/metrics` is off.',
    parse: (r, env) => {
      const v = optional(r);
      if (v !== undefined && v.length < 24) throw new ConfigError('KAM_METRICS_TOKEN must be at least 24 characters (openssl rand -hex 24)');
      if (v !== undefined && env === 'production' && isPlaceholderSecret(v)) throw new ConfigError('KAM_METRICS_TOKEN looks like a placeholder; generate one, e.g. `openssl rand -hex 24`');
      return v;
    },
  },
  { name: 'KAM_CORS_ORIGINS', key: 'corsOrigins', default: undefined, description: 'Browser origins allowed to call the API, comma separated (e.g. `https://bi.example.com`); unset = no cross-origin access.', parse: parseCorsOrigins },
  {
    name: 'KAM_TEST_IMPORT_PAUSE_AT_BATCH', key: 'testImportPauseAtBatch', default: undefined,
    description: 'Tests only (refused unless NODE_ENV=test): an import stops after writing batch N and waits to be killed (the crash-safety test).',
    parse: (r, env) => {
      if (optional(r) === undefined) return undefined;
      if (env !== 'test') throw new ConfigError('KAM_TEST_IMPORT_PAUSE_AT_BATCH is a test hook: it is refused unless NODE_ENV=test');
      return int('KAM_TEST_IMPORT_PAUSE_AT_BATCH', 1, 1_000_000)(r);
    },
  },
  {
    name: 'KAM_TEST_REQUIRE_READERS', key: 'testRequireReaders', default: '0',
    description: 'Development only: `1` makes `npm test` fail, instead of skip, the workbook tests whose independent readers (python3-openpyxl, LibreOffice) are missing (`.ci/run` installs them and sets it).',
    parse: (r) => oneOf('KAM_TEST_REQUIRE_READERS', ['0', '1'] as const)(r) === '1',
  },
  {
    name: 'KAM_TEST_REQUIRE_BROWSER', key: 'testRequireBrowser', default: '0',
    description: 'Development only: `1` makes `npm test` fail, instead of skip, the console\'s browser tests when Chromium (`/usr/bin/chromium`, Debian\'s `chromium`) is missing (`.ci/run` installs it and sets it).',
    parse: (r) => oneOf('KAM_TEST_REQUIRE_BROWSER', ['0', '1'] as const)(r) === '1',
  },
];

/** 32 random bytes have about 28 distinct values; fewer than 16 is a made-up key (all zeros, a pattern). */
function isWeakKey(key: Buffer): boolean {
  return new Set(key).size < 16;
}

/**
 * Example values and low-entropy strings nobody should sign production tokens with: placeholders,
 * dictionary passwords, a short unit repeated (`password1234password1234…`), too few distinct characters.
 */
export function isPlaceholderSecret(secret: string): boolean {
  if (/change.?me|example|placeholder|your.?secret|default|passw(or|0)d|secret|qwerty|letmein|admin|123456|abcdef/i.test(secret)) return true;
  if (new Set(secret).size < 12) return true;
  // Periodic: every character repeats the one a short period earlier.
  for (let period = 1; period <= secret.length / 2; period++) {
    let periodic = true;
    for (let i = period; i < secret.length && periodic; i++) periodic = secret[i] === secret[i - period];
    if (periodic) return true;
  }
  return false;
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function parseTrustProxy(raw: string | undefined, env: Environment): TrustProxy {
  const v = optional(raw)?.toLowerCase();
  if (v === undefined) {
    if (env === 'production') {
      throw new ConfigError('KAM_TRUST_PROXY is required when NODE_ENV=production: the addresses (or hop count) of the TLS-terminating proxy in front of KAM Hub, e.g. "loopback" or "10.0.0.0/8", or "false" when clients connect directly');
    }
    return false;
  }
  if (v === 'false' || v === 'none') return false;
  if (v === 'true') {
    if (env === 'production') throw new ConfigError('KAM_TRUST_PROXY=true believes X-Forwarded-For from anyone, so any client could forge its address; name the proxies (e.g. "loopback", "10.0.0.0/8") or a hop count');
    return true;
  }
  if (/^\d+$/.test(v)) return int('KAM_TRUST_PROXY', 0, 100)(v);
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const item of items) {
    const [address, bits, extra] = item.split('/');
    const family = net.isIP(address);
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_KEYWORDS.has(item) && (!family || !validBits || extra !== undefined)) {
      throw new ConfigError(`KAM_TRUST_PROXY: "${item}" is not an address, a subnet (a.b.c.d/n) or one of loopback, linklocal, uniquelocal`);
    }
  }
  return items;
}

function parseCorsOrigins(raw: string | undefined, env: Environment): string[] {
  const items = (optional(raw) ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  for (const item of items) {
    if (item === '*') {
      if (env === 'production') throw new ConfigError('KAM_CORS_ORIGINS=* is refused when NODE_ENV=production: list the origins of the web apps that call the API');
      continue;
    }
    let origin: string | null;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = null;
    }
    if (!origin || origin === 'null' || origin !== item.replace(/\/$/, '')) {
      throw new ConfigError(`KAM_CORS_ORIGINS: "${item}" is not an origin such as https://bi.example.com (scheme, host and port only)`);
    }
  }
  return items.map((x) => x.replace(/\/$/, ''));
}

/** The README's configuration table (`kam config --markdown`): one row per variable with its default. */
export function configMarkdown(): string {
  const rows = CONFIG_VARIABLES.map((v) => `| \`${v.name}\` | ${v.default === undefined ? '—' : `\`${v.default}\``} | ${v.description} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n') + '\n';
}

/** What production must be given (no default is safe there); `.env.example` leaves them uncommented and empty. */
const REQUIRED_IN_PRODUCTION: ReadonlySet<string> = new Set(['KAM_TOKEN_SECRET', 'KAM_DATA_KEYS', 'KAM_TRUST_PROXY']);
/** Development and test switches, which a deployment leaves alone. */
const DEVELOPMENT_ONLY = /^KAM_TEST_/;

/**
 * `.env.example` (`kam config --env-example`): every variable KAM Hub reads, with its meaning and
 * default, for `compose.yaml` and the systemd unit. A test fails when the committed file differs.
 */
export function envExample(): string {
  const wrap = (text: string) => text.replace(/`/g, '').match(/.{1,98}(\s|$)/g)?.map((l) => `# ${l.trim()}`) ?? [];
  const lines = [
    '# KAM Hub configuration for a deployment: copy to .env (compose.yaml) or /etc/kam-hub/kam-hub.env (the',
    '# systemd unit), fill in what is marked REQUIRED, and keep the file readable by its owner only (chmod 600).',
    '# Generated by `kam config --env-example`; `kam config --check` validates it exactly as `kam serve` will.',
    '',
    '# compose.yaml only: the password of the MariaDB user `kam` (letters and digits: it goes into a URL).',
    'MARIADB_PASSWORD=',
    '',
  ];
  for (const v of CONFIG_VARIABLES) {
    const required = REQUIRED_IN_PRODUCTION.has(v.name);
    lines.push(...wrap(`${required ? 'REQUIRED. ' : ''}${DEVELOPMENT_ONLY.test(v.name) ? '(Development only: leave unset.) ' : ''}${v.description}`));
    if (v.name === 'NODE_ENV') lines.push('NODE_ENV=production');
    else if (v.name === 'KAM_DATABASE_URL') lines.push('# compose.yaml sets it to its MariaDB (mysql://kam:$MARIADB_PASSWORD@db:3306/kam); the systemd unit needs it here.', `# ${v.name}=mysql://kam:password@127.0.0.1:3306/kam`);
    else if (required) lines.push(`${v.name}=`);
    else lines.push(`# ${v.name}=${v.default ?? ''}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Variables whose values are secrets: never printed, never logged. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(['KAM_TOKEN_SECRET', 'KAM_DATA_KEYS', 'KAM_METRICS_TOKEN']);

/** A URL with its password replaced by `***`. */
export function redactUrl(value: string): string {
  // Every URL of a list (KAM_DATABASE_REPLICA_URLS), not only the first.
  return value.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s,]*:)[^@\s,]*@/gi, '$1***@');
}

/**
 * Each variable with the value this environment gives it (or its default), for `kam config`:
 * secrets appear only as "(set)", passwords in URLs as `***`.
 */
export function describeConfig(env: Record<string, string | undefined> = process.env): { name: string; value: string; description: string }[] {
  return CONFIG_VARIABLES.map((v) => {
    const raw = env[v.name] === undefined || env[v.name] === '' ? undefined : env[v.name];
    let value = raw ?? v.default ?? '';
    if (raw !== undefined && SECRET_VARIABLES.has(v.name)) value = '(set)';
    else value = redactUrl(value);
    return { name: v.name, value, description: v.description };
  });
}

/**
 * Builds and validates the configuration from an environment. Every bad variable is reported, not only
 * the first: {@link ConfigError} carries one line per variable (`problems`), and its message joins them.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const envVar = CONFIG_VARIABLES[0];
  const problems: string[] = [];
  let mode: Environment = 'development';
  try {
    mode = envVar.parse(env.NODE_ENV || envVar.default, 'development') as Environment;
  } catch (e) {
    problems.push((e as Error).message);
  }
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const v of CONFIG_VARIABLES) {
    if (v === envVar) {
      out.env = mode;
      continue;
    }
    const raw = env[v.name] === undefined || env[v.name] === '' ? v.default : env[v.name];
    try {
      out[v.key] = v.parse(raw, mode);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(e.message);
    }
  }
  const replicas = out.databaseReplicas as MysqlDatabaseConfig[] | undefined;
  if (replicas?.length && (out.database as DatabaseConfig | undefined)?.kind === 'sqlite') problems.push('KAM_DATABASE_REPLICA_URLS needs a MySQL/MariaDB KAM_DATABASE_URL: an SQLite database has no replicas');
  if (problems.length) throw new ConfigError(problems.join('\n'), problems);
  return out as Config;
}

/** Environment variables KAM Hub does not read although they look like its own (`KAM_…`). */
export const FOREIGN_KAM_VARIABLES: ReadonlySet<string> = new Set([
  // Read by the test suite's own helpers and the benchmarks, never by the server.
  'KAM_DOC_STATE', 'KAM_DOC_KEY', 'KAM_TEST_FLOOD_REPORT',
  // The read-replica test's pair (.ci/replica-pair) and whether CI requires it.
  'KAM_TEST_REPLICA_PRIMARY_URL', 'KAM_TEST_REPLICA_URL', 'KAM_TEST_REQUIRE_REPLICA',
]);

/**
 * One warning per `KAM_…` variable set in `env` that KAM Hub does not read — usually a misspelling,
 * which would otherwise leave the default in force without a word — with the closest known name.
 * In English for the log; `forAdmin` (what `kam config` prints) in the admin's language (KAM_LANG).
 */
export function unknownVariableWarnings(env: Record<string, string | undefined> = process.env, forAdmin = false): string[] {
  const known = CONFIG_VARIABLES.map((v) => v.name);
  return Object.keys(env)
    .filter((name) => name.startsWith('KAM_') && !known.includes(name) && !FOREIGN_KAM_VARIABLES.has(name))
    .sort()
    .map((name) => {
      const guess = closest(name, known);
      const en = `${name} is not a KAM Hub variable and is ignored${guess ? ` (did you mean ${guess}?)` : ''}; kam config lists them all`;
      return forAdmin ? say(`${name} 不是 KAM Hub 的变量，已忽略${guess ? `（是否想写 ${guess}？）` : ''}；kam config 列出全部变量`, en) : en;
    });
}

function closest(name: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = leven(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

let current: Config | undefined;

/** The process-wide configuration, loaded on first use. */
export function config(): Config {
  current ??= loadConfig();
  return current;
}

/** Replaces the process-wide configuration (CLI flags, tests). */
export function setConfig(next: Config): Config {
  current = next;
  return next;
}
