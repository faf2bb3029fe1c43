/**
 * Many instances on one MySQL database (DESIGN "Scale": the API is stateless, locks and job state live in
 * the database). Two real `kam serve` processes share one database behind a round-robin proxy, as behind
 * a load balancer: a login token from one works on the other; wrong passwords count across both; an
 * import started on one holds the annex's lock on the other and is visible there; the daily audit prune
 * runs exactly once however many instances start. (MySQL only: SQLite is one process's file.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { AUDIT_PRUNE_JOB } from '../../src/modules/audit/audit-retention';
import { createTestDb, MYSQL_URL, type TestDb } from '../support/db';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';

const KAM = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const TOKEN_SECRET = 'Zq8#vT2!mW9@kL4$pR7%xN1^sD6&hY3*bJ5(cF0)';
const PASSWORD = 'correct horse battery staple';

interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  lines: string[];
}

/** Starts `kam serve` and waits for its "GraphQL API" log line. */
async function serve(name: string, databaseUrl: string, extra: Record<string, string> = {}): Promise<Instance> {
  const child = spawn(process.execPath, [KAM, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', KAM_HOST: '127.0.0.1', KAM_DATABASE_URL: databaseUrl, KAM_TOKEN_SECRET: TOKEN_SECRET, KAM_LOG_LEVEL: 'info', ...extra },
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (b: Buffer) => {
    buffer += b.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const url = lines.map((l) => /GraphQL API: (\S+)/.exec(l)?.[1]).find(Boolean);
    if (url) return { name, child, url: url.replace(/\/graphql$/, ''), lines };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start (${child.exitCode}): ${lines.join('\n')}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A round-robin HTTP proxy in front of the instances; each answer says which one served it. */
async function roundRobin(instances: Instance[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const target = instances[next++ % instances.length];
    const upstream = http.request(`${target.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-served-by': target.name });
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Body = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; reason?: string } }[] };

async function gql(base: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<{ servedBy: string; status: number; body: Body }> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  return { servedBy: res.headers.get('x-served-by') ?? '', status: res.status, body: (await res.json()) as Body };
}

const LOGIN = 'mutation($l: String!, $p: String!) { login(login: $l, password: $p) { token } }';
const RUNNING_JOBS = '{ importJobs(filter: { statuses: [RUNNING] }) { nodes { id status fileName } } }';

(MYSQL_URL ? describe : describe.skip)('two kam serve processes on one MySQL database, behind a round-robin', () => {
  let db: TestDb;
  let a: Instance;
  let b: Instance;
  let lb: { url: string; close(): Promise<void> };
  let adminKey: string;
  const ctx = systemContext('test');

  beforeAll(async () => {
    if (!fs.existsSync(KAM)) throw new Error('dist/ is missing: `npm test` builds it first (pretest)');
    db = await createTestDb('mysql', __filename);
    await db.services.org.createUser(ctx, { login: 'li.na', name: '李娜', role: Role.ANALYST, password: PASSWORD });
    await db.services.org.createUser(ctx, { login: 'zhao.lei', name: '赵磊', role: Role.ANALYST, password: PASSWORD });
    adminKey = (await db.services.auth.createApiKey(ctx, { name: 'ops', role: Role.ADMIN })).secret;
    // Instance a stops every import after its first batch and holds it (the lock) until it is killed.
    [a, b] = await Promise.all([serve('a', db.config.database.url, { KAM_TEST_IMPORT_PAUSE_AT_BATCH: '1' }), serve('b', db.config.database.url)]);
    lb = await roundRobin([a, b]);
  }, 120_000);

  afterAll(async () => {
    await lb?.close();
    for (const i of [a, b]) i?.child.kill('SIGKILL');
    await db?.drop();
    if (db?.ds.isInitialized) await db.ds.destroy();
  });

  it('runs the daily audit prune exactly once, whichever instance starts first', async () => {
    // Each instance looks at start, without holding up its start: wait until the one that claimed the day has logged its prune.
    const deadline = Date.now() + 60_000;
    while (![a, b].some((i) => i.lines.some((l) => l.includes('"import job files purged"'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const claims = (await db.ds.query('SELECT job, slot, runner FROM scheduled_runs WHERE job = ?', [AUDIT_PRUNE_JOB])) as { runner: string }[];
    expect(claims).toHaveLength(1);
    const prunes = (await db.ds.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'audit.prune'")) as { n: number | string }[];
    expect(Number(prunes[0].n)).toBe(1);
    const pruned = [a, b].filter((i) => i.lines.some((l) => l.includes('"audit trail pruned"')));
    expect(pruned).toHaveLength(1);
    expect(claims[0].runner).toMatch(new RegExp(`:${pruned[0].child.pid}$`));
  });

  it('accepts a login token from one instance on the other', async () => {
    const login = await gql(lb.url, LOGIN, { l: 'li.na', p: PASSWORD });
    const token = (login.body.data?.login as { token: string }).token;
    const uses = [await gql(lb.url, '{ accounts(first: 1) { totalCount } }', {}, token), await gql(lb.url, '{ accounts(first: 1) { totalCount } }', {}, token)];
    expect(new Set([login.servedBy, ...uses.map((u) => u.servedBy)])).toEqual(new Set(['a', 'b']));
    for (const u of uses) expect([u.servedBy, u.status, u.body.errors]).toEqual([u.servedBy, 200, undefined]);
  });

  it('counts wrong passwords across instances: the login is locked on both', async () => {
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push(await gql(lb.url, LOGIN, { l: 'zhao.lei', p: `wrong-${i}` }));
    expect(new Set(wrong.map((w) => w.servedBy))).toEqual(new Set(['a', 'b']));
    const right = [await gql(lb.url, LOGIN, { l: 'zhao.lei', p: PASSWORD }), await gql(lb.url, LOGIN, { l: 'zhao.lei', p: PASSWORD })];
    expect(new Set(right.map((r) => r.servedBy))).toEqual(new Set(['a', 'b']));
    for (const r of right) expect([r.servedBy, r.body.errors?.[0]?.extensions?.reason ?? r.body.errors?.[0]?.extensions?.code]).toEqual([r.servedBy, 'LOGIN_LOCKED']);
  });

  it('holds an import started on one instance against the other, and shows it there; once its process dies the other imports', async () => {
    const file = await exceljsWorkbook(tmpFile('汇总表.xlsx'), [{ rows: [['客户编号', '客户名称', '客户级别'], ['KA7001', '北京宏达建设集团有限公司', '战略'], ['KA7002', '上海华建置业有限公司', '重点']] }]);
    const upload = (base: string) => {
      const form = new FormData();
      form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
      return fetch(`${base}/imports/summary?wait=true`, { method: 'POST', body: form, headers: { authorization: `Bearer ${adminKey}` } });
    };
    // On instance a, which holds it after its first batch (the request stays open).
    const held = upload(a.url).catch(() => null);
    let seen: { servedBy: string; jobs: unknown[] }[] = [];
    for (let i = 0; i < 100; i++) {
      const r = [await gql(lb.url, RUNNING_JOBS, {}, adminKey), await gql(lb.url, RUNNING_JOBS, {}, adminKey)];
      seen = r.map((x) => ({ servedBy: x.servedBy, jobs: (x.body.data?.importJobs as { nodes: unknown[] }).nodes }));
      if (seen.every((s) => s.jobs.length === 1)) break;
      await new Promise((r2) => setTimeout(r2, 200));
    }
    // Both instances list the job running on a.
    expect(seen.map((s) => [s.servedBy, s.jobs])).toEqual(expect.arrayContaining([
      ['a', [expect.objectContaining({ status: 'RUNNING', fileName: '汇总表.xlsx' })]],
      ['b', [expect.objectContaining({ status: 'RUNNING', fileName: '汇总表.xlsx' })]],
    ]));
    const refused = await upload(b.url);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('IMPORT_IN_PROGRESS');

    // Instance a dies mid-import: nothing of its run was committed, and b takes the annex over.
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    await held;
    const accounts = (await db.ds.query("SELECT COUNT(*) AS n FROM accounts WHERE code IN ('KA7001', 'KA7002')")) as { n: number | string }[];
    expect(Number(accounts[0].n)).toBe(0);
    const again = await upload(b.url);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { rows: { created: number } }).rows.created).toBe(2);
    const jobs = (await db.ds.query('SELECT status FROM import_jobs ORDER BY id')) as { status: string }[];
    expect(jobs.map((j) => j.status)).toEqual(['FAILED', 'SUCCEEDED']);
  });
});
