import { AccountStatus, ActivityType, ReviewStatus, YearEndDecision } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import type { Account } from '../../src/modules/accounts/account.entity';
import { Assignment } from '../../src/modules/ownership/assignment.entity';
import { CreditEvaluation } from '../../src/modules/credit/credit-evaluation.entity';
import { TierReview } from '../../src/modules/reviews/tier-review.entity';
import { YearEndRule } from '../../src/modules/year-end/year-end-rule.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const 万 = 10_000;
const REVIEW = `query($year: Int!, $filter: YearEndFilterInput) { yearEndReview(year: $year, first: 100, filter: $filter) { totalCount nodes {
  accountId account { code } signed received complianceRate cadenceItems overdueItems proposedDecision matchedRule { name position }
  evaluation { score rating decision decisionStatus } } } }`;
const CONFIRM = 'mutation($input: ConfirmYearEndDecisionInput!) { confirmYearEndDecision(input: $input) { decision decisionStatus effectiveOn decidedById } }';

type Assessment = {
  accountId: string; account: { code: string }; signed: number; received: number; complianceRate: number | null; cadenceItems: number; overdueItems: number;
  proposedDecision: string | null; matchedRule: { name: string; position: number } | null; evaluation: { score: number | null; rating: string | null; decision: string | null; decisionStatus: string | null };
};

