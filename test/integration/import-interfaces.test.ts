/** The importer's interfaces: `kam import` / `kam template`, `POST /imports/{annex}`, `GET /templates/…`, GraphQL importJobs. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import type { RunningServer } from '../../src/http/server';
import { DB_KINDS, describeEachDb, testDatabaseConfig } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';
import { exceljsWorkbook, tmpFile, zipEntry } from '../support/workbooks';
import { builtCli } from '../support/built-cli';

const KAM = builtCli();

function kam(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [KAM, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SUMMARY_ROWS = [['附件1 大客户档案汇总表'], ['客户编号', '客户名称', '客户级别', '推荐单位'], ['KA0001', '北京宏达建设集团有限公司', '战略', '华北分公司'], ['KA0002', '上海华建置业有限公司', '重点', '华北分公司']];

describe.each(DB_KINDS)('kam import and kam template [%s]', (kind) => {
  const db = testDatabaseConfig(kind, 'import-cli');
  const env = { KAM_DATABASE_URL: db.url };

  beforeAll(() => {
    expect(kam(['migrate'], env).code).toBe(0);
  });
  afterAll(async () => {
    if (db.kind === 'sqlite') fs.rmSync(path.dirname(db.path), { recursive: true, force: true });
    else {
      const mysql = await import('mysql2/promise');
      const conn = await mysql.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${db.database}\``);
      await conn.end();
    }
  });

  it('prints exactly one JSON object and exits 0, then 1 when a row is rejected', async () => {
    const file = await exceljsWorkbook(tmpFile('汇总.xlsx'), [{ rows: SUMMARY_ROWS }]);
    const ok = kam(['import', '1', file, '--json'], env);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    // Issue 12: the report gains the job (to undo it, download its errors) and says when its lists are capped.
    expect(Object.keys(report)).toEqual(['job', 'annex', 'file', 'dryRun', 'mode', 'rows', 'errors', 'warnings', 'mappings', 'truncated', 'counts']);
    expect(report).toMatchObject({ job: expect.any(Number), truncated: false, counts: { errors: 0, warnings: report.warnings.length } });
    expect(Object.keys(report.rows)).toEqual(['total', 'valid', 'invalid', 'created', 'updated', 'unchanged']);
    expect(report).toMatchObject({ annex: 'summary', file: '汇总.xlsx', dryRun: false, mode: 'atomic', rows: { total: 2, created: 2 } });
    expect(report.warnings[0]).toEqual({ sheet: 'Sheet1', row: 3, cell: 'D3', column: '推荐单位', value: '华北分公司', code: 'UNIT_CREATED', message: expect.stringContaining('华北分公司') });

    const bad = await exceljsWorkbook(tmpFile('bad.xlsx'), [{ rows: [...SUMMARY_ROWS.slice(0, 2), ['KA0003', '某公司', '钻石级', null]] }]);
    const rejected = kam(['import', 'summary', bad, '--json', '--dry-run'], env);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout).errors).toEqual([expect.objectContaining({ cell: 'C3', column: '客户级别', value: '钻石级', code: 'UNKNOWN_TIER' })]);
    const human = kam(['import', 'summary', bad], env);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('Sheet1!C3 客户级别');
    expect(human.stdout).toContain('未写入任何内容');
  });

  it('exits 2 with one line on stderr and no stack for files it cannot read', () => {
    const xls = tmpFile('old.xls');
    fs.writeFileSync(xls, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1024)]));
    const truncated = tmpFile('cut.xlsx');
    fs.writeFileSync(truncated, Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(200, 7)]));
    for (const [file, text] of [[xls, '.xls'], [truncated, '已损坏或不完整']]) {
      const started = Date.now();
      const r = kam(['import', 'archive', file, '--json'], env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(text);
      expect(r.stderr).not.toMatch(/\s+at /);
      // No hang (a loaded 2-core machine starts node in seconds, not a minute).
      expect(Date.now() - started).toBeLessThan(45_000);
    }
    expect(kam(['import', 'annex9', xls], env).stderr).toContain('未知的附件');
    expect(kam(['import', 'annex9', xls], { ...env, KAM_LANG: 'en' }).stderr).toContain('unknown annex');
  });

  it('writes templates with dropdowns over the used range only, which import as nothing', async () => {
    const out = tmpFile('template.xlsx');
    const r = kam(['template', 'archive', '--out', out], env);
    expect(r.code).toBe(0);
    // The validations in the file itself: one range per enum column over the rows people fill.
    const xml = await zipEntry(out, 'xl/worksheets/sheet1.xml');
    const ranges = [...xml.matchAll(/<dataValidation [^>]*sqref="([^"]+)"/g)].map((m) => m[1]);
    expect(ranges.length).toBeGreaterThanOrEqual(6);
    for (const range of ranges) expect(range).toMatch(/^[A-Z]+5:[A-Z]+1004$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A5').value).toBe('示例');
    expect(wb.getWorksheet('选项')?.state).toBe('hidden');
    const imported = JSON.parse(kam(['import', '2', out, '--json'], env).stdout);
    expect(imported.rows.total).toBe(0);
    expect(imported.errors).toEqual([]);
  });
});

describeEachDb('POST /imports, GET /templates, GraphQL importJobs', (t) => {
  let server: RunningServer;
  let base: string;
  let admin: string;
  let analyst: string;
  let manager: string;
  const ctx = systemContext('test');

  beforeAll(async () => {
    const { services } = t();
    const north = await services.org.createUnit(ctx, { code: 'HB', name: '华北分公司' });
    const south = await services.org.createUnit(ctx, { code: 'HN', name: '华南分公司' });
    const mgr = await services.org.createUser(ctx, { login: 'mgr', name: '王伟', role: Role.MANAGER, unitId: north.id });
    await services.accounts.create(ctx, { code: 'KA0100', name: '南方客户有限公司', ownerUnitId: south.id });
    admin = (await services.auth.createApiKey(ctx, { name: 'admin', role: Role.ADMIN })).secret;
    analyst = (await services.auth.createApiKey(ctx, { name: 'bi', role: Role.ANALYST })).secret;
    manager = (await services.auth.createApiKey(ctx, { name: 'mgr', role: Role.MANAGER, userId: mgr.id })).secret;
    server = await startTestServer(services);
    base = server.url.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await server?.close();
  });

  const upload = async (annex: string, file: string, token?: string, query = '') => {
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
    return fetch(`${base}/imports/${annex}${query}`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  };

  it('imports a multipart upload and returns the report; the job is visible in GraphQL with its issues', async () => {
    const file = await exceljsWorkbook(tmpFile('汇总表.xlsx'), [{ rows: [['客户编号', '客户名称', '客户级别', '推荐单位', '客户经理'], ['KA0001', '北京宏达建设集团有限公司', '战略', '华北分公司', '赵敏'], ['KA0002', '上海华建置业有限公司', '重点', '华北分公司', '王伟'], ['KA0003', '某公司', '钻石级', null, null]] }]);
    const res = await upload('summary', file, admin, '?wait=true&mode=skip-invalid');
    expect(res.status).toBe(200);
    const report = (await res.json()) as { file: string; mode: string; rows: Record<string, number>; errors: { cell: string }[] };
    expect(report).toMatchObject({ file: '汇总表.xlsx', mode: 'skip-invalid', rows: { total: 3, valid: 2, invalid: 1, created: 2 } });
    const jobId = res.headers.get('x-import-job');
    const gql = new GqlClient(server.url, admin);
    const d = await gql.data<{ importJob: { status: string; rowsTotal: number; rowsProcessed: number; heartbeatAt: string; interrupted: boolean; errors: { cell: string; code: string }[]; warnings: { code: string }[] }; importJobs: { totalCount: number } }>(
      'query($id: ID!) { importJob(id: $id) { status rowsTotal rowsProcessed heartbeatAt interrupted errors { cell code } warnings { code } } importJobs(first: 10) { totalCount } }',
      { id: jobId },
    );
    expect(d.importJob).toMatchObject({ status: 'REJECTED', rowsTotal: 3, rowsProcessed: 3, interrupted: false, errors: [{ cell: 'C4', code: 'UNKNOWN_TIER' }] });
    expect(d.importJob.warnings.map((w) => w.code)).toEqual(['MANAGER_CREATED']);
    expect(d.importJobs.totalCount).toBeGreaterThanOrEqual(1);
    const denied = await new GqlClient(server.url, analyst).request('{ importJobs { totalCount } }');
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses anonymous and read-only callers, unreadable files and oversized uploads', async () => {
    const file = await exceljsWorkbook(tmpFile('s.xlsx'), [{ rows: SUMMARY_ROWS }]);
    expect((await upload('summary', file)).status).toBe(401);
    expect((await upload('summary', file, analyst)).status).toBe(403);
    expect((await upload('annex9', file, admin)).status).toBe(404);
    const xls = tmpFile('old.xls');
    fs.writeFileSync(xls, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1024)]));
    const res = await upload('summary', xls, admin);
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: { code: 'LEGACY_XLS', message: expect.stringContaining('.xls') } });
  });

  it('lets a manager import only for accounts of their own unit', async () => {
    const file = await exceljsWorkbook(tmpFile('ledger.xlsx'), [{ rows: [['日期', '客户编号', '内容摘要'], ['2025-01-02', 'KA0100', '拜访']] }]);
    const res = await upload('4', file, manager, '?wait=true&dryRun=true');
    const report = (await res.json()) as { errors: { code: string; cell: string }[] };
    expect(report.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', cell: 'B2' })]);
  });

  it('serves blank templates', async () => {
    const res = await fetch(`${base}/templates/persons.xlsx`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets[0].getCell('A1').value).toBe('附件3 大客户相关人员档案');
    expect((await fetch(`${base}/templates/persons.xlsx`)).status).toBe(401);
  });
});
