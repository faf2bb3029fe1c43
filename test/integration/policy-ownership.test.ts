import { In } from 'typeorm';
import { AccountStatus, AssignmentReason, ReviewStatus } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import { creditCodeCheckChar } from '../../src/common/validation';
import { openDataSource } from '../../src/db/data-source';
import { createServices } from '../../src/services';
import { startTestServer } from '../support/graphql-client';
import { Account } from '../../src/modules/accounts/account.entity';
import { Assignment } from '../../src/modules/ownership/assignment.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld, type Who } from '../support/policy-world';
import { GqlClient } from '../support/graphql-client';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';
import { importAnnex } from '../../importers/load/importer';
import { ARCHIVE } from '../../importers/annexes';

const RECOMMEND = `mutation($input: RecommendAccountInput!) {
  recommendAccount(input: $input) { id status reason recommendedByName unit { name } manager { name }
    account { id code name status ownerUnit { name } manager { name } } } }`;
const APPROVE = `mutation($id: ID!, $input: ApproveRecommendationInput) {
  approveRecommendation(id: $id, input: $input) { id status decidedBy { name } account { status tier { code } registeredOn
    assignments { unit { name } manager { name } isPrimary fromDate toDate reason } } } }`;
const REASSIGN = `mutation($input: ReassignAccountInput!) { reassignAccount(input: $input) { id reason note fromDate isPrimary unit { name } manager { name } } }`;

type RecommendResult = { recommendAccount: { id: string; status: string; reason: string | null; unit: { name: string }; manager: { name: string } | null; account: { id: string; code: string; name: string; status: string; ownerUnit: { name: string }; manager: { name: string } | null } } };

// 统一社会信用代码 that pass the GB 32100 check.
const CODES = ['914403001922038216', '91110000100000589A', '91310000132149237G', '911100007109311097', '91440300708461136T', '91330000142916567N'];

