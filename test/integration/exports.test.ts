/**
 * Annex exports round-trip: annexes imported from workbooks as people fill them in, exported in each
 * annex's own layout, imported again (dry run) → nothing to create or update. Also: the privacy rule
 * on persons (FINANCE sees masked values), CSV with a BOM and formula text neutralised, user text that
 * looks like formulas written as text (openpyxl), HTTP /exports, `kam export`, one audit event per export.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { systemContext, type RequestContext } from '../../src/common/context';
import { ImportAnnex, ImportMode, Role } from '../../src/common/enums';
import { creditCodeCheckChar } from '../../src/common/validation';
import type { RunningServer } from '../../src/http/server';
import { ANNEXES } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import type { ExportFormat } from '../../importers/write/annex-export';
import { describeEachDb } from '../support/db';
import { startTestServer } from '../support/graphql-client';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';
import { itWithReaders, readWithOpenpyxl } from '../support/report-readers';
import { builtCli } from '../support/built-cli';

const KAM = builtCli();
const cc = (first17: string) => first17 + creditCodeCheckChar(first17);
const CC_G1 = cc('91110105MA01ABCD1');
const CC_A1 = cc('91320100MA1XYW12K');
const EVIL = '=HYPERLINK("http://evil.example","x")';

const ARCHIVE_ROWS = [
  ['附件2 大客户信息管理档案'],
  ['填报单位：华东分公司'],
  [
    '序号', '客户编号', '客户名称', '上级集团', '建档日期', '统一社会信用代码', '单位性质', '行业类别', '规模', '主要产品', '信誉', '资产状况（万元）', '股东结构', '地址', '邮编',
    '电话', '传真', '邮箱', '客户级别', '管理层级', '状态', '推荐单位', '客户经理', '后续合同成交额（万元）', '年合作销售额（万元）', '评价年度', '履约情况', '付款情况',
    '常用合同方式', '竞标办法', '合约习惯', '价格水平', '支付能力', '项目开发管理能力', '评分', '信用等级', '年度结论', '评价人', '备注',
  ],
  [
    1, 'G1', '宏达控股集团有限公司', null, '2024-03-05', CC_G1, '国有企业', '建筑施工', '大型', '房屋建筑总承包', '良', 120000.55, '国资控股', '北京市朝阳区建设路1号', '100020',
    '010-62345678', '010-62345679', 'office@example.cn', '战略', '公司级', '合作中', '华东分公司', '王伟', 25000.1234, 2600.12, 2025, '合同履约良好', '按期付款',
    '总价合同', '公开招标', '预付30%，进度款按月结算', '适中', '强', '较强', 86.5, 'AA', '加强攻关', '李评', '=1+2 备注',
  ],
  [2, 'A1', '@南京宏达建设有限公司', 'G1', '2025年3月5日', CC_A1, '民营企业', '市政工程', '中型', null, null, null, null, '南京市鼓楼区1号', null, null, null, null, '重点', null, '合作中', '华东分公司', '王伟', null, 2100, null, null, null, null, null, null, null, null, null, null, null, null, null, '-负数开头'],
  [3, 'A2', '+杭州科技有限公司', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, '一般', null, '暂停', '华东分公司', '赵六', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
];

const PERSONS_ROWS = [
  ['附件3 大客户相关人员档案'],
  ['客户编号', '姓名', '性别', '职务', '部门', '角色', '办公电话', '手机', '邮箱', '生日', '家庭成员情况', '家庭住址', '兴趣爱好', '关系亲密度', '信息采集同意时间', '同意方式', '在职状态', '离职日期', '备注'],
  ['G1', '张建国', '男', '总经理', '总经理办公室', '决策者', '010-62345678', '13800138000', 'zhang@example.cn', '1972-06-18', '已婚，育有一子', '北京市海淀区某小区', '钓鱼、书法', '良好', '2025-01-10 09:30:15', '书面同意书', '在职', null, EVIL],
  ['A1', '李四', '女', '采购经理', '采购部', '采购', null, '13900139000', null, null, null, null, null, '一般', null, null, '离职', '2026-01-05', null],
  ['A1', '王五', '男', '@总工', '技术部', '技术把关', null, null, null, null, null, null, null, null, null, null, '在职', null, '\t制表符开头'],
];

const LEDGER_ROWS = [
  ['附件4 大客户经理经营档案'],
  ['序号', '日期', '客户编号', '活动类型', '我方人员', '客户方人员', '主题', '内容摘要', '结果', '下一步工作', '完成期限', '项目名称', '合同金额（万元）', '回款金额（万元）', '情报类别', '客户经理'],
  [1, '2026-01-05', 'G1', '签约', '王伟', '张建国（总经理）', '签订一期合同', '一期工程总包合同签订', '已签约', '组织进场', '2026-01-31', '一期工程', 1234.5678, null, null, '王伟'],
  [2, '2026-01-20', 'G1', '回款', '王伟', null, '一期预付款', null, null, null, null, '一期工程', null, 100.01, null, '王伟'],
  [3, '2026-02-03', 'A1', '高层拜访', '王伟、总经理', '李四', '高层互访', '沟通年度合作', null, null, null, null, null, null, '人事变动、竞争对手', '王伟'],
  [4, '2026-02-04', 'A2', '客户经理拜访', '赵六', null, EVIL, '+1 内容', null, null, null, null, null, null, null, '赵六'],
  [5, '2026-02-05', 'A2', '签约', '赵六', null, '零星采购', null, null, null, null, null, 3.33, 1.11, null, '赵六'],
];

function kam(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [KAM, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeEachDb('annex exports', (t) => {
  const admin = systemContext('test');
  let server: RunningServer;
  let base: string;
  let keys: Record<'finance' | 'admin', string>;
  const finance = (): RequestContext => ({ ...admin, actor: { kind: 'apikey', name: 'apikey:fin', role: Role.FINANCE, userId: null, unitId: null } });

  const exportTo = async (ctx: RequestContext, annex: ImportAnnex, name: string, format: ExportFormat = 'xlsx', filter = {}) => {
    const s = t().services;
    const file = tmpFile(name);
    const stream = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const rows = await s.exports.write(ctx, await s.exports.prepare(ctx, annex, filter), stream, format);
    await closed;
    return { file, rows };
  };
  const dryRun = (annex: ImportAnnex, file: string) => importAnnex(t().services, admin, { annex: ANNEXES[annex], file, dryRun: true, mode: ImportMode.ATOMIC }).then((r) => r.report);

  beforeAll(async () => {
    const s = t().services;
    for (const [annex, rows] of [[ImportAnnex.ARCHIVE, ARCHIVE_ROWS], [ImportAnnex.PERSONS, PERSONS_ROWS], [ImportAnnex.LEDGER, LEDGER_ROWS]] as const) {
      const file = await exceljsWorkbook(tmpFile(`${annex}.xlsx`), [{ rows: rows as unknown as (string | number | null)[][] }]);
      const { report } = await importAnnex(s, admin, { annex: ANNEXES[annex], file, dryRun: false, mode: ImportMode.ATOMIC });
      expect(report.errors).toEqual([]);
      expect(report.rows.invalid).toBe(0);
    }
    keys = {
      finance: (await s.auth.createApiKey(admin, { name: 'fin', role: Role.FINANCE })).secret,
      admin: (await s.auth.createApiKey(admin, { name: 'adm', role: Role.ADMIN })).secret,
    };
    server = await startTestServer(s);
    base = server.url.replace(/\/graphql$/, '');
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each([
    [ImportAnnex.SUMMARY, 3],
    [ImportAnnex.ARCHIVE, 3],
    [ImportAnnex.PERSONS, 3],
    [ImportAnnex.LEDGER, 5],
  ])('%s: export then import (dry run) finds every row unchanged', async (annex, n) => {
    const { file, rows } = await exportTo(admin, annex, `${annex}-export.xlsx`);
    expect(rows).toBe(n);
    const report = await dryRun(annex, file);
    expect(report.errors).toEqual([]);
    expect(report.rows).toEqual({ total: n, valid: n, invalid: 0, created: 0, updated: 0, unchanged: n });
  });

  it('writes each annex in its own layout, with values as the importer reads them (exceljs)', async () => {
    const { file } = await exportTo(admin, ImportAnnex.ARCHIVE, 'archive-layout.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A1').value).toBe('附件2 大客户信息管理档案');
    expect(ws.getRow(3).getCell(2).value).toBe('客户编号');
    expect(ws.getRow(3).getCell(12).value).toBe('资产状况（万元）');
    expect(ws.getRow(3).getCell(16).value).toBe('联系方式'); // two-level header, as the template
    expect(ws.getRow(4).getCell(16).value).toBe('电话');
    const g1 = ws.getRow(5);
    expect(g1.getCell(1).value).toBe(1);
    expect(g1.getCell(2).value).toBe('G1');
    expect(g1.getCell(5).value).toEqual(new Date('2024-03-05T00:00:00Z'));
    expect(g1.getCell(12).value).toBe(120000.55);
    const headers = (ws.getRow(3).values as unknown[]).map(String);
    expect(g1.getCell(headers.indexOf('后续合同成交额（万元）')).value).toBe(25000.1234);
    expect(g1.getCell(headers.indexOf('客户级别')).value).toBe('战略');
    expect(g1.getCell(headers.indexOf('单位性质')).value).toBe('国有企业');
    expect(g1.getCell(headers.indexOf('推荐单位')).value).toBe('华东分公司');
    const a1 = ws.getRow(6);
    expect(a1.getCell(3).value).toBe('@南京宏达建设有限公司');
    expect(a1.getCell(4).value).toBe('G1');
  });

  it('masks persons\' private fields for FINANCE and shows them to ADMIN', async () => {
    const read = async (ctx: RequestContext) => {
      const { file } = await exportTo(ctx, ImportAnnex.PERSONS, 'persons-privacy.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const ws = wb.worksheets[0];
      const headers = [...(ws.getRow(3).values as unknown[]), ...(ws.getRow(4).values as unknown[])].map(String);
      const col = (h: string) => (ws.getRow(4).values as unknown[]).indexOf(h) > 0 ? (ws.getRow(4).values as unknown[]).indexOf(h) : (ws.getRow(3).values as unknown[]).indexOf(h);
      expect(headers).toContain('家庭成员情况');
      const zhang = ws.getRow(5);
      return { mobile: zhang.getCell(col('手机')).value, family: zhang.getCell(col('家庭成员情况')).value, hobbies: zhang.getCell(col('兴趣爱好')).value, notes: zhang.getCell(col('备注')).value };
    };
    // 家庭成员情况 is stored NFKC-normalised (，→ ,).
    expect(await read(admin)).toEqual({ mobile: '13800138000', family: '已婚,育有一子', hobbies: '钓鱼、书法', notes: EVIL });
    // A person's notes are personal information (PIPL): FINANCE does not get them either.
    expect(await read(finance())).toEqual({ mobile: '138****8000', family: null, hobbies: null, notes: null });
    // Full reads are on record (who read which people's which fields), masked ones are not.
    const reads = (await t().services.audit.list(admin, { action: 'contact.read' }, { first: 50 })).nodes;
    expect(reads.some((e) => e.actor === 'system:test' && e.fields.includes('mobile') && e.fields.includes('familyInfo'))).toBe(true);
    expect(reads.some((e) => e.actor === 'apikey:fin')).toBe(false);
  });

  itWithReaders(['openpyxl'], 'writes formula-like user text as text, read by openpyxl', async () => {
    const { file } = await exportTo(admin, ImportAnnex.LEDGER, 'ledger-injection.xlsx');
    const [ws] = readWithOpenpyxl(file);
    const header = ws.rows[2].map((c) => c.v);
    const row = ws.rows.find((r) => r[header.indexOf('主题')].v === EVIL)!;
    expect(row[header.indexOf('主题')]).toMatchObject({ v: EVIL, t: 's' });
    expect(row[header.indexOf('内容摘要')]).toMatchObject({ v: '+1 内容', t: 's' });
    expect(ws.rows.flat().some((c) => c.t === 'f')).toBe(false);
    const signing = ws.rows.find((r) => r[header.indexOf('主题')].v === '签订一期合同')!;
    expect(signing[header.indexOf('合同金额（万元）')]).toMatchObject({ v: 1234.5678, t: 'n' });
    expect(signing[header.indexOf('日期')]).toMatchObject({ v: '2026-01-05T00:00:00', t: 'd' });
    expect(signing[header.indexOf('项目名称')].v).toBe('一期工程');
    const visit = ws.rows.find((r) => r[header.indexOf('主题')].v === '高层互访')!;
    expect(visit[header.indexOf('情报类别')].v).toBe('人事变动、竞争对手');
    const persons = readWithOpenpyxl((await exportTo(admin, ImportAnnex.PERSONS, 'persons-injection.xlsx')).file)[0];
    const notes = persons.rows.flat().filter((c) => typeof c.v === 'string' && /^[=@\t]/.test(c.v));
    expect(notes.map((c) => [c.v, c.t])).toEqual(expect.arrayContaining([[EVIL, 's'], ['@总工', 's']]));
  });

  it('CSV carries a UTF-8 BOM and neutralises formula prefixes; filters apply', async () => {
    const { file, rows } = await exportTo(admin, ImportAnnex.LEDGER, 'ledger.csv', 'csv', { from: '2026-02-01' });
    expect(rows).toBe(3);
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('序号,日期,客户编号,统一社会信用代码,客户名称,活动类型,沟通方式,我方人员,客户方人员,主题,内容摘要,结果,下一步工作,完成期限,项目名称,合同金额（万元）,回款金额（万元）,情报类别,客户经理');
    expect(lines).toHaveLength(4);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text).toContain("'+1 内容");
    expect(text).toContain(",'+杭州科技有限公司,");
    const strategic = await exportTo(admin, ImportAnnex.SUMMARY, 'strategic.xlsx', 'xlsx', { accounts: { tierCodes: ['战略'] } });
    expect(strategic.rows).toBe(1);
  });

  it('serves GET /exports/{annex}.xlsx|.csv with the caller\'s masking, and records one audit event per export', async () => {
    const res = await fetch(`${base}/exports/persons.xlsx`, { headers: { authorization: `Bearer ${keys.finance}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="persons\.xlsx"; filename\*=UTF-8''%E9%99%84%E4%BB%B63/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const values = wb.worksheets[0].getRow(5).values as unknown[];
    expect(values).toContain('138****8000');
    expect(values).not.toContain('13800138000');
    const csv = await fetch(`${base}/exports/4.csv?from=2026-02-01`, { headers: { authorization: `Bearer ${keys.admin}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...Buffer.from(await csv.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const status = async (p: string, key?: string) => (await fetch(`${base}${p}`, { headers: key ? { authorization: `Bearer ${key}` } : {} })).status;
    expect(await status('/exports/persons.xlsx')).toBe(401);
    expect(await status('/exports/nothing.xlsx', keys.admin)).toBe(404);
    expect(await status('/exports/ledger.xlsx?from=2026-13-01', keys.admin)).toBe(400);

    // The audit event is written once the file is complete: wait for it.
    let mine: { entityId: string | null; after: unknown; origin: string | null }[] = [];
    for (let i = 0; i < 50 && mine.length === 0; i++) {
      mine = (await t().services.audit.list(admin, { action: 'export.annex', actor: 'apikey:fin' }, { first: 10 })).nodes.filter((e) => e.origin !== 'cli');
      if (!mine.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(mine).toHaveLength(1);
    expect(mine[0].entityId).toBe('persons');
    expect(typeof mine[0].after === 'string' ? JSON.parse(mine[0].after) : mine[0].after).toMatchObject({ annex: 'persons', format: 'xlsx', rows: 3 });
    expect(JSON.stringify(mine[0])).not.toContain('13800138000');
  });

  it('kam export writes the annex and the report; a bad month exits 2 with one line', () => {
    const env = { KAM_DATABASE_URL: t().config.database.url };
    const out = tmpFile('附件1.xlsx');
    const ok = kam(['export', 'summary', '--out', out], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('（附件1 大客户档案汇总表：3 行）');
    expect(fs.statSync(out).size).toBeGreaterThan(1000);
    const report = tmpFile('report.xlsx');
    const r = kam(['export', 'monthly-report', '--month', '2026-02', '--out', report], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2026-02');
    const future = kam(['export', 'monthly-report', '--month', '2999-01', '--out', tmpFile('x.xlsx')], env);
    expect(future.code).toBe(2);
    expect(future.stderr.trim().split('\n')).toHaveLength(1);
    expect(future.stderr).toMatch(/^kam: month: 2999-01 is in the future/);
    const missing = tmpFile('none.xlsx');
    expect(kam(['export', 'monthly-report', '--month', '2026-1', '--out', missing], env).code).toBe(2);
    expect(fs.existsSync(missing)).toBe(false);
  });
});
