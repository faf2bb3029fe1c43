/**
 * End-to-end imports on every database: values read back, re-import no-ops (also when another program
 * re-saved the file), atomic and skip-invalid modes, dry runs, duplicates, ownership, consent, and
 * ledger money counted once.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { setLanguage } from '../../src/common/messages';
import { ARCHIVE, LEDGER, PERSONS, SUMMARY, type AnnexSpec } from '../../importers/annexes';
import { importAnnex, type ImportOptions } from '../../importers/load/importer';
import { describeEachDb } from '../support/db';
import { Contact } from '../../src/modules/contacts/contact.entity';
import { exceljsWorkbook, handXlsx, tmpFile, type Cell } from '../support/workbooks';
import { openContactFields } from '../../src/modules/contacts/contact-privacy';
import { creditCodeCheckChar, orgCodeCheckChar } from '../../src/common/validation';

const TODAY = '2026-10-31';

const ARCHIVE_HEADER = ['序号', '客户编号', '单位名称', '统一社会信用代码', '建档日期', '客户级别', '推荐单位', '客户经理', '后续合同成交额（万元）', '年合作销售额（万元）', '评价年度', '信用等级', '年度结论'];
const archiveRows: Cell[][] = [
  [1, 'KA0001', '北京宏达建设集团有限公司', '914403001922038216', '2024-03-05', '战略客户', '华北分公司', '王伟', 25000, 3200.5, 2025, 'AA', '加强攻关'],
  [2, 'KA0002', '上海华建置业有限公司', null, '2024.6.1', '重点', '华东分公司', '李娜', '1.2亿', 900, null, null, null],
  [3, 'KA0003', '广州远大电气股份有限公司', null, null, '一般客户', '华东分公司', '周浩然', null, null, null, null, null],
];

describeEachDb('annex import', (t) => {
  const ctx = systemContext('test');
  let east: number;
  let zhou: number;

  const run = (annex: AnnexSpec, file: string, o: Partial<ImportOptions> = {}) => importAnnex(t().services, ctx, { annex, file, today: TODAY, ...o });
  const q = async <T = Record<string, unknown>>(sql: string): Promise<T[]> => t().ds.query(sql);
  const count = async (table: string) => Number((await q<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const account = async (code: string) => (await q(`SELECT * FROM accounts WHERE code = '${code}'`))[0] as Record<string, unknown> & { id: number; version: number };
  const snapshot = async () => {
    const out: Record<string, unknown> = {};
    for (const table of ['accounts', 'contacts', 'credit_evaluations', 'activities', 'payments', 'projects', 'org_units', 'users', 'assignments']) out[table] = await q(`SELECT * FROM ${table} ORDER BY id`);
    return JSON.stringify(out);
  };
  const archive = (rows: Cell[][] = archiveRows, name = 'archive.xlsx') =>
    exceljsWorkbook(tmpFile(name), [{ name: '档案', rows: [['附件2 大客户信息管理档案'], ['填报单位：总公司'], ARCHIVE_HEADER, ...rows] }]);

  beforeAll(async () => {
    const { services } = t();
    east = (await services.org.createUnit(ctx, { code: 'HD', name: '华东分公司' })).id;
    zhou = (await services.org.createUser(ctx, { name: '周浩然', role: Role.MANAGER, unitId: east })).id;
  });

  it('imports an archive: accounts, credit evaluation, units and managers created with warnings, ownership recorded, job kept', async () => {
    const file = await archive();
    const { report, job } = await run(ARCHIVE, file);
    expect(report.errors).toEqual([]);
    expect(report.rows).toEqual({ total: 3, valid: 3, invalid: 0, created: 3, updated: 0, unchanged: 0 });
    expect(report.warnings.filter((w) => w.code === 'UNIT_CREATED').map((w) => [w.cell, w.value])).toEqual([['G4', '华北分公司']]);
    expect(report.warnings.filter((w) => w.code === 'MANAGER_CREATED').map((w) => w.value)).toEqual(['王伟', '李娜']);
    const a1 = await account('KA0001');
    expect(Number(a1.expected_contract_value_fen)).toBe(250_000_000 * 100);
    expect(Number(a1.annual_sales_fen)).toBe(32_005_000 * 100);
    expect(a1.registered_on).toBe('2024-03-05');
    expect(a1.source).toBe('IMPORT');
    const a2 = await account('KA0002');
    expect(Number(a2.expected_contract_value_fen)).toBe(120_000_000 * 100);
    expect(a2.registered_on).toBe('2024-06-01');
    const a3 = await account('KA0003');
    expect(a3.owner_unit_id).toBe(east);
    expect(a3.manager_id).toBe(zhou);
    const [tier] = await q<{ code: string }>(`SELECT t.code FROM tiers t JOIN accounts a ON a.tier_id = t.id WHERE a.code = 'KA0001'`);
    expect(tier.code).toBe('STRATEGIC');
    const evals = await q<{ year: number; rating: string; decision: string }>(`SELECT year, rating, decision FROM credit_evaluations WHERE account_id = ${a1.id}`);
    expect(evals).toEqual([{ year: 2025, rating: 'AA', decision: 'STRENGTHEN' }]);
    // Ownership began when the account was filed (建档日期); without one, on the day of the import.
    const owned = await q<{ code: string; from_date: string; reason: string }>('SELECT a.code, s.from_date, s.reason FROM assignments s JOIN accounts a ON a.id = s.account_id ORDER BY a.code');
    expect(owned.map((o) => [o.code, String(o.from_date).slice(0, 10), o.reason])).toEqual([
      ['KA0001', '2024-03-05', 'INITIAL'],
      ['KA0002', '2024-06-01', 'INITIAL'],
      ['KA0003', TODAY, 'INITIAL'],
    ]);
    expect(job).toMatchObject({ status: 'SUCCEEDED', annex: 'archive', rowsCreated: 3, actor: 'system:test', dryRun: false });
    expect(job.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes nothing when the same content comes again, even re-saved by another program or as GBK CSV', async () => {
    const before = await snapshot();
    const again = await run(ARCHIVE, await archive());
    expect(again.report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const hand = handXlsx(tmpFile('resaved.xlsx'), [{ name: '档案', rows: [ARCHIVE_HEADER, ...archiveRows.map((r) => r.map((c) => (c instanceof Date || typeof c === 'boolean' || c === undefined ? null : c)))] }]);
    expect((await run(ARCHIVE, hand)).report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const csv = tmpFile('档案.csv');
    fs.writeFileSync(csv, iconv.encode([ARCHIVE_HEADER, ...archiveRows].map((r) => r.map((c) => (c === null ? '' : `"${String(c)}"`)).join(',')).join('\r\n'), 'gbk'));
    expect((await run(ARCHIVE, csv)).report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await snapshot()).toBe(before);
  });

  it('updates only what changed, with an audit record of the fields', async () => {
    const changed = archiveRows.map((r) => [...r]);
    changed[1][9] = 950;
    const v1 = (await account('KA0001')).version;
    const v2 = (await account('KA0002')).version;
    const { report } = await run(ARCHIVE, await archive(changed));
    expect(report.rows).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(Number((await account('KA0002')).annual_sales_fen)).toBe(9_500_000 * 100);
    expect((await account('KA0002')).version).toBe(v2 + 1);
    expect((await account('KA0001')).version).toBe(v1);
    const [audit] = await q<{ fields: string }>(`SELECT fields FROM audit_events WHERE action = 'account.import' ORDER BY id DESC`);
    expect(audit.fields).toBe('annualSalesFen');
  });

  it('refuses a row that changes an existing account\'s decided tier, as the API does: that is a tier review the committee approves', async () => {
    const changed = archiveRows.map((r) => [...r]);
    changed[0][5] = '一般客户'; // KA0001 is 战略
    changed[0][9] = 3300; // and its sales changed
    const before = await account('KA0001');
    const { report } = await run(ARCHIVE, await archive(changed));
    expect(report.errors).toEqual([expect.objectContaining({ sheet: '档案', row: 4, cell: 'F4', column: '客户级别', value: '一般客户', code: 'INVALID_STATE' })]);
    expect(report.errors[0].message).toMatch(/tier review/);
    const after = await account('KA0001');
    expect(after.tier_id).toBe(before.tier_id);
    expect(Number(after.annual_sales_fen)).toBe(Number(before.annual_sales_fen));
    // Without the tier change the same row imports (its sales are an ordinary field).
    changed[0][5] = archiveRows[0][5];
    const again = await run(ARCHIVE, await archive(changed));
    expect(again.report.errors).toEqual([]);
    expect(Number((await account('KA0001')).annual_sales_fen)).toBe(33_000_000 * 100);
  });

  it('atomic mode writes nothing when a row is rejected; skip-invalid writes the valid rows', async () => {
    const rows: Cell[][] = [
      [1, 'KA0010', '成都天成建工集团有限公司', null, '2025-01-01', '重点', '华东分公司', '周浩然', 100, 10, null, null, null],
      [2, 'KA0011', '昆明安泰置业有限公司', '91440300192203821X', '2025-01-02', '重点', '华东分公司', '周浩然', 100, 10, null, null, null],
    ];
    const before = await snapshot();
    const atomic = await run(ARCHIVE, await archive(rows), { errorsOut: tmpFile('errors.xlsx') });
    expect(atomic.report.rows).toEqual({ total: 2, valid: 1, invalid: 1, created: 0, updated: 0, unchanged: 0 });
    expect(atomic.report.errors).toEqual([expect.objectContaining({ sheet: '档案', row: 5, cell: 'D5', column: '统一社会信用代码', value: '91440300192203821X', code: 'INVALID_CREDIT_CODE' })]);
    expect(await snapshot()).toBe(before);
    expect(atomic.job.status).toBe('REJECTED');

    const skip = await run(ARCHIVE, await archive(rows), { mode: 'skip-invalid' as never });
    expect(skip.report.rows).toMatchObject({ valid: 1, invalid: 1, created: 1 });
    expect(await account('KA0010')).toBeDefined();
    expect(await account('KA0011')).toBeUndefined();
  });

  it('writes the rejected rows with an 错误说明 column', async () => {
    const out = tmpFile('rejected.xlsx');
    await run(ARCHIVE, await archive([[1, 'KA0020', '某公司', null, '2025-02-30', '不存在的级别', null, null, null, null, null, null, null]]), { errorsOut: out, dryRun: true });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['序号', '客户编号', '单位名称']);
    expect(header[header.length - 1]).toBe('错误说明');
    const message = String(ws.getRow(2).getCell(header.length).value);
    expect(message).toContain('E4 建档日期：「2025-02-30」不是日期，如 2024-03-05、2024年3月5日、2024/3/5 或 2024.3.5（INVALID_DATE）');
    expect(message).toContain('F4 客户级别：「不存在的级别」不是客户层级');
    expect(message).toContain('（UNKNOWN_TIER）');
    expect(ws.getCell('E2').note).toBe('INVALID_DATE：「2025-02-30」不是日期，如 2024-03-05、2024年3月5日、2024/3/5 或 2024.3.5');
    // KAM_LANG=en: the same workbook in English, the codes unchanged.
    setLanguage('en');
    try {
      const en = tmpFile('rejected-en.xlsx');
      await run(ARCHIVE, await archive([[1, 'KA0020', '某公司', null, '2025-02-30', '不存在的级别', null, null, null, null, null, null, null]]), { errorsOut: en, dryRun: true });
      const wbEn = new ExcelJS.Workbook();
      await wbEn.xlsx.readFile(en);
      const messageEn = String(wbEn.worksheets[0].getRow(2).getCell(header.length).value);
      expect(messageEn).toContain('E4 建档日期："2025-02-30" is not a date such as 2024-03-05, 2024年3月5日, 2024/3/5 or 2024.3.5（INVALID_DATE）');
      expect(messageEn).toContain('"不存在的级别" is not a tier');
    } finally {
      setLanguage('zh');
    }
    expect(ws.getRow(2).getCell(2).value).toBe('KA0020');
  });

  it('dry run writes nothing and says what it would create', async () => {
    // KA0001 is known (the tests above imported it; made here when this test runs alone, -t).
    const [known] = await q<{ n: number }>("SELECT COUNT(*) AS n FROM accounts WHERE code = 'KA0001'");
    if (Number(known.n) === 0) await t().services.accounts.create(ctx, { code: 'KA0001', name: '北京宏达建设集团有限公司' });
    const before = await snapshot();
    const { report } = await run(SUMMARY, await exceljsWorkbook(tmpFile('s.xlsx'), [{ rows: [['客户编号', '客户名称', '推荐单位', '客户经理'], ['KA0030', '新客户有限公司', '西南分公司', '赵六'], ['KA0001', '北京宏达建设集团有限公司', null, null]] }]), { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, rows: { total: 2, valid: 2, created: 1, updated: 0, unchanged: 1 } });
    expect(report.warnings.map((w) => [w.code, w.message.includes('将创建')])).toEqual([['UNIT_CREATED', true], ['MANAGER_CREATED', true]]);
    expect(await snapshot()).toBe(before);
  });

  it('rejects a second row for the same account, naming the first, and another unit taking an owned account', async () => {
    const file = await exceljsWorkbook(tmpFile('dup.xlsx'), [{ rows: [
      ['客户编号', '客户名称', '统一社会信用代码', '推荐单位'],
      ['KA0040', '甲有限公司', null, '华东分公司'],
      ['KA0041', '乙有限公司', null, null],
      ['ka0040', '甲有限公司', null, null],
      [null, '丙公司', '914403001922038216', null],
      ['KA0003', '广州远大电气股份有限公司', null, '华北分公司'],
    ] }]);
    const { report } = await run(SUMMARY, file, { dryRun: true });
    const byRow = Object.fromEntries(report.errors.map((e) => [e.row, e]));
    expect(byRow[4]).toMatchObject({ code: 'DUPLICATE_ROW', cell: 'A4' });
    expect(byRow[4].message).toContain('第 2 行');
    expect(byRow[6]).toMatchObject({ code: 'OWNERSHIP_CONFLICT', cell: 'D6', column: '推荐单位' });
    expect(byRow[6].message).toContain('华东分公司');
    expect(report.rows.invalid).toBe(2);
  });

  it('imports persons: account by code, credit code or name; consent required for private fields; natural key account + name + mobile', async () => {
    const header = ['客户编号', '统一社会信用代码', '客户名称', '姓名', '手机', '职务', '家庭住址', '信息采集同意时间', '同意方式'];
    const rows: Cell[][] = [
      ['KA0001', null, null, '张建国', '138 0013 8000', '总经理', '北京市朝阳区某小区', '2025-01-10 10:00', '书面同意书'],
      [null, '914403001922038216', null, '刘敏', null, '采购部经理', null, null, null],
      [null, null, '上海华建置业有限公司', '陈静', '13900139000', '财务总监', '上海市某路', null, null],
      ['KA9999', null, null, '无名', null, null, null, null, null],
    ];
    const file = await exceljsWorkbook(tmpFile('persons.xlsx'), [{ rows: [header, ...rows] }]);
    const first = await run(PERSONS, file, { mode: 'skip-invalid' as never });
    // 陈静's home address has no consent: that cell is refused (a warning naming it), the rest of her row imports.
    expect(first.report.rows).toMatchObject({ total: 4, valid: 3, invalid: 1, created: 3 });
    expect(first.report.errors.map((e) => [e.cell, e.code])).toEqual([['A5', 'UNKNOWN_ACCOUNT']]);
    expect(first.report.warnings.filter((w) => w.code === 'CONSENT_REQUIRED').map((w) => [w.cell, w.value])).toEqual([['G4', '（已隐藏 / hidden）']]);
    const chen = await t().ds.getRepository(Contact).findOneByOrFail({ name: '陈静' });
    expect({ title: chen.title, ...openContactFields(t().services.keyRing, chen) }).toMatchObject({ title: '财务总监', homeAddress: null });
    const zhang = await t().ds.getRepository(Contact).findOneByOrFail({ name: '张建国' });
    expect({ ...zhang, ...openContactFields(t().services.keyRing, zhang) }).toMatchObject({ mobile: '13800138000', homeAddress: '北京市朝阳区某小区', consentSource: '书面同意书', source: 'IMPORT' });
    // Stored encrypted, bound to the row.
    expect(zhang.mobile).toMatch(/^enc:v1:/);
    // 10:00 China time as typed in the file.
    expect(zhang.consentAt?.toISOString()).toBe('2025-01-10T02:00:00.000Z');
    // The same person again, the stored consent now covers the private field; a mobile added to 刘敏 updates her.
    const second = await exceljsWorkbook(tmpFile('persons2.xlsx'), [{ rows: [header, ['KA0001', null, null, '张建国', '13800138000', '总经理', '北京市朝阳区某小区', null, null], [null, '914403001922038216', null, '刘敏', '13700137000', null, null, null, null]] }]);
    const again = await run(PERSONS, second);
    expect(again.report.errors).toEqual([]);
    expect(again.report.rows).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(await count('contacts')).toBe(3);
  });

  it('imports the ledger: signings on the activity, collections as one payment each, never twice', async () => {
    const header = ['日期', '客户编号', '活动类型', '我方人员', '主题', '内容摘要', '项目名称', '合同金额（万元）', '回款金额（万元）', '情报类别'];
    const rows: Cell[][] = [
      ['2025-03-05', 'KA0003', '签约', '周浩然、公司副总经理', '合同签订', '签订变电站项目合同', '广州变电站', 500, null, '竞争对手'],
      ['2025-04-10', 'KA0003', '回款', '周浩然', '收款', '收到预付款', '广州变电站', null, 150, null],
      ['2025-04-12', 'KA0003', '拜访', '外部顾问', '例行拜访', '了解进展', null, null, null, '人事变动、产品需求'],
    ];
    const make = (r: Cell[][]) => exceljsWorkbook(tmpFile('ledger.xlsx'), [{ name: '2025-03', rows: [header, r[0]] }, { name: '2025-04', rows: [header, ...r.slice(1)] }]);
    const first = await run(LEDGER, await make(rows));
    expect(first.report.errors).toEqual([]);
    expect(first.report.rows).toMatchObject({ total: 3, created: 3 });
    expect(first.report.warnings.map((w) => w.code)).toEqual(['PROJECT_CREATED']);
    const acts = await q<{ type: string; manager_id: number | null; contract_amount_fen: number | null; project_id: number | null; intel_tags: string }>(`SELECT type, manager_id, contract_amount_fen, project_id, intel_tags FROM activities ORDER BY occurred_on`);
    expect(acts.map((a) => [a.type, a.manager_id, a.contract_amount_fen === null ? null : Number(a.contract_amount_fen), a.project_id !== null])).toEqual([
      ['SIGNING', zhou, 5_000_000 * 100, true],
      ['COLLECTION', zhou, null, true],
      ['MANAGER_VISIT', null, null, false],
    ]);
    expect(acts[2].intel_tags).toBe('PERSONNEL_CHANGE,PRODUCT_NEED');
    const payments = async () => q<{ amount_fen: number; activity_id: number; received_on: string }>(`SELECT amount_fen, activity_id, received_on FROM payments`);
    expect((await payments()).map((p) => [Number(p.amount_fen), p.received_on])).toEqual([[1_500_000 * 100, '2025-04-10']]);

    const again = await run(LEDGER, await make(rows));
    expect(again.report.rows).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await payments()).toHaveLength(1);

    const changed = rows.map((r) => [...r]);
    changed[1][8] = 200;
    expect((await run(LEDGER, await make(changed))).report.rows).toMatchObject({ updated: 1, unchanged: 2 });
    expect((await payments()).map((p) => Number(p.amount_fen))).toEqual([2_000_000 * 100]);
    changed[1][8] = null;
    await run(LEDGER, await make(changed));
    expect(await payments()).toHaveLength(0);

    // Signings count once: the ledger's amount, plus projects no ledger signing is attached to.
    const [{ s }] = await q<{ s: number }>(`SELECT
      (SELECT COALESCE(SUM(contract_amount_fen), 0) FROM activities WHERE contract_amount_fen IS NOT NULL)
      + (SELECT COALESCE(SUM(p.contract_amount_fen), 0) FROM projects p WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.project_id = p.id AND a.contract_amount_fen IS NOT NULL)) AS s`);
    expect(Number(s)).toBe(5_000_000 * 100);

    const dup = await run(LEDGER, await exceljsWorkbook(tmpFile('dup-ledger.xlsx'), [{ rows: [header, rows[2], rows[2]] }]), { dryRun: true });
    expect(dup.report.errors).toEqual([expect.objectContaining({ row: 3, code: 'DUPLICATE_ROW' })]);
    expect(dup.report.errors[0].message).toContain('第 2 行');
  });

  it('stops at the time limit, writes nothing and records the job as failed', async () => {
    const rows: Cell[][] = Array.from({ length: 60 }, (_, i) => [i + 1, `KT${i}`, `限时客户${i}有限公司`, null, null, null, null, null, null, null, null, null, null]);
    const before = await snapshot();
    const file = await archive(rows, 'slow.xlsx');
    await expect(run(ARCHIVE, file, { timeLimitMs: 0, batchSize: 10 })).rejects.toMatchObject({ name: 'ImportFileError', code: 'TIME_LIMIT' });
    expect(await snapshot()).toBe(before);
    const [job] = await q<{ status: string; message: string }>(`SELECT status, message FROM import_jobs ORDER BY id DESC`);
    expect(job.status).toBe('FAILED');
    expect(job.message).toContain('KAM_IMPORT_TIME_LIMIT');
  });

  it('keeps the time limit while reading rows that yield nothing (blank rows)', async () => {
    const blank: Cell[][] = Array.from({ length: 3000 }, () => [null, null, '  ']);
    const file = handXlsx(tmpFile('blank.xlsx'), [{ name: 'S', rows: [['客户编号', '客户名称', '备注'], ...blank.map((r) => r.map((c) => (typeof c === 'string' ? c : null)))] }]);
    await expect(run(SUMMARY, file, { timeLimitMs: 0 })).rejects.toMatchObject({ code: 'TIME_LIMIT' });
  });
  it('decides a row naming an account an earlier row of the file created or renamed alike in a dry run and a real one, batch by batch', async () => {
    await run(ARCHIVE, await archive([[1, 'KA0201', '旧名建设有限公司', null, null, null, null, null, null, null, null, null, null]], 'old.xlsx'));
    const blank = [null, null, null, null, null, null, null, null, null, null] as Cell[];
    const rows: Cell[][] = [
      [1, 'KA0101', '新恒建设工程有限公司', ...blank], // row 4: a new account
      [2, null, '新恒建设工程有限公司', ...blank], // row 5: row 4's account again, by its name only
      [3, 'KA0201', '新恒建设工程有限公司', ...blank], // row 6: an existing account renamed to row 4's company
      [4, 'KA0102', '恒通置业有限公司', ...blank], // row 7: a new account
      [5, null, '恒通置业有限公司', ...blank], // row 8: row 7's account again, by its name only
    ];
    const errors = (r: { errors: { row: number | null; code: string }[] }) => r.errors.map((e) => [e.row, e.code]);
    // One row per batch: each row is planned while the earlier ones are being written (or, in a dry run, never are).
    const dry = await run(ARCHIVE, await archive(rows, 'refs.xlsx'), { dryRun: true, batchSize: 1, mode: 'skip-invalid' as never });
    const real = await run(ARCHIVE, await archive(rows, 'refs.xlsx'), { batchSize: 1, mode: 'skip-invalid' as never });
    expect(errors(real.report)).toEqual([[5, 'DUPLICATE_ROW'], [6, 'ALREADY_EXISTS'], [8, 'DUPLICATE_ROW']]);
    expect(errors(dry.report)).toEqual(errors(real.report));
    expect(real.report.rows).toMatchObject({ created: 2, invalid: 3 });
    expect((await account('KA0201')).name).toBe('旧名建设有限公司');
  });

  it('refuses a later row that uses what an earlier row changed an account away from, whatever the batches and timing', async () => {
    const credit = (org: string) => {
      const first17 = `91110105${org}${orgCodeCheckChar(org)}`;
      return first17 + creditCodeCheckChar(first17);
    };
    const [old, renewed] = [credit('31415926'), credit('27182818')];
    await run(ARCHIVE, await archive([[1, 'KA0301', '甲乙建设有限公司', old, null, null, null, null, null, null, null, null, null]], 'before.xlsx'));
    const blank = [null, null, null, null, null, null, null, null, null] as Cell[];
    const rows: Cell[][] = [
      [1, 'KA0301', '丙丁建设有限公司', renewed, ...blank], // row 4: the account renamed, its credit code changed
      [2, 'KA0302', '戊己建设有限公司', old, ...blank], // row 5: a new account given the old credit code
      [3, null, '甲乙建设有限公司', null, ...blank], // row 6: the account named by its old name only
      [4, 'KA0303', '甲乙建设有限公司', null, ...blank], // row 7: a new account under the old name
      [5, 'KA0304', '庚辛建设有限公司', null, ...blank], // row 8: unrelated
    ];
    const errors = (r: { errors: { row: number | null; cell: string | null; code: string; message: string }[] }) => r.errors.map((e) => [e.row, e.cell, e.code, /第 4 行改动前的值/.test(e.message)]);
    const expected = [[5, 'D5', 'ALREADY_EXISTS', true], [6, 'C6', 'ALREADY_EXISTS', true], [7, 'C7', 'ALREADY_EXISTS', true]];
    // One row a batch (each planned while the earlier are written, or in a dry run never are), and all in one batch.
    for (const batchSize of [1, 1000]) expect(errors((await run(ARCHIVE, await archive(rows, 'away.xlsx'), { dryRun: true, batchSize, mode: 'skip-invalid' as never })).report)).toEqual(expected);
    const real = await run(ARCHIVE, await archive(rows, 'away.xlsx'), { batchSize: 1, mode: 'skip-invalid' as never });
    expect(errors(real.report)).toEqual(expected);
    expect(real.report.rows).toMatchObject({ created: 1, updated: 1, invalid: 3 });
    expect(await account('KA0301')).toMatchObject({ name: '丙丁建设有限公司', credit_code: renewed });
    expect(await q(`SELECT code FROM accounts WHERE code IN ('KA0302', 'KA0303') OR credit_code = '${old}' OR name = '甲乙建设有限公司'`)).toEqual([]);
    // The next import takes them as any other.
    const later = await run(ARCHIVE, await archive([rows[1], rows[3]], 'later.xlsx'));
    expect(later.report.errors).toEqual([]);
    expect(later.report.rows).toMatchObject({ created: 2 });
  });
});
