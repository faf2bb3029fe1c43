/**
 * One door: a table of cases — a caller, the state of the records it touches, the change it makes —
 * run through every entry point that writes: GraphQL, `POST /imports/{annex}` and `kam import --as`.
 * Each door must give the same answer (the same stable code, or success with the same effect) on
 * both databases. A new rule is a new row of CASES, never a check added to one door. A rule no annex
 * can express (a team seat, a handover, an agreement) has no `annex`: GraphQL — and the console on it — is
 * its only door, and its row runs there.
 */
import fs from 'node:fs';
import { ErrorCode } from '../../src/common/errors';
import { AccountStatus, ReviewStatus } from '../../src/common/enums';
import { addDays, today } from '../../src/common/dates';
import { systemContext } from '../../src/common/context';
import { buildProgram } from '../../src/cli/main';
import type { Services } from '../../src/services';
import { Account } from '../../src/modules/accounts/account.entity';
import { Contact } from '../../src/modules/contacts/contact.entity';
import { CreditEvaluation } from '../../src/modules/credit/credit-evaluation.entity';
import { Activity } from '../../src/modules/activities/activity.entity';
import { Payment } from '../../src/modules/projects/payment.entity';
import { AccountRecommendation } from '../../src/modules/ownership/account-recommendation.entity';
import { Complaint } from '../../src/modules/complaints/complaint.entity';
import { FollowUpAction } from '../../src/modules/plans/follow-up.entity';
import { TeamMember } from '../../src/modules/service-team/team-member.entity';
import { ConfidentialityAgreement } from '../../src/modules/agreements/agreement.entity';
import { CommunicationPlan } from '../../src/modules/plans/communication-plan.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { User } from '../../src/modules/org/user.entity';
import { Role } from '../../src/common/enums';
import { describeEachDb, type TestDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld, type Who } from '../support/policy-world';
import { exceljsWorkbook, tmpFile, type Cell } from '../support/workbooks';

type Annex = 'summary' | 'archive' | 'persons' | 'ledger';
type Door = 'graphql' | 'http' | 'cli';
const DOORS: Door[] = ['graphql', 'http', 'cli'];

/** What a case set up: the records it acts on, by name. */
type Given = Record<string, Account | Contact | CreditEvaluation | User | Complaint | string | number>;

interface Case {
  name: string;
  who: Who;
  /** Creates the records the case acts on; `n` makes names unique per door. */
  given(s: Services, w: PolicyWorld, n: string): Promise<Given>;
  /** The annex whose row makes the same change; none when no annex carries it (then GraphQL — and the console on it — is its only door). */
  annex?: Annex;
  /** The change as one annex row: header → cell. */
  row?(g: Given, w: PolicyWorld): Record<string, Cell>;
  /** The same change as a GraphQL mutation. */
  gql(g: Given, w: PolicyWorld): { query: string; variables: Record<string, unknown> };
  /** 'ok', or the stable code every door must answer with. */
  expect: 'ok' | ErrorCode;
  /** What must hold afterwards (the effect when ok, nothing changed when refused). */
  after?(s: Services, g: Given, w: PolicyWorld): Promise<void>;
}

const acc = (g: Given, k = 'account') => g[k] as Account;
const soon = () => addDays(today(), 10);
const UPDATE_ACCOUNT = 'mutation($id: ID!, $v: Int!, $input: UpdateAccountInput!) { updateAccount(id: $id, version: $v, input: $input) { id } }';
const CREATE_ACCOUNT = 'mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }';
const CREATE_CONTACT = 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }';
const UPDATE_CONTACT = 'mutation($id: ID!, $v: Int!, $input: UpdateContactInput!) { updateContact(id: $id, version: $v, input: $input) { id } }';
const CREATE_ACTIVITY = 'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }';
const CREATE_EVALUATION = 'mutation($input: CreateCreditEvaluationInput!) { createCreditEvaluation(input: $input) { id } }';
const UPDATE_EVALUATION = 'mutation($id: ID!, $v: Int!, $input: UpdateCreditEvaluationInput!) { updateCreditEvaluation(id: $id, version: $v, input: $input) { id } }';
const ASSIGN_TEAM = 'mutation($input: AssignTeamMemberInput!) { assignTeamMember(input: $input) { id } }';
const updateAccount = (a: Account, input: Record<string, unknown>) => ({ query: UPDATE_ACCOUNT, variables: { id: String(a.id), v: a.version, input } });