describeEachDb('year-end evaluation: rules propose, the committee decides', (t) => {
  let w: PolicyWorld;
  const acc: Record<string, Account> = {};

  const review = async (filter?: Record<string, unknown>) => {
    const d = await w.gql('committee').data<{ yearEndReview: { totalCount: number; nodes: Assessment[] } }>(REVIEW, { year: 2025, filter });
    return Object.fromEntries(d.yearEndReview.nodes.map((n) => [n.account.code, n]));
  };

  beforeAll(async () => {
    const { services } = t();
    w = await createPolicyWorld(services);
    const mk = async (key: string, tierCode: string, evaluation: { score: number | null; rating: string | null } | null) => {
      acc[key] = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { code: `YE-${key}`, tierCode, registeredOn: '2024-01-01' });
      if (evaluation) await services.credit.createMany(w.system, [{ accountId: acc[key].id, year: 2025, ...evaluation }]);
    };
    await mk('poor', 'GENERAL', { score: 70, rating: 'C' });
    await mk('idle', 'GENERAL', { score: 55, rating: 'B' });
    await mk('star', 'GENERAL', { score: 88, rating: 'AA' });
    await mk('neglected', 'STRATEGIC', { score: 85, rating: 'A' });
    await mk('steady', 'GENERAL', { score: 72, rating: 'A' });
    await mk('missing', 'GENERAL', null);
    const project = (account: Account, contractAmount: number, signedOn: string) =>
      services.projects.createProject(w.system, { accountId: account.id, name: `项目${account.code}${signedOn}`, status: '在建', contractAmount, signedOn });
    await project(acc.star, 1200 * 万, '2025-05-01');
    await project(acc.star, 900 * 万, '2024-12-31'); // the year before: does not count
    await project(acc.steady, 100 * 万, '2025-03-01');
    await project(acc.idle, 300 * 万, '2026-01-02'); // the year after: does not count
    // A ledger signing without a project counts for the account.
    await services.activities.createMany(w.system, [{ accountId: acc.star.id, occurredOn: '2025-08-08', type: ActivityType.SIGNING, subject: '补充协议', contractAmount: 300 * 万 }]);
    await services.projects.createManyPayments(w.system, [
      { accountId: acc.star.id, receivedOn: '2025-06-30', amount: 500 * 万 },
      { accountId: acc.star.id, receivedOn: '2026-01-05', amount: 100 * 万 },
    ]);
    // Every 'general' rule: manager visit every 6 months; visits keep them compliant.
    for (const key of ['poor', 'idle', 'star', 'steady']) {
      await services.activities.createMany(w.system, [{ accountId: acc[key].id, occurredOn: '2025-11-01', type: ActivityType.MANAGER_VISIT, subject: '年末走访' }]);
    }
  });

  afterAll(async () => {
    await w?.close();
  });

  it('assesses each evaluated account: credit, the year\'s figures, compliance and the first matching rule', async () => {
    const r = await review();
    expect(Object.keys(r).sort()).toEqual(['YE-IDLE', 'YE-NEGLECTED', 'YE-POOR', 'YE-STAR', 'YE-STEADY']);
    expect(r['YE-POOR']).toMatchObject({ proposedDecision: 'TERMINATE', matchedRule: { position: 10 } });
    expect(r['YE-IDLE']).toMatchObject({ proposedDecision: 'TERMINATE', matchedRule: { position: 20 }, signed: 0 });
    expect(r['YE-STAR']).toMatchObject({ proposedDecision: 'STRENGTHEN', matchedRule: { position: 30 }, signed: 15_000_000, received: 5_000_000, complianceRate: 100, cadenceItems: 1 });
    // Strategic, never visited since it became active: four overdue items, 0 % → strengthen the relationship.
    expect(r['YE-NEGLECTED']).toMatchObject({ proposedDecision: 'STRENGTHEN', matchedRule: { position: 40 }, complianceRate: 0, cadenceItems: 4, overdueItems: 4 });
    expect(r['YE-STEADY']).toMatchObject({ proposedDecision: 'MAINTAIN', matchedRule: { position: 100 }, signed: 1_000_000 });
  });

  it('rules are data an ADMIN edits (first match wins); nobody else may', async () => {
    const rules = await w.gql('analyst').data<{ yearEndRules: { id: string; position: number; decision: string; active: boolean; version: number }[] }>('{ yearEndRules { id position decision active version } }');
    expect(rules.yearEndRules.map((x) => x.position)).toEqual([10, 20, 30, 40, 100]);
    const under = rules.yearEndRules.find((x) => x.position === 40)!;
    const update = 'mutation($id: ID!, $input: YearEndRuleInput!, $version: Int!) { updateYearEndRule(id: $id, input: $input, version: $version) { active version } }';
    for (const who of ['committee', 'hdManager', 'finance', 'analyst'] as const) expect(errorOf(await w.gql(who).request(update, { id: under.id, input: { active: false }, version: under.version })).code).toBe('FORBIDDEN');
    const off = await w.gql('admin').data<{ updateYearEndRule: { version: number } }>(update, { id: under.id, input: { active: false }, version: under.version });
    expect((await review())['YE-NEGLECTED']).toMatchObject({ proposedDecision: 'MAINTAIN', matchedRule: { position: 100 } });
    expect(errorOf(await w.gql('admin').request(update, { id: under.id, input: { active: true }, version: under.version }))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    await w.gql('admin').data(update, { id: under.id, input: { active: true }, version: off.updateYearEndRule.version });
    // A new rule placed first wins over the later ones.
    const create = 'mutation($input: YearEndRuleInput!) { createYearEndRule(input: $input) { id name version } }';
    const bad = errorOf(await w.gql('admin').request(create, { input: { position: 1, name: '矛盾', decision: 'MAINTAIN', scoreAtLeast: 80, scoreBelow: 70 } }));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scoreBelow' });
    const created = await w.gql('admin').data<{ createYearEndRule: { id: string; version: number } }>(create, { input: { position: 1, name: '签约过亿必攻', decision: 'STRENGTHEN', signedAtLeast: 1000 * 万 } });
    expect((await review())['YE-STAR']).toMatchObject({ proposedDecision: 'STRENGTHEN', matchedRule: { position: 1 } });
    await w.gql('admin').data('mutation($id: ID!, $version: Int!) { deleteYearEndRule(id: $id, version: $version) { id } }', { id: created.createYearEndRule.id, version: created.createYearEndRule.version });
    expect(await t().ds.getRepository(YearEndRule).count()).toBe(5);
  });

  it('writes the proposals into the committee\'s queue, once', async () => {
    expect(errorOf(await w.gql('hdManager').request('mutation { proposeYearEndDecisions(year: 2025) { proposed } }')).code).toBe('FORBIDDEN');
    const run = await w.gql('committee').data<{ proposeYearEndDecisions: { evaluations: number; proposed: number; unchanged: number; missingEvaluation: number } }>(
      'mutation { proposeYearEndDecisions(year: 2025) { evaluations proposed unchanged missingEvaluation } }',
    );
    expect(run.proposeYearEndDecisions).toMatchObject({ evaluations: 5, proposed: 5, unchanged: 0 });
    expect(run.proposeYearEndDecisions.missingEvaluation).toBeGreaterThanOrEqual(1);
    const again = await w.gql('committee').data<{ proposeYearEndDecisions: { proposed: number; unchanged: number } }>('mutation { proposeYearEndDecisions(year: 2025) { proposed unchanged } }');
    expect(again.proposeYearEndDecisions).toEqual({ proposed: 0, unchanged: 5 });
    const pending = await review({ decisionStatuses: ['PENDING'] });
    expect(pending['YE-STEADY'].evaluation).toMatchObject({ decision: 'MAINTAIN', decisionStatus: 'PENDING' });
  });

  it('the committee confirms, once; departing from the proposal needs a note', async () => {
    const input = (key: string, extra: Record<string, unknown> = {}) => ({ input: { accountId: String(acc[key].id), year: 2025, ...extra } });
    expect(errorOf(await w.gql('hdManager').request(CONFIRM, input('star'))).code).toBe('FORBIDDEN');
    expect(errorOf(await w.gql('analyst').request(CONFIRM, input('star'))).code).toBe('FORBIDDEN');
    const d = await w.gql('committee').data<{ confirmYearEndDecision: { decision: string; decisionStatus: string; effectiveOn: string; decidedById: string } }>(CONFIRM, input('star', { effectiveOn: '2026-01-01' }));
    expect(d.confirmYearEndDecision).toEqual({ decision: 'STRENGTHEN', decisionStatus: 'APPROVED', effectiveOn: '2026-01-01', decidedById: String(w.users.committee.id) });
    expect(errorOf(await w.gql('committee').request(CONFIRM, input('star')))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_DECIDED });
    expect(errorOf(await w.gql('committee').request(CONFIRM, input('steady', { decision: 'STRENGTHEN' })))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const overridden = await w.gql('committee').data<{ confirmYearEndDecision: { decision: string } }>(CONFIRM, input('steady', { decision: 'STRENGTHEN', note: '明年有重大项目' }));
    expect(overridden.confirmYearEndDecision.decision).toBe('STRENGTHEN');
    expect(errorOf(await w.gql('committee').request(CONFIRM, input('missing')))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('TERMINATE ends the active status, the assignments and the visit obligations from its effective date', async () => {
    const { services, ds } = t();
    // A pending tier review goes with the account.
    await services.tierReviews.propose(w.as('hdManager'), { accountId: acc.poor.id, toTier: 'MAJOR', reason: '试图挽回' });
    const before = await services.cadence.compliance(w.system, '2026-01-10', { accountIds: [acc.poor.id] });
    expect(before.length).toBe(1);
    const d = await w.gql('committee').data<{ confirmYearEndDecision: { decision: string } }>(CONFIRM, {
      input: { accountId: String(acc.poor.id), year: 2025, effectiveOn: '2026-01-15', note: '信用等级 C，委员会决定终止' },
    });
    expect(d.confirmYearEndDecision.decision).toBe('TERMINATE');
    const account = await services.accounts.get(w.system, acc.poor.id);
    expect([account.status, account.terminatedOn]).toEqual([AccountStatus.TERMINATED, '2026-01-15']);
    const assignments = await ds.getRepository(Assignment).findBy({ accountId: acc.poor.id });
    expect(assignments.map((a) => a.toDate)).toEqual(['2026-01-15']);
    expect((await ds.getRepository(TierReview).findBy({ accountId: acc.poor.id })).map((r) => r.status)).toEqual([ReviewStatus.WITHDRAWN]);
    // Visit compliance: still owed before the effective date, never flagged after it.
    expect(await services.cadence.compliance(w.system, '2026-01-10', { accountIds: [acc.poor.id] })).toHaveLength(1);
    expect(await services.cadence.compliance(w.system, '2026-01-15', { accountIds: [acc.poor.id] })).toEqual([]);
    const overdue = await w.gql('analyst').data<{ visitCompliance: { nodes: { accountId: string }[] } }>(
      '{ visitCompliance(asOf: "2027-06-30", first: 500, filter: { overdueOnly: true }) { nodes { accountId } } }',
    );
    expect(overdue.visitCompliance.nodes.some((n) => n.accountId === String(acc.poor.id))).toBe(false);
    // And plain updates cannot bring it back: a unit recommends it again.
    await expect(services.accounts.update(w.as('admin'), acc.poor.id, { status: 'ACTIVE' })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
    const audit = await w.gql('committee').data<{ auditEvents: { nodes: { action: string }[] } }>(
      'query($id: String) { auditEvents(first: 10, filter: { entity: "Account", entityId: $id }) { nodes { action } } }',
      { id: String(acc.poor.id) },
    );
    expect(audit.auditEvents.nodes.map((n) => n.action)).toContain('account.terminate');
    const ev = await ds.getRepository(CreditEvaluation).findOneByOrFail({ accountId: acc.poor.id, year: 2025 });
    expect([ev.decision, ev.decisionStatus, ev.effectiveOn]).toEqual([YearEndDecision.TERMINATE, ReviewStatus.APPROVED, '2026-01-15']);
  });

  it('the committee can also terminate during the year, once', async () => {
    const a = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager);
    const m = 'mutation($id: ID!) { terminateAccount(accountId: $id, note: "客户注销", effectiveOn: "2026-03-31") { status terminatedOn } }';
    expect(errorOf(await w.gql('hdManager').request(m, { id: String(a.id) })).code).toBe('FORBIDDEN');
    expect((await w.gql('committee').data<{ terminateAccount: unknown }>(m, { id: String(a.id) })).terminateAccount).toEqual({ status: 'TERMINATED', terminatedOn: '2026-03-31' });
    expect(errorOf(await w.gql('committee').request(m, { id: String(a.id) }))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_DECIDED });
  });
});
