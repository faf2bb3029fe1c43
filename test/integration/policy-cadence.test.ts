import { ActivityType, AccountStatus } from '../../src/common/enums';
import type { Account } from '../../src/modules/accounts/account.entity';
import { CadenceStatus } from '../../src/modules/cadence/cadence-status';
import type { ComplianceItem } from '../../src/modules/cadence/cadence.service';
import { describeEachDb } from '../support/db';
import { countQueries } from '../support/query-count';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const AS_OF = '2026-06-30';

describeEachDb('visit cadence and compliance', (t) => {
  let w: PolicyWorld;
  const acc: Record<string, Account> = {};

  const visit = (account: Account, occurredOn: string, type: ActivityType = ActivityType.MANAGER_VISIT) =>
    t().services.activities.createMany(w.system, [{ accountId: account.id, occurredOn, type, subject: `${type} ${occurredOn}`, managerId: account.managerId }]);

  const itemOf = (items: ComplianceItem[], account: Account, type: ActivityType = ActivityType.MANAGER_VISIT) =>
    items.find((i) => i.accountId === account.id && i.activityType === type);

  beforeAll(async () => {
    const { services } = t();
    w = await createPolicyWorld(services);
    const make = async (key: string, extra = {}) => {
      acc[key] = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC', registeredOn: '2025-01-01', ...extra });
    };
    await make('ok');
    await make('dueSoon');
    await make('dueToday');
    await make('overdue');
    await make('never');
    await make('terminated');
    await make('suspended');
    await make('hn', { ownerUnitId: w.units.hn.id, managerId: w.users.hnManager.id });
    await make('general', { tierCode: 'GENERAL' });
    await visit(acc.ok, '2026-06-20');
    await visit(acc.ok, '2026-01-15', ActivityType.EXECUTIVE_VISIT);
    await visit(acc.ok, '2026-07-05'); // after asOf: does not count
    await visit(acc.dueSoon, '2026-06-10');
    await visit(acc.dueSoon, '2026-01-14', ActivityType.EXECUTIVE_VISIT);
    await visit(acc.dueToday, '2026-05-30');
    await visit(acc.overdue, '2026-05-20');
    await visit(acc.overdue, '2026-04-01');
    await visit(acc.terminated, '2026-04-01');
    await visit(acc.hn, '2026-06-25');
    await visit(acc.general, '2026-01-05');
    await services.ownership.terminate(w.as('committee'), acc.terminated.id, { effectiveOn: '2026-06-15', note: '客户破产重整' });
    await services.accounts.update(w.as('committee'), acc.suspended.id, { status: AccountStatus.SUSPENDED });
    // Became active on 2026-06-01 after a month as a candidate; the visit during candidacy does not count.
    const rec = await services.ownership.recommend(w.as('hdManager'), { account: { code: 'NEW1', name: '新推荐客户有限公司', tierCode: 'STRATEGIC' } });
    acc.late = await services.accounts.get(w.system, rec.accountId);
    await visit(acc.late, '2026-05-20');
    await services.ownership.approveRecommendation(w.as('committee'), rec.id, { effectiveOn: '2026-06-01' });
    // A candidate nobody approved yet has no obligations.
    const cand = await services.ownership.recommend(w.as('hdManager'), { account: { code: 'NEW2', name: '待审批客户有限公司', tierCode: 'STRATEGIC' } });
    acc.candidate = await services.accounts.get(w.system, cand.accountId);
  });

  afterAll(async () => {
    await w?.close();
  });

  it('gives last date, next due date and status per account and activity type', async () => {
    const items = await t().services.cadence.compliance(w.system, AS_OF);
    expect(itemOf(items, acc.ok)).toMatchObject({ lastOn: '2026-06-20', nextDueOn: '2026-07-20', status: CadenceStatus.OK, daysUntilDue: 20, overdue: false, intervalMonths: 1 });
    expect(itemOf(items, acc.dueSoon)).toMatchObject({ lastOn: '2026-06-10', nextDueOn: '2026-07-10', status: CadenceStatus.DUE_SOON, daysUntilDue: 10 });
    expect(itemOf(items, acc.dueToday)).toMatchObject({ lastOn: '2026-05-30', nextDueOn: '2026-06-30', status: CadenceStatus.DUE_SOON, daysUntilDue: 0 });
    expect(itemOf(items, acc.overdue)).toMatchObject({ lastOn: '2026-05-20', nextDueOn: '2026-06-20', status: CadenceStatus.OVERDUE, daysUntilDue: -10, overdue: true });
    expect(itemOf(items, acc.never)).toMatchObject({ lastOn: null, activeSince: '2025-01-01', nextDueOn: '2025-02-01', status: CadenceStatus.NEVER, overdue: true });
    // Six-monthly executive visits: 15 days left is OK, 14 is within the reminder window.
    expect(itemOf(items, acc.ok, ActivityType.EXECUTIVE_VISIT)).toMatchObject({ nextDueOn: '2026-07-15', status: CadenceStatus.OK });
    expect(itemOf(items, acc.dueSoon, ActivityType.EXECUTIVE_VISIT)).toMatchObject({ nextDueOn: '2026-07-14', status: CadenceStatus.DUE_SOON });
    // Every strategic account has the four strategic rules; a general account only the manager visit.
    expect(items.filter((i) => i.accountId === acc.ok.id).map((i) => i.activityType).sort()).toEqual(
      [ActivityType.EXECUTIVE_VISIT, ActivityType.MANAGER_VISIT, ActivityType.QUALITY_EXCHANGE, ActivityType.TECHNICAL_EXCHANGE].sort(),
    );
    expect(items.filter((i) => i.accountId === acc.general.id)).toEqual([
      expect.objectContaining({ activityType: ActivityType.MANAGER_VISIT, intervalMonths: 6, lastOn: '2026-01-05', nextDueOn: '2026-07-05', status: CadenceStatus.DUE_SOON }),
    ]);
  });

  it('counts only visits since the account became active, and NEVER is not overdue before the first interval ends', async () => {
    const items = await t().services.cadence.compliance(w.system, AS_OF);
    expect(itemOf(items, acc.late)).toMatchObject({ activeSince: '2026-06-01', lastOn: null, status: CadenceStatus.NEVER, nextDueOn: '2026-07-01', overdue: false });
    // Before it became active it had no obligations at all.
    expect((await t().services.cadence.compliance(w.system, '2026-05-25')).some((i) => i.accountId === acc.late.id)).toBe(false);
  });

  it('drops terminated accounts from their termination date, and never lists candidates or suspended accounts', async () => {
    const after = await t().services.cadence.compliance(w.system, AS_OF);
    const ids = new Set(after.map((i) => i.accountId));
    expect(ids.has(acc.terminated.id)).toBe(false);
    expect(ids.has(acc.candidate.id)).toBe(false);
    expect(ids.has(acc.suspended.id)).toBe(false);
    // Before the effective date the terminated account still owed its visits.
    const before = await t().services.cadence.compliance(w.system, '2026-06-10');
    expect(itemOf(before, acc.terminated)).toMatchObject({ lastOn: '2026-04-01', status: CadenceStatus.OVERDUE });
    const onTheDay = await t().services.cadence.compliance(w.system, '2026-06-15');
    expect(onTheDay.some((i) => i.accountId === acc.terminated.id)).toBe(false);
  });

  it('clamps month arithmetic to the end of the month (31 Jan + 1 month = 28 Feb)', async () => {
    await visit(acc.general, '2026-01-31', ActivityType.MANAGER_VISIT);
    const { services } = t();
    await services.cadence.setRule(w.system, { tier: 'GENERAL', activityType: ActivityType.MANAGER_VISIT, intervalMonths: 1, dueSoonDays: 0 });
    try {
      const onDue = itemOf(await services.cadence.compliance(w.system, '2026-02-28', { accountIds: [acc.general.id] }), acc.general);
      expect(onDue).toMatchObject({ lastOn: '2026-01-31', nextDueOn: '2026-02-28', status: CadenceStatus.DUE_SOON });
      const dayAfter = itemOf(await services.cadence.compliance(w.system, '2026-03-01', { accountIds: [acc.general.id] }), acc.general);
      expect(dayAfter).toMatchObject({ status: CadenceStatus.OVERDUE, daysUntilDue: -1 });
    } finally {
      await services.cadence.setRule(w.system, { tier: 'GENERAL', activityType: ActivityType.MANAGER_VISIT, intervalMonths: 6, dueSoonDays: 14 });
    }
  });

  it('filters by status, unit, manager, tier and overdue, and pages over HTTP with stable cursors', async () => {
    const gql = w.gql('analyst');
    const query = `query($asOf: LocalDate!, $first: Int, $after: String, $filter: VisitComplianceFilterInput) {
      visitCompliance(asOf: $asOf, first: $first, after: $after, filter: $filter) {
        totalCount pageInfo { hasNextPage endCursor } nodes { accountId activityType status lastOn nextDueOn overdue account { code } tier { code } }
      } }`;
    type Page = { visitCompliance: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { accountId: string; activityType: string; status: string; overdue: boolean; account: { code: string }; tier: { code: string } }[] } };
    const all = await t().services.cadence.compliance(w.system, AS_OF);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const d: Page = await gql.data<Page>(query, { asOf: AS_OF, first: 7, after });
      expect(d.visitCompliance.totalCount).toBe(all.length);
      seen.push(...d.visitCompliance.nodes.map((n) => `${n.accountId}/${n.activityType}`));
      if (!d.visitCompliance.pageInfo.hasNextPage) break;
      after = d.visitCompliance.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((i) => `${i.accountId}/${i.activityType}`));

    const overdue = await gql.data<Page>(query, { asOf: AS_OF, first: 100, filter: { statuses: ['OVERDUE'], activityTypes: ['MANAGER_VISIT'] } });
    expect(overdue.visitCompliance.nodes.map((n) => n.account.code).sort()).toEqual([acc.overdue.code]);
    const hn = await gql.data<Page>(query, { asOf: AS_OF, first: 100, filter: { ownerUnitId: String(w.units.hn.id) } });
    expect(new Set(hn.visitCompliance.nodes.map((n) => n.account.code))).toEqual(new Set([acc.hn.code]));
    const byManager = await gql.data<Page>(query, { asOf: AS_OF, first: 100, filter: { managerId: String(w.users.hnManager.id), activityTypes: ['MANAGER_VISIT'] } });
    expect(byManager.visitCompliance.nodes).toEqual([expect.objectContaining({ status: 'OK', account: { code: acc.hn.code } })]);
    const general = await gql.data<Page>(query, { asOf: AS_OF, first: 100, filter: { tierCodes: ['一般客户'] } });
    expect(general.visitCompliance.nodes.map((n) => n.tier.code)).toEqual(['GENERAL']);
    const reportTiers = await gql.data<Page>(query, { asOf: AS_OF, first: 500, filter: { inMonthlyReport: true } });
    expect(reportTiers.visitCompliance.nodes.every((n) => n.tier.code === 'STRATEGIC')).toBe(true);
    const overdueOnly = await gql.data<Page>(query, { asOf: AS_OF, first: 500, filter: { overdueOnly: true, activityTypes: ['MANAGER_VISIT'] } });
    // The never-visited account is overdue; the one that became active on 1 June is not yet.
    expect(overdueOnly.visitCompliance.nodes.map((n) => n.account.code).sort()).toEqual([acc.never.code, acc.overdue.code].sort());
    expect(overdueOnly.visitCompliance.nodes.every((n) => n.overdue)).toBe(true);

    const summary = await gql.data<{ visitComplianceSummary: { activityType: string; status: string; count: number }[] }>(
      'query($asOf: LocalDate!) { visitComplianceSummary(asOf: $asOf, filter: { activityTypes: [MANAGER_VISIT] }) { activityType status count } }',
      { asOf: AS_OF },
    );
    const counted = Object.fromEntries(summary.visitComplianceSummary.map((c) => [c.status, c.count]));
    const expected: Record<string, number> = {};
    for (const i of all.filter((x) => x.activityType === ActivityType.MANAGER_VISIT)) expected[i.status] = (expected[i.status] ?? 0) + 1;
    expect(counted).toEqual(expected);
    expect(counted.OVERDUE).toBe(1);
  });

  it('computes compliance in a fixed number of SQL statements, whatever the number of accounts', async () => {
    const { services, ds } = t();
    const few = await countQueries(ds, () => services.cadence.compliance(w.system, AS_OF, { accountIds: [acc.ok.id] }));
    const many = await countQueries(ds, () => services.cadence.compliance(w.system, AS_OF));
    expect(many.result.length).toBeGreaterThan(20);
    expect(many.queries).toBe(few.queries);
    expect(many.queries).toBeLessThanOrEqual(2);
  });

  it('lets an ADMIN change the cadence (data), and refuses everyone else', async () => {
    const set = `mutation($input: CadenceRuleInput!) { setCadenceRule(input: $input) { id version intervalMonths dueSoonDays activityType tier { code } } }`;
    const input = { tier: '战略客户', activityType: 'MANAGER_VISIT', intervalMonths: 2, dueSoonDays: 7 };
    for (const who of ['committee', 'hdManager', 'finance', 'analyst'] as const) {
      expect(errorOf(await w.gql(who).request(set, { input })).code).toBe('FORBIDDEN');
    }
    const bad = await w.gql('admin').request(set, { input: { ...input, intervalMonths: 0 } });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'intervalMonths' });
    const unknownTier = await w.gql('admin').request(set, { input: { ...input, tier: '钻石' } });
    expect(errorOf(unknownTier)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_TIER' });
    const d = await w.gql('admin').data<{ setCadenceRule: { id: string; version: number; intervalMonths: number; tier: { code: string } } }>(set, { input });
    expect(d.setCadenceRule).toMatchObject({ intervalMonths: 2, tier: { code: 'STRATEGIC' } });
    // Last visit 20 May: overdue under a monthly rule, fine under a two-monthly one.
    expect(itemOf(await t().services.cadence.compliance(w.system, AS_OF), acc.overdue)).toMatchObject({ status: CadenceStatus.OK, nextDueOn: '2026-07-20' });
    const rules = await w.gql('analyst').data<{ cadenceRules: { totalCount: number; nodes: { activityType: string; intervalMonths: number }[] } }>(
      '{ cadenceRules(first: 50, filter: { tier: "STRATEGIC" }) { totalCount nodes { activityType intervalMonths } } }',
    );
    expect(rules.cadenceRules.totalCount).toBe(4);
    expect(rules.cadenceRules.nodes.find((r) => r.activityType === 'MANAGER_VISIT')?.intervalMonths).toBe(2);
    // Deleting the rule removes the obligation.
    const DELETE = 'mutation($id: ID!, $version: Int!) { deleteCadenceRule(id: $id, version: $version) { id } }';
    expect(errorOf(await w.gql('admin').request(DELETE, { id: d.setCadenceRule.id, version: d.setCadenceRule.version - 1 }))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    const del = await w.gql('admin').data<{ deleteCadenceRule: { id: string } }>(DELETE, { id: d.setCadenceRule.id, version: d.setCadenceRule.version });
    expect(del.deleteCadenceRule.id).toBe(d.setCadenceRule.id);
    expect(itemOf(await t().services.cadence.compliance(w.system, AS_OF), acc.overdue)).toBeUndefined();
    await t().services.cadence.setRule(w.system, { tier: 'STRATEGIC', activityType: ActivityType.MANAGER_VISIT, intervalMonths: 1 });
    const audit = await w.gql('committee').data<{ auditEvents: { nodes: { action: string; actor: string }[] } }>(
      '{ auditEvents(first: 3, filter: { action: "cadenceRule.*" }) { nodes { action actor } } }',
    );
    // Newest first: the restore, the delete, the change over HTTP.
    expect(audit.auditEvents.nodes).toEqual([
      { action: 'cadenceRule.set', actor: 'system:test' },
      { action: 'cadenceRule.delete', actor: 'apikey:key-admin' },
      { action: 'cadenceRule.set', actor: 'apikey:key-admin' },
    ]);
  });
});