describeEachDb('ownership: 谁开发、谁优先', (t) => {
  let w: PolicyWorld;

  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
  });

  afterAll(async () => {
    await w?.close();
  });

  const recommend = (who: Who, account: Record<string, unknown>, extra: Record<string, unknown> = {}) => w.gql(who).request<RecommendResult>(RECOMMEND, { input: { account, ...extra } });

  describe('recommendation and approval', () => {
    let seq = 0;
    /** A company of the test's own (客户编号, name, a valid 统一社会信用代码), recommended by `who`: each test stands alone (-t). */
    const ownRecommendation = async (who: Who, name: string, extra: Record<string, unknown> = {}, reason?: string) => {
      seq++;
      const first17 = `91440300MA${String(seq).padStart(3, '0')}${String(Date.now() % 10_000).padStart(4, '0')}`;
      const company = { code: `RA${seq}${Date.now() % 100_000}`, name, creditCode: first17 + creditCodeCheckChar(first17), ...extra };
      const r = await recommend(who, company, reason ? { reason } : {});
      expect(r.errors).toBeUndefined();
      return { company, rec: r.data!.recommendAccount };
    };

    it('a manager recommends a company: it becomes a CANDIDATE of its unit, itself as manager', async () => {
      const r = await recommend('hdManager', { code: 'r001', name: '中建华东工程（集团）有限公司', creditCode: CODES[0], annualSales: 30_000_000 }, { reason: '已对接三个在建项目' });
      expect(r.errors).toBeUndefined();
      const rec = r.data!.recommendAccount;
      expect(rec).toMatchObject({ status: 'PENDING', reason: '已对接三个在建项目', recommendedByName: 'apikey:key-hdManager', unit: { name: '华东分公司' }, manager: { name: '周浩然' } });
      expect(rec.account).toMatchObject({ code: 'R001', status: 'CANDIDATE', ownerUnit: { name: '华东分公司' }, manager: { name: '周浩然' } });
    });

    it('another unit recommending the same credit code gets CONFLICT naming the owning unit and nothing else', async () => {
      const { company } = await ownRecommendation('hdManager', '华东冶建工程有限公司', { annualSales: 30_000_000 }, '已对接三个在建项目');
      const r = await recommend('hnManager', { code: 'X1', name: '华东冶建（另一写法）', creditCode: company.creditCode });
      const e = errorOf(r);
      expect(e).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.OWNERSHIP_CONFLICT, field: 'account.creditCode' });
      expect(e.message).toContain('华东分公司');
      for (const leak of [company.code, '周浩然', '华东冶建工程', '30000000', '已对接']) expect(e.message).not.toContain(leak);
      expect(await t().ds.getRepository(Account).countBy({ code: 'X1' })).toBe(0);
    });

    it('the same normalised name is a duplicate too (spaces, full-width brackets, case)', async () => {
      const { company } = await ownRecommendation('hdManager', '华东路桥（集团）有限公司');
      const e = errorOf(await recommend('hbManager', { code: 'X2', name: ' 华东路桥 (集团) 有限公司 ' }));
      expect(e).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.OWNERSHIP_CONFLICT, field: 'account.name' });
      expect(e.message).toContain('华东分公司');
      expect(e.message).not.toContain(company.code);
    });

    it('the same unit recommending it again is told it already has it', async () => {
      const { company } = await ownRecommendation('hdManager', '华东港航工程有限公司');
      const e = errorOf(await recommend('hdManager2', { code: 'X3', name: '华东港航工程有限公司' }));
      expect(e).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_EXISTS });
      expect(e.message).toContain(company.code);
    });

    it('a manager recommends only for its own unit; finance and analysts cannot recommend at all', async () => {
      expect(errorOf(await recommend('hnManager', { code: 'X4', name: '某新公司' }, { unitId: String(w.units.hd.id) }))).toMatchObject({ code: 'FORBIDDEN', field: 'unitId' });
      expect(errorOf(await recommend('finance', { code: 'X5', name: '某新公司' }, { unitId: String(w.units.hd.id) })).code).toBe('FORBIDDEN');
      expect(errorOf(await recommend('analyst', { code: 'X6', name: '某新公司' }, { unitId: String(w.units.hd.id) })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.anonymous.request(RECOMMEND, { input: { account: { code: 'X7', name: '某新公司' } } })).code).toBe('UNAUTHENTICATED');
      // The committee recommends on a unit's behalf, and must say which unit.
      expect(errorOf(await recommend('committee', { code: 'X8', name: '某新公司' })).field).toBe('unitId');
      // A manager from another unit cannot be named as the account manager.
      const e = errorOf(await recommend('committee', { code: 'X9', name: '某新公司' }, { unitId: String(w.units.hd.id), managerId: String(w.users.hnManager.id) }));
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field: 'managerId' });
      expect(await t().ds.getRepository(Account).countBy({ name: '某新公司' })).toBe(0);
    });

    it('only the committee approves; approval makes it ACTIVE with the recommending unit and manager (INITIAL assignment)', async () => {
      const { rec } = await ownRecommendation('hdManager', '华东机电安装有限公司', { annualSales: 30_000_000 });
      expect(errorOf(await w.gql('hdManager').request(APPROVE, { id: rec.id })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql('analyst').request(APPROVE, { id: rec.id })).code).toBe('FORBIDDEN');
      const d = await w.gql('committee').data<{ approveRecommendation: { status: string; decidedBy: { name: string }; account: { status: string; tier: { code: string }; registeredOn: string; assignments: unknown[] } } }>(
        APPROVE,
        { id: rec.id, input: { effectiveOn: '2026-03-01', note: '同意' } },
      );
      expect(d.approveRecommendation).toMatchObject({
        status: 'APPROVED',
        decidedBy: { name: '王委员' },
        // No tier given: the one its recorded sales call for — none yet, so 一般; the manager's 3000万 estimate decides nothing.
        account: { status: 'ACTIVE', tier: { code: 'GENERAL' }, registeredOn: '2026-03-01' },
      });
      expect(d.approveRecommendation.account.assignments).toEqual([
        { unit: { name: '华东分公司' }, manager: { name: '周浩然' }, isPrimary: true, fromDate: '2026-03-01', toDate: null, reason: 'INITIAL' },
      ]);
    });

    it('approving twice is a CONFLICT that says it was already decided', async () => {
      const { rec } = await ownRecommendation('hdManager', '华东幕墙装饰有限公司');
      await t().services.ownership.approveRecommendation(w.as('committee'), Number(rec.id), { note: '同意' });
      const e = errorOf(await w.gql('committee').request(APPROVE, { id: rec.id }));
      expect(e).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_DECIDED });
      expect(e.message).toMatch(/already approved/);
      const rejectLate = errorOf(await w.gql('committee').request('mutation($id: ID!) { rejectRecommendation(id: $id, note: "晚了") { id } }', { id: rec.id }));
      expect(rejectLate.reason).toBe(ErrorCode.ALREADY_DECIDED);
      expect(await t().ds.getRepository(Assignment).countBy({ accountId: Number(rec.account.id) })).toBe(1);
    });

    it('a rejected company is left without owner, and any unit may recommend it again', async () => {
      const r = await recommend('hbManager', { code: 'R002', name: '北方重工集团有限公司', creditCode: CODES[1] });
      const id = r.data!.recommendAccount.id;
      const noNote = errorOf(await w.gql('committee').request('mutation($id: ID!) { rejectRecommendation(id: $id, note: " ") { id } }', { id }));
      expect(noNote).toMatchObject({ code: 'BAD_USER_INPUT', reason: ErrorCode.REQUIRED, field: 'note' });
      const rejected = await w.gql('committee').data<{ rejectRecommendation: { status: string; decisionNote: string; account: { status: string; ownerUnit: null } } }>(
        'mutation($id: ID!) { rejectRecommendation(id: $id, note: "资信不足") { status decisionNote account { status ownerUnit { name } } } }',
        { id },
      );
      expect(rejected.rejectRecommendation).toEqual({ status: 'REJECTED', decisionNote: '资信不足', account: { status: 'REJECTED', ownerUnit: null } });
      const again = await recommend('hnManager', { name: '北方重工集团有限公司', annualSales: 6_000_000, industry: '装备制造' }, { reason: '新的合作机会' });
      expect(again.errors).toBeUndefined();
      const claimed = await t().services.accounts.get(w.system, Number(again.data!.recommendAccount.account.id));
      expect([claimed.annualSales, claimed.industry, claimed.creditCode]).toEqual([6_000_000, '装备制造', CODES[1]]);
      expect(again.data!.recommendAccount.account).toMatchObject({ code: 'R002', status: 'CANDIDATE', ownerUnit: { name: '华南分公司' }, manager: { name: '李晓峰' } });
      // Rejecting the claim puts the company back as it was (rejected, unowned).
      await t().services.ownership.rejectRecommendation(w.as('committee'), Number(again.data!.recommendAccount.id), '仍不符合条件');
      const back = await t().services.accounts.get(w.system, Number(again.data!.recommendAccount.account.id));
      expect([back.status, back.ownerUnitId, back.managerId]).toEqual([AccountStatus.REJECTED, null, null]);
      const list = await w.gql('analyst').data<{ accountRecommendations: { totalCount: number; nodes: { status: string; unit: { name: string } }[] } }>(
        'query($a: ID) { accountRecommendations(first: 10, filter: { accountId: $a }) { totalCount nodes { status unit { name } } } }',
        { a: again.data!.recommendAccount.account.id },
      );
      expect(list.accountRecommendations.nodes).toEqual([{ status: 'REJECTED', unit: { name: '华北分公司' } }, { status: 'REJECTED', unit: { name: '华南分公司' } }]);
    });
  });

  describe('reassignment: the committee only, for an enumerated reason', () => {
    let account: Account;

    beforeAll(async () => {
      account = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { registeredOn: '2025-01-01' });
    });

    const input = (extra: Record<string, unknown> = {}) => ({
      accountId: String(account.id), unitId: String(w.units.hn.id), managerId: String(w.users.hnManager.id), reason: 'CUSTOMER_REQUEST', note: '客户书面要求更换对接单位', ...extra,
    });

    it('refuses a reassignment without a reason, at the API and in the service', async () => {
      const { reason: _omit, ...withoutReason } = input();
      const e = errorOf(await w.gql('committee').request(REASSIGN, { input: withoutReason }));
      expect(e.code).toBe('BAD_USER_INPUT');
      expect(e.message).toMatch(/reason/);
      await expect(t().services.ownership.reassign(w.as('committee'), { accountId: account.id, managerId: w.users.hnManager.id, unitId: w.units.hn.id, reason: null, note: '无' }))
        .rejects.toMatchObject({ code: ErrorCode.REQUIRED, details: { field: 'reason' } });
      await expect(t().services.ownership.reassign(w.as('committee'), { accountId: account.id, managerId: w.users.hnManager.id, unitId: w.units.hn.id, reason: '看着不顺眼', note: '无' }))
        .rejects.toMatchObject({ code: ErrorCode.INVALID_ENUM });
    });

    it('refuses reasons that are not grounds for reassignment, and a missing note', async () => {
      for (const reason of ['INITIAL', 'CROSS_REGION', 'TERMINATED']) {
        expect(errorOf(await w.gql('committee').request(REASSIGN, { input: input({ reason }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
      }
      expect(errorOf(await w.gql('committee').request(REASSIGN, { input: input({ note: '   ' }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    });

    it('nobody but the committee (and ADMIN) reassigns', async () => {
      for (const who of ['hdManager', 'hnManager', 'finance', 'analyst'] as const) {
        expect(errorOf(await w.gql(who).request(REASSIGN, { input: input() })).code).toBe('FORBIDDEN');
      }
      await expect(t().services.ownership.reassign(w.as('hnManager'), { ...input(), accountId: account.id, unitId: w.units.hn.id, managerId: w.users.hnManager.id }))
        .rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect((await t().services.accounts.get(w.system, account.id)).ownerUnitId).toBe(w.units.hd.id);
    });

    it('refuses a new manager who is not in the new unit', async () => {
      expect(errorOf(await w.gql('committee').request(REASSIGN, { input: input({ managerId: String(w.users.hbManager.id) }) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'managerId' });
    });

    it('moves the account, closes the old assignment and keeps both in the history and the audit trail', async () => {
      const d = await w.gql('committee').data<{ reassignAccount: { reason: string; fromDate: string; isPrimary: boolean; unit: { name: string }; manager: { name: string } } }>(
        REASSIGN,
        { input: input({ effectiveOn: '2026-04-01' }) },
      );
      expect(d.reassignAccount).toMatchObject({ reason: 'CUSTOMER_REQUEST', fromDate: '2026-04-01', isPrimary: true, unit: { name: '华南分公司' }, manager: { name: '李晓峰' } });
      const a = await w.gql('analyst').data<{ account: { ownerUnit: { name: string }; manager: { name: string }; assignments: { unit: { name: string }; fromDate: string; toDate: string | null; reason: string }[] } }>(
        'query($id: ID) { account(id: $id) { ownerUnit { name } manager { name } assignments { unit { name } fromDate toDate reason } } }',
        { id: String(account.id) },
      );
      expect(a.account.ownerUnit.name).toBe('华南分公司');
      expect(a.account.assignments).toEqual([
        { unit: { name: '华东分公司' }, fromDate: '2025-01-01', toDate: '2026-04-01', reason: 'INITIAL' },
        { unit: { name: '华南分公司' }, fromDate: '2026-04-01', toDate: null, reason: 'CUSTOMER_REQUEST' },
      ]);
      const audit = await w.gql('committee').data<{ auditEvents: { nodes: { action: string; actor: string; before: string; after: string }[] } }>(
        'query($id: String) { auditEvents(first: 1, filter: { entity: "Account", entityId: $id, action: "account.reassign" }) { nodes { action actor before after } } }',
        { id: String(account.id) },
      );
      const ev = audit.auditEvents.nodes[0];
      expect(ev.actor).toBe('apikey:key-committee');
      expect(JSON.parse(ev.before)).toEqual({ ownerUnitId: w.units.hd.id, managerId: w.users.hdManager.id });
      expect(JSON.parse(ev.after)).toMatchObject({ ownerUnitId: w.units.hn.id, managerId: w.users.hnManager.id, reason: 'CUSTOMER_REQUEST', effectiveOn: '2026-04-01' });
    });

    it('a manager found unfit is replaced within the same unit', async () => {
      const hd2 = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager);
      const d = await w.gql('committee').data<{ reassignAccount: { unit: { name: string }; manager: { name: string } } }>(REASSIGN, {
        input: { accountId: String(hd2.id), managerId: String(w.users.hdManager2.id), reason: 'MANAGER_UNFIT', note: '考核不合格' },
      });
      expect(d.reassignAccount).toMatchObject({ reason: 'MANAGER_UNFIT', isPrimary: true, unit: { name: '华东分公司' }, manager: { name: '陈静' } });
      const same = errorOf(await w.gql('committee').request(REASSIGN, { input: { accountId: String(hd2.id), managerId: String(w.users.hdManager2.id), reason: 'MANAGER_UNFIT', note: '再来一次' } }));
      expect(same).toMatchObject({ code: 'BAD_USER_INPUT', field: 'managerId' });
    });

    it('adds a second unit for a large cross-region account, once, and ends it', async () => {
      const big = await ownedAccount(t().services, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC' });
      const add = `mutation($input: CrossRegionUnitInput!) { addCrossRegionUnit(input: $input) { id isPrimary reason unit { name } manager { name } } }`;
      const addInput = { accountId: String(big.id), unitId: String(w.units.hb.id), managerId: String(w.users.hbManager.id), note: '华北项目群', effectiveOn: '2026-02-01' };
      expect(errorOf(await w.gql('hbManager').request(add, { input: addInput })).code).toBe('FORBIDDEN');
      const d = await w.gql('committee').data<{ addCrossRegionUnit: { id: string; isPrimary: boolean; reason: string; unit: { name: string } } }>(add, { input: addInput });
      expect(d.addCrossRegionUnit).toMatchObject({ isPrimary: false, reason: 'CROSS_REGION', unit: { name: '华北分公司' } });
      expect(errorOf(await w.gql('committee').request(add, { input: addInput }))).toMatchObject({ code: 'CONFLICT', reason: ErrorCode.ALREADY_EXISTS });
      expect(errorOf(await w.gql('committee').request(add, { input: { ...addInput, unitId: String(w.units.hd.id), managerId: null } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitId' });
      // The owner stays; the second unit's manager may now work on the account, another unit's may not.
      const after = await t().services.accounts.get(w.system, big.id);
      expect(after.ownerUnitId).toBe(w.units.hd.id);
      const updated = await t().services.accounts.update(w.as('hbManager'), big.id, { mainProducts: '电梯导轨' });
      expect(updated.mainProducts).toBe('电梯导轨');
      await expect(t().services.accounts.update(w.as('hnManager'), big.id, { mainProducts: '别的' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      const end = await w.gql('committee').data<{ endCrossRegionUnit: { toDate: string } }>(
        'mutation($id: ID!) { endCrossRegionUnit(assignmentId: $id, note: "项目结束", effectiveOn: "2026-05-01") { toDate } }',
        { id: d.addCrossRegionUnit.id },
      );
      expect(end.endCrossRegionUnit.toDate).toBe('2026-05-01');
      await expect(t().services.accounts.update(w.as('hbManager'), big.id, { mainProducts: '电梯导轨2' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      const list = await w.gql('analyst').data<{ assignments: { totalCount: number; nodes: { reason: string; toDate: string | null }[] } }>(
        'query($a: ID) { assignments(first: 10, filter: { accountId: $a }) { totalCount nodes { reason toDate } } }',
        { a: String(big.id) },
      );
      expect(list.assignments.nodes).toEqual([{ reason: 'INITIAL', toDate: null }, { reason: 'CROSS_REGION', toDate: '2026-05-01' }]);
      const current = await w.gql('analyst').data<{ assignments: { totalCount: number } }>('query($a: ID) { assignments(first: 10, filter: { accountId: $a, current: true }) { totalCount } }', { a: String(big.id) });
      expect(current.assignments.totalCount).toBe(1);
    });
  });

  it('the real import (附件2 workbook through importAnnex) from a cross-region second unit\'s manager: its update of the account is accepted, a row making its own unit the owner is refused (FORBIDDEN), and once the second unit ends its rows are refused (FORBIDDEN)', async () => {
    const { services } = t();
    const big = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { tierCode: 'STRATEGIC' });
    const second = await services.ownership.addCrossRegionUnit(w.as('committee'), { accountId: big.id, unitId: w.units.hb.id, managerId: w.users.hbManager.id, note: '华北项目群' });
    const importAs = async (who: Who, row: Record<string, string>) => {
      const headers = Object.keys(row);
      const file = await exceljsWorkbook(tmpFile(`${who}-${Date.now()}.xlsx`), [{ rows: [headers, headers.map((h) => row[h])] }]);
      return (await importAnnex(services, w.as(who), { annex: ARCHIVE, file })).report;
    };
    const stored = async () => {
      const a = await services.accounts.get(w.system, big.id);
      return { mainProducts: a.mainProducts, ownerUnitId: a.ownerUnitId, managerId: a.managerId };
    };
    const owner = { ownerUnitId: w.units.hd.id, managerId: w.users.hdManager.id };

    // The second unit's manager updates an ordinary field of the account by workbook: written.
    const accepted = await importAs('hbManager', { 客户编号: big.code, 客户名称: big.name, 主要产品: '电梯导轨' });
    expect([accepted.errors, accepted.rows]).toEqual([[], expect.objectContaining({ updated: 1, invalid: 0 })]);
    expect(await stored()).toEqual({ mainProducts: '电梯导轨', ...owner });

    // The same manager's workbook naming its own unit as 推荐单位: a manager does not move an account (only the
    // committee reassigns), so the row is refused and ownership stays with the owner (谁开发、谁优先).
    const claim = await importAs('hbManager', { 客户编号: big.code, 客户名称: big.name, 推荐单位: '华北分公司', 主要产品: '改了归属' });
    expect(claim.errors).toEqual([expect.objectContaining({ cell: 'C2', column: '推荐单位', code: ErrorCode.FORBIDDEN, message: expect.stringMatching(/ownerUnitId.*committee/) })]);
    expect(claim.rows).toMatchObject({ updated: 0, invalid: 1 });
    expect(await stored()).toEqual({ mainProducts: '电梯导轨', ...owner });

    // A manager of a third unit, with no assignment on the account: refused.
    const stranger = await importAs('hnManager', { 客户编号: big.code, 客户名称: big.name, 主要产品: '别的' });
    expect(stranger.errors.map((e) => e.code)).toEqual([ErrorCode.FORBIDDEN]);
    expect(await stored()).toEqual({ mainProducts: '电梯导轨', ...owner });

    // The committee ends the second unit: the same workbook that was accepted is now refused.
    await services.ownership.endCrossRegionUnit(w.as('committee'), second.id, { note: '项目结束' });
    const ended = await importAs('hbManager', { 客户编号: big.code, 客户名称: big.name, 主要产品: '电梯导轨2' });
    expect(ended.errors.map((e) => e.code)).toEqual([ErrorCode.FORBIDDEN]);
    expect(await stored()).toEqual({ mainProducts: '电梯导轨', ...owner });
  });

  describe('plain account writes respect ownership', () => {
    it('a manager\'s new account is a candidate of its own unit; it cannot create one for another unit', async () => {
      const { services } = t();
      const mine = await services.accounts.create(w.as('hnManager'), { code: 'P001', name: '南方建材有限公司' });
      expect([mine.status, mine.ownerUnitId, mine.managerId]).toEqual([AccountStatus.CANDIDATE, w.units.hn.id, w.users.hnManager.id]);
      const rec = await services.ownership.listRecommendations(w.system, { accountId: mine.id }, {}, 10);
      expect(rec.nodes.map((r) => r.status)).toEqual([ReviewStatus.PENDING]);
      await expect(services.accounts.create(w.as('hnManager'), { code: 'P002', name: '别家公司', ownerUnitId: w.units.hd.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(services.accounts.create(w.as('hnManager'), { code: 'P003', name: '别家公司', status: 'ACTIVE' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(services.accounts.create(w.as('hbManager'), { code: 'P004', name: '南方建材 有限公司' })).rejects.toMatchObject({ code: ErrorCode.OWNERSHIP_CONFLICT });
      expect(await t().ds.getRepository(Account).countBy({ code: 'P002' })).toBe(0);
    });

    it('a manager cannot change another unit\'s account, nor make itself owner or manager of it', async () => {
      const { services } = t();
      const hdAccount = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
      await expect(services.accounts.update(w.as('hnManager'), hdAccount.id, { phone: '021-62345678' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(services.accounts.update(w.as('hnManager'), hdAccount.id, { ownerUnitId: w.units.hn.id, managerId: w.users.hnManager.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      // Even inside its own unit, a manager cannot take a colleague's account (it writes only the accounts it manages)…
      await expect(services.accounts.update(w.as('hdManager2'), hdAccount.id, { managerId: w.users.hdManager2.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      // …and the account's own manager cannot hand it over: only the committee reassigns.
      await expect(services.accounts.update(w.as('hdManager'), hdAccount.id, { managerId: w.users.hdManager2.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      // Its own manager may edit ordinary fields.
      expect((await services.accounts.update(w.as('hdManager'), hdAccount.id, { phone: '021-62345678' })).phone).toBe('021-62345678');
    });

    it('an ADMIN update cannot move an owned account either: that is a reassignment', async () => {
      const { services } = t();
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
      await expect(services.accounts.update(w.as('admin'), a.id, { ownerUnitId: w.units.hn.id, managerId: w.users.hnManager.id })).rejects.toMatchObject({
        code: ErrorCode.OWNERSHIP_CONFLICT,
        message: expect.stringContaining('reassignAccount'),
      });
      await expect(services.accounts.update(w.as('admin'), a.id, { status: 'TERMINATED' })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
      await expect(services.accounts.update(w.as('admin'), a.id, { tierCode: 'MAJOR' })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE, details: { field: 'tierCode' } });
      // Suspending is an ordinary change for the committee, not for a manager.
      await expect(services.accounts.update(w.as('hdManager'), a.id, { status: 'SUSPENDED' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect((await services.accounts.update(w.as('committee'), a.id, { status: '暂停' })).status).toBe(AccountStatus.SUSPENDED);
    });

    it('filling in what is missing is allowed: the first owner of an unowned account, a manager where there was none', async () => {
      const { services } = t();
      const unowned = await services.accounts.create(w.system, { code: 'U001', name: '无主客户有限公司', tierCode: 'MAJOR' });
      expect(await t().ds.getRepository(Assignment).countBy({ accountId: unowned.id })).toBe(0);
      await expect(services.accounts.update(w.as('hdManager'), unowned.id, { ownerUnitId: w.units.hd.id })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await services.accounts.update(w.as('admin'), unowned.id, { ownerUnitId: w.units.hd.id });
      const filled = await services.accounts.update(w.as('admin'), unowned.id, { managerId: w.users.hdManager2.id });
      expect([filled.ownerUnitId, filled.managerId]).toEqual([w.units.hd.id, w.users.hdManager2.id]);
      const assignments = await t().ds.getRepository(Assignment).findBy({ accountId: unowned.id });
      expect(assignments.map((a) => [a.unitId, a.managerId, a.reason, a.toDate])).toEqual([[w.units.hd.id, w.users.hdManager2.id, AssignmentReason.INITIAL, null]]);
    });

    it('opens the INITIAL assignments of accounts a fast importer inserted in bulk, once', async () => {
      const { services, ds } = t();
      await ds.getRepository(Account).insert([
        { code: 'BULK1', name: '批量导入一', nameKey: '批量导入一', status: AccountStatus.ACTIVE, ownerUnitId: w.units.hb.id, managerId: w.users.hbManager.id, registeredOn: '2022-02-02', version: 1 },
        { code: 'BULK2', name: '批量导入二', nameKey: '批量导入二', status: AccountStatus.ACTIVE, ownerUnitId: null, version: 1 },
        { code: 'BULK3', name: '批量导入三', nameKey: '批量导入三', status: AccountStatus.TERMINATED, ownerUnitId: w.units.hb.id, version: 1 },
      ]);
      const ids = (await ds.getRepository(Account).findBy({ code: In(['BULK1', 'BULK2', 'BULK3']) })).map((a) => a.id);
      expect(await services.ownershipStore.openInitialAssignments(w.system, ids)).toBe(1);
      expect(await services.ownershipStore.openInitialAssignments(w.system, ids)).toBe(0);
      const rows = await ds.getRepository(Assignment).findBy({ accountId: In(ids) });
      expect(rows.map((a) => [a.unitId, a.managerId, a.fromDate, a.reason])).toEqual([[w.units.hb.id, w.users.hbManager.id, '2022-02-02', AssignmentReason.INITIAL]]);
    });
  });

  describe('races: two units recommending the same company at the same moment', () => {
    const racers: Who[] = ['hdManager', 'hnManager', 'hbManager', 'hdManager2'];

    it('exactly one concurrent request wins; the others get CONFLICT naming the winner\'s unit', async () => {
      for (let round = 0; round < 4; round++) {
        const name = `并发推荐测试${round}有限公司`;
        const results = await Promise.all(
          racers.map((who, i) => recommend(who, { code: `RACE${round}${i}`, name, creditCode: round % 2 ? CODES[2 + (round >> 1)] : null })),
        );
        const winners = results.filter((r) => !r.errors);
        expect(winners).toHaveLength(1);
        const unit = winners[0].data!.recommendAccount.unit.name;
        for (const r of results.filter((x) => x.errors)) {
          const e = errorOf(r);
          expect(e.code).toBe('CONFLICT');
          expect([ErrorCode.OWNERSHIP_CONFLICT, ErrorCode.ALREADY_EXISTS]).toContain(e.reason);
          if (e.reason === ErrorCode.OWNERSHIP_CONFLICT) expect(e.message).toContain(unit);
        }
        expect(await t().ds.getRepository(Account).countBy({ name })).toBe(1);
      }
    });

    it('holds across two API instances on the same database (no in-process lock helps here)', async () => {
      const second = await openDataSource(t().config.database);
      const services2 = createServices(second, t().config);
      const server2 = await startTestServer(services2);
      try {
        const keyOf = async (who: Who) => (await t().services.auth.createApiKey(w.system, { name: `second-${who}-${Date.now()}`, role: w.as(who).actor.role, userId: w.users[who].id })).secret;
        const clients = await Promise.all(racers.map(async (who) => new GqlClient(server2.url, await keyOf(who))));
        for (let round = 0; round < 3; round++) {
          const name = `双实例并发${round}有限公司`;
          const results = await Promise.all(
            racers.map((who, i) => (i % 2 ? clients[i] : w.gql(who)).request<RecommendResult>(RECOMMEND, { input: { account: { code: `DUO${round}${i}`, name } } })),
          );
          expect(results.filter((r) => !r.errors)).toHaveLength(1);
          expect(results.filter((r) => r.errors).every((r) => errorOf(r).code === 'CONFLICT')).toBe(true);
          expect(await t().ds.getRepository(Account).countBy({ name })).toBe(1);
        }
      } finally {
        await server2.close();
        await second.destroy();
      }
    });

    it('approving the same recommendation twice at once records one approval and one INITIAL assignment', async () => {
      const r = await recommend('hdManager', { code: 'TWICE', name: '同时批准测试有限公司', annualSales: 1_000_000 });
      const id = r.data!.recommendAccount.id;
      const both = await Promise.all([w.gql('committee').request(APPROVE, { id }), w.gql('admin').request(APPROVE, { id })]);
      expect(both.filter((x) => !x.errors)).toHaveLength(1);
      expect(errorOf(both.find((x) => x.errors)!).reason).toBe(ErrorCode.ALREADY_DECIDED);
      expect(await t().ds.getRepository(Assignment).countBy({ accountId: Number(r.data!.recommendAccount.account.id) })).toBe(1);
    });
  });
});
