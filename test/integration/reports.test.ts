/**
 * The monthly 战略客户业务状况报告表 for February 2026 against a hand computation, on both databases:
 * the service, GraphQL `monthlyReport`, the workbook (read back by exceljs and by openpyxl) and the
 * HTTP download all show the same figures.
 *
 * The fixture covers: a project signed on Dec 31 of the year before (year boundary: not this year),
 * one signed on the month's first day with no receivables, a ledger signing on the month's last day
 * without a project, a ledger signing on a project that has no contract amount of its own (what the
 * ledger importer creates), an advance payment received the month before its project's signing, a
 * ledger collection, a payment the day after the month, 上年同期 bounds (Jan 1 and Feb 28 of 2025 in,
 * Mar 1 out), an account with only last year's business (同比 −100%), a MAJOR account (not in the
 * report), user text that looks like formulas, a credit downgrade and a key contact who left.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import type { RunningServer } from '../../src/http/server';
import type { MonthlyReport } from '../../src/modules/reports/report.service';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';
import { tmpFile } from '../support/workbooks';
import { itWithReaders, readPdf, readWithOpenpyxl, roundTripThroughLibreOffice, type PySheet } from '../support/report-readers';
import { createServices } from '../../src/services';

const MONTH = '2026-02';
const EVIL_NAME = '=HYPERLINK("http://evil.example","点我")';
const EVIL_SUBJECT = '-2+3 @SUM(A1)';
const EVIL_MANAGER = '@经理';

/** Expected figures in 分, by account code. */
const EXPECTED = {
  S1: { signedMonthFen: 26_234_617, signedYtdFen: 26_234_617, signedPrevYtdFen: 8_000_000, receivedMonthFen: 30_000_000, receivedYtdFen: 30_000_000, receivableFen: 70_000_000, overdueFen: 10_000_000 },
  S2: { signedMonthFen: 57_000_000, signedYtdFen: 57_000_000, signedPrevYtdFen: 0, receivedMonthFen: 2_000_000, receivedYtdFen: 12_000_000, receivableFen: 38_000_000, overdueFen: 38_000_000 },
  K1: { signedMonthFen: 0, signedYtdFen: 0, signedPrevYtdFen: 20_000_000, receivedMonthFen: 0, receivedYtdFen: 0, receivableFen: 4_000_000, overdueFen: 4_000_000 },
};
const STRATEGIC = { accounts: 2, signedMonthFen: 83_234_617, signedYtdFen: 83_234_617, signedPrevYtdFen: 8_000_000, receivedMonthFen: 32_000_000, receivedYtdFen: 42_000_000, receivableFen: 108_000_000, overdueFen: 48_000_000 };
const KEY = { accounts: 1, ...EXPECTED.K1 };
const TOTAL = { accounts: 3, signedMonthFen: 83_234_617, signedYtdFen: 83_234_617, signedPrevYtdFen: 28_000_000, receivedMonthFen: 32_000_000, receivedYtdFen: 42_000_000, receivableFen: 112_000_000, overdueFen: 52_000_000 };

const wan = (fen: number) => fen / 1_000_000;

