/**
 * The read-only SQL layer (`kam bi setup`): one view per BI entity in a schema of its own (`kam_bi`),
 * made from the same catalog as the feeds — readable snake_case column names, labels joined (a CASE
 * over the vocabulary), amounts in 元 and 万元 (DECIMAL, exact), references with code and name —
 * plus `deleted_records` (the tombstones) and `data_dictionary` (every view column with its Chinese
 * description: MySQL views carry no column comments). Personal data is left out (the catalog never
 * lists it) and a related person's name is masked (孙*). A MySQL user gets SELECT on that schema and
 * nothing else; the views run with their definer's rights, so the user never touches a base table.
 *
 * MySQL/MariaDB only: SQLite has neither schemas with their own grants nor users.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors';
import type { BiColumn, BiEntity, BiEntityName } from './bi-catalog';
import { enumLabel } from '../../common/enum-labels';

export interface BiSetupOptions {
  /** The schema (database) for the views; default `kam_bi`. */
  schema?: string;
  /** The read-only user; default `kam_bi`. */
  user?: string;
  /** Its password; generated (and returned once) when absent. */
  password?: string;
  /** The hosts it may connect from (MySQL account host part); default `%`. */
  host?: string;
}

export interface BiSetupResult {
  schema: string;
  user: string;
  host: string;
  /** Set when the password was generated: shown once. */
  generatedPassword: string | null;
  views: string[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const HOST = /^[A-Za-z0-9_.%:-]{1,255}$/;

function ident(name: string, what: string): string {
  if (!IDENT.test(name)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${what}: "${name}" must be letters, digits and _ (at most 64, not starting with a digit)`, { field: what });
  return `\`${name}\``;
}

/** A SQL string literal (labels and descriptions are data, written into the view definitions). */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * Text a view makes up (labels, the dictionary): with an explicit collation, so a client comparing it
 * with its own literals (`WHERE status_label = '合作中'`) in another default collation gets no "Illegal mix
 * of collations" — two literals of different collations cannot be compared, an explicit one wins.
 */
export function sqlText(s: string): string {
  return `${sqlString(s)} COLLATE utf8mb4_unicode_ci`;
}

/** The view name of an entity: `credit-evaluations` → `credit_evaluations`. */
export const viewName = (name: BiEntityName): string => name.replace(/-/g, '_');

function labelExpression(c: BiColumn, column: string): string {
  const values = c.enumType!.getValues().map((v) => String(v.value));
  if (c.list && values.length) {
    // simple-array "A,B": replace each code by its label, longest first so no code is a prefix of another's result.
    const sorted = [...values].sort((a, b) => b.length - a.length);
    return `REPLACE(${sorted.reduce((expr, v) => `REPLACE(${expr}, ${sqlString(v)}, ${sqlText(enumLabel(c.enumType!, v))})`, column)}, ',', ${sqlText('、')})`;
  }
  return `CASE ${column} ${values.map((v) => `WHEN ${sqlString(v)} THEN ${sqlText(enumLabel(c.enumType!, v))}`).join(' ')} ELSE ${column} END`;
}

/** The SELECT of an entity's view over the tables of `source` (the application's database). */
export function viewSelect(e: BiEntity, source: string): string {
  const src = ident(source, 'source database');
  const joins = new Map<string, string>();
  const select = e.columns.map((c) => {
    const col = `t.\`${c.dbColumn}\``;
    let expr: string;
    if (c.reference) {
      let alias = joins.get(c.reference.relation);
      if (!alias) {
        alias = `r${joins.size + 1}`;
        joins.set(c.reference.relation, alias);
      }
      expr = `${alias}.\`${c.reference.column}\``;
    } else if (c.kind === 'yuan') expr = `CAST(${col} / 100 AS DECIMAL(20,2))`;
    else if (c.kind === 'wan') expr = `CAST(${col} / 1000000 AS DECIMAL(20,6))`;
    else if (c.kind === 'label') expr = labelExpression(c, col);
    else if (c.maskAs === 'name') expr = `CASE WHEN ${col} IS NULL THEN NULL WHEN CHAR_LENGTH(${col}) <= 1 THEN ${sqlText('*')} ELSE CONCAT(LEFT(${col}, 1), REPEAT('*', CHAR_LENGTH(${col}) - 1)) END`;
    else expr = col;
    return `${expr} AS \`${c.sqlName}\``;
  });
  const joinSql = [...joins].map(([relation, alias]) => {
    const c = e.columns.find((x) => x.reference?.relation === relation)!;
    return `LEFT JOIN ${src}.\`${c.reference!.table}\` ${alias} ON ${alias}.\`id\` = t.\`${c.dbColumn}\``;
  });
  return `SELECT ${select.join(', ')} FROM ${src}.\`${e.table}\` t ${joinSql.join(' ')}`.trim();
}

/** Every statement `kam bi setup` runs, in order (the password is a parameter, never in the text). */
export function biSetupStatements(catalog: Map<BiEntityName, BiEntity>, source: string, o: Required<Pick<BiSetupOptions, 'schema' | 'user' | 'host'>>): { views: { name: string; sql: string }[]; dictionary: string; deleted: string } {
  const schema = ident(o.schema, 'schema');
  const views = [...catalog.values()].map((e) => ({ name: viewName(e.name), sql: `CREATE OR REPLACE SQL SECURITY DEFINER VIEW ${schema}.\`${viewName(e.name)}\` AS ${viewSelect(e, source)}` }));
  const rows = [...catalog.values()].flatMap((e) =>
    e.columns.map((c) => `SELECT ${sqlText(viewName(e.name))} AS view_name, ${sqlText(c.sqlName)} AS column_name, ${sqlText(c.title)} AS title, ${sqlText(c.description)} AS description, ${sqlText(e.title)} AS view_title`),
  );
  const dictionary = `CREATE OR REPLACE SQL SECURITY DEFINER VIEW ${schema}.\`data_dictionary\` AS ${rows.join(' UNION ALL ')}`;
  const names = [...catalog.values()].map((e) => `WHEN ${sqlString(e.typeName)} THEN ${sqlText(viewName(e.name))}`).join(' ');
  const deleted = `CREATE OR REPLACE SQL SECURITY DEFINER VIEW ${schema}.\`deleted_records\` AS SELECT CASE d.\`entity\` ${names} END AS view_name, d.\`entity\` AS entity, d.\`entity_id\` AS id, d.\`deleted_at\` AS deleted_at, d.\`deleted_by\` AS deleted_by FROM ${ident(source, 'source database')}.\`tombstones\` d WHERE d.\`entity\` IN (${[...catalog.values()].map((e) => sqlString(e.typeName)).join(', ')})`;
  return { views, dictionary, deleted };
}

/**
 * Creates (or refreshes) the BI schema, its views and its read-only user. Refuses on SQLite, and
 * refuses a schema that holds tables (it is someone's database, not a BI schema) or is the
 * application's own.
 */
export async function setupBi(ds: DataSource, catalog: Map<BiEntityName, BiEntity>, options: BiSetupOptions = {}): Promise<BiSetupResult> {
  if (ds.options.type !== 'mysql' && ds.options.type !== 'mariadb') {
    throw new DomainError(
      ErrorCode.INVALID_STATE,
      'kam bi setup needs MySQL or MariaDB (KAM_DATABASE_URL=mysql://…): the SQL layer is a schema of views with a user that may read only them, and SQLite has neither schemas with grants nor users. On SQLite, BI tools read the feeds (GET /feeds/{entity}.csv or .jsonl) or GraphQL.',
    );
  }
  const schema = options.schema ?? 'kam_bi';
  const user = options.user ?? 'kam_bi';
  const host = options.host ?? '%';
  ident(schema, 'schema');
  ident(user, 'user');
  if (!HOST.test(host)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `host: "${host}" is not a MySQL host pattern`, { field: 'host' });
  const [{ db: source }] = (await ds.query('SELECT DATABASE() AS db')) as { db: string }[];
  if (schema.toLowerCase() === source.toLowerCase()) throw new DomainError(ErrorCode.VALIDATION_FAILED, `schema: "${schema}" is the application's own database; the BI views need a schema of their own`, { field: 'schema' });
  const [{ n: tables }] = (await ds.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW'", [schema])) as { n: number | string }[];
  if (Number(tables) > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `schema: "${schema}" holds ${tables} table(s): it is not a BI schema made by kam bi setup; choose another with --schema`, { field: 'schema' });
  const generatedPassword = options.password ? null : randomBytes(18).toString('base64url');
  const password = options.password ?? generatedPassword!;
  const statements = biSetupStatements(catalog, source, { schema, user, host });
  const account = `${sqlString(user)}@${sqlString(host)}`;
  await ds.query(`CREATE DATABASE IF NOT EXISTS \`${schema}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  // Views of an earlier setup that the catalog no longer has go, so nothing stale stays readable.
  const wanted = new Set([...statements.views.map((v) => v.name), 'data_dictionary', 'deleted_records']);
  const existing = (await ds.query("SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?", [schema])) as { name: string }[];
  for (const v of existing) if (!wanted.has(v.name)) await ds.query(`DROP VIEW \`${schema}\`.\`${v.name}\``);
  for (const v of statements.views) await ds.query(v.sql);
  await ds.query(statements.deleted);
  await ds.query(statements.dictionary);
  await ds.query(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ?`, [password]);
  await ds.query(`ALTER USER ${account} IDENTIFIED BY ?`, [password]);
  // Whatever it held before, the user reads the BI schema and nothing else.
  await ds.query(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account}`);
  await ds.query(`GRANT SELECT, SHOW VIEW ON \`${schema}\`.* TO ${account}`);
  return { schema, user, host, generatedPassword, views: [...wanted] };
}

/** Drops the BI schema and its user (`kam bi remove`). */
export async function removeBi(ds: DataSource, options: Pick<BiSetupOptions, 'schema' | 'user' | 'host'> = {}): Promise<void> {
  if (ds.options.type !== 'mysql' && ds.options.type !== 'mariadb') throw new DomainError(ErrorCode.INVALID_STATE, 'kam bi remove: there is no BI schema on SQLite');
  const schema = options.schema ?? 'kam_bi';
  const user = options.user ?? 'kam_bi';
  const host = options.host ?? '%';
  ident(schema, 'schema');
  ident(user, 'user');
  const [{ n: tables }] = (await ds.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW'", [schema])) as { n: number | string }[];
  if (Number(tables) > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `schema: "${schema}" holds tables; not dropping it`, { field: 'schema' });
  await ds.query(`DROP DATABASE IF EXISTS \`${schema}\``);
  await ds.query(`DROP USER IF EXISTS ${sqlString(user)}@${sqlString(host)}`);
}
