import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_KINDS, testDatabaseConfig } from '../support/db';
import { PRODUCTION_ENV } from '../support/production-env';
import { builtCli } from '../support/built-cli';
import { CONFIG_VARIABLES } from '../../src/config';

const KAM = builtCli();

function kam(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [KAM, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kam CLI errors', () => {
  it('reports bad configuration as one line on stderr and exits 2', () => {
    const r = kam(['migrate'], { KAM_DATABASE_URL: 'postgres://nope/db' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('KAM_DATABASE_URL must start with sqlite: or mysql://');
    expect(r.stderr).not.toMatch(/\s+at /);
  });

  it('exits 2 on a usage error and shows a stack only with --debug', () => {
    expect(kam(['apikey', 'create', '--name', 'x', '--role', 'KING']).code).toBe(2);
    const unreachable = kam(['migrate'], { KAM_DATABASE_URL: 'mysql://root@127.0.0.1:1/kam' });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    const debug = kam(['--debug', 'migrate'], { KAM_DATABASE_URL: 'mysql://root@127.0.0.1:1/kam' });
    expect(debug.stderr).toMatch(/\s+at /);
  });

  it('refuses demo data and placeholder or missing secrets under NODE_ENV=production, in one line, exit 2', () => {
    const prod = { ...PRODUCTION_ENV, KAM_TRUST_PROXY: 'false', KAM_DATABASE_URL: 'sqlite::memory:' };
    for (const [args, env, message] of [
      [['serve', '--demo'], prod, 'NODE_ENV=production 时不允许 --demo'],
      [['serve', '--demo'], { ...prod, KAM_LANG: 'en' }, '--demo is refused when NODE_ENV=production'],
      [['seed', '--demo'], prod, 'NODE_ENV=production 时不允许写入演示数据'],
      [['serve'], { ...prod, KAM_TOKEN_SECRET: '' }, 'KAM_TOKEN_SECRET is required when NODE_ENV=production'],
      [['serve'], { ...prod, KAM_TOKEN_SECRET: 'change-me-change-me-change-me-change-me' }, 'KAM_TOKEN_SECRET looks like a placeholder'],
      [['serve'], { ...prod, KAM_TRUST_PROXY: '' }, 'KAM_TRUST_PROXY is required when NODE_ENV=production'],
    ] as const) {
      const r = kam([...args], env);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
      expect(r.stderr).not.toContain('Zq8#vT2');
    }
  });

  it('kam config prints the values in effect with secrets hidden', () => {
    const r = kam(['config'], { KAM_TOKEN_SECRET: 'Zq8#vT2!mW9@kL4$pR7%xN1^sD6&hY3*bJ5(cF0)', KAM_DATABASE_URL: 'mysql://kam:Pa55word@db:3306/kam', KAM_PORT: '4100' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('KAM_TOKEN_SECRET=(set)');
    expect(r.stdout).toContain('KAM_DATABASE_URL=mysql://kam:***@db:3306/kam');
    expect(r.stdout).toContain('KAM_PORT=4100');
    expect(r.stdout).not.toMatch(/Zq8#vT2|Pa55word/);
  });

  it('kam config (like every command) stops at a bad value: one line naming it, exit 2', () => {
    for (const args of [['config'], ['schema'], ['keys', 'generate']]) {
      const r = kam(args, { KAM_PORT: 'abc' });
      expect([args.join(' '), r.code, r.stdout]).toEqual([args.join(' '), 2, '']);
      expect(r.stderr).toBe('kam: KAM_PORT must be an integer between 0 and 65535, got "abc"\n');
    }
    // The README table is the defaults, whatever this environment says.
    const markdown = kam(['config', '--markdown'], { KAM_PORT: 'abc' });
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('| `KAM_PORT` | `4000` |');
  });

  it('kam config --check validates exactly as kam serve does: one line per bad variable, exit 2; a warning per unknown KAM_* name', () => {
    const bad = { KAM_PORT: 'abc', KAM_LOG_LEVEL: 'loud', KAM_DATABASE_URL: 'postgres://db/kam' };
    const check = kam(['config', '--check'], bad);
    const serve = kam(['serve'], bad);
    expect([check.code, serve.code]).toEqual([2, 2]);
    expect(check.stderr).toBe(serve.stderr);
    expect(check.stderr.trim().split('\n').sort()).toEqual([
      'kam: KAM_DATABASE_URL must start with sqlite: or mysql://, got "postgres://db/kam"',
      'kam: KAM_LOG_LEVEL must be one of debug, info, warn, error, got "loud"',
      'kam: KAM_PORT must be an integer between 0 and 65535, got "abc"',
    ]);
    const typos = { KAM_PORTT: '4100', KAM_DATABSE_URL: 'sqlite::memory:', KAM_WHATEVER_THIS_IS: '1', KAM_DATABASE_URL: 'sqlite::memory:' };
    const typo = kam(['config', '--check'], typos);
    expect(typo.code).toBe(0);
    expect(typo.stdout).toBe('配置有效（NODE_ENV=test，数据库 sqlite::memory:）\n');
    expect(typo.stderr.trim().split('\n')).toEqual([
      'kam: 警告：KAM_DATABSE_URL 不是 KAM Hub 的变量，已忽略（是否想写 KAM_DATABASE_URL？）；kam config 列出全部变量',
      'kam: 警告：KAM_PORTT 不是 KAM Hub 的变量，已忽略（是否想写 KAM_PORT？）；kam config 列出全部变量',
      'kam: 警告：KAM_WHATEVER_THIS_IS 不是 KAM Hub 的变量，已忽略；kam config 列出全部变量',
    ]);
    // KAM_LANG=en: the same lines in English.
    const english = kam(['config', '--check'], { ...typos, KAM_LANG: 'en' });
    expect(english.code).toBe(0);
    expect(english.stdout).toBe('configuration is valid (NODE_ENV=test, database sqlite::memory:)\n');
    expect(english.stderr.trim().split('\n')).toEqual([
      'kam: warning: KAM_DATABSE_URL is not a KAM Hub variable and is ignored (did you mean KAM_DATABASE_URL?); kam config lists them all',
      'kam: warning: KAM_PORTT is not a KAM Hub variable and is ignored (did you mean KAM_PORT?); kam config lists them all',
      'kam: warning: KAM_WHATEVER_THIS_IS is not a KAM Hub variable and is ignored; kam config lists them all',
    ]);
  });

  it('kam --version prints the version of package.json', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = kam([flag]);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
    }
  });

  it('.env.example lists every variable KAM Hub reads (kam config --env-example), and nothing it does not', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
    const generated = kam(['config', '--env-example'], { KAM_PORT: 'abc' });
    expect(generated.code).toBe(0);
    // Regenerate with: node dist/src/cli/main.js config --env-example > .env.example
    expect(committed).toBe(generated.stdout);
    const listed = [...committed.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    for (const v of CONFIG_VARIABLES) expect([v.name, listed.includes(v.name)]).toEqual([v.name, true]);
    expect(listed.filter((n) => n.startsWith('KAM_') && !CONFIG_VARIABLES.some((v) => v.name === n))).toEqual([]);
  });

  it('prints no stack when the reader of its output goes away (kam schema | head)', () => {
    const r = spawnSync('bash', ['--norc', '--noprofile', '-o', 'pipefail', '-c', `"${process.execPath}" "${KAM}" schema | head -n 1`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test' } });
    expect(r.stdout).toMatch(/^# KAM Hub GraphQL schema/);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has help', () => {
    const r = kam(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('apikey');
  });
});

describe.each(DB_KINDS)('kam migrate, seed, apikey [%s]', (kind) => {
  const db = testDatabaseConfig(kind, 'cli');
  const env = { KAM_DATABASE_URL: db.url };

  afterAll(async () => {
    if (db.kind === 'sqlite') fs.rmSync(path.dirname(db.path), { recursive: true, force: true });
    else kam(['migrate'], env); // keep the connection code path warm; the database is dropped below
    if (db.kind === 'mysql') {
      const mysql = await import('mysql2/promise');
      const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${db.database}\``);
      await conn.end();
    }
  });

  it('migrates, refuses to seed twice, and creates an API key printed as the last line', () => {
    const unmigrated = kam(['seed', '--demo'], env);
    expect(unmigrated.code).toBe(2);
    expect(unmigrated.stderr).toContain('kam migrate');
    const m = kam(['migrate'], env);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('Init');
    expect(kam(['migrate'], env).stdout).toContain('已是最新');
    expect(kam(['migrate'], { ...env, KAM_LANG: 'en' }).stdout).toContain('is up to date');
    expect(kam(['migrate', '--check'], env).code).toBe(0);
    const s = kam(['seed', '--demo', '--as-of', '2026-10-31'], env);
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^演示数据已载入（截至 2026-10-31）：单位 \d+、用户 \d+、客户 220、联系人 \d+/m);
    const again = kam(['seed', '--demo'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has accounts');
    const k = kam(['apikey', 'create', '--name', 'Power BI', '--role', 'ANALYST'], env);
    expect(k.code).toBe(0);
    const lines = k.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^kam_[A-Za-z0-9_-]{40,}$/);
    const mgr = kam(['apikey', 'create', '--name', 'm', '--role', 'MANAGER'], env);
    expect(mgr.code).toBe(2);
    expect(mgr.stderr).toContain('MANAGER key must act as a manager');
    expect(kam(['apikey', 'create', '--name', 'm', '--role', 'MANAGER', '--user', 'mgr01'], env).code).toBe(0);
  });
});

describe('kam serve', () => {
  it('serves demo data and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kam-serve-'));
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [KAM, 'serve', '--demo', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KAM_DATABASE_URL: `sqlite:${path.join(dir, 'kam.sqlite')}`, KAM_HOST: '127.0.0.1' },
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!/GraphQL API: (\S+)/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const url = /GraphQL API: (\S+)/.exec(stdout)?.[1] as string;
      const key = /管理员 API 密钥：(kam_\S+)/.exec(stdout)?.[1] as string;
      expect(stdout).toMatch(/^演示账号：admin、committee、.* — 密码 demo-[\w-]+ {2}（每次 --demo 启动都会重新生成）$/m);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: '{ accounts { totalCount } }' }) });
      const body = (await res.json()) as { data: { accounts: { totalCount: number } } };
      expect(body.data.accounts.totalCount).toBeGreaterThanOrEqual(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
