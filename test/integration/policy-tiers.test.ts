import { AccountStatus } from '../../src/common/enums';
import { addDays, today } from '../../src/common/dates';
import { ErrorCode } from '../../src/common/errors';
import { Tier } from '../../src/modules/tiers/tier.entity';
import { describeEachDb } from '../support/db';
import { countQueries } from '../support/query-count';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';

const 万 = 10_000;
const 亿 = 100_000_000;

const CREATE_TIER = 'mutation($input: TierInput!) { createTier(input: $input) { id code name rank aliases minAnnualSales sumOverGroup inMonthlyReport active version } }';
const UPDATE_TIER = 'mutation($id: ID!, $input: TierInput!, $version: Int!) { updateTier(id: $id, input: $input, version: $version) { id code minAnnualSales sumOverGroup active version aliases } }';

describeEachDb('tiers and management levels as data; suggested tier and level', (t) => {
  let w: PolicyWorld;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
  });

  afterAll(async () => {
    await w?.close();
  });

  describe('ADMIN maintains tiers and levels through GraphQL', () => {
    let platinumId: string;

    it('creates a tier with aliases and a threshold in 元', async () => {
      const d = await w.gql('admin').data<{ createTier: { id: string; code: string; aliases: string[]; minAnnualSales: number; rank: number; active: boolean } }>(CREATE_TIER, {
        input: { code: 'platinum', name: '白金', rank: 5, aliases: ['白金客户', ' 白金客户 ', '铂金级'], minAnnualSales: 100 * 万, description: '试点' },
      });
      expect(d.createTier).toMatchObject({ code: 'PLATINUM', aliases: ['白金客户', '铂金级'], minAnnualSales: 1_000_000, rank: 5, active: true });
      platinumId = d.createTier.id;
      expect((await t().services.tiers.resolve('铂金级')).code).toBe('PLATINUM');
    });

    it('refuses labels that would make a file ambiguous, and bad values, naming the field', async () => {
      const admin = w.gql('admin');
      expect(errorOf(await admin.request(CREATE_TIER, { input: { code: 'X1', name: '新级别', rank: 6, aliases: ['重点客户'] } }))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_EXISTS, field: 'aliases' });
      expect(errorOf(await admin.request(CREATE_TIER, { input: { code: 'key', name: '另一个', rank: 6 } }))).toMatchObject({ code: 'CONFLICT', field: 'code' });
      expect(errorOf(await admin.request(CREATE_TIER, { input: { code: '9X', name: '坏编码', rank: 6 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
      expect(errorOf(await admin.request(CREATE_TIER, { input: { code: 'X2', name: '坏排序', rank: 0 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rank' });
      expect(errorOf(await admin.request(CREATE_TIER, { input: { code: 'X3', name: '负门槛', rank: 6, minAnnualSales: -1 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minAnnualSales' });
      expect(errorOf(await admin.request(CREATE_TIER, { input: { code: 'X4', rank: 6 } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(await t().ds.getRepository(Tier).count()).toBe(5);
    });

    it('updates thresholds and aliases with optimistic versions, and deactivates', async () => {
      const admin = w.gql('admin');
      const d = await admin.data<{ updateTier: { version: number; minAnnualSales: number; aliases: string[] } }>(UPDATE_TIER, { id: platinumId, input: { minAnnualSales: 200 * 万, aliases: ['白金'] }, version: 1 });
      expect(d.updateTier).toMatchObject({ version: 2, minAnnualSales: 2_000_000, aliases: ['白金'] });
      const stale = errorOf(await admin.request(UPDATE_TIER, { id: platinumId, input: { rank: 7 }, version: 1 }));
      expect(stale).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.VERSION_CONFLICT });
      const off = await admin.data<{ updateTier: { active: boolean } }>(UPDATE_TIER, { id: platinumId, input: { active: false }, version: d.updateTier.version });
      expect(off.updateTier.active).toBe(false);
      // A deactivated tier is no longer given to accounts.
      await expect(t().services.accounts.create(w.system, { code: 'DEACT1', name: '停用级别测试', tierCode: '白金' })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TIER });
      const audit = await w.gql('committee').data<{ auditEvents: { nodes: { action: string; before: string; after: string }[] } }>(
        'query($id: String) { auditEvents(first: 5, filter: { entity: "Tier", entityId: $id }) { nodes { action before after } } }',
        { id: platinumId },
      );
      expect(audit.auditEvents.nodes.map((n) => n.action)).toEqual(['tier.update', 'tier.update', 'tier.create']);
      expect(JSON.parse(audit.auditEvents.nodes[1].before)).toEqual({ minAnnualSalesFen: 100_000_000, aliases: ['白金客户', '铂金级'] });
    });

    it('creates, changes and deactivates management levels', async () => {
      const admin = w.gql('admin');
      const created = await admin.data<{ createManagementLevel: { id: string; code: string; minExpectedContractValue: number; active: boolean; version: number } }>(
        'mutation($input: ManagementLevelInput!) { createManagementLevel(input: $input) { id code minExpectedContractValue active version } }',
        { input: { code: 'GROUP', name: '战略集团级', rank: 1, aliases: ['集团总部管理'], minExpectedContractValue: 5 * 亿, sumOverGroup: true } },
      );
      expect(created.createManagementLevel).toMatchObject({ code: 'GROUP', minExpectedContractValue: 500_000_000, active: true });
      const off = await admin.data<{ updateManagementLevel: { active: boolean } }>('mutation($id: ID!, $version: Int!) { updateManagementLevel(id: $id, input: { active: false }, version: $version) { active } }', { id: created.createManagementLevel.id, version: created.createManagementLevel.version });
      expect(off.updateManagementLevel.active).toBe(false);
      const levels = await w.gql('analyst').data<{ managementLevels: { code: string; active: boolean }[] }>('{ managementLevels { code active } }');
      expect(levels.managementLevels).toEqual([{ code: 'COMPANY', active: true }, { code: 'GROUP', active: false }, { code: 'BRANCH', active: true }]);
    });

    it('lets the committee own the scheme too (audited), and refuses every other role', async () => {
      const { version } = await t().ds.getRepository(Tier).findOneByOrFail({ id: Number(platinumId) });
      const byCommittee = await w.gql('committee').data<{ updateTier: { minAnnualSales: number } }>(UPDATE_TIER, { id: platinumId, input: { minAnnualSales: 300 * 万 }, version });
      expect(byCommittee.updateTier.minAnnualSales).toBe(3_000_000);
      const trail = await w.gql('committee').data<{ auditEvents: { nodes: { action: string; actor: string }[] } }>(
        'query($id: String) { auditEvents(first: 1, filter: { entity: "Tier", entityId: $id }) { nodes { action actor } } }',
        { id: platinumId },
      );
      expect(trail.auditEvents.nodes).toEqual([{ action: 'tier.update', actor: 'apikey:key-committee' }]);
      for (const who of ['hdManager', 'finance', 'analyst'] as const) {
        expect(errorOf(await w.gql(who).request(CREATE_TIER, { input: { code: 'NOPE', name: '不行', rank: 9 } })).code).toBe('FORBIDDEN');
        expect(errorOf(await w.gql(who).request(UPDATE_TIER, { id: platinumId, input: { active: true }, version: 1 })).code).toBe('FORBIDDEN');
        expect(errorOf(await w.gql(who).request('mutation { createManagementLevel(input: { code: "N", name: "不行", rank: 9 }) { id } }')).code).toBe('FORBIDDEN');
      }
      await expect(t().services.tiers.createTier(w.as('hdManager'), { code: 'NOPE', name: '不行', rank: 9 })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect(await t().ds.getRepository(Tier).countBy({ code: 'NOPE' })).toBe(0);
    });
  });

  describe('suggestedTier and suggestedLevel from the recorded figures', () => {
    const QUERY = `{ accounts(first: 100) { nodes { code annualSales tier { code } suggestedTier { code } suggestedLevel { code } recordedAnnualSales groupRecordedAnnualSales groupExpectedContractValue } } }`;
    type Row = { code: string; annualSales: number | null; tier: { code: string } | null; suggestedTier: { code: string } | null; suggestedLevel: { code: string } | null; recordedAnnualSales: number; groupRecordedAnnualSales: number; groupExpectedContractValue: number | null };
    const read = async () => {
      const d = await w.gql('committee').data<{ accounts: { nodes: Row[] } }>(QUERY);
      return Object.fromEntries(d.accounts.nodes.map((n) => [n.code, n]));
    };
    // Inside the 12 months up to today, and one outside them.
    const recent = addDays(today(), -30);
    const stale = addDays(today(), -400);

    beforeAll(async () => {
      const { services } = t();
      /** An account whose projects signed `signed` recently; `estimate` is what its manager typed as 年合作销售额. */
      const mk = async (code: string, signed: number | null, expectedContractValue: number | null, extra: Record<string, unknown> = {}, estimate: number | null = 50_000 * 万) => {
        const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { code, annualSales: estimate, expectedContractValue, tierCode: 'GENERAL', ...extra });
        if (signed !== null) await services.projects.createProject(w.system, { accountId: a.id, name: `${code} 项目`, status: 'IN_PROGRESS', contractAmount: signed, signedOn: recent });
        return a;
      };
      await mk('S-KEY', 2500 * 万, 1.5 * 亿);
      await mk('S-MAJOR', 600 * 万, null);
      await mk('S-GEN', 100 * 万, 0.5 * 亿);
      const old = await mk('S-OLD', null, null);
      await services.projects.createProject(w.system, { accountId: old.id, name: '去年以前的项目', status: 'COMPLETED', contractAmount: 9000 * 万, signedOn: stale });
      await mk('S-STRAT', 10 * 万, null, { tierCode: 'STRATEGIC' });
      const ledger = await mk('S-LEDGER', null, null);
      await services.activities.create(w.system, { accountId: ledger.id, occurredOn: recent, type: 'SIGNING', subject: '年度框架合同', contractAmount: 2100 * 万 });
      const parent = await mk('G-PARENT', 300 * 万, 0.8 * 亿);
      const c1 = await mk('G-C1', 1000 * 万, 0.9 * 亿, { parentId: parent.id });
      await mk('G-C1-1', 900 * 万, null, { parentId: c1.id });
      await mk('G-C2', 200 * 万, null, { parentId: parent.id });
      const gone = await mk('G-GONE', 5000 * 万, 3 * 亿, { parentId: parent.id });
      await services.ownership.terminate(w.as('committee'), gone.id, { note: '已终止', effectiveOn: '2026-01-01' });
    });

    it('suggests by recorded signings of the last 12 months — projects and ledger alike — never by the manager\'s estimate', async () => {
      const r = await read();
      expect(r['S-KEY']).toMatchObject({ suggestedTier: { code: 'KEY' }, suggestedLevel: { code: 'BRANCH' }, recordedAnnualSales: 25_000_000, annualSales: 500_000_000 });
      expect(r['S-MAJOR']).toMatchObject({ suggestedTier: { code: 'MAJOR' }, suggestedLevel: null });
      expect(r['S-GEN']).toMatchObject({ suggestedTier: { code: 'GENERAL' }, suggestedLevel: null });
      // A signing more than 12 months ago no longer counts: 0 recorded is 一般 whatever the 5亿 estimate.
      expect(r['S-OLD']).toMatchObject({ suggestedTier: { code: 'GENERAL' }, recordedAnnualSales: 0 });
      // A ledger (附件4) signing counts like a project's.
      expect(r['S-LEDGER']).toMatchObject({ suggestedTier: { code: 'KEY' }, recordedAnnualSales: 21_000_000 });
      // A committee-designated tier (no threshold) stays whatever the figures.
      expect(r['S-STRAT']).toMatchObject({ tier: { code: 'STRATEGIC' }, suggestedTier: { code: 'STRATEGIC' } });
      // The deactivated PLATINUM tier is never suggested.
      expect(Object.values(r).some((x) => x.suggestedTier?.code === 'PLATINUM')).toBe(false);
    });

    it('sums over the whole group where the tier or level says so (terminated members left out)', async () => {
      let r = await read();
      // KEY does not sum over the group by default: the parent is judged on its own 300万.
      expect(r['G-PARENT']).toMatchObject({ suggestedTier: { code: 'GENERAL' }, groupRecordedAnnualSales: 24_000_000 });
      // Management levels do (data migration default): 0.8亿 + 0.9亿 = 1.7亿 → 分公司级 for every member.
      for (const code of ['G-PARENT', 'G-C1', 'G-C1-1', 'G-C2']) expect(r[code]).toMatchObject({ suggestedLevel: { code: 'BRANCH' }, groupExpectedContractValue: 170_000_000 });
      const key = await t().ds.getRepository(Tier).findOneByOrFail({ code: 'KEY' });
      await t().services.tiers.updateTier(w.as('committee'), key.id, { sumOverGroup: true });
      r = await read();
      // 300万 + 1000万 + 900万 + 200万 = 2400万 ≥ 2000万: every member of the group is KEY.
      for (const code of ['G-PARENT', 'G-C1', 'G-C1-1', 'G-C2']) expect(r[code]).toMatchObject({ suggestedTier: { code: 'KEY' }, groupRecordedAnnualSales: 24_000_000 });
      expect(r['S-MAJOR']).toMatchObject({ suggestedTier: { code: 'MAJOR' }, groupRecordedAnnualSales: 6_000_000 });
      await t().services.tiers.updateTier(w.as('committee'), key.id, { sumOverGroup: false });
    });

    it('lets the committee add the identification score to a tier\'s standard (policy 000): weighted criteria, audited', async () => {
      const key = await t().ds.getRepository(Tier).findOneByOrFail({ code: 'KEY' });
      const SCORE = '{ accounts(first: 100) { nodes { code identificationScore suggestedTier { code } } } }';
      const scores = async () => Object.fromEntries((await w.gql('analyst').data<{ accounts: { nodes: { code: string; identificationScore: number; suggestedTier: { code: string } | null }[] } }>(SCORE)).accounts.nodes.map((n) => [n.code, n]));
      // 订单金额 2500万 → 80 points × 40, 合作年限 2 years → 40 × 15, 发展潜力 1.5亿 → 70 × 15; no credit, no scale: over the weights 100, 48.5.
      expect((await scores())['S-KEY'].identificationScore).toBe(48.5);
      await t().services.tiers.updateTier(w.as('committee'), key.id, { minScore: 50 });
      expect((await scores())['S-KEY'].suggestedTier?.code).toBe('MAJOR');
      // The committee weighs order amount more: (80 × 90 + 40 × 15 + 70 × 15) / 150 = 59 ≥ 50.
      await w.gql('committee').data('mutation { saveIdentificationCriterion(input: { code: "ORDER_AMOUNT", weight: 90 }) { weight } }');
      const after = (await scores())['S-KEY'];
      expect(after).toMatchObject({ identificationScore: 59, suggestedTier: { code: 'KEY' } });
      expect(errorOf(await w.gql('hdManager').request('mutation { saveIdentificationCriterion(input: { code: "ORDER_AMOUNT", weight: 100 }) { weight } }')).code).toBe('FORBIDDEN');
      const trail = await w.gql('committee').data<{ auditEvents: { nodes: { action: string; before: string; after: string }[] } }>('{ auditEvents(first: 1, filter: { entity: "IdentificationCriterion" }) { nodes { action before after } } }');
      expect(trail.auditEvents.nodes[0].action).toBe('criterion.update');
      expect(JSON.parse(trail.auditEvents.nodes[0].before)).toEqual({ weight: 40 });
      await t().services.tiers.updateTier(w.as('committee'), key.id, { minScore: null });
      await t().services.tiers.saveCriterion(w.as('committee'), { code: 'ORDER_AMOUNT', weight: 40 });
    });

    it('batches the suggestions: one page costs the same number of queries for 5 accounts or 50', async () => {
      const q = (n: number) => w.gql('committee').data(`{ accounts(first: ${n}) { nodes { code suggestedTier { code } suggestedLevel { code } recordedAnnualSales } } }`);
      const few = await countQueries(t().ds, () => q(3));
      const many = await countQueries(t().ds, () => q(100));
      const accounts = await t().ds.getRepository('accounts').count();
      expect(accounts).toBeGreaterThanOrEqual(10);
      expect(many.queries).toBe(few.queries);
      expect(many.sql.filter((s) => /WITH RECURSIVE/i.test(s))).toHaveLength(1);
    });

    it('ignores terminated accounts in group sums but still answers for them', async () => {
      const gone = await t().services.accounts.getByCode(w.system, 'G-GONE');
      expect(gone.status).toBe(AccountStatus.TERMINATED);
      const s = (await t().services.tiers.suggestions(w.system, [gone.id])).get(gone.id);
      expect(s?.figures).toMatchObject({ recordedSalesFen: 5000 * 万 * 100, groupRecordedSalesFen: 2400 * 万 * 100, groupSize: 5 });
    });
  });
});
