/**
 * Batched multi-row writes. TypeORM's `save()` on arrays diffs and reloads row by row (typeorm#1115,
 * #3470) and `insert()` ignores `chunk` (#3417), so rows are chunked by hand, under MySQL's limit of
 * 65,535 placeholders per prepared statement and SQLite's 32,766 variables.
 */
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { escape as mysqlEscape } from 'mysql2';
import { ApplyValueTransformers } from 'typeorm/util/ApplyValueTransformers';

const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;
/** MySQL takes 65,535 placeholders: {@link bulkWrite} sends an import's batch of 1,000 wide rows in one statement. */
const MYSQL_MAX_PARAMS = 60_000;
const MYSQL_MAX_ROWS = 2_000;

export function rowsPerStatement(columns: number, mysql = false): number {
  const [params, rows] = mysql ? [MYSQL_MAX_PARAMS, MYSQL_MAX_ROWS] : [MAX_PARAMS, MAX_ROWS];
  return Math.max(1, Math.min(rows, Math.floor(params / Math.max(1, columns))));
}

/**
 * Inserts rows in chunks. Returns nothing on purpose: generated ids of a multi-row INSERT are only
 * consecutive on a single MySQL/SQLite server, not on TiDB or Galera, so callers find rows again by
 * their natural keys.
 */
export async function bulkInsert<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = em.getRepository(target).metadata.columns.length;
  const size = rowsPerStatement(columns);
  for (let i = 0; i < rows.length; i += size) {
    await em.createQueryBuilder().insert().into(target).values(rows.slice(i, i + size)).updateEntity(false).execute();
  }
}

export interface BulkWriteOptions {
  /**
   * Turn the INSERT into an upsert: on a conflict on these properties (a primary or unique key; MySQL
   * uses whichever unique key collides, SQLite needs it named) overwrite `update` with the new values.
   */
  upsert?: { conflict: string[]; update: string[] };
  /** Values for properties a row leaves undefined (saves building a merged object per row). */
  defaults?: Partial<Record<string, unknown>>;
  /**
   * Properties of the inserted rows to return (e.g. the generated `id` beside a natural key), through
   * `INSERT … RETURNING` where the database has it (SQLite ≥ 3.35, MariaDB ≥ 10.5; not with `upsert`).
   */
  returning?: string[];
}

const returningSupport = new WeakMap<DataSource, Promise<boolean>>();

/** Whether the database answers `INSERT … RETURNING` (SQLite ≥ 3.35, MariaDB ≥ 10.5; MySQL has none). */
export function insertReturning(em: EntityManager): Promise<boolean> {
  const ds = em.connection;
  let known = returningSupport.get(ds);
  if (!known) {
    const type = ds.options.type;
    const atLeast = (version: string, major: number, minor: number) => {
      const [a, b] = version.split('.').map((x) => parseInt(x, 10));
      return a > major || (a === major && b >= minor);
    };
    known =
      type === 'mariadb' ? ds.query('SELECT VERSION() AS v').then((r: { v: string }[]) => atLeast(String(r[0].v), 10, 5))
      : type === 'better-sqlite3' || type === 'sqlite' ? ds.query('SELECT sqlite_version() AS v').then((r: { v: string }[]) => atLeast(String(r[0].v), 3, 35))
      : Promise.resolve(false);
    known = known.catch(() => false);
    returningSupport.set(ds, known);
  }
  return known;
}

/** Pins what {@link insertReturning} answers for a database (null: ask it again): tests run MySQL's path, without RETURNING, on the others. */
export function pinInsertReturning(ds: DataSource, supported: boolean | null): void {
  if (supported === null) returningSupport.delete(ds);
  else returningSupport.set(ds, Promise.resolve(supported));
}

/**
 * Chunked multi-row INSERT (or upsert) in plain SQL built from the entity metadata: one statement per
 * chunk, values run through the column transformers and the driver exactly as TypeORM persists them.
 * The query builder is bypassed on purpose: building 1,000-row statements through it costs more than
 * the database spends executing them. Rows must all carry the same properties; write full rows (a
 * MySQL upsert is checked as an INSERT first, so NOT NULL columns need values even when it updates).
 * With `returning`, it answers the inserted rows' values of those properties — generated ids as the
 * database gave them, in any order — or null where the database cannot (MySQL): the caller then finds
 * the rows again by their natural keys (a multi-row INSERT's ids are consecutive only on a single server).
 */
