/** `kam keys` and `kam audit` as an operator runs them: real processes on real databases. */
import { developmentKeyFile } from '../../src/modules/privacy/development-key';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEVELOPMENT_KEY } from '../../src/common/field-crypto';
import { DB_KINDS, testDatabaseConfig } from '../support/db';
import { PRODUCTION_ENV } from '../support/production-env';
import { builtCli } from '../support/built-cli';

const KAM = builtCli();

function kam(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [KAM, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kam keys generate, and production without keys', () => {
  it('prints a usable key line', () => {
    const r = kam(['keys', 'generate', '--id', 'k2026']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^k2026:[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(r.stdout.trim().split(':')[1], 'base64')).toHaveLength(32);
  });

  it('refuses to serve in production without KAM_DATA_KEYS: one line, exit 2', () => {
    const r = kam(['serve'], { ...PRODUCTION_ENV, KAM_DATA_KEYS: '', KAM_DATABASE_URL: 'sqlite::memory:' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['kam: KAM_DATA_KEYS is required when NODE_ENV=production (kam keys generate prints a key line)']);
  });
});

describe.each(DB_KINDS)('kam keys status / rotate, kam audit prune [%s]', (kind) => {
  const db = testDatabaseConfig(kind, 'privacy_cli');
  const env = { KAM_DATABASE_URL: db.url };
  const devKey = `${DEVELOPMENT_KEY.id}:${DEVELOPMENT_KEY.key.toString('base64')}`;

  afterAll(async () => {
    if (db.kind === 'sqlite') fs.rmSync(path.dirname(db.path), { recursive: true, force: true });
    else {
      const mysql = await import('mysql2/promise');
      const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${db.database}\``);
      await conn.end();
    }
  });

  it('reports rows per key, rotates them all to the new key, and prunes nothing young', () => {
    expect(kam(['migrate'], env).code).toBe(0);
    expect(kam(['seed', '--demo', '--as-of', '2026-10-31'], env).code).toBe(0);
    const status = kam(['keys', 'status'], env);
    expect(status.code).toBe(0);
    const rows = Number(/dev：(\d+) 行/.exec(status.stdout)?.[1]);
    expect(rows).toBeGreaterThan(100);
    expect(status.stdout).toContain('明文：0 行');
    expect(status.stdout.split('\n')[0]).toBe('当前密钥：dev（公开的开发密钥，不提供任何保护：请设置 KAM_DATA_KEYS）；已配置：dev');
    expect(kam(['keys', 'status'], { ...env, KAM_LANG: 'en' }).stdout.split('\n')[0]).toBe('Active key: dev (the public development key, which protects nothing: set KAM_DATA_KEYS); configured: dev');
    // Development without keys generates its own key beside the database, and says so (not "public").
    const development = kam(['keys', 'status'], { ...env, NODE_ENV: 'development' });
    expect(development.stdout.split('\n')[0]).toBe(
      `当前密钥：local（生成于 ${developmentKeyFile(db)} 的开发密钥：请将该文件与数据库一同保管；生产环境需要 KAM_DATA_KEYS）；已配置：dev, local`,
    );
    if (db.kind === 'mysql') fs.rmSync(developmentKeyFile(db)!, { force: true });

    const k1 = kam(['keys', 'generate', '--id', 'k1']).stdout.trim();
    const keys = { ...env, KAM_DATA_KEYS: `${devKey},${k1}` };
    const rotated = kam(['keys', 'rotate', '--batch', '50'], keys);
    expect(rotated.stderr).not.toMatch(/error/i);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`已用密钥 k1 重新加密 ${rows} 行：\n  来自 dev：${rows} 行\n`);
    expect(rotated.stdout).toContain('dev：0 行');
    expect(rotated.stdout).toContain(`k1：${rows} 行`);
    // Resumable and idempotent: nothing left.
    expect(kam(['keys', 'rotate'], keys).stdout).toContain('已用密钥 k1 重新加密 0 行。');
    // Without the key the rows are under, status says they cannot be read.
    expect(kam(['keys', 'status'], env).stdout).toContain(`k1：${rows} 行（未配置此密钥：这些行无法读取）`);

    const pruned = kam(['audit', 'prune'], env);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^已删除 0 条记录于 \S+ 之前的审计事件（保留 1096 天）。$/m);
    expect(kam(['audit', 'prune', '--days', 'x'], env).code).toBe(2);
  });
});
