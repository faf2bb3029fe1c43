/**
 * Committee decisions are final until the committee acts again: year-end decisions, management
 * levels (公司级 / 分公司级, policy 004), recommendations; dates that describe the past are not in the
 * future; a dry run tells a caller nothing about records it may not write.
 */
import fs from 'node:fs';
import { AccountStatus, ReviewStatus, YearEndDecision } from '../../src/common/enums';
import { ErrorCode } from '../../src/common/errors';
import { addDays, today } from '../../src/common/dates';
import { currentHalfYear } from '../../src/common/clock';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { CreditEvaluation } from '../../src/modules/credit/credit-evaluation.entity';
import { ImportJob } from '../../src/modules/imports/import-job.entity';
import { describeEachDb } from '../support/db';
import { createPolicyWorld, errorOf, ownedAccount, type PolicyWorld } from '../support/policy-world';
import { exceljsWorkbook, tmpFile } from '../support/workbooks';

const 亿 = 100_000_000;
const nextHalf = (period: string) => (period.endsWith('H1') ? `${period.slice(0, 4)}H2` : `${Number(period.slice(0, 4)) + 1}H1`);

describeEachDb('committee decisions are final until the committee acts again', (t) => {
  let w: PolicyWorld;
  beforeAll(async () => {
    w = await createPolicyWorld(t().services);
  });
  afterAll(async () => {
    await w?.close();
  });

  describe('year-end decisions', () => {
    it('confirms the rules\' proposal it shows; departing from it needs a note; then the evaluation is frozen', async () => {
      const { services } = t();
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { tierCode: 'GENERAL' });
      const ev = await services.credit.create(w.as('hdManager'), { accountId: a.id, year: 2025, score: 70, rating: 'C' });
      const REVIEW = 'query($a: [ID!]) { yearEndReview(year: 2025, first: 5, filter: { accountIds: $a }) { nodes { proposedDecision } } }';
      const shown = (await w.gql('committee').data<{ yearEndReview: { nodes: { proposedDecision: string }[] } }>(REVIEW, { a: [String(a.id)] })).yearEndReview.nodes[0].proposedDecision;
      expect(shown).toBe(YearEndDecision.TERMINATE);
      // Departing from the proposal without a word is refused; with a note it is the committee's call.
      await expect(services.yearEnd.confirm(w.as('committee'), { accountId: a.id, year: 2025, decision: 'MAINTAIN' })).rejects.toMatchObject({ code: ErrorCode.REQUIRED, details: { field: 'note' } });
      const confirmed = await services.yearEnd.confirm(w.as('committee'), { accountId: a.id, year: 2025, decision: 'MAINTAIN', note: '新项目在谈，再观察一年' });
      expect([confirmed.decision, confirmed.decisionStatus]).toEqual([YearEndDecision.MAINTAIN, ReviewStatus.APPROVED]);
      const audit = await t().ds.getRepository(AuditEvent).findOneByOrFail({ action: 'yearEnd.confirm', entityId: String(ev.id) });
      expect(JSON.parse(String(audit.after))).toMatchObject({ decision: 'MAINTAIN', proposed: 'TERMINATE', note: expect.stringContaining('新项目在谈') });
      // Frozen for everyone — its manager and an ADMIN alike, change or delete.
      for (const who of ['hdManager', 'admin'] as const) {
        await expect(services.credit.update(w.as(who), ev.id, { rating: 'AAA' })).rejects.toMatchObject({ code: ErrorCode.ALREADY_DECIDED });
        await expect(services.credit.delete(w.as(who), ev.id, confirmed.version)).rejects.toMatchObject({ code: ErrorCode.ALREADY_DECIDED });
      }
      await expect(services.yearEnd.confirm(w.as('committee'), { accountId: a.id, year: 2025 })).rejects.toMatchObject({ code: ErrorCode.ALREADY_DECIDED });
      const stored = await t().ds.getRepository(CreditEvaluation).findOneByOrFail({ id: ev.id });
      expect([stored.rating, stored.decision]).toEqual(['C', 'MAINTAIN']);
    });

    it('confirming without a decision takes the proposal; only the committee revises it later, with a note, audited', async () => {
      const { services } = t();
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { tierCode: 'GENERAL' });
      const ev = await services.credit.create(w.system, { accountId: a.id, year: 2025, score: 70, rating: 'C' });
      const c = await w.gql('committee').data<{ confirmYearEndDecision: { decision: string } }>(
        'mutation($a: ID!) { confirmYearEndDecision(input: { accountId: $a, year: 2025, effectiveOn: "2026-01-10" }) { decision } }', { a: String(a.id) });
      expect(c.confirmYearEndDecision.decision).toBe('TERMINATE');
      expect((await services.accounts.get(w.system, a.id)).status).toBe(AccountStatus.TERMINATED);
      const REVISE = 'mutation($input: ConfirmYearEndDecisionInput!) { reviseYearEndDecision(input: $input) { decision } }';
      // A manager may not; the committee needs a note; it cannot revive an account whose cooperation ended.
      expect(errorOf(await w.gql('hdManager').request(REVISE, { input: { accountId: String(a.id), year: 2025, decision: 'MAINTAIN', note: 'x' } })).code).toBe('FORBIDDEN');
      expect(errorOf(await w.gql('committee').request(REVISE, { input: { accountId: String(a.id), year: 2025, decision: 'MAINTAIN' } }))).toMatchObject({ reason: 'REQUIRED', field: 'note' });
      expect(errorOf(await w.gql('committee').request(REVISE, { input: { accountId: String(a.id), year: 2025, decision: 'MAINTAIN', note: '复议' } }))).toMatchObject({ reason: 'INVALID_STATE' });

      const b = await ownedAccount(services, w, w.units.hd, w.users.hdManager, { tierCode: 'GENERAL' });
      const evB = await services.credit.create(w.system, { accountId: b.id, year: 2025, score: 90, rating: 'AA' });
      await services.yearEnd.confirm(w.as('committee'), { accountId: b.id, year: 2025, decision: 'MAINTAIN', note: '稳定' });
      const r = await w.gql('committee').data<{ reviseYearEndDecision: { decision: string } }>(REVISE, { input: { accountId: String(b.id), year: 2025, decision: 'STRENGTHEN', note: '集团新投资，加强攻关' } });
      expect(r.reviseYearEndDecision.decision).toBe('STRENGTHEN');
      const audit = await t().ds.getRepository(AuditEvent).findOneByOrFail({ action: 'yearEnd.revise', entityId: String(evB.id) });
      expect(JSON.parse(String(audit.before))).toMatchObject({ decision: 'MAINTAIN' });
      expect(JSON.parse(String(audit.after))).toMatchObject({ decision: 'STRENGTHEN', note: expect.stringContaining('集团新投资') });
      expect(ev.id).not.toBe(evB.id);
    });
  });

  describe('management levels (公司级 / 分公司级)', () => {
    it('are proposed from the follow-up contract value summed over the group, decided by the committee, and then read-only', async () => {
      const { services } = t();
      const group = await ownedAccount(services, w, w.units.hn, w.users.hnManager, { expectedContractValue: 1.2 * 亿 });
      const member = await ownedAccount(services, w, w.units.hn, w.users.hnManager, { expectedContractValue: 0.9 * 亿, parentId: group.id });
      // The half-year run proposes 公司级 for both: 2.1亿 over the group.
      const period = currentHalfYear(services.clock);
      const run = await services.levelReviews.start(w.as('committee'), period);
      expect(run.proposed).toBeGreaterThanOrEqual(2);
      const reviews = await services.levelReviews.list(w.system, { accountId: member.id }, {});
      expect(reviews.nodes).toHaveLength(1);
      expect(reviews.nodes[0].reason).toContain('集团合计后续合同成交额');
      const approved = await w.gql('committee').data<{ approveManagementLevelReview: { status: string; toLevel: { name: string } } }>(
        'mutation($id: ID!) { approveManagementLevelReview(id: $id, note: "集团口径") { status toLevel { name } } }', { id: String(reviews.nodes[0].id) });
      expect(approved.approveManagementLevelReview).toEqual({ status: 'APPROVED', toLevel: { name: '公司级' } });
      // Decided: no door changes it but another review.
      await expect(services.accounts.update(w.as('admin'), member.id, { managementLevel: '分公司级' })).rejects.toMatchObject({ code: ErrorCode.INVALID_STATE });
      const again = await services.levelReviews.start(w.as('committee'), period);
      expect(again.alreadyReviewed + again.alreadyPending).toBeGreaterThanOrEqual(1);
      // 公司级 is led by the head office, 分公司级 by the branch; the list and the filter show it.
      const q = await w.gql('analyst').data<{ account: { managementLevel: { name: string }; leadUnit: { name: string } } }>(
        'query($id: ID!) { account(id: $id) { managementLevel { name } leadUnit { name } } }', { id: String(member.id) });
      expect(q.account).toEqual({ managementLevel: { name: '公司级' }, leadUnit: { name: '总公司' } });
      const branchLevel = await ownedAccount(services, w, w.units.hb, w.users.hbManager, { managementLevel: '分公司级' });
      const list = await w.gql('analyst').data<{ managementLevelList: { level: { name: string }; account: { code: string }; leadUnit: { name: string } }[] }>(
        '{ managementLevelList { level { name } account { code } leadUnit { name } } }');
      expect(list.managementLevelList).toEqual(expect.arrayContaining([
        { level: { name: '公司级' }, account: { code: member.code }, leadUnit: { name: '总公司' } },
        { level: { name: '分公司级' }, account: { code: branchLevel.code }, leadUnit: { name: '华北分公司' } },
      ]));
      const ranks = list.managementLevelList.map((i) => i.level.name);
      expect(ranks.indexOf('分公司级')).toBeGreaterThan(ranks.lastIndexOf('公司级'));
      const filtered = await w.gql('analyst').data<{ accounts: { nodes: { code: string }[] } }>('{ accounts(first: 100, filter: { managementLevels: ["分公司级"] }) { nodes { code } } }');
      expect(filtered.accounts.nodes.map((n) => n.code)).toContain(branchLevel.code);
      expect(filtered.accounts.nodes.map((n) => n.code)).not.toContain(member.code);
    });

    it('a manager proposes for its own accounts only; a period that has not begun is refused', async () => {
      const { services } = t();
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
      await expect(services.levelReviews.propose(w.as('hnManager'), { accountId: a.id, toLevel: '公司级', reason: '看好' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      const mine = await services.levelReviews.propose(w.as('hdManager'), { accountId: a.id, toLevel: '公司级', reason: '集团统一采购' });
      expect(mine.status).toBe(ReviewStatus.PENDING);
      await expect(services.levelReviews.propose(w.as('hdManager'), { accountId: a.id, toLevel: '分公司级', reason: '再提' })).rejects.toMatchObject({ code: ErrorCode.ALREADY_EXISTS });
      const future = nextHalf(currentHalfYear(services.clock));
      for (const start of [() => services.levelReviews.start(w.as('committee'), future), () => services.tierReviews.start(w.as('committee'), future)]) {
        await expect(start()).rejects.toMatchObject({ code: ErrorCode.DATE_IN_FUTURE, details: { field: 'period' } });
      }
    });
  });

  describe('recommendations', () => {
    it('approval names the manager, and sets the tier and the management level', async () => {
      const { services } = t();
      const rec = await services.ownership.recommend(w.as('committee'), { account: { code: 'RC-1', name: '委员会推荐的集团', expectedContractValue: 2.5 * 亿, annualSales: 3000 * 10_000 }, unitId: w.units.hd.id });
      expect(rec.managerId).toBeNull();
      await expect(services.ownership.approveRecommendation(w.as('committee'), rec.id)).rejects.toMatchObject({ code: ErrorCode.REQUIRED, details: { field: 'managerId' } });
      await expect(services.ownership.approveRecommendation(w.as('committee'), rec.id, { managerId: w.users.hnManager.id })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'managerId' } });
      await expect(services.ownership.approveRecommendation(w.as('committee'), rec.id, { managerId: w.users.hdManager2.id, effectiveOn: addDays(today(), 30) })).rejects.toMatchObject({ code: ErrorCode.DATE_IN_FUTURE });
      await services.ownership.approveRecommendation(w.as('committee'), rec.id, { managerId: w.users.hdManager2.id });
      const a = await services.accounts.getByCode(w.system, 'RC-1');
      const levels = await services.tiers.listManagementLevels();
      expect([a.status, a.managerId, levels.find((l) => l.id === a.managementLevelId)?.name]).toEqual([AccountStatus.ACTIVE, w.users.hdManager2.id, '公司级']);
    });
  });

  describe('dates that describe the past', () => {
    it('payments and consent cannot lie in the future', async () => {
      const { services } = t();
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
      await expect(services.projects.createPayment(w.as('finance'), { accountId: a.id, receivedOn: addDays(today(), 20), amount: 1000 })).rejects.toMatchObject({ code: ErrorCode.DATE_IN_FUTURE, details: { field: 'receivedOn' } });
      const c = await services.contacts.create(w.as('hdManager'), { accountId: a.id, name: '孙总' });
      await expect(services.consent.record(w.as('hdManager'), c.id, { source: '书面', consentAt: new Date(Date.now() + 20 * 86_400_000) })).rejects.toMatchObject({ code: ErrorCode.DATE_IN_FUTURE });
      // Within the tolerance (a day) is accepted: clocks and time zones differ.
      expect((await services.projects.createPayment(w.as('finance'), { accountId: a.id, receivedOn: addDays(today(), 1), amount: 1000 })).amountFen).toBe(100_000);
    });
  });

  describe('dry runs', () => {
    it('tell a manager nothing about another manager\'s people: every guess is refused the same way, before any comparison', async () => {
      const { services } = t();
      const a = await ownedAccount(services, w, w.units.hd, w.users.hdManager);
      await services.contacts.create(w.system, { accountId: a.id, name: '钱总', mobile: '13812345678' });
      const guesses = ['13812345678', '13812345679', '13900000000', null];
      const file = await exceljsWorkbook(tmpFile('guess.xlsx'), [{ rows: [['客户编号', '姓名', '手机'], ...guesses.map((m) => [a.code, '钱总', m])] }]);
      const res = await fetch(`${w.server.url.replace(/\/graphql$/, '')}/imports/persons?wait=true&dryRun=true`, {
        method: 'POST', headers: { authorization: `Bearer ${w.key('hnManager')}`, 'x-file-name': 'guess.xlsx' }, body: fs.readFileSync(file),
      });
      fs.rmSync(file, { force: true });
      const report = (await res.json()) as { rows: Record<string, number>; errors: { code: string; message: string; value: string | null }[] };
      expect(report.rows).toMatchObject({ total: 4, valid: 0, invalid: 4, created: 0, updated: 0, unchanged: 0 });
      expect(new Set(report.errors.map((e) => `${e.code}|${e.message}`)).size).toBe(1);
      expect(report.errors[0].code).toBe('FORBIDDEN');
      expect(await t().ds.getRepository(ImportJob).countBy({ dryRun: true })).toBeGreaterThan(0);
    });
  });
});