describeEachDb('monthly report', (t) => {
  const ctx = systemContext('test');
  let server: RunningServer;
  let keys: Record<'finance' | 'committee' | 'analyst' | 'manager', string>;
  let report: MonthlyReport;
  let file: string;

  beforeAll(async () => {
    const s = t().services;
    const u1 = await s.org.createUnit(ctx, { code: 'U1', name: '+86华东分公司' });
    const m1 = await s.org.createUser(ctx, { login: 'm1', name: EVIL_MANAGER, role: Role.MANAGER, unitId: u1.id });
    const m2 = await s.org.createUser(ctx, { login: 'm2', name: '李四', role: Role.MANAGER, unitId: u1.id });
    const acc = (code: string, name: string, tierCode: string, managerId: number, registeredOn: string) =>
      s.accounts.create(ctx, { code, name, tierCode, ownerUnitId: u1.id, managerId, registeredOn });
    const s1 = await acc('S1', EVIL_NAME, 'STRATEGIC', m1.id, '2025-01-01');
    const s2 = await acc('S2', '南京轨道交通建设有限公司', 'STRATEGIC', m2.id, '2025-06-01');
    const k1 = await acc('K1', '杭州电力设备有限公司', 'KEY', m2.id, '2026-01-01');
    const m = await acc('M1', '主要客户有限公司', 'MAJOR', m2.id, '2025-01-01');

    const project = (accountId: number, name: string, contractAmount: number | null, signedOn: string | null) =>
      s.projects.createProject(ctx, { accountId, name, status: 'IN_PROGRESS', contractAmount, signedOn });
    const due = (accountId: number, projectId: number | null, dueOn: string, amount: number) => s.projects.createReceivable(ctx, { accountId, projectId, dueOn, amount });
    const paid = (accountId: number, projectId: number | null, receivedOn: string, amount: number) => s.projects.createPayment(ctx, { accountId, projectId, receivedOn, amount });

    // S1
    const p1 = await project(s1.id, 'P1 年末签约', 1_000_000, '2025-12-31');
    await due(s1.id, p1.id, '2026-01-31', 400_000);
    await due(s1.id, p1.id, '2026-03-31', 600_000); // not yet due, but the contract is signed: receivable
    await paid(s1.id, p1.id, '2026-02-10', 300_000);
    await paid(s1.id, p1.id, '2026-03-01', 50_000); // after the month
    await project(s1.id, 'P2 无应收', 250_000.5, '2026-02-01'); // no receivables
    await s.activities.create(ctx, { accountId: s1.id, managerId: m1.id, occurredOn: '2026-02-28', type: 'SIGNING', subject: '补充协议', contractAmount: 12_345.67 });
    await project(s1.id, 'P0 上年同期', 80_000, '2025-02-28');
    await project(s1.id, 'P9 上年同期之后', 99_999, '2025-03-01');
    await s.activities.create(ctx, { accountId: s1.id, managerId: m1.id, occurredOn: '2026-02-03', type: 'EXECUTIVE_VISIT', subject: EVIL_SUBJECT, intelTags: ['COMPETITOR'] });
    await s.activities.create(ctx, { accountId: s1.id, managerId: m1.id, occurredOn: '2026-02-20', type: 'MANAGER_VISIT', subject: '例行拜访' });
    await s.activities.create(ctx, { accountId: s1.id, managerId: m1.id, occurredOn: '2026-01-30', type: 'MANAGER_VISIT', subject: '上月拜访' });
    await s.activities.create(ctx, { accountId: s1.id, managerId: m1.id, occurredOn: '2026-02-11', type: 'PHONE_CALL', subject: '电话' });
    await s.credit.create(ctx, { accountId: s1.id, year: 2025, rating: 'AA' });
    await s.credit.create(ctx, { accountId: s1.id, year: 2026, rating: 'B' });

    // S2: an advance received the month before its project is signed; a ledger collection; a ledger signing on a project without its own amount.
    const p3 = await project(s2.id, 'P3 预付款项目', 500_000, '2026-02-15');
    await paid(s2.id, p3.id, '2026-01-20', 100_000);
    await due(s2.id, p3.id, '2026-02-20', 500_000);
    await s.activities.createMany(ctx, [{ accountId: s2.id, managerId: m2.id, occurredOn: '2026-02-05', type: 'COLLECTION', subject: '回款', paymentAmount: 20_000 }]);
    const p4 = await project(s2.id, 'P4 台账新建项目', null, null);
    await s.activities.create(ctx, { accountId: s2.id, managerId: m2.id, occurredOn: '2026-02-06', type: 'SIGNING', subject: '台账签约', projectId: p4.id, contractAmount: 70_000 });
    await s.contacts.create(ctx, { accountId: s2.id, name: '王总', title: '总经理', role: 'DECISION_MAKER', active: false, leftOn: '2026-02-10' });
    await s.contacts.create(ctx, { accountId: s2.id, name: '赵工', title: '技术员', role: 'USER', active: false, leftOn: '2026-02-12' }); // not a key contact

    // K1: last year's business only; paid part of it.
    const pk = await project(k1.id, 'PK 上年项目', 200_000, '2025-01-01');
    await due(k1.id, pk.id, '2025-06-30', 200_000);
    await paid(k1.id, pk.id, '2025-07-01', 150_000);
    await paid(k1.id, pk.id, '2025-12-31', 10_000);

    // MAJOR: not in the report.
    await project(m.id, 'PM', 9_999_999, '2026-02-10');

    const key = async (role: Role) => (await s.auth.createApiKey(ctx, { name: `k-${role}`, role, ...(role === Role.MANAGER ? { userId: m1.id } : {}) })).secret;
    keys = { finance: await key(Role.FINANCE), committee: await key(Role.COMMITTEE), analyst: await key(Role.ANALYST), manager: await key(Role.MANAGER) };
    server = await startTestServer(s);

    report = await s.reports.monthlyReport(ctx, MONTH);
    file = tmpFile('report.xlsx');
    const stream = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    await s.reports.writeWorkbook(ctx, report, stream);
    await closed;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('computes every figure per account, per tier and in total, to the fen', () => {
    expect(report.period).toMatchObject({ month: MONTH, monthStart: '2026-02-01', asOf: '2026-02-28', yearStart: '2026-01-01', prevYearStart: '2025-01-01', prevAsOf: '2025-02-28' });
    expect(report.rows.map((r) => [r.seq, r.code, r.tierName])).toEqual([[1, 'S1', '战略'], [2, 'S2', '战略'], [3, 'K1', '重点']]);
    for (const r of report.rows) expect(r).toMatchObject(EXPECTED[r.code as keyof typeof EXPECTED]);
    expect(report.rows[0].signedYoy).toBeCloseTo((26_234_617 - 8_000_000) / 8_000_000, 12);
    expect(report.rows[1].signedYoy).toBeNull();
    expect(report.rows[2].signedYoy).toBe(-1);
    expect(report.tiers.map((x) => x.tierCode)).toEqual(['STRATEGIC', 'KEY']);
    expect(report.tiers[0]).toMatchObject(STRATEGIC);
    expect(report.tiers[1]).toMatchObject(KEY);
    expect(report.total).toMatchObject(TOTAL);
    expect(report.total.signedYoy).toBeCloseTo((83_234_617 - 28_000_000) / 28_000_000, 12);
  });

  it('adds visits, the latest executive visit, compliance, credit, events and risks', () => {
    const [s1, s2, k1] = report.rows;
    expect(s1).toMatchObject({ visits: 2, lastExecutiveVisitOn: '2026-02-03', creditRating: 'B', creditYear: 2026, cadenceCompliant: false, cadenceOverdue: ['质量交流', '技术交流'] });
    expect(s1.events).toEqual([`02-03 高层拜访【竞争对手】：${EVIL_SUBJECT}`, '02-28 签约：补充协议']);
    expect(s1.risks).toEqual(['逾期应收 10.00 万元', '拜访逾期：质量交流、技术交流', '信用等级下调：AA→B（2026年）']);
    expect(s2).toMatchObject({ visits: 0, lastExecutiveVisitOn: null, creditRating: null, cadenceCompliant: false });
    expect(s2.cadenceOverdue).toEqual(['高层拜访', '客户经理拜访', '质量交流', '技术交流']);
    expect(s2.events).toEqual(['02-06 签约：台账签约']);
    expect(s2.risks).toEqual(['逾期应收 38.00 万元', '拜访逾期：高层拜访、客户经理拜访、质量交流、技术交流', '关键人员离职：王总（总经理，02-10）']);
    expect(k1).toMatchObject({ visits: 0, cadenceCompliant: true, cadenceOverdue: [], risks: ['逾期应收 4.00 万元'] });
    expect(report.compliance.map((c) => [c.code, c.activityType, c.lastOn, c.dueOn])).toEqual([
      ['S1', 'QUALITY_EXCHANGE', null, '2025-04-01'],
      ['S1', 'TECHNICAL_EXCHANGE', null, '2025-07-01'],
      ['S2', 'EXECUTIVE_VISIT', null, '2025-12-01'],
      ['S2', 'MANAGER_VISIT', null, '2025-07-01'],
      ['S2', 'QUALITY_EXCHANGE', null, '2025-09-01'],
      ['S2', 'TECHNICAL_EXCHANGE', null, '2025-12-01'],
    ]);
    expect(report.compliance[0].daysOverdue).toBe(333); // 2025-04-01 → 2026-02-28
  });

  it('refuses a malformed or future month, and roles other than FINANCE, COMMITTEE, ADMIN', async () => {
    const s = t().services;
    await expect(s.reports.monthlyReport(ctx, '2026-13')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'month' } });
    await expect(s.reports.monthlyReport(ctx, '2026/02')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(s.reports.monthlyReport(ctx, '2026-03', '2026-02-15')).rejects.toThrow(/2026-03 is in the future/);
    const analyst = { ...ctx, actor: { ...ctx.actor, kind: 'apikey' as const, role: Role.ANALYST } };
    await expect(s.reports.monthlyReport(analyst, MONTH)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('GraphQL monthlyReport shows the same figures (in yuan) and maps errors', async () => {
    const q = `query($m: String!) { monthlyReport(month: $m) { month asOf total { accounts signedMonth signedYtd signedPrevYtd signedYoy receivedMonth receivedYtd receivable overdue }
      tiers { tierCode accounts signedMonth overdue } rows { seq code signedMonth signedYtd signedPrevYtd signedYoy receivedMonth receivedYtd receivable overdue visits risks } compliance { code activityType dueOn } } }`;
    const gql = new GqlClient(server.url, keys.finance);
    const d = (await gql.data<{ monthlyReport: Record<string, unknown> & { rows: Record<string, unknown>[]; total: Record<string, unknown>; tiers: Record<string, unknown>[] } }>(q, { m: MONTH })).monthlyReport;
    expect(d.month).toBe(MONTH);
    expect(d.asOf).toBe('2026-02-28');
    const yuan = (x: Record<string, number>) => ({
      signedMonth: x.signedMonthFen / 100, signedYtd: x.signedYtdFen / 100, signedPrevYtd: x.signedPrevYtdFen / 100, receivedMonth: x.receivedMonthFen / 100,
      receivedYtd: x.receivedYtdFen / 100, receivable: x.receivableFen / 100, overdue: x.overdueFen / 100,
    });
    expect(d.total).toMatchObject({ accounts: 3, ...yuan(TOTAL) });
    expect(d.rows[0]).toMatchObject({ code: 'S1', ...yuan(EXPECTED.S1), visits: 2, risks: report.rows[0].risks });
    expect(d.rows[0].signedMonth).toBe(262_346.17);
    expect(d.rows.map((r) => r.signedYoy)).toEqual(report.rows.map((r) => r.signedYoy));
    expect(d.tiers).toEqual([
      { tierCode: 'STRATEGIC', accounts: 2, signedMonth: 832_346.17, overdue: 480_000 },
      { tierCode: 'KEY', accounts: 1, signedMonth: 0, overdue: 40_000 },
    ]);
    expect((await new GqlClient(server.url, keys.committee).data<{ monthlyReport: { total: { accounts: number } } }>(q, { m: MONTH })).monthlyReport.total.accounts).toBe(3);
    for (const who of [keys.analyst, keys.manager]) {
      expect((await new GqlClient(server.url, who).request(q, { m: MONTH })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const future = await gql.request(q, { m: '2999-01' });
    expect(future.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'month' } });
    expect(future.errors?.[0].message).toMatch(/future/);
    expect((await gql.request(q, { m: 'Oct 2026' })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('writes the workbook: sheets, figures in 万元, SUM totals with cached values, layout (read by exceljs)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '明细', '拜访合规', '说明']);
    const detail = wb.getWorksheet('明细')!;
    expect(detail.getRow(3).values).toEqual([
      undefined, '序号', '客户编号', '客户名称', '级别', '推荐单位', '客户经理', '本月签约', '本年累计签约', '上年同期累计', '同比(%)', '本月回款', '本年累计回款',
      '应收余额', '逾期金额', '本月拜访次数', '最近高层拜访', '拜访合规', '信用等级', '本月重要事项', '风险提示',
    ]);
    const s1 = detail.getRow(4);
    expect(s1.getCell(2).value).toBe('S1');
    expect(s1.getCell(3).value).toBe(EVIL_NAME); // a string, not { formula }
    expect(s1.getCell(6).value).toBe(EVIL_MANAGER);
    expect(s1.getCell(5).value).toBe('+86华东分公司');
    expect(s1.getCell(7).value).toBe(wan(26_234_617));
    expect(s1.getCell(7).numFmt).toBe('#,##0.00');
    expect(s1.getCell(16).value).toEqual(new Date('2026-02-03T00:00:00Z'));
    expect(s1.getCell(17).value).toBe('逾期：质量交流、技术交流');
    const total = detail.getRow(7);
    expect(total.getCell(1).value).toBe('合计');
    expect(total.getCell(7).value).toEqual({ formula: 'SUM(G4:G6)', result: wan(83_234_617) });
    expect(total.getCell(14).value).toEqual({ formula: 'SUM(N4:N6)', result: wan(52_000_000) });
    expect(total.getCell(15).value).toEqual({ formula: 'SUM(O4:O6)', result: 2 });
    const summary = wb.getWorksheet('汇总')!;
    expect(summary.getRow(4).getCell(1).value).toBe('战略');
    expect(summary.getRow(4).getCell(2).value).toBe(2);
    expect(summary.getRow(6).getCell(2).value).toEqual({ formula: 'SUM(B4:B5)', result: 3 });
    expect(summary.getRow(6).getCell(10).value).toEqual({ formula: 'SUM(J4:J5)', result: wan(52_000_000) });
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(detail.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 3 });
    // Printed in page bands at a fixed scale (≥ 8 pt), not shrunk to one page width.
    expect(detail.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: false, pageOrder: 'overThenDown', printTitlesColumn: 'A:D', printTitlesRow: '3:3' });
    expect(detail.pageSetup.scale).toBeGreaterThanOrEqual(73);
    const notes = wb.getWorksheet('说明')!;
    expect(notes.getRow(2).values).toEqual([undefined, '报告月份', MONTH]);
    expect(notes.getRow(4).values).toEqual([undefined, '数据截至', '2026-02-28']);
    expect(String(notes.getRow(7).getCell(2).value)).toMatch(/^万元/);
  });

  itWithReaders(['openpyxl'], 'is read the same by an independent reader (openpyxl): types, formulas, cached values, injection cases as text', () => {
    const sheets = readWithOpenpyxl(file);
    const by = (title: string) => sheets.find((x) => x.title === title) as PySheet;
    const detail = by('明细');
    const s1 = detail.rows[3];
    expect(s1[2]).toMatchObject({ v: EVIL_NAME, t: 's', cached: EVIL_NAME });
    expect(s1[5]).toMatchObject({ v: EVIL_MANAGER, t: 's' });
    expect(s1[4]).toMatchObject({ v: '+86华东分公司', t: 's' });
    expect(String(s1[18].v)).toContain(EVIL_SUBJECT);
    expect(s1[18].t).toBe('s');
    expect(s1[6]).toMatchObject({ v: 26.234617, t: 'n', nf: '#,##0.00' });
    expect(s1[9]).toMatchObject({ t: 'n', nf: '0.00%' });
    expect(s1[15]).toMatchObject({ v: '2026-02-03T00:00:00', t: 'd', nf: 'yyyy-mm-dd' });
    expect(detail.rows[5][9]).toMatchObject({ v: -1 }); // K1: 同比 −100%
    expect(detail.rows[4][9].v).toBeNull(); // S2: nothing a year before
    const total = detail.rows[6];
    expect(total[6]).toMatchObject({ v: '=SUM(G4:G6)', t: 'f', cached: wan(83_234_617), nf: '#,##0.00' });
    expect(total[12]).toMatchObject({ v: '=SUM(M4:M6)', t: 'f', cached: wan(112_000_000) });
    expect(total[9]).toMatchObject({ v: '=IF(I7=0,"",(H7-I7)/I7)', t: 'f' });
    expect(total[9].cached).toBeCloseTo((83_234_617 - 28_000_000) / 28_000_000, 12);
    expect(detail).toMatchObject({ freeze: 'D4', autoFilter: 'A3:T6', orientation: 'landscape', pageOrder: 'overThenDown', colBreaks: [14] });
    expect(detail.fitToPage).toBeFalsy();
    expect(detail.scale).toBeGreaterThanOrEqual(73);
    expect(detail.header).toContain('战略客户业务状况报告表（明细）');
    expect(detail.footer).toContain('&P');
    expect(detail.merged).toContain('A1:T1');
    expect(detail.printTitleRows).toBe('$3:$3');
    expect(detail.printTitleCols).toBe('$A:$D');
    expect(detail.printArea).toEqual(['$A$3:$T$9']); // from the header row to the signature line: the title rows are the screen's
    expect(detail.widths.C).toBeGreaterThanOrEqual(18);
    // Every style names the CJK font (no Calibri, whose bold CJK falls back to a serif face).
    for (const sheet of sheets) expect(sheet.fonts).toEqual(['等线']);
    // Wrapped 风险提示 lines: the row is as tall as its lines.
    expect(detail.rows[4][19].v).toBe('逾期应收 38.00 万元\n拜访逾期：高层拜访、客户经理拜访、质量交流、技术交流\n关键人员离职：王总（总经理，02-10）');
    expect(detail.heights['5']).toBeGreaterThanOrEqual(3 * 16);
    const summary = by('汇总');
    expect(summary.rows.slice(3, 6).map((r) => [r[0].v, r[1].cached, r[3].cached, r[9].cached])).toEqual([
      ['战略', 2, wan(83_234_617), wan(48_000_000)],
      ['重点', 1, 0, wan(4_000_000)],
      ['合计', 3, wan(83_234_617), wan(52_000_000)],
    ]);
    expect(summary.rows[5].slice(1).every((c) => c.t === 'f')).toBe(true);
    // The signature line under the table: 制表人 / 审核人 / 负责人 (nobody configured, a system caller: blank to sign by hand).
    expect(summary.rows[7].map((c) => c.v).filter(Boolean)).toEqual(['制表人：', '审核人：', '负责人：']);
    expect(summary.rows[4][5]).toMatchObject({ t: 'f', cached: -1 });
    const compliance = by('拜访合规');
    expect(compliance.rows.slice(3).map((r) => [r[1].v, r[5].v, r[7].v, r[8].v])).toEqual([
      ['S1', '质量交流', '从未', '2025-04-01T00:00:00'],
      ['S1', '技术交流', '从未', '2025-07-01T00:00:00'],
      ['S2', '高层拜访', '从未', '2025-12-01T00:00:00'],
      ['S2', '客户经理拜访', '从未', '2025-07-01T00:00:00'],
      ['S2', '质量交流', '从未', '2025-09-01T00:00:00'],
      ['S2', '技术交流', '从未', '2025-12-01T00:00:00'],
    ]);
  });

  itWithReaders(['libreoffice', 'openpyxl'], 'opens in LibreOffice: saved again by LibreOffice Calc, every sheet, formula, cached value and text cell survives', () => {
    const ours = readWithOpenpyxl(file);
    const theirs = readWithOpenpyxl(roundTripThroughLibreOffice(file));
    expect(theirs.map((x) => x.title)).toEqual(['汇总', '明细', '拜访合规', '说明']);
    const cells = (sheets: PySheet[]) =>
      sheets.flatMap((x) => x.rows.flatMap((row, r) => row.map((c, i) => [x.title, r + 1, i + 1, c.t === 'f' ? c.v : null, typeof c.cached === 'number' ? Number(c.cached.toFixed(9)) : c.cached] as const)).filter((c) => c[4] !== null || c[3] !== null));
    expect(cells(theirs)).toEqual(cells(ours));
    const detail = theirs.find((x) => x.title === '明细') as PySheet;
    expect(detail.rows[3][2]).toMatchObject({ v: EVIL_NAME, t: 's' });
    expect(detail.rows[6][6]).toMatchObject({ v: '=SUM(G4:G6)', t: 'f', cached: wan(83_234_617) });
    // Frozen panes are view settings, which a headless LibreOffice (no view) does not save again; the filter and print setup are data.
    expect(detail).toMatchObject({ autoFilter: 'A3:T6', orientation: 'landscape', fitToWidth: 1 });
  });

  it('downloads over HTTP (streamed, UTF-8 file name) for FINANCE and records one audit event; refuses others', async () => {
    const url = `${server.url.replace(/\/graphql$/, '')}/reports/monthly/${MONTH}.xlsx`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${keys.finance}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="monthly-report-${MONTH}.xlsx"; filename*=UTF-8''${encodeURIComponent(`战略客户业务状况报告表-${MONTH}.xlsx`)}`,
    );
    const body = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    expect(wb.getWorksheet('明细')!.getRow(7).getCell(7).value).toEqual({ formula: 'SUM(G4:G6)', result: wan(83_234_617) });
    const events = await t().services.audit.list(ctx, { action: 'report.monthly.download' }, { first: 10 });
    const mine = events.nodes.filter((e) => e.actor === 'apikey:k-FINANCE');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ entity: 'MonthlyReport', entityId: MONTH });
    expect(JSON.stringify(mine[0])).not.toContain('26234617');

    const status = async (path: string, key?: string) => (await fetch(`${server.url.replace(/\/graphql$/, '')}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} })).status;
    expect(await status(`/reports/monthly/${MONTH}.xlsx`)).toBe(401);
    expect(await status(`/reports/monthly/${MONTH}.xlsx`, keys.analyst)).toBe(403);
    expect(await status('/reports/monthly/2999-01.xlsx', keys.finance)).toBe(400);
    expect(await status('/reports/monthly/2026-1.xlsx', keys.committee)).toBe(400);
  });

  it('fills the company\'s own layout posted to /reports/monthly/{month}.xlsx; refuses a bad template with 400', async () => {
    const tpl = new ExcelJS.Workbook();
    const ws = tpl.addWorksheet('附件一');
    ws.getCell('A1').value = '{{报告月份}} 战略客户';
    ws.getCell('A3').value = '{{客户编号}}';
    ws.getCell('B3').value = '{{本月签约}}';
    ws.getCell('A4').value = '合计';
    ws.getCell('B4').value = '{{本月签约}}';
    const url = `${server.url.replace(/\/graphql$/, '')}/reports/monthly/${MONTH}.xlsx`;
    const post = (body: Buffer, key = keys.finance) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
    const res = await post(Buffer.from(await tpl.xlsx.writeBuffer()));
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const out = wb.getWorksheet('附件一')!;
    expect(out.getCell('A1').value).toBe('2026年2月 战略客户');
    expect([3, 4, 5].map((r) => [out.getCell(`A${r}`).value, out.getCell(`B${r}`).value])).toEqual([['S1', wan(26_234_617)], ['S2', wan(57_000_000)], ['K1', 0]]);
    expect(out.getCell('B6').value).toBe(wan(83_234_617));
    const bad = await post(Buffer.from('plain text'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    expect((await post(Buffer.from(await tpl.xlsx.writeBuffer()), keys.analyst)).status).toBe(403);
  });

  itWithReaders(['libreoffice', 'poppler'], 'downloads the same report as PDF (GET /reports/monthly/{month}.pdf), converted by LibreOffice; 501 naming what to install without it', async () => {
    const base = server.url.replace(/\/graphql$/, '');
    const res = await fetch(`${base}/reports/monthly/${MONTH}.pdf`, { headers: { authorization: `Bearer ${keys.finance}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent(`战略客户业务状况报告表-${MONTH}.pdf`));
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const pdf = tmpFile('report.pdf');
    fs.writeFileSync(pdf, body);
    const text = readPdf(pdf).texts.map((x) => x.text).join(' ');
    expect(text).toContain('南京轨道交通建设有限公司');
    expect(text).toContain('83.23'); // 本月签约 of the strategic tier and the total, in 万元
    const events = await t().services.audit.list(ctx, { action: 'report.monthly.download' }, { first: 50 });
    expect(events.nodes.filter((e) => e.actor === 'apikey:k-FINANCE' && /format\\*":\\*"pdf/.test(JSON.stringify(e)))).toHaveLength(1);

    const bare = await startTestServer(createServices(t().ds, { ...t().config, sofficePath: '/nonexistent/soffice' }));
    try {
      const r = await fetch(`${bare.url.replace(/\/graphql$/, '')}/reports/monthly/${MONTH}.pdf`, { headers: { authorization: `Bearer ${keys.finance}` } });
      expect(r.status).toBe(501);
      const err = (await r.json()) as { error: { code: string; message: string } };
      expect(err.error.code).toBe('PDF_UNAVAILABLE');
      expect(err.error.message).toMatch(/LibreOffice.*apt-get install libreoffice-calc-nogui/);
    } finally {
      await bare.close();
    }
  });
});
