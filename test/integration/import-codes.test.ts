/**
 * Every import code (importers/read/issues.ts) produced from a workbook, on every database: each case
 * builds the file a user would send, imports it, and asserts the code with the cell (or column) it
 * points at and a message. A last test fails when a code of the list has no test anywhere in test/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { systemContext, type RequestContext } from '../../src/common/context';
import { ImportMode, Role } from '../../src/common/enums';
import { ARCHIVE, LEDGER, SUMMARY, type AnnexSpec } from '../../importers/annexes';
import { importAnnex, type ImportOptions } from '../../importers/load/importer';
import { ImportCode, type IssueData } from '../../importers/read/issues';
import { MAX_STORED_ISSUES } from '../../src/modules/imports/import.service';
import { describeEachDb } from '../support/db';
import { exceljsWorkbook, tmpFile, type Cell } from '../support/workbooks';

const TODAY = '2026-10-31';
const SUMMARY_HEADER = ['客户编号', '客户名称', '客户级别', '推荐单位', '客户经理', '上级集团'];

describeEachDb('import codes, each from a workbook', (t) => {
  const ctx = systemContext('test');
  let unitId: number;
  let managerCtx: RequestContext;

  const workbook = (rows: Cell[][], name = `${randomUUID()}.xlsx`) => exceljsWorkbook(tmpFile(name), [{ name: '大客户', rows }]);
  const run = async (annex: AnnexSpec, rows: Cell[][], o: Partial<ImportOptions> & { as?: RequestContext } = {}) =>
    (await importAnnex(t().services, o.as ?? ctx, { annex, file: await workbook(rows), today: TODAY, dryRun: true, ...o })).report;
  /** The issues of `code` in the report (errors and warnings), each as [cell, column, value, message]. */
  const issues = (report: { errors: IssueData[]; warnings: IssueData[] }, code: string) => [...report.errors, ...report.warnings].filter((i) => i.code === code);
  const expectIssue = (list: IssueData[], want: Partial<IssueData>) => {
    expect(list).toEqual([expect.objectContaining(want)]);
    // A message a person can act on, not just the code.
    expect(list[0].message.trim().length).toBeGreaterThan(list[0].code.length);
  };

  beforeAll(async () => {
    const { services } = t();
    unitId = (await services.org.createUnit(ctx, { code: 'HD', name: '华东分公司' })).id;
    const hn = await services.org.createUnit(ctx, { code: 'HN', name: '华南分公司' });
    const zhou = await services.org.createUser(ctx, { name: '周浩然', role: Role.MANAGER, unitId });
    // Two managers of one name in two units: named without a unit, the manager is ambiguous.
    await services.org.createUser(ctx, { name: '王伟', role: Role.MANAGER, unitId });
    const wangHn = await services.org.createUser(ctx, { name: '王伟', role: Role.MANAGER, unitId: hn.id });
    // Two accounts of one name (in two units): a row naming the account only by name is ambiguous.
    await services.accounts.create(ctx, { code: 'DUP1', name: '同名建设有限公司', ownerUnitId: unitId, managerId: zhou.id });
    // The one door refuses a second one today; files and databases from before that rule still hold such pairs.
    const dup2 = await services.accounts.create(ctx, { code: 'DUP2', name: '同名建设有限公司（旧档）', ownerUnitId: hn.id, managerId: wangHn.id });
    const [dup1] = await t().ds.query("SELECT name_key FROM accounts WHERE code = 'DUP1'");
    await t().ds.query(`UPDATE accounts SET name = '同名建设有限公司', name_key = '${dup1.name_key}' WHERE id = ${dup2.id}`);
    managerCtx = {
      actor: { kind: 'user', name: '周浩然', role: Role.MANAGER, userId: zhou.id, unitId },
      requestId: randomUUID(),
      origin: 'test',
      confidentiality: { userId: zhou.id, agreements: [{ documentVersion: '2024版', signedOn: '2024-01-01', expiresOn: null, revokedOn: null }], requiredVersion: null },
    };
  });

  it('EXCEL_ERROR: a cell holding an Excel error (#DIV/0!) is rejected at that cell', async () => {
    const report = await run(ARCHIVE, [
      ['客户编号', '客户名称', '年合作销售额（万元）'],
      ['EE1', '错误值有限公司', { error: '#DIV/0!' } as unknown as Cell],
    ]);
    expectIssue(issues(report, ImportCode.EXCEL_ERROR), { cell: 'C2', row: 2, column: '年合作销售额（万元）' });
    expect(report.rows).toMatchObject({ total: 1, invalid: 1 });
  });

  it('TEXT_TOO_LONG: a ledger 我方人员 longer than its column is rejected at that cell, with the length', async () => {
    const long = '张三、李四、'.repeat(60);
    const report = await run(LEDGER, [
      ['日期', '客户编号', '活动类型', '主题', '我方人员'],
      ['2026-03-05', 'DUP1', '拜访', '年度拜访', long],
    ]);
    const [issue] = issues(report, ImportCode.TEXT_TOO_LONG);
    expectIssue([issue], { cell: 'E2', row: 2 });
    expect(issue.message).toContain(String([...long].length));
  });

  it('INVALID_NUMBER: a year that is not a number is rejected at that cell', async () => {
    const report = await run(ARCHIVE, [
      ['客户编号', '客户名称', '评价年度', '信用等级'],
      ['IN1', '年份有误有限公司', '二〇二五年度', 'AA'],
    ]);
    expectIssue(issues(report, ImportCode.INVALID_NUMBER), { cell: 'C2', row: 2, column: '评价年度', value: '二〇二五年度' });
  });

  it('AMBIGUOUS_ACCOUNT: a ledger row naming an account by a name two accounts share', async () => {
    const report = await run(LEDGER, [
      ['日期', '客户名称', '活动类型', '主题'],
      ['2026-03-05', '同名建设有限公司', '拜访', '年度拜访'],
    ]);
    expectIssue(issues(report, ImportCode.AMBIGUOUS_ACCOUNT), { cell: 'B2', row: 2 });
    expect(issues(report, ImportCode.AMBIGUOUS_ACCOUNT)[0].message).toMatch(/DUP1.*DUP2/);
  });

  it('AMBIGUOUS_MANAGER: a manager named without a unit, when two users bear the name', async () => {
    const report = await run(SUMMARY, [SUMMARY_HEADER, ['AM1', '经理重名有限公司', '一般', null, '王伟', null]]);
    expectIssue(issues(report, ImportCode.AMBIGUOUS_MANAGER), { cell: 'E2', row: 2 });
  });

  it('UNKNOWN_UNIT and UNKNOWN_MANAGER: a MANAGER importing may not create units or users', async () => {
    const unit = await run(SUMMARY, [SUMMARY_HEADER, ['UU1', '新单位有限公司', '一般', '西北分公司', '周浩然', null]], { as: managerCtx });
    expectIssue(issues(unit, ImportCode.UNKNOWN_UNIT), { cell: 'D2', row: 2 });
    const manager = await run(SUMMARY, [SUMMARY_HEADER, ['UM1', '新经理有限公司', '一般', '华东分公司', '赵无名', null]], { as: managerCtx });
    expectIssue(issues(manager, ImportCode.UNKNOWN_MANAGER), { cell: 'E2', row: 2 });
    // An ADMIN's import creates them instead (with a warning).
    const admin = await run(SUMMARY, [SUMMARY_HEADER, ['UU1', '新单位有限公司', '一般', '西北分公司', '赵无名', null]]);
    expect(admin.errors).toEqual([]);
    expect(admin.warnings.map((w) => w.code)).toEqual(expect.arrayContaining([ImportCode.UNIT_CREATED, ImportCode.MANAGER_CREATED]));
  });

  it('DUPLICATE_COLUMN: a header repeated is a warning naming the second column; the first is imported', async () => {
    const report = await run(SUMMARY, [
      ['客户编号', '客户名称', '客户级别', '客户名称'],
      ['DC1', '第一列的名称有限公司', '一般', '第二列的名称'],
    ], { dryRun: false });
    expect(report.errors).toEqual([]);
    expectIssue(issues(report, ImportCode.DUPLICATE_COLUMN), { column: '客户名称' });
    // It names the column that is imported.
    expect(issues(report, ImportCode.DUPLICATE_COLUMN)[0].message).toMatch(/\bB\b/);
    expectIssue(issues(report, ImportCode.DUPLICATE_COLUMN), { cell: 'D1', row: 1 });
    const [row] = await t().ds.query("SELECT name FROM accounts WHERE code = 'DC1'");
    expect(row.name).toBe('第一列的名称有限公司');
  });

  it('CODE_GENERATED: new accounts without 客户编号 get a code, with one warning on the column', async () => {
    const report = await run(SUMMARY, [SUMMARY_HEADER, [null, '无编号甲有限公司', '一般', '华东分公司', '周浩然', null], [null, '无编号乙有限公司', '一般', '华东分公司', '周浩然', null]], { dryRun: false });
    expect(report.errors).toEqual([]);
    expectIssue(issues(report, ImportCode.CODE_GENERATED), { column: '客户编号' });
    expect(issues(report, ImportCode.CODE_GENERATED)[0].message).toMatch(/^\D*2\D/);
    const rows = await t().ds.query("SELECT code FROM accounts WHERE name IN ('无编号甲有限公司', '无编号乙有限公司')");
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(String(r.code)).not.toBe('');
  });

  it('PARENT_NOT_FOUND: a 上级集团 that is no account is a warning at that cell; the account is still imported', async () => {
    const report = await run(ARCHIVE, [SUMMARY_HEADER, ['PN1', '子公司有限公司', '一般', '华东分公司', '周浩然', '不存在的集团']], { dryRun: false });
    expect(report.errors).toEqual([]);
    expectIssue(issues(report, ImportCode.PARENT_NOT_FOUND), { cell: 'F2', row: 2 });
    expect(issues(report, ImportCode.PARENT_NOT_FOUND)[0].message).toContain('不存在的集团');
    const [row] = await t().ds.query("SELECT parent_id FROM accounts WHERE code = 'PN1'");
    expect(row.parent_id).toBeNull();
  });

  it('YEAR_ASSUMED: a credit evaluation without 评价年度 is recorded for this year, with a warning on the row', async () => {
    const report = await run(ARCHIVE, [
      ['客户编号', '客户名称', '客户级别', '推荐单位', '客户经理', '信用等级', '年度结论'],
      ['YA1', '无年度有限公司', '一般', '华东分公司', '周浩然', 'A', '维持现状'],
    ]);
    expect(report.errors).toEqual([]);
    expectIssue(issues(report, ImportCode.YEAR_ASSUMED), { row: 2, column: '评价年度' });
    expect(issues(report, ImportCode.YEAR_ASSUMED)[0].message).toContain(TODAY.slice(0, 4));
  });

  it(`TOO_MANY_ISSUES: more than ${MAX_STORED_ISSUES} errors are counted, the first ${MAX_STORED_ISSUES} listed`, async () => {
    const rows: Cell[][] = [SUMMARY_HEADER];
    const n = MAX_STORED_ISSUES + 3;
    for (let i = 1; i <= n; i++) rows.push([`TM${i}`, `多错有限公司${i}`, '没有这个级别', '华东分公司', '周浩然', null]);
    const report = await run(SUMMARY, rows, { mode: ImportMode.SKIP_INVALID });
    expect(report.errors).toHaveLength(MAX_STORED_ISSUES);
    expect(report.rows).toMatchObject({ total: n, invalid: n });
    const [issue] = issues(report, ImportCode.TOO_MANY_ISSUES);
    expectIssue([issue], { cell: null, row: null });
    expect(issue.message).toContain(String(n));
    expect(issue.message).toContain(String(MAX_STORED_ISSUES));
  }, 180_000);
});

describe('import codes', () => {
  it('every code of the list is produced by some test in test/', () => {
    const texts: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.test.ts') && p !== __filename) texts.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(__dirname, '..'));
    texts.push(fs.readFileSync(__filename, 'utf8').split("describe('import codes', ")[0]);
    const all = texts.join('\n');
    const untested = Object.values(ImportCode).filter((code) => !new RegExp(`['"\`]${code}['"\`]|ImportCode\\.${code}\\b`).test(all));
    expect(untested).toEqual([]);
  });
});
