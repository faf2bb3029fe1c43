/**
 * Test databases: every test file gets fresh databases — a temp SQLite file always, and a MySQL database
 * `kam_t_<file>_<random>` when KAM_TEST_MYSQL_URL is set — migrated with the real migrations.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config';
import { openDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrations';
import { createServices, type Services } from '../../src/services';

export type DbKind = 'sqlite' | 'mysql';

export const MYSQL_URL = process.env.KAM_TEST_MYSQL_URL || undefined;

/** The database kinds this run covers. */
export const DB_KINDS: DbKind[] = MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

export interface TestDb {
  kind: DbKind;
  config: Config;
  ds: DataSource;
  services: Services;
  /** Drops the database (MySQL) or deletes the file (SQLite). */
  drop(): Promise<void>;
}

function slug(file: string): string {
  return path.basename(file).replace(/\.test\.ts$/, '').replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30);
}

export function testDatabaseConfig(kind: DbKind, file: string): DatabaseConfig {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-test-'));
    const p = path.join(dir, 'test.sqlite');
    return { kind: 'sqlite', path: p, url: `sqlite:${p}` };
  }
  if (!MYSQL_URL) throw new Error('KAM_TEST_MYSQL_URL is not set');
  const u = new URL(MYSQL_URL);
  const database = `kam_t_${slug(file)}_${randomBytes(3).toString('hex')}`;
  return {
    kind: 'mysql',
    url: `${u.protocol}//${u.username ? `${u.username}${u.password ? `:${u.password}` : ''}@` : ''}${u.host}/${database}`,
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
  };
}

export function testConfig(database: DatabaseConfig, overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ NODE_ENV: 'test' }), database, ...overrides };
}

/** A fresh, migrated database of `kind` with services on it. */
export async function createTestDb(kind: DbKind, file: string, overrides: Partial<Config> = {}): Promise<TestDb> {
  const database = testDatabaseConfig(kind, file);
  const config = testConfig(database, overrides);
  const ds = await openDataSource(database, { createDatabase: true });
  await migrate(ds);
  return {
    kind,
    config,
    ds,
    services: createServices(ds, config),
    drop: async () => {
      await dropDatabase(ds, database);
    },
  };
}

export async function dropDatabase(ds: DataSource | undefined, database: DatabaseConfig): Promise<void> {
  if (ds?.isInitialized) {
    if (database.kind === 'mysql') await ds.query(`DROP DATABASE IF EXISTS \`${database.database}\``);
    await ds.destroy();
  }
  if (database.kind === 'sqlite') fs.rmSync(path.dirname(database.path), { recursive: true, force: true });
}

/**
 * `describe` once per database kind, with a fresh migrated database for the block:
 * `describeEachDb('accounts', (t) => { it('…', async () => { t().services… }) })`.
 */
export function describeEachDb(name: string, body: (db: () => TestDb) => void, overrides: Partial<Config> = {}): void {
  describe.each(DB_KINDS)(`${name} [%s]`, (kind) => {
    let db: TestDb | undefined;
    beforeAll(async () => {
      db = await createTestDb(kind, expect.getState().testPath ?? name, overrides);
    });
    afterAll(async () => {
      await db?.drop();
    });
    body(() => {
      if (!db) throw new Error('test database not ready');
      return db;
    });
  });
}