/** An account of `who`'s unit managed by `who` (ACTIVE, 重点, 分公司级 — as the committee decided). */
const hdAccount = (extra: Record<string, unknown> = {}) => async (s: Services, w: PolicyWorld) =>
  ({ account: await ownedAccount(s, w, w.units.hd, w.users.hdManager, { managementLevel: '分公司级', ...extra }) });

async function unchanged(s: Services, g: Given, field: keyof Account): Promise<void> {
  const now = await s.accounts.get(systemContext(), acc(g).id);
  expect(now[field]).toEqual(acc(g)[field]);
}

const CASES: Case[] = [
  {
    name: 'a MANAGER changes an ordinary field of an account it manages',
    who: 'hdManager', given: hdAccount(), annex: 'summary', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 地址: '上海市浦东新区1号' }),
    gql: (g) => updateAccount(acc(g), { address: '上海市浦东新区1号' }),
    after: async (s, g) => expect((await s.accounts.get(systemContext(), acc(g).id)).address).toBe('上海市浦东新区1号'),
  },
  {
    name: 'a MANAGER changes an account a colleague of its own unit manages',
    who: 'hdManager2', given: hdAccount(), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 地址: '别人的客户' }),
    gql: (g) => updateAccount(acc(g), { address: '别人的客户' }),
    after: (s, g) => unchanged(s, g, 'address'),
  },
  {
    name: 'a MANAGER of another unit changes an account',
    who: 'hnManager', given: hdAccount(), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 后续合同成交额: 30000 }),
    gql: (g) => updateAccount(acc(g), { expectedContractValue: 300_000_000 }),
    after: (s, g) => unchanged(s, g, 'expectedContractValueFen'),
  },
  {
    name: 'a MANAGER sets the management level of its own account (committee-only)',
    who: 'hdManager', given: hdAccount(), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 管理层级: '公司级' }),
    gql: (g) => updateAccount(acc(g), { managementLevel: '公司级' }),
    after: (s, g) => unchanged(s, g, 'managementLevelId'),
  },
  {
    name: 'a MANAGER changes the tier of its own account (committee-only)',
    who: 'hdManager', given: hdAccount(), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 客户级别: '战略' }),
    gql: (g) => updateAccount(acc(g), { tierCode: 'STRATEGIC' }),
    after: (s, g) => unchanged(s, g, 'tierId'),
  },
  {
    name: 'an ADMIN changes a decided tier (only a tier review does)',
    who: 'admin', given: hdAccount(), annex: 'summary', expect: ErrorCode.INVALID_STATE,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 客户级别: '一般' }),
    gql: (g) => updateAccount(acc(g), { tierCode: 'GENERAL' }),
    after: (s, g) => unchanged(s, g, 'tierId'),
  },
  {
    name: 'an ADMIN changes a decided management level (only a level review does)',
    who: 'admin', given: hdAccount(), annex: 'summary', expect: ErrorCode.INVALID_STATE,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 管理层级: '公司级' }),
    gql: (g) => updateAccount(acc(g), { managementLevel: 'COMPANY' }),
    after: (s, g) => unchanged(s, g, 'managementLevelId'),
  },
  {
    name: 'an ADMIN moves an owned account to another unit (only the committee reassigns)',
    who: 'admin', given: hdAccount(), annex: 'summary', expect: ErrorCode.OWNERSHIP_CONFLICT,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 推荐单位: '华南分公司' }),
    gql: (g, w) => updateAccount(acc(g), { ownerUnitId: String(w.units.hn.id) }),
    after: (s, g) => unchanged(s, g, 'ownerUnitId'),
  },
  {
    name: 'a MANAGER files a new company: a candidate of its unit, awaiting the committee',
    who: 'hnManager', given: async (_s, _w, n) => ({ code: `NC${n}`, name: `南方新客户${n}有限公司` }), annex: 'summary', expect: 'ok',
    row: (g) => ({ 客户编号: g.code as string, 客户名称: g.name as string, 客户级别: '重点' }),
    gql: (g) => ({ query: CREATE_ACCOUNT, variables: { input: { code: g.code, name: g.name, tierCode: 'KEY' } } }),
    after: async (s, g, w) => {
      const a = await s.accounts.getByCode(systemContext(), g.code as string);
      expect([a.status, a.ownerUnitId, a.managerId]).toEqual([AccountStatus.CANDIDATE, w.units.hn.id, w.users.hnManager.id]);
      const recs = await s.ds.getRepository(AccountRecommendation).findBy({ accountId: a.id });
      expect(recs.map((r) => [r.status, r.unitId, r.managerId])).toEqual([[ReviewStatus.PENDING, w.units.hn.id, w.users.hnManager.id]]);
    },
  },
  {
    name: 'a MANAGER files a company another unit owns (same name, new code)',
    who: 'hnManager', given: hdAccount(), annex: 'summary', expect: ErrorCode.OWNERSHIP_CONFLICT,
    row: (g) => ({ 客户编号: `${acc(g).code}X`, 客户名称: acc(g).name }),
    gql: (g) => ({ query: CREATE_ACCOUNT, variables: { input: { code: `${acc(g).code}X`, name: acc(g).name } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Account).countBy({ nameKey: acc(g).nameKey })).toBe(1),
  },
  {
    name: 'an ADMIN creates an ACTIVE duplicate of another unit\'s company',
    who: 'admin', given: hdAccount(), annex: 'summary', expect: ErrorCode.OWNERSHIP_CONFLICT,
    row: (g) => ({ 客户编号: `${acc(g).code}Y`, 客户名称: acc(g).name, 推荐单位: '华南分公司', 状态: '合作中' }),
    gql: (g, w) => ({ query: CREATE_ACCOUNT, variables: { input: { code: `${acc(g).code}Y`, name: acc(g).name, ownerUnitId: String(w.units.hn.id), status: 'ACTIVE' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Account).countBy({ nameKey: acc(g).nameKey })).toBe(1),
  },
  {
    name: 'an ADMIN files an account on a tier the committee deactivated',
    who: 'admin', annex: 'summary', expect: ErrorCode.UNKNOWN_TIER,
    given: async (s, w, n) => {
      const tier = await s.tiers.createTier(w.system, { code: `OLD${n}`, name: `旧级别${n}`, rank: 50 });
      await s.tiers.updateTier(w.system, tier.id, { active: false }, tier.version);
      return { code: `DT${n}`, name: `停用级别客户${n}有限公司`, tier: tier.name };
    },
    row: (g) => ({ 客户编号: g.code as string, 客户名称: g.name as string, 客户级别: g.tier as string }),
    gql: (g) => ({ query: CREATE_ACCOUNT, variables: { input: { code: g.code, name: g.name, tierCode: g.tier } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Account).countBy({ code: g.code as string })).toBe(0),
  },
  {
    name: 'a MANAGER files a new company as already active',
    who: 'hnManager', given: async (_s, _w, n) => ({ code: `NA${n}`, name: `南方直签客户${n}有限公司` }), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: g.code as string, 客户名称: g.name as string, 状态: '合作中' }),
    gql: (g) => ({ query: CREATE_ACCOUNT, variables: { input: { code: g.code, name: g.name, status: 'ACTIVE' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Account).countBy({ code: g.code as string })).toBe(0),
  },
  {
    name: 'the committee edits an ordinary field (it decides, it does not keep the archive)',
    who: 'committee', given: hdAccount(), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 地址: '委员会改的地址' }),
    gql: (g) => updateAccount(acc(g), { address: '委员会改的地址' }),
    after: (s, g) => unchanged(s, g, 'address'),
  },
  {
    name: 'an ANALYST writes anything',
    who: 'analyst', given: hdAccount(), annex: 'summary', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 地址: 'BI 改的地址' }),
    gql: (g) => updateAccount(acc(g), { address: 'BI 改的地址' }),
    after: (s, g) => unchanged(s, g, 'address'),
  },
  {
    name: 'the manager of a cross-region second unit works on the account',
    who: 'hbManager',
    given: async (s, w) => {
      const account = await ownedAccount(s, w, w.units.hd, w.users.hdManager);
      const committee = w.as('committee');
      await s.ownership.addCrossRegionUnit(committee, { accountId: account.id, unitId: w.units.hb.id, managerId: w.users.hbManager.id, note: '跨区域项目' });
      return { account: await s.accounts.get(committee, account.id) };
    },
    annex: 'archive', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 主要产品: '电梯导轨' }),
    gql: (g) => updateAccount(acc(g), { mainProducts: '电梯导轨' }),
    after: async (s, g) => expect((await s.accounts.get(systemContext(), acc(g).id)).mainProducts).toBe('电梯导轨'),
  },
  {
    name: 'a MANAGER puts its account under another manager\'s group (上级集团)',
    who: 'hdManager',
    given: async (s, w) => ({ ...(await hdAccount()(s, w)), group: await ownedAccount(s, w, w.units.hd, w.users.hdManager2) }),
    annex: 'archive', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 上级集团: acc(g, 'group').code }),
    gql: (g) => updateAccount(acc(g), { parentId: String(acc(g, 'group').id) }),
    after: (s, g) => unchanged(s, g, 'parentId'),
  },
  {
    name: 'a MANAGER logs an activity as another manager\'s',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: ErrorCode.FORBIDDEN,
    row: (g, w) => ({ 客户编号: acc(g).code, 日期: '2026-03-07', 活动类型: '客户经理拜访', 主题: '替人记录', 客户经理: w.users.hdManager2.name }),
    gql: (g, w) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-03-07', type: 'MANAGER_VISIT', subject: '替人记录', managerId: String(w.users.hdManager2.id) } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Activity).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a MANAGER adds a person to an account it manages',
    who: 'hdManager', given: hdAccount(), annex: 'persons', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 姓名: '郑采购', 职务: '采购经理', 手机: '13912345678' }),
    gql: (g) => ({ query: CREATE_CONTACT, variables: { input: { accountId: String(acc(g).id), name: '郑采购', title: '采购经理', mobile: '13912345678' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Contact).countBy({ accountId: acc(g).id })).toBe(1),
  },
  {
    name: 'a MANAGER writes hobbies on another manager\'s contact',
    who: 'hnManager',
    given: async (s, w) => {
      const { account } = await hdAccount()(s, w);
      const contact = await s.contacts.create(w.system, { accountId: account.id, name: '钱总', mobile: '13812345678', consentAt: new Date('2025-01-01T00:00:00Z'), consentSource: '书面' });
      return { account, contact };
    },
    annex: 'persons', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 姓名: '钱总', 手机: '13812345678', 兴趣爱好: '高尔夫' }),
    gql: (g) => ({ query: UPDATE_CONTACT, variables: { id: String((g.contact as Contact).id), v: (g.contact as Contact).version, input: { hobbies: '高尔夫' } } }),
    after: async (s, g) => expect((await s.ds.getRepository(Contact).findOneByOrFail({ id: (g.contact as Contact).id })).version).toBe((g.contact as Contact).version),
  },
  {
    name: 'a person\'s consent dated in the future',
    who: 'hdManager', given: hdAccount(), annex: 'persons', expect: ErrorCode.DATE_IN_FUTURE,
    row: (g) => ({ 客户编号: acc(g).code, 姓名: '吴工', 兴趣爱好: '钓鱼', 信息采集同意时间: soon(), 同意方式: '书面' }),
    gql: (g) => ({ query: CREATE_CONTACT, variables: { input: { accountId: String(acc(g).id), name: '吴工', hobbies: '钓鱼', consentAt: `${soon()}T02:00:00Z`, consentSource: '书面' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Contact).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a MANAGER reports a collection (回款) on an account it manages',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-03-05', 活动类型: '客户经理拜访', 主题: '催收进度款', '回款金额（万元）': 300 }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-03-05', type: 'MANAGER_VISIT', subject: '催收进度款', paymentAmount: 3_000_000 } } }),
    after: async (s, g) => {
      const payments = await s.ds.getRepository(Payment).findBy({ accountId: acc(g).id });
      expect(payments.map((p) => [p.amountFen, p.activityId !== null])).toEqual([[300_000_000, true]]);
    },
  },
  {
    name: 'a MANAGER reports a collection on another manager\'s account',
    who: 'hdManager2', given: hdAccount(), annex: 'ledger', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-03-05', 活动类型: '客户经理拜访', 主题: '代收款', 回款金额: 300 }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-03-05', type: 'MANAGER_VISIT', subject: '代收款', paymentAmount: 3_000_000 } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Payment).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'FINANCE logs an activity (finance enters receivables and payments, not the manager ledger)',
    who: 'finance', given: hdAccount(), annex: 'ledger', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-03-06', 活动类型: '客户经理拜访', 主题: '财务来访' }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-03-06', type: 'MANAGER_VISIT', subject: '财务来访' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Activity).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a visit dated next month',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: ErrorCode.DATE_IN_FUTURE,
    row: (g) => ({ 客户编号: acc(g).code, 日期: soon(), 活动类型: '客户经理拜访', 主题: '未来的拜访' }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: soon(), type: 'MANAGER_VISIT', subject: '未来的拜访' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Activity).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a MANAGER writes the year-end decision into an evaluation (the committee\'s)',
    who: 'hdManager',
    given: async (s, w) => {
      const { account } = await hdAccount()(s, w);
      return { account, evaluation: await s.credit.create(w.system, { accountId: account.id, year: 2025, rating: 'A' }) };
    },
    annex: 'archive', expect: ErrorCode.FORBIDDEN,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 评价年度: 2025, 信用等级: 'A', 年度结论: '维持现状' }),
    gql: (g) => ({ query: UPDATE_EVALUATION, variables: { id: String((g.evaluation as CreditEvaluation).id), v: (g.evaluation as CreditEvaluation).version, input: { decision: 'MAINTAIN' } } }),
    after: async (s, g) => expect((await s.ds.getRepository(CreditEvaluation).findOneByOrFail({ id: (g.evaluation as CreditEvaluation).id })).decision).toBeNull(),
  },
  {
    name: 'an evaluation the committee decided is changed afterwards (even by an ADMIN)',
    who: 'admin',
    given: async (s, w) => {
      const { account } = await hdAccount()(s, w);
      await s.credit.create(w.system, { accountId: account.id, year: 2025, rating: 'C', score: 40 });
      const evaluation = await s.yearEnd.confirm(w.as('committee'), { accountId: account.id, year: 2025, decision: 'TERMINATE', note: '长期欠款', effectiveOn: '2026-01-15' });
      return { account, evaluation };
    },
    annex: 'archive', expect: ErrorCode.ALREADY_DECIDED,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 评价年度: 2025, 信用等级: 'AAA' }),
    gql: (g) => ({ query: UPDATE_EVALUATION, variables: { id: String((g.evaluation as CreditEvaluation).id), v: (g.evaluation as CreditEvaluation).version, input: { rating: 'AAA' } } }),
    after: async (s, g) => {
      const ev = await s.ds.getRepository(CreditEvaluation).findOneByOrFail({ id: (g.evaluation as CreditEvaluation).id });
      expect([ev.rating, ev.decision, ev.decisionStatus]).toEqual(['C', 'TERMINATE', ReviewStatus.APPROVED]);
    },
  },
  {
    name: 'an evaluation of a year that has not begun',
    who: 'hdManager', given: hdAccount(), annex: 'archive', expect: ErrorCode.DATE_IN_FUTURE,
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, 评价年度: Number(today().slice(0, 4)) + 2, 信用等级: 'AA' }),
    gql: (g) => ({ query: CREATE_EVALUATION, variables: { input: { accountId: String(acc(g).id), year: Number(today().slice(0, 4)) + 2, rating: 'AA' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(CreditEvaluation).countBy({ accountId: acc(g).id })).toBe(0),
  },
  // ---------------------------------------------------------------- the policies, complete (issue 19)
  {
    name: 'a MANAGER logs a complaint on an account it manages: an item owned by it, due by severity and tier',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-11-20', 活动类型: '投诉处理', 主题: '安装质量投诉' }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-11-20', type: 'COMPLAINT', subject: '安装质量投诉' } } }),
    after: async (s, g, w) => {
      const items = await s.ds.getRepository(Complaint).findBy({ accountId: acc(g).id });
      // 重点 (KEY), 一般 severity: ten days.
      expect(items.map((c) => [c.kind, c.subject, c.dueOn, c.ownerId, c.status])).toEqual([['COMPLAINT', '安装质量投诉', '2026-11-30', w.users.hdManager.id, 'OPEN']]);
    },
  },
  {
    name: 'a visit logged as a phone call (a call may not pass for a visit)',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: ErrorCode.VALIDATION_FAILED,
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-11-03', 活动类型: '客户经理拜访', 沟通方式: '电话', 主题: '电话算拜访' }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-11-03', type: 'MANAGER_VISIT', channel: 'PHONE', subject: '电话算拜访' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Activity).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a next step due before the activity took place',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: ErrorCode.VALIDATION_FAILED,
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-11-05', 活动类型: '会议', 主题: '方案评审', 下一步工作: '提交方案', 完成期限: '2026-11-01' }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-11-05', type: 'MEETING', subject: '方案评审', nextAction: '提交方案', nextActionDue: '2026-11-01' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(FollowUpAction).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a MANAGER logs a visit with a next step: a follow-up action it owns, with its due date',
    who: 'hdManager', given: hdAccount(), annex: 'ledger', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 日期: '2026-11-06', 活动类型: '客户经理拜访', 主题: '季度走访', 下一步工作: '安排技术交流', 完成期限: '2026-12-15' }),
    gql: (g) => ({ query: CREATE_ACTIVITY, variables: { input: { accountId: String(acc(g).id), occurredOn: '2026-11-06', type: 'MANAGER_VISIT', subject: '季度走访', nextAction: '安排技术交流', nextActionDue: '2026-12-15' } } }),
    after: async (s, g, w) => {
      const f = await s.ds.getRepository(FollowUpAction).findBy({ accountId: acc(g).id });
      expect(f.map((x) => [x.description, x.dueOn, x.ownerId, x.status])).toEqual([['安排技术交流', '2026-12-15', w.users.hdManager.id, 'OPEN']]);
    },
  },
  {
    name: 'a MANAGER without a confidentiality agreement writes a person\'s mobile (保密协议)',
    who: 'newcomer', given: async (s, w) => ({ account: await ownedAccount(s, w, w.units.hd, w.users.newcomer) }), annex: 'persons', expect: ErrorCode.AGREEMENT_REQUIRED,
    row: (g) => ({ 客户编号: acc(g).code, 姓名: '冯经理', 手机: '13912349876' }),
    gql: (g) => ({ query: CREATE_CONTACT, variables: { input: { accountId: String(acc(g).id), name: '冯经理', mobile: '13912349876' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Contact).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'a MANAGER without an agreement adds a person without personal data',
    who: 'newcomer', given: async (s, w) => ({ account: await ownedAccount(s, w, w.units.hd, w.users.newcomer) }), annex: 'persons', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 姓名: '冯经理', 职务: '采购部长' }),
    gql: (g) => ({ query: CREATE_CONTACT, variables: { input: { accountId: String(acc(g).id), name: '冯经理', title: '采购部长' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(Contact).countBy({ accountId: acc(g).id })).toBe(1),
  },
  {
    name: 'a MANAGER enters 年合作销售额 of 6000万: an estimate beside the recorded sales — the suggested tier does not move',
    who: 'hdManager', given: hdAccount(), annex: 'summary', expect: 'ok',
    row: (g) => ({ 客户编号: acc(g).code, 客户名称: acc(g).name, '年合作销售额（万元）': 6000 }),
    gql: (g) => updateAccount(acc(g), { annualSales: 60_000_000 }),
    after: async (s, g) => {
      expect((await s.accounts.get(systemContext(), acc(g).id)).annualSalesFen).toBe(6_000_000_000);
      const suggestion = (await s.tiers.suggestions(systemContext(), [acc(g).id])).get(acc(g).id);
      expect([suggestion?.figures.recordedSalesFen, suggestion?.tier?.code]).toEqual([0, 'GENERAL']);
    },
  },
  {
    name: 'a MANAGER seats a technical owner on an account it manages',
    who: 'hdManager', given: hdAccount(), expect: 'ok',
    gql: (g, w) => ({ query: ASSIGN_TEAM, variables: { input: { accountId: String(acc(g).id), role: '技术负责人', userId: String(w.users.hdManager2.id) } } }),
    after: async (s, g, w) => expect((await s.ds.getRepository(TeamMember).findBy({ accountId: acc(g).id })).map((m) => m.userId)).toEqual([w.users.hdManager2.id]),
  },
  {
    name: 'a MANAGER of another unit seats someone on the account\'s team',
    who: 'hnManager', given: hdAccount(), expect: ErrorCode.FORBIDDEN,
    gql: (g, w) => ({ query: ASSIGN_TEAM, variables: { input: { accountId: String(acc(g).id), role: '技术负责人', userId: String(w.users.hnManager.id) } } }),
    after: async (s, g) => expect(await s.ds.getRepository(TeamMember).countBy({ accountId: acc(g).id })).toBe(0),
  },
  {
    name: 'the committee seats someone as account manager through the team (only its reassignment moves the manager)',
    who: 'committee', given: hdAccount(), expect: ErrorCode.OWNERSHIP_CONFLICT,
    gql: (g, w) => ({ query: ASSIGN_TEAM, variables: { input: { accountId: String(acc(g).id), role: '客户经理', userId: String(w.users.hdManager2.id) } } }),
    after: (s, g) => unchanged(s, g, 'managerId'),
  },
  {
    name: 'an ADMIN deactivates a manager who still manages accounts (a handover first)',
    who: 'admin',
    given: async (s, w, n) => {
      const user = await s.org.createUser(systemContext(), { login: `leaving-${n}`, name: `离职经理${n}`, role: Role.MANAGER, unitId: w.units.hd.id });
      return { user, account: await ownedAccount(s, w, w.units.hd, user) };
    },
    expect: ErrorCode.HANDOVER_REQUIRED,
    gql: (g) => ({ query: 'mutation($id: ID!, $v: Int!) { updateUser(id: $id, version: $v, input: { active: false }) { id } }', variables: { id: String((g.user as User).id), v: (g.user as User).version } }),
    after: async (s, g) => expect((await s.ds.getRepository(User).findOneByOrFail({ id: (g.user as User).id })).active).toBe(true),
  },
  {
    name: 'a MANAGER changes a tier\'s target count (the committee\'s scheme)',
    who: 'hdManager', given: async () => ({}), expect: ErrorCode.FORBIDDEN,
    gql: () => ({ query: 'mutation { updateTier(id: "1", version: 1, input: { targetMax: 9 }) { id } }', variables: {} }),
    after: async (s) => expect((await s.ds.getRepository(Tier).findOneByOrFail({ code: 'STRATEGIC' })).targetMax).toBe(5),
  },
  {
    name: 'a MANAGER answers a complaint nobody verified',
    who: 'hdManager',
    given: async (s, w) => {
      const { account } = await hdAccount()(s, w);
      return { account, complaint: await s.complaints.create(w.system, { accountId: account.id, kind: 'QUALITY', subject: '异响', reportedOn: '2026-11-01' }) };
    },
    expect: ErrorCode.INVALID_STATE,
    gql: (g) => ({ query: 'mutation($id: ID!) { replyComplaint(id: $id, reply: "已处理") { id } }', variables: { id: String((g.complaint as Complaint).id) } }),
    after: async (s, g) => expect((await s.ds.getRepository(Complaint).findOneByOrFail({ id: (g.complaint as Complaint).id })).status).toBe('OPEN'),
  },
  {
    name: 'whoever resolved a complaint verifies it too (four eyes)',
    who: 'hdManager',
    given: async (s, w) => {
      const { account } = await hdAccount()(s, w);
      const c = await s.complaints.create(w.system, { accountId: account.id, kind: 'QUALITY', subject: '异响', reportedOn: '2026-11-01' });
      return { account, complaint: await s.complaints.resolve(w.as('hdManager'), c.id, '更换部件') };
    },
    expect: ErrorCode.FORBIDDEN,
    gql: (g) => ({ query: 'mutation($id: ID!) { verifyComplaint(id: $id, passed: true, note: "自验") { id } }', variables: { id: String((g.complaint as Complaint).id) } }),
    after: async (s, g) => expect((await s.ds.getRepository(Complaint).findOneByOrFail({ id: (g.complaint as Complaint).id })).status).toBe('RESOLVED'),
  },
  {
    name: 'a MANAGER records a confidentiality agreement (the ADMIN keeps the register)',
    who: 'hdManager', given: async () => ({}), expect: ErrorCode.FORBIDDEN,
    gql: (_g, w) => ({ query: 'mutation($input: RecordConfidentialityAgreementInput!) { recordConfidentialityAgreement(input: $input) { id } }', variables: { input: { userId: String(w.users.newcomer.id), documentVersion: '2024版', signedOn: '2026-01-01' } } }),
    after: async (s, _g, w) => expect(await s.ds.getRepository(ConfidentialityAgreement).countBy({ userId: w.users.newcomer.id })).toBe(0),
  },
  {
    name: 'a MANAGER plans a communication with another manager\'s account',
    who: 'hdManager2', given: hdAccount(), expect: ErrorCode.FORBIDDEN,
    gql: (g) => ({ query: 'mutation($input: CreatePlanInput!) { createCommunicationPlan(input: $input) { id } }', variables: { input: { accountId: String(acc(g).id), scheduledOn: '2026-12-20', agenda: '年度回顾' } } }),
    after: async (s, g) => expect(await s.ds.getRepository(CommunicationPlan).countBy({ accountId: acc(g).id })).toBe(0),
  },
];

async function annexFile(annex: Annex, row: Record<string, Cell>): Promise<string> {
  const headers = Object.keys(row);
  return exceljsWorkbook(tmpFile(`${annex}.xlsx`), [{ rows: [headers, headers.map((h) => row[h])] }]);
}

/** The door's answer: 'ok', or the stable code of the first refusal. */
async function throughDoor(door: Door, c: Case, g: Given, w: PolicyWorld, db: TestDb): Promise<string> {
  if (door === 'graphql') {
    const { query, variables } = c.gql(g, w);
    const r = await w.gql(c.who).request(query, variables);
    if (!r.errors?.length) return 'ok';
    const e = errorOf(r);
    return e.reason ?? e.code ?? 'unknown';
  }
  const file = await annexFile(c.annex!, c.row!(g, w));
  try {
    if (door === 'http') {
      const res = await fetch(`${w.server.url.replace(/\/graphql$/, '')}/imports/${c.annex}?wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.key(c.who)}`, 'x-file-name': encodeURIComponent(`${c.annex}.xlsx`), 'content-type': 'application/octet-stream' },
        body: fs.readFileSync(file),
      });
      const body = (await res.json()) as { error?: { code: string }; errors?: { code: string }[] };
      if (body.error) return body.error.code;
      return body.errors?.length ? body.errors[0].code : 'ok';
    }
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await buildProgram().parseAsync(['node', 'kam', '--database', db.config.database.url, 'import', c.annex!, file, '--json', '--as', w.users[c.who].login as string]);
    } catch (e) {
      // A refusal of the whole run (its role may not import at all) is one line and exit code 2.
      return (e as { code?: string }).code ?? String(e);
    } finally {
      write.mockRestore();
      process.exitCode = 0;
    }
    const report = JSON.parse(printed.join('').trim().split('\n').pop() as string) as { errors: { code: string }[] };
    return report.errors.length ? report.errors[0].code : 'ok';
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describeEachDb('one door: the same answer through GraphQL, HTTP import and kam import', (t) => {
  let w: PolicyWorld;
  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
  });
  afterAll(async () => {
    await w?.close();
  });

  describe.each(DOORS)('through %s', (door) => {
    it.each(CASES.map((c, i) => [c.name, c, i] as const).filter(([, c]) => door === 'graphql' || c.annex))('%s', async (_name, c, i) => {
      const g = await c.given(t().services, w, `${door[0]}${i}`);
      const answer = await throughDoor(door, c, g, w, t());
      expect({ door, answer }).toEqual({ door, answer: c.expect });
      await c.after?.(t().services, g, w);
    });
  });
});