export async function bulkWrite<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: Partial<T>[], options: BulkWriteOptions = {}): Promise<Record<string, unknown>[] | null> {
  const returning = options.returning?.length && !options.upsert && (await insertReturning(em)) ? options.returning : null;
  const out: Record<string, unknown>[] | null = returning ? [] : null;
  if (rows.length === 0) return out;
  const meta = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const mysql = driver.options.type === 'mysql' || driver.options.type === 'mariadb';
  const q = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`);
  const defaults = options.defaults ?? {};
  const given = [...new Set([...Object.keys(defaults), ...Object.keys(rows[0]).filter((k) => rows[0][k] !== undefined)])];
  // A column every row leaves null is left out of an INSERT where the database stores NULL anyway (nullable,
  // no default, no transformer): a shorter statement to parse — an import's accounts leave a third of theirs empty.
  const nullEverywhere = (k: string) => rows.every((r) => (r[k] === undefined ? defaults[k] : r[k]) == null);
  const omitted = (k: string) => {
    const c = meta.findColumnWithPropertyPath(k);
    return !options.upsert && !!c && !c.transformer && c.isNullable && c.default === undefined && !c.isGenerated && nullEverywhere(k);
  };
  const kept = given.filter((k) => !omitted(k));
  const keys = kept.length ? kept : given;
  const columns = keys.map((k) => {
    const c = meta.findColumnWithPropertyPath(k);
    if (!c) throw new Error(`${meta.name} has no column ${k}`);
    return c;
  });
  const dbName = (prop: string) => {
    const c = meta.findColumnWithPropertyPath(prop);
    if (!c) throw new Error(`${meta.name} has no column ${prop}`);
    return q(c.databaseName);
  };
  let tail = '';
  if (options.upsert) {
    const sets = options.upsert.update.map((p) => (mysql ? `${dbName(p)} = VALUES(${dbName(p)})` : `${dbName(p)} = excluded.${dbName(p)}`));
    tail = mysql ? ` ON DUPLICATE KEY UPDATE ${sets.join(', ')}` : ` ON CONFLICT (${options.upsert.conflict.map(dbName).join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
  }
  const returnCols = (returning ?? []).map((p) => {
    const c = meta.findColumnWithPropertyPath(p);
    if (!c) throw new Error(`${meta.name} has no column ${p}`);
    return c;
  });
  const returnTail = returnCols.length ? ` RETURNING ${returnCols.map((c) => q(c.databaseName)).join(', ')}` : '';
  const head = `INSERT INTO ${q(meta.tableName)} (${columns.map((c) => q(c.databaseName)).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const size = rowsPerStatement(columns.length, mysql);
  // MySQL: the statement is written with its values in it, each escaped as mysql2 would (its `escape`, the
  // connection's time zone) — formatting 1,000 rows through placeholders cost the importer more than the
  // values themselves. SQLite binds its parameters natively.
  const literal = mysql ? mysqlLiteral((driver.options as { timezone?: string }).timezone || 'local') : null;
  const plain = columns.map((c) => !c.transformer);
  const textColumn = columns.map((c) => typeof c.type === 'string' && TEXT_TYPES.has(c.type));
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const value = (row: Partial<T>, j: number): unknown => {
      let v: unknown = row[keys[j]];
      if (v === undefined) v = defaults[keys[j]];
      if (v === undefined) v = null;
      // (the driver applies the column's transformer)
      return driver.preparePersistentValue(v, columns[j]);
    };
    let answer: unknown;
    if (literal) {
      // One flat string per row (a join), not a chain of concatenations.
      const tuples: string[] = new Array(chunk.length);
      const literals: string[] = new Array(columns.length);
      for (let r = 0; r < chunk.length; r++) {
        const row = chunk[r];
        for (let j = 0; j < columns.length; j++) {
          if (!plain[j]) {
            literals[j] = literal(value(row, j));
            continue;
          }
          // A column without a transformer: its null is NULL, a text column's string (most of an import's
          // values) goes on as it is — as the driver would hand them on.
          let v: unknown = row[keys[j]];
          if (v === undefined) v = defaults[keys[j]];
          literals[j] = v === null || v === undefined ? 'NULL' : typeof v === 'string' && textColumn[j] ? (NEEDS_ESCAPE.test(v) ? literal(v) : `'${v}'`) : literal(value(row, j));
        }
        tuples[r] = `(${literals.join(', ')})`;
      }
      answer = await em.query(head + tuples.join(', ') + tail + returnTail);
    } else {
      const params: unknown[] = [];
      for (const row of chunk) for (let j = 0; j < columns.length; j++) params.push(value(row, j));
      answer = await em.query(head + chunk.map(() => tuple).join(', ') + tail + returnTail, params);
    }
    if (out) {
      for (const r of answer as Record<string, unknown>[]) {
        const row: Record<string, unknown> = {};
        for (const c of returnCols) row[c.propertyName] = c.transformer ? ApplyValueTransformers.transformFrom(c.transformer, r[c.databaseName]) : r[c.databaseName];
        out.push(row);
      }
    }
  }
  return out;
}

/** Column types whose string values the MySQL driver passes on unchanged. */
const TEXT_TYPES = new Set(['varchar', 'nvarchar', 'char', 'nchar', 'text', 'tinytext', 'mediumtext', 'longtext']);
/** What mysql2's escapeString replaces; a string without any is quoted as it is. */
// eslint-disable-next-line no-control-regex -- NUL and Ctrl-Z are exactly what must be escaped
const NEEDS_ESCAPE = /[\0\b\t\n\r\x1a"'\\]/;

/**
 * A value as an SQL literal, exactly as mysql2 escapes a placeholder's value for a connection in time zone
 * `timezone`: numbers as written, strings and dates quoted and escaped. One batch's rows share their
 * timestamps (one `Date`), formatted once.
 */
function mysqlLiteral(timezone: string): (v: unknown) => string {
  let lastDate: Date | null = null;
  let lastTime = NaN;
  let lastText = '';
  return (v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    if (v instanceof Date) {
      if (v !== lastDate || v.getTime() !== lastTime) {
        lastDate = v;
        lastTime = v.getTime();
        lastText = mysqlEscape(v, false, timezone);
      }
      return lastText;
    }
    return mysqlEscape(v as Parameters<typeof mysqlEscape>[0], false, timezone);
  };
}
