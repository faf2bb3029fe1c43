/**
 * DataSource factory for the two supported databases. `synchronize` is never used here: schemas
 * come from the versioned migrations in `schema/migrations/<kind>/`.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { format as mysqlFormat } from 'mysql2';
import path from 'node:path';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import type { DatabaseConfig, MysqlDatabaseConfig } from '../config';
import { ReplicaRouter, replicationOptions } from './replicas';
import { ENTITIES } from './entities';
import { MYSQL_MIGRATIONS } from '../../schema/migrations/mysql';
import { SQLITE_MIGRATIONS } from '../../schema/migrations/sqlite';

export interface DataSourceExtras {
  logger?: Logger;
  logging?: boolean;
  /** Only for the migration generator: build with no migrations registered. */
  withoutMigrations?: boolean;
  /** Read replicas of a MySQL primary (KAM_DATABASE_REPLICA_URLS), and the lag they may have. */
  replicas?: { urls: MysqlDatabaseConfig[]; maxLagSeconds: number };
}

export type MysqlFlavor = 'mysql' | 'mariadb';

export function dataSourceOptions(db: DatabaseConfig, extras: DataSourceExtras = {}, flavor: MysqlFlavor = 'mysql'): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'kam_migrations',
    logging: extras.logging ?? false,
    logger: extras.logger,
  };
  if (db.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      migrations: extras.withoutMigrations ? [] : SQLITE_MIGRATIONS,
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('busy_timeout = 10000');
        conn.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    // TypeORM reads column defaults differently on MariaDB; the wrong flavour reports false drift.
    type: flavor,
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.database,
    // With replicas TypeORM opens a mysql2 PoolCluster from these and ignores the fields above.
    ...(extras.replicas?.urls.length ? { replication: replicationOptions(db, extras.replicas.urls) } : {}),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // DATE columns stay `YYYY-MM-DD` strings: no timezone can shift a calendar date.
    dateStrings: ['DATE'],
    supportBigNumbers: true,
    bigNumberStrings: false,
    poolSize: 10,
    migrations: extras.withoutMigrations ? [] : MYSQL_MIGRATIONS,
    extra: { decimalNumbers: true, connectTimeout: 10000, queryFormat: formatQuery },
  };
}

/**
 * mysql2's own formatting, minus one scan: TypeORM hands every statement to mysql2 with a values array,
 * empty for one whose values are already written in it (an import's 1,000-row INSERT), and mysql2 then
 * scans the whole text for a first placeholder it will not fill. Without values the text is the statement.
 */
function formatQuery(this: { config: { stringifyObjects?: boolean } }, sql: string, values: unknown, timezone: string): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return mysqlFormat(sql, values as Parameters<typeof mysqlFormat>[1], this.config.stringifyObjects, timezone);
}

/**
 * Creates and initialises a DataSource. On MySQL it first asks the server whether it is MariaDB (and,
 * with `createDatabase`, creates the database named in the URL when missing).
 */
export async function openDataSource(db: DatabaseConfig, extras: DataSourceExtras & { createDatabase?: boolean } = {}): Promise<DataSource> {
  let flavor: MysqlFlavor = 'mysql';
  if (db.kind === 'sqlite') {
    if (db.path !== ':memory:') fs.mkdirSync(path.dirname(db.path), { recursive: true });
  } else {
    flavor = await probeMysql(db, extras.createDatabase ?? false);
  }
  const ds = new DataSource(dataSourceOptions(db, extras, flavor));
  alignTimestampDefaults(ds);
  const router = extras.replicas?.urls.length ? new ReplicaRouter(ds, extras.replicas.urls, extras.replicas.maxLagSeconds) : undefined;
  await ds.initialize();
  await router?.start();
  return ds;
}

/**
 * created_at/updated_at get millisecond precision on both databases, written in the same form TypeORM
 * writes a JS Date, so keyset cursors on them compare exactly. (TypeORM's own defaults are
 * CURRENT_TIMESTAMP(6) on MySQL — finer than a JS Date — and whole seconds on SQLite.)
 */
function alignTimestampDefaults(ds: DataSource): void {
  const mapped = ds.driver.mappedDataTypes;
  if (dbKind(ds) === 'mysql') {
    mapped.createDatePrecision = 3;
    mapped.updateDatePrecision = 3;
    mapped.createDateDefault = 'CURRENT_TIMESTAMP(3)';
    mapped.updateDateDefault = 'CURRENT_TIMESTAMP(3)';
  } else {
    mapped.createDateDefault = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    mapped.updateDateDefault = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
  }
}

/** Returns the server flavour; creates the database (utf8mb4) when asked and missing. */
async function probeMysql(db: Extract<DatabaseConfig, { kind: 'mysql' }>, createDatabase: boolean): Promise<MysqlFlavor> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, connectTimeout: 10000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as { v: string }[])[0].v);
    if (createDatabase) {
      await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

export type DbKind = DatabaseConfig['kind'];

export function dbKind(ds: DataSource): DbKind {
  return ds.options.type === 'mysql' || ds.options.type === 'mariadb' ? 'mysql' : 'sqlite';
}
