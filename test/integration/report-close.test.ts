/**
 * Month-end close (月结), on both databases: FINANCE closes a month and its figures are frozen — every
 * later monthlyReport, workbook and GraphQL answer gives them, even after back-dated entries, and says
 * what the live data now gives differently; only an ADMIN reopens, with a reason, audited; the server's
 * own close (KAM_REPORT_CLOSE_DAY) happens exactly once across two instances on one database. And the
 * business calendar end to end: at 00:30 Beijing time on the 1st and on 31 December.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { systemContext, type RequestContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { openDataSource } from '../../src/db/data-source';
import type { RunningServer } from '../../src/http/server';
import { createServices } from '../../src/services';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';
import { tmpFile } from '../support/workbooks';

const MONTH = '2026-10';

describeEachDb('month-end close', (t) => {
  const admin = systemContext('test');
  const as = (role: Role, name: string): RequestContext => ({ ...admin, actor: { kind: 'apikey', name, role, userId: null, unitId: null } });
  const finance = as(Role.FINANCE, 'apikey:finance');
  let server: RunningServer;
  let keys: Record<'finance' | 'committee' | 'admin', string>;
  let accountId: number;

  beforeAll(async () => {
    const s = t().services;
    const u = await s.org.createUnit(admin, { code: 'U1', name: '华东分公司' });
    const m = await s.org.createUser(admin, { login: 'm1', name: '王经理', role: Role.MANAGER, unitId: u.id });
    const a = await s.accounts.create(admin, { code: 'S1', name: '南京轨道交通建设有限公司', tierCode: 'STRATEGIC', ownerUnitId: u.id, managerId: m.id, registeredOn: '2025-01-01' });
    accountId = a.id;
    await s.projects.createProject(admin, { accountId, name: '一号线', status: 'IN_PROGRESS', contractAmount: 100_000, signedOn: '2026-10-10' });
    await s.projects.createPayment(admin, { accountId, projectId: null, receivedOn: '2026-10-20', amount: 30_000 });
    const key = async (role: Role) => (await s.auth.createApiKey(admin, { name: `k-${role}`, role })).secret;
    keys = { finance: await key(Role.FINANCE), committee: await key(Role.COMMITTEE), admin: await key(Role.ADMIN) };
    server = await startTestServer(s);
  });

  afterAll(async () => {
    await server?.close();
  });

  let monthClosed = false;
  let lateEntered = false;
  /** Entered in December for October: a late signing and a collection. */
  const enterLate = async () => {
    const s = t().services;
    await s.projects.createProject(admin, { accountId, name: '二号线（补录）', status: 'IN_PROGRESS', contractAmount: 50_000, signedOn: '2026-10-25' });
    await s.projects.createPayment(admin, { accountId, projectId: null, receivedOn: '2026-10-30', amount: 5_000 });
    lateEntered = true;
  };
  /** October as the two tests above leave it (closed, then late entries): made when a test runs alone (-t). */
  const closedWithLateEntries = async () => {
    if (!monthClosed) {
      await t().services.reports.closeMonth(finance, MONTH);
      monthClosed = true;
    }
    if (!lateEntered) await enterLate();
  };

  it('FINANCE closes a month that has ended; others and unfinished months are refused', async () => {
    const s = t().services;
    await expect(s.reports.closeMonth(as(Role.COMMITTEE, 'apikey:c'), MONTH)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.reports.closeMonth(as(Role.MANAGER, 'apikey:m'), MONTH)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(s.reports.closeMonth(finance, '2026-12', '2026-12-06')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'month' } });
    await expect(s.reports.closeMonth(finance, '2027-01', '2026-12-06')).rejects.toThrow(/in the future/);
    const c = await s.reports.closeMonth(finance, MONTH);
    monthClosed = true;
    expect(c).toMatchObject({ month: MONTH, status: 'CLOSED', closedBy: 'apikey:finance', rowCount: 1, reopenedAt: null });
    await expect(s.reports.closeMonth(finance, MONTH)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const r = await s.reports.monthlyReport(finance, MONTH);
    expect(r.close).toMatchObject({ status: 'CLOSED', differences: [] });
    expect(r.rows[0]).toMatchObject({ code: 'S1', signedMonthFen: 10_000_000, receivedMonthFen: 3_000_000 });
  });

  it('keeps the closed figures after back-dated entries, and says what the live data gives differently', async () => {
    const s = t().services;
    if (!monthClosed) {
      await s.reports.closeMonth(finance, MONTH);
      monthClosed = true;
    }
    await enterLate();
    const r = await s.reports.monthlyReport(finance, MONTH);
    expect(r.rows[0]).toMatchObject({ signedMonthFen: 10_000_000, signedYtdFen: 10_000_000, receivedMonthFen: 3_000_000 });
    expect(r.total.signedMonthFen).toBe(10_000_000);
    const diff = (code: string, field: string) => r.close!.differences.find((d) => d.code === code && d.field === field);
    expect(diff('S1', 'signedMonthFen')).toMatchObject({ label: '本月签约', closed: 10_000_000, live: 15_000_000, closedText: '10.00 万元', liveText: '15.00 万元' });
    expect(diff('S1', 'receivedMonthFen')).toMatchObject({ closed: 3_000_000, live: 3_500_000 });
    expect(diff('合计', 'signedYtdFen')).toMatchObject({ closed: 10_000_000, live: 15_000_000 });

    // GraphQL: the frozen figures, the close, the differences (in yuan).
    const q = `query($m: String!) { monthlyReport(month: $m) { closeStatus closedBy liveDiffers total { signedMonth receivedMonth } rows { code signedMonth }
      differences { code field label closedValue liveValue closedText liveText } } }`;
    const d = (await new GqlClient(server.url, keys.committee).data<{ monthlyReport: { closeStatus: string; closedBy: string; liveDiffers: boolean; total: { signedMonth: number; receivedMonth: number }; rows: { signedMonth: number }[]; differences: Record<string, unknown>[] } }>(q, { m: MONTH })).monthlyReport;
    expect(d).toMatchObject({ closeStatus: 'CLOSED', closedBy: 'apikey:finance', liveDiffers: true, total: { signedMonth: 100_000, receivedMonth: 30_000 } });
    expect(d.rows[0].signedMonth).toBe(100_000);
    expect(d.differences).toContainEqual({ code: 'S1', field: 'signedMonth', label: '本月签约', closedValue: 100_000, liveValue: 150_000, closedText: '10.00 万元', liveText: '15.00 万元' });

    // The workbook: frozen figures in 明细, the close and the differences on 说明.
    const file = tmpFile('closed.xlsx');
    const out = fs.createWriteStream(file);
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    await s.reports.writeWorkbook(finance, r, out);
    await closed;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.getWorksheet('明细')!.getRow(4).getCell(7).value).toBe(10); // 10.00 万元, not the live 15
    const notes = wb.getWorksheet('说明')!.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1, 3).join('｜'));
    expect(notes.find((n) => n.startsWith('月结｜'))).toMatch(/由 apikey:finance 结账：本报表为结账时冻结的数字/);
    expect(notes.find((n) => n.startsWith('结账后变动｜'))).toMatch(/有 \d+ 处不同/);
    expect(notes).toContain('S1｜南京轨道交通建设有限公司｜本月签约：10.00 万元 → 15.00 万元');
  });

  it('reopens for ADMIN only, with a reason, audited; the report is live again, and a new close freezes the new figures', async () => {
    const s = t().services;
    await closedWithLateEntries();
    await expect(s.reports.reopenMonth(finance, MONTH, '补录')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const gql = new GqlClient(server.url, keys.finance);
    const reopen = `mutation($m: String!, $r: String!) { reopenReportMonth(month: $m, reason: $r) { month status reopenReason } }`;
    expect((await gql.request(reopen, { m: MONTH, r: '补录十月回款' })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await expect(s.reports.reopenMonth(admin, MONTH, '  ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'reason' } });
    await expect(s.reports.reopenMonth(admin, '2026-09', '补录')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const d = await new GqlClient(server.url, keys.admin).data<{ reopenReportMonth: Record<string, unknown> }>(reopen, { m: MONTH, r: '补录十月回款' });
    expect(d.reopenReportMonth).toEqual({ month: MONTH, status: 'REOPENED', reopenReason: '补录十月回款' });
    await expect(s.reports.reopenMonth(admin, MONTH, '再次')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const audit = await s.audit.list(admin, { action: 'report.month.reopen' }, { first: 10 });
    expect(audit.nodes).toHaveLength(1);
    expect(JSON.stringify(audit.nodes[0])).toContain('补录十月回款');

    const live = await s.reports.monthlyReport(finance, MONTH);
    expect(live.close).toMatchObject({ status: 'REOPENED', differences: [] });
    expect(live.rows[0].signedMonthFen).toBe(15_000_000);

    const close = `mutation($m: String!) { closeReportMonth(month: $m) { month status closedBy rowCount } }`;
    expect((await new GqlClient(server.url, keys.committee).request(close, { m: MONTH })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql.data<{ closeReportMonth: Record<string, unknown> }>(close, { m: MONTH })).closeReportMonth).toEqual({ month: MONTH, status: 'CLOSED', closedBy: 'apikey:k-FINANCE', rowCount: 1 });
    const again = await s.reports.monthlyReport(finance, MONTH);
    expect(again.close).toMatchObject({ status: 'CLOSED', differences: [] });
    expect(again.rows[0].signedMonthFen).toBe(15_000_000);
    expect((await s.audit.list(admin, { action: 'report.month.close' }, { first: 10 })).nodes).toHaveLength(2);
    const list = await gql.data<{ reportMonthCloses: { month: string; status: string }[] }>('{ reportMonthCloses { month status } }');
    expect(list.reportMonthCloses).toEqual([{ month: MONTH, status: 'CLOSED' }]);
  });

  it('closes the previous month by itself on KAM_REPORT_CLOSE_DAY, exactly once across two instances', async () => {
    const { config } = t();
    const ds2 = await openDataSource(config.database);
    try {
      const one = createServices(t().ds, { ...config, reportCloseDay: 3 });
      const two = createServices(ds2, { ...config, reportCloseDay: 3 });
      // 00:30 on 12-02 Beijing time: before the close day.
      expect(await one.reports.autoClose(new Date('2026-12-01T16:30:00Z'))).toBeNull();
      // 00:30 on 12-03 Beijing time (still 12-02 in UTC): both instances try at once.
      const at = new Date('2026-12-02T16:30:00Z');
      const results = await Promise.all([one.reports.autoClose(at), two.reports.autoClose(at), one.reports.autoClose(at), two.reports.autoClose(at)]);
      const made = results.filter((r) => r !== null);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ month: '2026-11', status: 'CLOSED', closedBy: 'system:report-close' });
      const audit = await one.audit.list(admin, { action: 'report.month.close' }, { first: 50 });
      expect(audit.nodes.filter((e) => e.entityId === '2026-11')).toHaveLength(1);
      // Later checks change nothing; a disabled close day never closes.
      expect(await two.reports.autoClose(new Date('2026-12-20T02:00:00Z'))).toBeNull();
      expect(await t().services.reports.autoClose(new Date('2027-01-20T02:00:00Z'))).toBeNull();
    } finally {
      await ds2.destroy();
    }
  });

  it('at 00:30 Beijing time on the 1st and on 31 December: the current month, 数据截至 and the future-date check follow Beijing', async () => {
    const s = createServices(t().ds, { ...t().config, futureDateToleranceDays: 0 });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'], now: new Date('2026-11-30T16:30:00Z') });
    try {
      const dec = await s.reports.monthlyReport(finance, '2026-12');
      expect(dec.period).toMatchObject({ month: '2026-12', asOf: '2026-12-01' });
      const visit = await s.activities.create(admin, { accountId, occurredOn: '2026-12-01', type: 'MANAGER_VISIT', subject: '月初拜访' });
      expect(visit.occurredOn).toBe('2026-12-01');
      await expect(s.activities.create(admin, { accountId, occurredOn: '2026-12-02', type: 'MANAGER_VISIT', subject: '明天' })).rejects.toMatchObject({ code: 'DATE_IN_FUTURE' });
      expect((await s.reports.monthlyReport(finance, '2026-12')).rows[0].visits).toBe(1);

      jest.setSystemTime(new Date('2026-12-30T16:30:00Z')); // 00:30 on 31 December
      expect((await s.reports.monthlyReport(finance, '2026-12')).period.asOf).toBe('2026-12-31');
      await expect(s.reports.monthlyReport(finance, '2027-01')).rejects.toThrow(/in the future/);
      jest.setSystemTime(new Date('2026-12-31T16:30:00Z')); // 00:30 on 1 January
      expect((await s.reports.monthlyReport(finance, '2027-01')).period).toMatchObject({ asOf: '2027-01-01', yearStart: '2027-01-01' });
    } finally {
      jest.useRealTimers();
    }
  });
});
