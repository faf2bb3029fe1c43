import { ReviewStatus } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import type { Account } from '../../src/modules/accounts/account.entity';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { TierReview } from '../../src/modules/reviews/tier-review.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const 万 = 10_000;
const PROPOSE = 'mutation($input: ProposeTierChangeInput!) { proposeTierChange(input: $input) { id status reason fromTier { code } toTier { code } proposedBy { name } } }';
const APPROVE = 'mutation($id: ID!, $note: String) { approveTierReview(id: $id, note: $note) { id status decisionNote decidedBy { name } account { tier { code } } } }';
const REJECT = 'mutation($id: ID!, $note: String!) { rejectTierReview(id: $id, note: $note) { id status decisionNote account { tier { code } } } }';
const START = 'mutation($p: String!) { startTierReview(period: $p) { period accounts proposed alreadyPending alreadyReviewed withoutSuggestion reviewIds } }';

type Proposed = { proposeTierChange: { id: string; status: string; reason: string; fromTier: { code: string }; toTier: { code: string }; proposedBy: { name: string } } };

describeEachDb('tier reviews: sales proposes, the committee decides', (t) => {
  let w: PolicyWorld;
  let mine: Account;
  let colleagues: Account;
  let otherUnit: Account;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
    mine = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { tierCode: 'MAJOR', annualSales: 2600 * 万 });
    colleagues = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager2, { tierCode: 'MAJOR' });
    otherUnit = await ownedAccount(t().services, w, w.units.hn, w.users.hnManager, { tierCode: 'MAJOR' });
  });

  afterAll(async () => {
    await w?.close();
  });

  const propose = (who: Parameters<PolicyWorld['gql']>[0], account: Account, toTier: string, reason = '年度合作额大幅增长') =>
    w.gql(who).request<Proposed>(PROPOSE, { input: { accountId: String(account.id), toTier, reason } });

  it('a manager proposes a change for an account it manages, with a reason', async () => {
    const r = await propose('hdManager', mine, '重点客户');
    expect(r.errors).toBeUndefined();
    expect(r.data!.proposeTierChange).toMatchObject({ status: 'PENDING', fromTier: { code: 'MAJOR' }, toTier: { code: 'KEY' }, proposedBy: { name: '周浩然' }, reason: '年度合作额大幅增长' });
    // The tier changes only on approval.
    expect((await t().services.accounts.get(w.system, mine.id)).tierId).toBe(mine.tierId);
  });

  it('refuses a manager proposing for someone else\'s account — a colleague\'s or another unit\'s', async () => {
    for (const [who, account] of [['hdManager', colleagues], ['hdManager', otherUnit], ['hnManager', mine]] as const) {
      const e = errorOf(await propose(who, account, 'KEY'));
      expect(e).toMatchObject({ code: 'FORBIDDEN', field: 'accountId' });
    }
    expect(await t().ds.getRepository(TierReview).countBy({ accountId: otherUnit.id })).toBe(0);
  });

  it('refuses a proposal without a reason, to the same tier, to an unknown tier, or while one is pending', async () => {
    expect(errorOf(await propose('hdManager2', colleagues, 'KEY', '  '))).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.REQUIRED, field: 'reason' });
    expect(errorOf(await propose('hdManager2', colleagues, '主要'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toTier' });
    expect(errorOf(await propose('hdManager2', colleagues, '钻石级'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.UNKNOWN_TIER });
    expect(errorOf(await propose('committee', mine, 'STRATEGIC'))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_EXISTS });
  });

  it('finance and analysts cannot propose, approve or start a review', async () => {
    const [review] = await t().ds.getRepository(TierReview).findBy({ accountId: mine.id });
    for (const who of ['finance', 'analyst'] as const) {
      expect(errorOf(await propose(who, colleagues, 'KEY')).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql(who).request(APPROVE, { id: String(review.id) })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql(who).request(START, { p: '2026H1' })).code).toBe('FORBIDDEN');
    }
    expect(errorOf(await w.gql('hdManager').request(APPROVE, { id: String(review.id) })).code).toBe('FORBIDDEN');
  });

  it('the committee approves: the tier changes, once; a second approval is a CONFLICT', async () => {
    const [review] = await t().ds.getRepository(TierReview).findBy({ accountId: mine.id });
    const d = await w.gql('committee').data<{ approveTierReview: { status: string; decisionNote: string; decidedBy: { name: string }; account: { tier: { code: string } } } }>(APPROVE, {
      id: String(review.id),
      note: '同意上调',
    });
    expect(d.approveTierReview).toEqual({ id: String(review.id), status: 'APPROVED', decisionNote: '同意上调', decidedBy: { name: '王委员' }, account: { tier: { code: 'KEY' } } });
    const twice = errorOf(await w.gql('committee').request(APPROVE, { id: String(review.id) }));
    expect(twice).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_DECIDED });
    expect(twice.message).toMatch(/already approved/);
    expect(errorOf(await w.gql('committee').request(REJECT, { id: String(review.id), note: '改主意' })).reason).toBe(ErrorCode.ALREADY_DECIDED);
  });

  it('a rejection needs a note and leaves the tier alone; the proposer may withdraw its own', async () => {
    const r = await propose('hdManager2', colleagues, 'KEY');
    const id = r.data!.proposeTierChange.id;
    expect(errorOf(await w.gql('committee').request(REJECT, { id, note: '' })).field).toBe('note');
    const d = await w.gql('committee').data<{ rejectTierReview: { status: string; account: { tier: { code: string } } } }>(REJECT, { id, note: '数据不足' });
    expect(d.rejectTierReview).toMatchObject({ status: 'REJECTED', account: { tier: { code: 'MAJOR' } } });
    const again = await propose('hdManager2', colleagues, 'KEY', '补充了合同');
    const withdrawByOther = errorOf(await w.gql('hdManager').request('mutation($id: ID!) { withdrawTierReview(id: $id) { status } }', { id: again.data!.proposeTierChange.id }));
    expect(withdrawByOther.code).toBe('FORBIDDEN');
    const withdrawn = await w.gql('hdManager2').data<{ withdrawTierReview: { status: string } }>('mutation($id: ID!) { withdrawTierReview(id: $id) { status } }', { id: again.data!.proposeTierChange.id });
    expect(withdrawn.withdrawTierReview.status).toBe('WITHDRAWN');
  });

  it('refuses a stale review: the tier changed since it was proposed, or the proposed tier was deactivated', async () => {
    const r = await propose('hdManager2', colleagues, 'KEY', '第三次');
    const id = r.data!.proposeTierChange.id;
    // Someone changed the tier underneath (e.g. straight in the database); the proposal started from MAJOR.
    const general = await t().ds.getRepository(Tier).findOneByOrFail({ code: 'GENERAL' });
    await t().ds.getRepository('accounts').update({ id: colleagues.id }, { tierId: general.id });
    const stale = errorOf(await w.gql('committee').request(APPROVE, { id }));
    expect(stale).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.STALE_PROPOSAL });
    expect(stale.message).toContain('一般');
    expect((await t().services.accounts.get(w.system, colleagues.id)).tierId).toBe(general.id);
    await t().services.tierReviews.reject(w.as('committee'), Number(id), '过期');

    const r2 = await propose('hdManager2', colleagues, 'MAJOR', '恢复');
    const major = await t().ds.getRepository(Tier).findOneByOrFail({ code: 'MAJOR' });
    await t().services.tiers.updateTier(w.as('admin'), major.id, { active: false });
    try {
      expect(errorOf(await w.gql('committee').request(APPROVE, { id: r2.data!.proposeTierChange.id }))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.STALE_PROPOSAL });
    } finally {
      await t().services.tiers.updateTier(w.as('admin'), major.id, { active: true });
    }
    await t().services.tierReviews.reject(w.as('committee'), Number(r2.data!.proposeTierChange.id), '重新提议');
  });

  it('two committee members approving at the same moment: one approval, one CONFLICT', async () => {
    const r = await propose('hnManager', otherUnit, 'KEY');
    const id = r.data!.proposeTierChange.id;
    const both = await Promise.all([w.gql('committee').request(APPROVE, { id }), w.gql('admin').request(APPROVE, { id })]);
    expect(both.filter((x) => !x.errors)).toHaveLength(1);
    expect(errorOf(both.find((x) => x.errors)!).reason).toBe(ErrorCode.ALREADY_DECIDED);
  });

  describe('the half-yearly review', () => {
    const accounts: Record<string, Account> = {};

    beforeAll(async () => {
      // Recorded business decides (signings in projects and the ledger); the manager's 年合作销售额 estimate never does.
      const mk = async (key: string, tierCode: string, signedIn2025: number | null, estimate: number | null = null) => {
        accounts[key] = await ownedAccount(t().services, w, w.units.hb, w.users.hbManager, { tierCode, annualSales: estimate });
        if (signedIn2025 !== null) await t().services.projects.createProject(w.system, { accountId: accounts[key].id, name: `${key}项目`, status: 'IN_PROGRESS', contractAmount: signedIn2025, signedOn: '2025-05-01' });
      };
      await mk('up', 'MAJOR', 3000 * 万);
      await mk('down', 'KEY', 100 * 万, 5000 * 万);
      await mk('same', 'MAJOR', 800 * 万);
      await mk('strategic', 'STRATEGIC', 1 * 万);
      await mk('unknown', 'GENERAL', null, 9000 * 万);
    });

    it('proposes every active account whose recorded sales call for another tier, with a reason built from the figures', async () => {
      const d = await w.gql('committee').data<{ startTierReview: { period: string; proposed: number; reviewIds: string[]; withoutSuggestion: number } }>(START, { p: '2026h1' });
      expect(d.startTierReview.period).toBe('2026H1');
      const reviews = await t().ds.getRepository(TierReview).findBy({ period: '2026H1' });
      const byAccount = new Map(reviews.map((r) => [r.accountId, r]));
      // 2026H1 judges the calendar year 2025.
      expect(byAccount.get(accounts.up.id)?.reason).toContain('年合作销售额（记录，2025-01-01 至 2025-12-31）3,000万元');
      const tierCode = async (id: number) => (await t().ds.getRepository(Tier).findOneByOrFail({ id })).code;
      expect(await tierCode(byAccount.get(accounts.up.id)!.toTierId)).toBe('KEY');
      // An estimate of 5000万 does not keep a KEY account whose recorded sales are 100万.
      expect(await tierCode(byAccount.get(accounts.down.id)!.toTierId)).toBe('GENERAL');
      // Nothing recorded is 0 signed — already 一般 — whatever the 9000万 estimate says.
      for (const key of ['same', 'strategic', 'unknown']) expect(byAccount.has(accounts[key].id)).toBe(false);
      expect(d.startTierReview.proposed).toBe(reviews.length);
      expect(d.startTierReview.reviewIds.map(Number).sort((a, b) => a - b)).toEqual(reviews.map((r) => r.id).sort((a, b) => a - b));
      // Recorded sales always suggest a tier (0 signed is 一般); only a committee-designated tier stands without thresholds.
      expect(d.startTierReview.withoutSuggestion).toBe(0);
      expect(reviews.every((r) => r.status === ReviewStatus.PENDING)).toBe(true);
    });

    it('is idempotent per period: running it again (even concurrently) opens nothing new', async () => {
      const before = await t().ds.getRepository(TierReview).count();
      const runs = await Promise.all([w.gql('committee').data<{ startTierReview: { proposed: number } }>(START, { p: '2026H1' }), w.gql('admin').data<{ startTierReview: { proposed: number } }>(START, { p: '2026H1' })]);
      expect(runs.map((r) => r.startTierReview.proposed)).toEqual([0, 0]);
      expect(await t().ds.getRepository(TierReview).count()).toBe(before);
    });

    it('keeps the history: an account reviewed and rejected in H1 comes up again only in H2', async () => {
      const [down] = await t().ds.getRepository(TierReview).findBy({ accountId: accounts.down.id, period: '2026H1' });
      await t().services.tierReviews.reject(w.as('committee'), down.id, '客户明年有大项目');
      const again = await w.gql('committee').data<{ startTierReview: { proposed: number; alreadyReviewed: number } }>(START, { p: '2026H1' });
      expect(again.startTierReview.proposed).toBe(0);
      expect(again.startTierReview.alreadyReviewed).toBeGreaterThanOrEqual(1);
      const h2 = await w.gql('committee').data<{ startTierReview: { proposed: number; alreadyPending: number } }>(START, { p: '2026H2' });
      expect(h2.startTierReview.proposed).toBeGreaterThanOrEqual(1);
      const history = await w.gql('analyst').data<{ account: { tierReviews: { period: string | null; status: string }[] } }>(
        'query($id: ID) { account(id: $id) { tierReviews { period status } } }',
        { id: String(accounts.down.id) },
      );
      expect(history.account.tierReviews).toEqual([{ period: '2026H1', status: 'REJECTED' }, { period: '2026H2', status: 'PENDING' }]);
      const listed = await w.gql('analyst').data<{ tierReviews: { totalCount: number; nodes: { account: { code: string } }[] } }>(
        '{ tierReviews(first: 100, filter: { period: "2026H2", statuses: [PENDING] }) { totalCount nodes { account { code } } } }',
      );
      expect(listed.tierReviews.nodes.map((n) => n.account.code)).toContain(accounts.down.code);
    });

    it('rejects a period that is not a half-year', async () => {
      for (const p of ['2026', '2026H3', '26H1', '2026-H1']) expect(errorOf(await w.gql('committee').request(START, { p }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
    });
  });
});
