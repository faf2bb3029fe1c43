/**
 * BI aggregates equal a hand computation on a small fixture built for it, on both databases. The
 * fixture has every case the definitions distinguish: a signing before the period, a ledger signing
 * with and without a project, a ledger collection, an overpaid account, a receivable not yet due on a
 * signed contract, one not yet due without a project, and a contract signed after the period.
 */
import { systemContext } from '../../src/common/context';
import { Role } from '../../src/common/enums';
import { countQueries } from '../../src/db/query-counter';
import type { RunningServer } from '../../src/http/server';
import { describeEachDb } from '../support/db';
import { GqlClient, startTestServer } from '../support/graphql-client';
import { DataClass } from '../../src/modules/privacy/data-classes';
import type { DataAccessGrant } from '../../src/modules/privacy/data-access-grant.entity';

interface Row {
  tier?: { code: string } | null;
  unit?: { code: string } | null;
  manager?: { login: string } | null;
  account?: { code: string } | null;
  industry?: string | null;
  month?: string | null;
  accounts: number;
  signed: number;
  received: number;
  receivable: number;
  overdue: number;
}

const MONEY = 'accounts signed received receivable overdue';

describeEachDb('BI aggregates', (t) => {
  let server: RunningServer;
  let client: GqlClient;
  let biGrant: DataAccessGrant;
  let m1Key: string;
  let unit1: number;
  const ctx = systemContext('test');

  beforeAll(async () => {
    const s = t().services;
    const u1 = await s.org.createUnit(ctx, { code: 'U1', name: '一分公司' });
    const u2 = await s.org.createUnit(ctx, { code: 'U2', name: '二分公司' });
    const m1 = await s.org.createUser(ctx, { login: 'm1', name: '经理一', role: Role.MANAGER, unitId: u1.id });
    const m2 = await s.org.createUser(ctx, { login: 'm2', name: '经理二', role: Role.MANAGER, unitId: u2.id });
    const acc = (code: string, tierCode: string, unit: number, manager: number, industry: string) =>
      s.accounts.create(ctx, { code, name: `${code}公司`, tierCode, ownerUnitId: unit, managerId: manager, industry });
    const a = await acc('A', 'STRATEGIC', u1.id, m1.id, '建筑');
    const b = await acc('B', 'KEY', u1.id, m1.id, '电力');
    const c = await acc('C', 'KEY', u2.id, m2.id, '建筑');
    const d = await acc('D', 'STRATEGIC', u2.id, m2.id, '建筑');

    const pa1 = await s.projects.createProject(ctx, { accountId: a.id, name: 'PA1', status: 'IN_PROGRESS', contractAmount: 1_000_000, signedOn: '2025-01-15' });
    const pa2 = await s.projects.createProject(ctx, { accountId: a.id, name: 'PA2', status: 'COMPLETED', contractAmount: 500_000, signedOn: '2024-12-20' });
    const pb1 = await s.projects.createProject(ctx, { accountId: b.id, name: 'PB1', status: 'IN_PROGRESS', contractAmount: 200_000, signedOn: '2025-03-10' });
    const pd1 = await s.projects.createProject(ctx, { accountId: d.id, name: 'PD1', status: 'PLANNED', contractAmount: 300_000, signedOn: '2025-04-05' });

    const due = (accountId: number, projectId: number | null, dueOn: string, amount: number) => s.projects.createReceivable(ctx, { accountId, projectId, dueOn, amount });
    await due(a.id, pa1.id, '2025-02-01', 300_000);
    await due(a.id, pa1.id, '2025-05-01', 700_000); // not yet due, but its contract is signed
    await due(a.id, pa2.id, '2025-03-15', 500_000);
    await due(b.id, pb1.id, '2025-03-20', 200_000);
    await due(b.id, null, '2025-04-10', 40_000); // not due and no signed contract: not owed yet
    await due(d.id, pd1.id, '2025-04-30', 300_000); // contract signed after the period

    const paid = (accountId: number, projectId: number | null, receivedOn: string, amount: number) => s.projects.createPayment(ctx, { accountId, projectId, receivedOn, amount });
    await paid(a.id, pa1.id, '2025-02-10', 200_000);
    await paid(a.id, pa2.id, '2025-03-31', 100_000);
    await paid(b.id, pb1.id, '2025-03-25', 250_000); // pays more than is due

    const log = (accountId: number, managerId: number, occurredOn: string, type: string, extra: Record<string, unknown> = {}) =>
      s.activities.create(ctx, { accountId, managerId, occurredOn, type, subject: `${type} ${occurredOn}`, ...extra });
    await log(a.id, m1.id, '2025-01-15', 'SIGNING', { projectId: pa1.id, contractAmount: 60_000 }); // the project's signing: counted through PA1
    await log(a.id, m1.id, '2025-02-20', 'SIGNING', { contractAmount: 80_000 }); // a signing without project
    // A ledger collection becomes a payment, whether logged one by one or in bulk (as the importer does).
    await s.activities.createMany(ctx, [{ accountId: a.id, managerId: m1.id, occurredOn: '2025-03-05', type: 'COLLECTION', subject: 'COLLECTION 2025-03-05', paymentAmount: 50_000 }]);
    await log(a.id, m1.id, '2025-01-10', 'MANAGER_VISIT');
    await log(a.id, m1.id, '2025-02-12', 'MANAGER_VISIT');
    await log(c.id, m2.id, '2025-03-03', 'MANAGER_VISIT');
    await log(c.id, m2.id, '2025-03-04', 'EXECUTIVE_VISIT');
    await log(c.id, m2.id, '2024-12-30', 'MANAGER_VISIT'); // before the period

    const { secret } = await s.auth.createApiKey(ctx, { name: 'bi', role: Role.ANALYST });
    // Figures are 企业机密: a BI key reads them once an ADMIN grants its role that scope.
    biGrant = await s.needToKnow.grant(ctx, { role: Role.ANALYST, dataClass: DataClass.CONFIDENTIAL, note: 'BI 报表需要全部单位的金额' });
    m1Key = (await s.auth.createApiKey(ctx, { name: 'm1', role: Role.MANAGER, userId: m1.id })).secret;
    unit1 = u1.id;
    server = await startTestServer(s);
    client = new GqlClient(server.url, secret);
  });

  afterAll(async () => {
    await server?.close();
  });

  const stats = async (args: string, keys = '') =>
    (await client.data<{ accountStats: { from: string; to: string; asOf: string; rows: Row[]; total: Row } }>(
      `{ accountStats(${args}) { from to asOf rows { ${keys} ${MONEY} } total { ${MONEY} } } }`,
    )).accountStats;

  const PERIOD = 'from: "2025-01-01", to: "2025-03-31"';

  it('totals: signed counts projects by signing date plus ledger signings without a project; received counts each payment once', async () => {
    const r = await stats(PERIOD);
    expect(r).toMatchObject({ from: '2025-01-01', to: '2025-03-31', asOf: '2025-03-31' });
    expect(r.total).toEqual({ accounts: 4, signed: 1_280_000, received: 600_000, receivable: 1_150_000, overdue: 450_000 });
    expect(r.rows).toEqual([r.total]);
  });

  it('by tier, unit, manager and industry', async () => {
    expect((await stats(`${PERIOD}, groupBy: [TIER]`, 'tier { code }')).rows).toEqual([
      { tier: { code: 'STRATEGIC' }, accounts: 2, signed: 1_080_000, received: 350_000, receivable: 1_150_000, overdue: 450_000 },
      { tier: { code: 'KEY' }, accounts: 2, signed: 200_000, received: 250_000, receivable: 0, overdue: 0 },
    ]);
    expect((await stats(`${PERIOD}, groupBy: [UNIT]`, 'unit { code }')).rows).toEqual([
      { unit: { code: 'U1' }, accounts: 2, signed: 1_280_000, received: 600_000, receivable: 1_150_000, overdue: 450_000 },
      { unit: { code: 'U2' }, accounts: 2, signed: 0, received: 0, receivable: 0, overdue: 0 },
    ]);
    expect((await stats(`${PERIOD}, groupBy: [MANAGER]`, 'manager { login }')).rows.map((r) => [r.manager?.login, r.signed, r.receivable])).toEqual([
      ['m1', 1_280_000, 1_150_000],
      ['m2', 0, 0],
    ]);
    const byIndustry = (await stats(`${PERIOD}, groupBy: [INDUSTRY]`, 'industry')).rows;
    expect(byIndustry.find((r) => r.industry === '建筑')).toEqual({ industry: '建筑', accounts: 3, signed: 1_080_000, received: 350_000, receivable: 1_150_000, overdue: 450_000 });
    expect(byIndustry.find((r) => r.industry === '电力')).toEqual({ industry: '电力', accounts: 1, signed: 200_000, received: 250_000, receivable: 0, overdue: 0 });
  });

  it('by month: flows per month, balances at each month end', async () => {
    const r = await stats(`${PERIOD}, groupBy: [MONTH]`, 'month');
    expect(r.rows).toEqual([
      { month: '2025-01', accounts: 4, signed: 1_000_000, received: 0, receivable: 1_500_000, overdue: 0 },
      { month: '2025-02', accounts: 4, signed: 80_000, received: 200_000, receivable: 1_300_000, overdue: 100_000 },
      { month: '2025-03', accounts: 4, signed: 200_000, received: 400_000, receivable: 1_150_000, overdue: 450_000 },
    ]);
    expect(r.total).toEqual({ accounts: 4, signed: 1_280_000, received: 600_000, receivable: 1_150_000, overdue: 450_000 });
    const byTierMonth = await stats(`${PERIOD}, groupBy: [TIER, MONTH]`, 'tier { code } month');
    expect(byTierMonth.rows).toHaveLength(6);
    expect(byTierMonth.rows.find((x) => x.tier?.code === 'STRATEGIC' && x.month === '2025-03')).toEqual({
      tier: { code: 'STRATEGIC' }, month: '2025-03', accounts: 2, signed: 0, received: 150_000, receivable: 1_150_000, overdue: 450_000,
    });
  });

  it('per account, with a filter, and as of another date', async () => {
    const perAccount = (await stats(`${PERIOD}, groupBy: [ACCOUNT]`, 'account { code }')).rows;
    expect(perAccount.map((r) => [r.account?.code, r.signed, r.received, r.receivable, r.overdue])).toEqual([
      ['A', 1_080_000, 350_000, 1_150_000, 450_000],
      ['B', 200_000, 250_000, 0, 0],
      ['C', 0, 0, 0, 0],
      ['D', 0, 0, 0, 0],
    ]);
    const key = await stats(`${PERIOD}, filter: { tierCodes: ["重点客户"] }`);
    expect(key.total).toEqual({ accounts: 2, signed: 200_000, received: 250_000, receivable: 0, overdue: 0 });
    // As of 2025-02-28: A owes 1.5M − 0.2M; of that, 0.3M − 0.2M is past due.
    const earlier = await stats(`${PERIOD}, asOf: "2025-02-28"`);
    expect(earlier.total).toMatchObject({ receivable: 1_300_000, overdue: 100_000 });
    // Into May: PD1 is signed and due, all of A is due, and B's overpayment covers its later 40,000.
    const later = await stats('from: "2025-01-01", to: "2025-05-31"');
    expect(later.total).toEqual({ accounts: 4, signed: 1_580_000, received: 600_000, receivable: 1_450_000, overdue: 1_450_000 });
  });

  it('shows amounts (企业机密) only to who may read them: a granted BI role, and a manager for its own unit', async () => {
    const money = (c: GqlClient, filter = '') => c.data<{ accountStats: { total: Record<string, number | null> } }>(`{ accountStats(${PERIOD}${filter}) { total { ${MONEY} } } }`);
    const manager = new GqlClient(client.url, m1Key);
    // Across units, a manager sees the counts, not the money; filtered to its unit, its unit's money.
    expect((await money(manager)).accountStats.total).toEqual({ accounts: 4, signed: null, received: null, receivable: null, overdue: null });
    const own = (await money(manager, `, filter: { unitIds: ["${unit1}"] }`)).accountStats.total;
    expect(own).toEqual({ accounts: 2, signed: 1_280_000, received: 600_000, receivable: 1_150_000, overdue: 450_000 });
    // Without the grant, the BI key sees the counts only.
    await t().services.needToKnow.revoke(ctx, biGrant.id, '测试撤销');
    try {
      expect((await money(client)).accountStats.total).toEqual({ accounts: 4, signed: null, received: null, receivable: null, overdue: null });
    } finally {
      biGrant = await t().services.needToKnow.grant(ctx, { role: Role.ANALYST, dataClass: DataClass.CONFIDENTIAL, note: '恢复' });
    }
    expect((await money(client)).accountStats.total.signed).toBe(1_280_000);
  });

  it('is computed in a handful of SQL statements, however many months', async () => {
    const counter = countQueries(t().ds);
    try {
      await stats('from: "2024-01-01", to: "2025-12-31", groupBy: [MONTH, TIER]', 'month tier { code }');
      const twoYears = counter.count;
      counter.reset();
      await stats('from: "2025-01-01", to: "2025-03-31", groupBy: [MONTH, TIER]', 'month tier { code }');
      expect(twoYears).toBe(counter.count);
      // The aggregate itself, the page's relations, and the need-to-know facts (grants, units, the caller's confidentiality agreement).
      expect(twoYears).toBeLessThanOrEqual(8);
    } finally {
      counter.stop();
    }
  });

  it('counts activities by type, month and manager, and projects by status and month signed', async () => {
    type A = { type?: string; month?: string; manager?: { login: string }; activities: number; accounts: number };
    const act = async (groupBy: string, keys: string) =>
      (await client.data<{ activityStats: { rows: A[] } }>(`{ activityStats(${PERIOD}, groupBy: [${groupBy}]) { rows { ${keys} activities accounts } } }`)).activityStats.rows;
    expect(Object.fromEntries((await act('TYPE', 'type')).map((r) => [r.type, [r.activities, r.accounts]]))).toEqual({
      SIGNING: [2, 1], COLLECTION: [1, 1], MANAGER_VISIT: [3, 2], EXECUTIVE_VISIT: [1, 1],
    });
    const whole = async (period: string) => (await client.data<{ activityStats: { rows: A[] } }>(`{ activityStats(${period}) { rows { activities accounts } } }`)).activityStats.rows;
    expect(await whole(PERIOD)).toEqual([{ activities: 7, accounts: 2 }]);
    expect(await whole('from: "2020-01-01", to: "2020-12-31"')).toEqual([{ activities: 0, accounts: 0 }]);
    expect((await act('MONTH', 'month')).map((r) => [r.month, r.activities])).toEqual([['2025-01', 2], ['2025-02', 2], ['2025-03', 3]]);
    expect((await act('MANAGER', 'manager { login }')).map((r) => [r.manager?.login, r.activities, r.accounts])).toEqual([['m1', 5, 1], ['m2', 2, 1]]);
    const visits = await client.data<{ activityStats: { rows: A[] } }>(`{ activityStats(${PERIOD}, types: [MANAGER_VISIT, EXECUTIVE_VISIT], filter: { tierCodes: ["KEY"] }) { rows { activities accounts } } }`);
    expect(visits.activityStats.rows).toEqual([{ activities: 2, accounts: 1 }]);

    type P = { status?: string; month?: string | null; projects: number; contractAmount: number };
    const proj = async (args: string, keys: string) => (await client.data<{ projectStats: P[] }>(`{ projectStats(${args}) { ${keys} projects contractAmount } }`)).projectStats;
    expect(Object.fromEntries((await proj('groupBy: [STATUS]', 'status')).map((r) => [r.status, [r.projects, r.contractAmount]]))).toEqual({
      IN_PROGRESS: [2, 1_200_000], COMPLETED: [1, 500_000], PLANNED: [1, 300_000],
    });
    expect((await proj('groupBy: [MONTH]', 'month')).map((r) => [r.month, r.contractAmount])).toEqual([['2024-12', 500_000], ['2025-01', 1_000_000], ['2025-03', 200_000], ['2025-04', 300_000]]);
    expect(await proj('signedFrom: "2025-01-01", signedTo: "2025-03-31"', '')).toEqual([{ projects: 2, contractAmount: 1_200_000 }]);
  });

  it('refuses a period that ends before it starts, or spans too many months by month', async () => {
    const r = await client.request('{ accountStats(from: "2025-03-01", to: "2025-01-01") { total { accounts } } }');
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const long = await client.request('{ accountStats(from: "2000-01-01", to: "2025-01-01", groupBy: [MONTH]) { total { accounts } } }');
    expect(long.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });

  // Last: it adds an account of its own (read through a filter on it, so the figures above are untouched).
  it('by month over a period that starts and ends mid-month: a due date on a month end is past due the month after, and balances floor per month', async () => {
    const s = t().services;
    const e = await s.accounts.create(ctx, { code: 'E', name: 'E公司', tierCode: 'KEY' });
    const pe = await s.projects.createProject(ctx, { accountId: e.id, name: 'PE', status: 'IN_PROGRESS', contractAmount: 100_000, signedOn: '2025-02-10' });
    const due = (projectId: number | null, dueOn: string, amount: number) => s.projects.createReceivable(ctx, { accountId: e.id, projectId, dueOn, amount });
    await due(null, '2025-01-31', 10_000); // owed at January's end, past due only at February's
    await due(pe.id, '2025-02-28', 60_000); // owed once PE is signed (02-10), past due at March's end
    await due(null, '2025-04-10', 20_000);
    await due(null, '2025-04-25', 5_000); // after the period
    await s.projects.createPayment(ctx, { accountId: e.id, projectId: null, receivedOn: '2025-01-05', amount: 3_000 }); // before the period: not received in it, but paid
    await s.projects.createPayment(ctx, { accountId: e.id, projectId: pe.id, receivedOn: '2025-03-31', amount: 80_000 }); // pays 13,000 ahead
    const r = await stats('from: "2025-01-15", to: "2025-04-20", groupBy: [MONTH], filter: { codes: ["E"] }', 'month');
    expect(r.rows).toEqual([
      { month: '2025-01', accounts: 1, signed: 0, received: 0, receivable: 7_000, overdue: 0 },
      { month: '2025-02', accounts: 1, signed: 100_000, received: 0, receivable: 67_000, overdue: 7_000 },
      { month: '2025-03', accounts: 1, signed: 0, received: 80_000, receivable: 0, overdue: 0 },
      // The prepayment covers 13,000 of April's 20,000 (a balance floored at 0 in March does not forget it).
      { month: '2025-04', accounts: 1, signed: 0, received: 0, receivable: 7_000, overdue: 7_000 },
    ]);
    expect(r.total).toEqual({ accounts: 1, signed: 100_000, received: 80_000, receivable: 7_000, overdue: 7_000 });
    const atFebruary = await stats('from: "2025-01-15", to: "2025-04-20", groupBy: [MONTH], asOf: "2025-02-28", filter: { codes: ["E"] }', 'month');
    expect(atFebruary.rows).toEqual(r.rows);
    expect(atFebruary.total).toEqual({ accounts: 1, signed: 100_000, received: 80_000, receivable: 67_000, overdue: 7_000 });
  });
});
