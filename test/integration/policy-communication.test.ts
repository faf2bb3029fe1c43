/**
 * Policy 002 and 003 on communication: cadence rules in days, weeks or months by activity type,
 * channel and team role (who took part is checked), schemes a company switches between, planned
 * communications that activities fulfil, and follow-up actions with owners and due dates.
 */
import { ActivityType, ImportMode } from '../../src/common/enums';
import { ANNEXES } from '../../importers/annexes';
import { importAnnex } from '../../importers/load/importer';
import type { Account } from '../../src/modules/accounts/account.entity';
import { FollowUpAction } from '../../src/modules/plans/follow-up.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';

const AS_OF = '2026-06-30';
const COMPLIANCE = `query($asOf: LocalDate!, $ids: [ID!]) { visitCompliance(asOf: $asOf, first: 100, filter: { accountIds: $ids }) {
  nodes { ruleName activityType channels status lastOn roleVacant intervalUnit interval teamRole { code } } } }`;
type Item = { ruleName: string; activityType: string | null; channels: string[]; status: string; lastOn: string | null; roleVacant: boolean; intervalUnit: string; interval: number; teamRole: { code: string } | null };

describeEachDb('communication: rhythms by channel and role, plans and follow-ups', (t) => {
  let w: PolicyWorld;
  let strategic: Account;
  let key: Account;

  const compliance = async (account: Account, asOf = AS_OF) => {
    const d = await w.gql('analyst').data<{ visitCompliance: { nodes: Item[] } }>(COMPLIANCE, { asOf, ids: [String(account.id)] });
    return Object.fromEntries(d.visitCompliance.nodes.map((n) => [n.ruleName, n]));
  };
  const log = (account: Account, occurredOn: string, type: ActivityType, extra: Record<string, unknown> = {}) =>
    t().services.activities.create(w.as('hdManager'), { accountId: account.id, occurredOn, type, subject: `${type} ${occurredOn} ${JSON.stringify(extra).length}`, ...extra });

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    strategic = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC', registeredOn: '2025-01-01' });
    key = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { tierCode: 'KEY', registeredOn: '2025-01-01' });
    await t().services.team.assign(w.as('hdManager'), { accountId: strategic.id, role: '技术负责人', userId: w.users.hdManager2.id, fromDate: '2026-01-01' });
  });

  afterAll(async () => {
    await w?.close();
  });

  describe('policy 003 in force: strategic contacts count only with the role\'s holder taking part', () => {
    it('counts a technical exchange only when the technical owner was there, and flags a role nobody holds', async () => {
      await log(strategic, '2026-05-01', ActivityType.TECHNICAL_EXCHANGE);
      expect((await compliance(strategic))['技术交流']).toMatchObject({ status: 'NEVER', lastOn: null, teamRole: { code: 'TECHNICAL' }, roleVacant: false });
      await log(strategic, '2026-06-01', ActivityType.TECHNICAL_EXCHANGE, { participantIds: [String(w.users.hdManager2.id)] });
      const items = await compliance(strategic);
      expect(items['技术交流']).toMatchObject({ status: 'OK', lastOn: '2026-06-01' });
      expect(items['质量交流']).toMatchObject({ status: 'NEVER', teamRole: { code: 'QUALITY' }, roleVacant: true });
    });

    it('counts the account manager\'s visits from the ownership, not a colleague\'s', async () => {
      await t().services.activities.create(w.as('admin'), { accountId: strategic.id, occurredOn: '2026-06-20', type: 'MANAGER_VISIT', subject: '同事代为拜访', managerId: w.users.hdManager2.id });
      expect((await compliance(strategic))['客户经理拜访']).toMatchObject({ status: 'NEVER', teamRole: { code: 'ACCOUNT_MANAGER' } });
      await log(strategic, '2026-06-22', ActivityType.MANAGER_VISIT);
      expect((await compliance(strategic))['客户经理拜访']).toMatchObject({ status: 'OK', lastOn: '2026-06-22' });
    });

    it('refuses a visit logged as an email: a call may not pass for a visit', async () => {
      const r = await w.gql('hdManager').request('mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }', {
        input: { accountId: String(strategic.id), occurredOn: '2026-06-23', type: 'MANAGER_VISIT', channel: 'EMAIL', subject: '邮件算拜访？' },
      });
      expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'channel' });
    });
  });

  describe('policy 002: the committee switches the scheme', () => {
    it('measures 重要大客户 by channel: face to face monthly, phone or email every two weeks', async () => {
      const ACTIVATE = 'mutation($code: String!) { activateCadenceProfile(code: $code) { code active } }';
      expect(errorOf(await w.gql('hdManager').request(ACTIVATE, { code: 'POLICY_002' })).code).toBe('FORBIDDEN');
      await w.gql('committee').data(ACTIVATE, { code: 'POLICY_002' });
      try {
        await log(key, '2026-06-05', ActivityType.MANAGER_VISIT);
        await log(key, '2026-06-20', ActivityType.PHONE_CALL);
        let items = await compliance(key);
        expect(Object.keys(items).sort()).toEqual(['电话或邮件跟进', '面谈']);
        // Due on 07-05, within the week's reminder window.
        expect(items['面谈']).toMatchObject({ status: 'DUE_SOON', lastOn: '2026-06-05', channels: ['FACE_TO_FACE'] });
        expect(items['电话或邮件跟进']).toMatchObject({ status: 'OK', lastOn: '2026-06-20', interval: 2, intervalUnit: 'WEEK' });
        // Two weeks and two days later the follow-up is overdue; an email the day after counts as one.
        expect((await compliance(key, '2026-07-06'))['电话或邮件跟进'].status).toBe('OVERDUE');
        await log(key, '2026-06-25', ActivityType.OTHER, { channel: 'EMAIL' });
        items = await compliance(key, '2026-07-06');
        expect(items['电话或邮件跟进']).toMatchObject({ status: 'DUE_SOON', lastOn: '2026-06-25' }); // due 07-09, within the three-day reminder
        const trail = await w.gql('committee').data<{ auditEvents: { nodes: { action: string; after: string }[] } }>('{ auditEvents(first: 1, filter: { action: "cadenceProfile.*" }) { nodes { action after } } }');
        expect(trail.auditEvents.nodes[0].action).toBe('cadenceProfile.activate');
      } finally {
        await w.gql('committee').data(ACTIVATE, { code: 'POLICY_003' });
      }
      expect(Object.keys(await compliance(key)).sort()).toEqual(['客户经理拜访', '技术交流', '质量交流', '高层拜访'].sort());
    });

    it('lets an ADMIN write a rule in days, weeks or months for any channels and role, and validates it', async () => {
      const SAVE = 'mutation($input: SaveCadenceRuleInput!) { saveCadenceRule(input: $input) { name intervalCount intervalUnit channels intervalMonths activityType teamRole { code } } }';
      const input = { tier: '战略', name: '售后电话回访', channels: ['PHONE'], teamRole: '售后', interval: 10, intervalUnit: 'DAY' };
      expect(errorOf(await w.gql('committee').request(SAVE, { input })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql('admin').request(SAVE, { input: { ...input, interval: 0 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'interval' });
      expect(errorOf(await w.gql('admin').request(SAVE, { input: { ...input, teamRole: '厨师' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'teamRole' });
      const d = await w.gql('admin').data<{ saveCadenceRule: Record<string, unknown> }>(SAVE, { input });
      expect(d.saveCadenceRule).toEqual({ name: '售后电话回访', intervalCount: 10, intervalUnit: 'DAY', channels: ['PHONE'], intervalMonths: null, activityType: null, teamRole: { code: 'AFTER_SALES' } });
      expect((await compliance(strategic))['售后电话回访']).toMatchObject({ status: 'NEVER', roleVacant: true });
    });
  });

  describe('communication plans', () => {
    const CREATE = 'mutation($input: CreatePlanInput!) { createCommunicationPlan(input: $input) { id period status } }';

    it('are fulfilled by the activity held within a week, and missed when their day passes', async () => {
      const plan = (scheduledOn: string, extra: Record<string, unknown> = {}) => ({ accountId: String(strategic.id), scheduledOn, scheduledTime: '9:30', activityType: 'EXECUTIVE_VISIT', agenda: '年度合作规划', ourParticipantIds: [String(w.users.committee.id)], customerParticipants: '张总、王总', ...extra });
      expect(errorOf(await w.gql('hnManager').request(CREATE, { input: plan('2026-04-10') })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql('hdManager').request(CREATE, { input: plan('2026-04-10', { period: '2026Q3' }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scheduledOn' });
      const a = await w.gql('hdManager').data<{ createCommunicationPlan: { id: string; period: string } }>(CREATE, { input: plan('2026-04-10', { period: '2026Q2' }) });
      const b = await w.gql('hdManager').data<{ createCommunicationPlan: { id: string; period: string } }>(CREATE, { input: plan('2026-04-25') });
      expect([a.createCommunicationPlan.period, b.createCommunicationPlan.period]).toEqual(['2026Q2', '2026-04']);
      const held = await log(strategic, '2026-04-13', ActivityType.EXECUTIVE_VISIT, { participantIds: [String(w.users.committee.id)] });
      const plans = await w.gql('analyst').data<{ communicationPlans: { nodes: { id: string; status: string; missed: boolean; scheduledTime: string; activity: { id: string } | null; ourParticipants: { name: string }[] }[] } }>(
        'query($ids: [ID!]) { communicationPlans(first: 10, filter: { accountIds: $ids }) { nodes { id status missed scheduledTime activity { id } ourParticipants { name } } } }',
        { ids: [String(strategic.id)] },
      );
      expect(plans.communicationPlans.nodes).toEqual([
        { id: a.createCommunicationPlan.id, status: 'DONE', missed: false, scheduledTime: '09:30', activity: { id: String(held.id) }, ourParticipants: [{ name: '王委员' }] },
        { id: b.createCommunicationPlan.id, status: 'PLANNED', missed: true, scheduledTime: '09:30', activity: null, ourParticipants: [{ name: '王委员' }] },
      ]);
      const kept = await w.gql('analyst').data<{ planCompliance: { planned: number; done: number; missed: number; rate: number }[] }>(
        'query($ids: [ID!]) { planCompliance(from: "2026-04-01", to: "2026-04-30", accountIds: $ids) { planned done missed rate } }',
        { ids: [String(strategic.id)] },
      );
      expect(kept.planCompliance).toEqual([{ planned: 2, done: 1, missed: 1, rate: 50 }]);
    });
  });

  describe('follow-up actions', () => {
    const FOLLOW = 'query($ids: [ID!]) { followUpActions(first: 20, filter: { accountIds: $ids }) { nodes { id description dueOn status overdue owner { login } } } }';
    type Follow = { followUpActions: { nodes: { id: string; description: string; dueOn: string | null; status: string; overdue: boolean; owner: { login: string } | null }[] } };

    it('come from an activity\'s next step through the API, with the logger as owner, overdue once past due', async () => {
      const r = await w.gql('hdManager').request('mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }', {
        input: { accountId: String(key.id), occurredOn: '2026-07-01', type: 'MEETING', subject: '方案评审', nextAction: '提交技术方案', nextActionDue: '2026-06-30' },
      });
      expect(errorOf(r)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nextActionDue' });
      await log(key, '2026-07-01', ActivityType.MEETING, { nextAction: '提交技术方案', nextActionDue: '2026-07-15' });
      const d = await w.gql('analyst').data<Follow>(FOLLOW, { ids: [String(key.id)] });
      expect(d.followUpActions.nodes).toEqual([expect.objectContaining({ description: '提交技术方案', dueOn: '2026-07-15', status: 'OPEN', overdue: true, owner: { login: 'hdManager' } })]);
      const id = d.followUpActions.nodes[0].id;
      const COMPLETE = 'mutation($id: ID!) { completeFollowUpAction(id: $id, result: "已提交") { status overdue doneOn } }';
      expect(errorOf(await w.gql('hdManager2').request(COMPLETE, { id })).code).toBe('FORBIDDEN');
      const done = await w.gql('hdManager').data<{ completeFollowUpAction: { status: string; overdue: boolean } }>(COMPLETE, { id });
      expect(done.completeFollowUpAction).toMatchObject({ status: 'DONE', overdue: false });
      expect(errorOf(await w.gql('hdManager').request(COMPLETE, { id }))).toMatchObject({ reason: 'INVALID_STATE' });
    });

    it('come from 附件4 下一步工作 once, however often the ledger is imported, and follow the account when the committee reassigns it', async () => {
      const file = await exceljsWorkbook(tmpFile('ledger.xlsx'), [{ rows: [['客户编号', '日期', '活动类型', '主题', '下一步工作', '完成期限'], [key.code, '2026-08-03', '客户经理拜访', '季度走访', '安排高层互访', '2026-09-30']] }]);
      for (let i = 0; i < 2; i++) {
        const { report } = await importAnnex(t().services, w.as('hdManager'), { annex: ANNEXES.ledger, file, mode: ImportMode.ATOMIC });
        expect(report.errors).toEqual([]);
      }
      const rows = await t().ds.getRepository(FollowUpAction).findBy({ accountId: key.id, description: '安排高层互访' });
      expect(rows.map((f) => [f.status, f.dueOn, f.ownerId])).toEqual([['OPEN', '2026-09-30', w.users.hdManager.id]]);
      await t().services.ownership.reassign(w.as('committee'), { accountId: key.id, managerId: w.users.hdManager2.id, reason: 'MANAGER_UNFIT', note: '调整分工', effectiveOn: '2026-09-01' });
      const moved = await t().ds.getRepository(FollowUpAction).findOneByOrFail({ id: rows[0].id });
      expect(moved.ownerId).toBe(w.users.hdManager2.id);
    });
  });
});
