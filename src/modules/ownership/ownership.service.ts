import { IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, AccountStatuses, AssignmentReason, ReviewStatus, Role } from '../../common/enums';
import { dateOrToday } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, nameKey, optionalText, requiredText } from '../../common/text';
import { normalizeCreditCode } from '../../common/validation';
import { pick } from '../../common/objects';
import { toIdOrNull, type Id } from '../../common/ids';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { acquirePolicyLock } from '../../db/policy-lock';
import { decidePending, pendingRow } from '../../db/decidable';
import { updateVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import { assertRole } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import type { AccountInput, AccountService } from '../accounts/account.service';
import { OrgUnit } from '../org/org-unit.entity';
import { TierReview } from '../reviews/tier-review.entity';
import { ManagementLevelReview } from '../reviews/management-level-review.entity';
import type { TierService } from '../tiers/tier.service';
import { Assignment } from './assignment.entity';
import { AccountRecommendation } from './account-recommendation.entity';
import { LIVE_STATUSES, assertClaimable, parseReassignReason } from './ownership.rules';
import type { OwnershipStore } from './ownership.store';

/** A unit recommends a company (谁开发、谁优先). */
export interface RecommendInput {
  /** The company as the unit knows it: name (and 客户编号 when it is new), credit code, figures… */
  account: AccountInput;
  /** The recommending unit; a MANAGER's own unit when absent. */
  unitId?: number | null;
  /** The proposed account manager (of that unit); a MANAGER itself when absent. */
  managerId?: number | null;
  /** 推荐理由 */
  reason?: string | null;
}

export interface ApproveRecommendationInput {
  /** The tier the committee gives it; the candidate's proposed tier, else the suggested one, when absent. */
  tierCode?: string | null;
  /** The management level it gets; the proposed, else the suggested one (or none) when absent. */
  managementLevel?: string | null;
  /** Its account manager (of the recommending unit); the recommended one when absent — one is required. */
  managerId?: number | null;
  /** Ownership starts on this day (default today). */
  effectiveOn?: string | null;
  note?: string | null;
}

export interface ReassignInput {
  accountId: number;
  /** The new owning unit; the current one when only the manager changes. */
  unitId?: number | null;
  managerId: number;
  reason: AssignmentReason | string | null;
  note: string | null;
  effectiveOn?: string | null;
}

export interface CrossRegionInput {
  accountId: number;
  unitId: number;
  managerId?: number | null;
  note: string | null;
  effectiveOn?: string | null;
}

export interface TerminateInput {
  effectiveOn?: string | null;
  note: string | null;
}

export interface AssignmentFilter {
  accountId?: number | null;
  unitId?: number | null;
  managerId?: number | null;
  /** true: only open assignments (no end date); false: only closed ones. */
  current?: boolean | null;
  reasons?: AssignmentReason[] | null;
}

export interface RecommendationFilter {
  accountId?: number | null;
  unitId?: number | null;
  statuses?: ReviewStatus[] | null;
}

/**
 * 谁开发、谁优先: the unit that recommended an approved account, and its manager, own it exclusively.
 * Only the committee moves it (for an enumerated reason) or adds a second unit for a large
 * cross-region account; every period of ownership is an Assignment row and every action is audited.
 * The decisions are pure functions in ownership.rules.ts; this service reads, locks and writes.
 * Races between API instances are settled in the database: each action first takes the `ownership`
 * lock row, so two units recommending the same company at once are served one after the other and
 * the second sees the first's candidate.
 */
/** Called when an account's manager changes by the committee's hand: their open items go with the account. */
export type ManagerChangeHook = (ctx: RequestContext, accountId: number, fromUserId: number, toUserId: number | null) => Promise<void>;

export class OwnershipService {
  private managerChanged: ManagerChangeHook | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly accounts: AccountService,
    private readonly store: OwnershipStore,
    private readonly clock: Clock,
  ) {}

  /** The handover rule: open follow-ups, complaints and plans follow their account to its new manager. */
  setManagerChangeHook(hook: ManagerChangeHook): void {
    this.managerChanged = hook;
  }

  // ---------------------------------------------------------------- recommendation and approval

  /**
   * A unit recommends a company: a new account (or a known one nobody owns, or one whose cooperation
   * ended) becomes a CANDIDATE of that unit, awaiting the committee. A company another unit already
   * has is refused with OWNERSHIP_CONFLICT naming that unit and nothing else.
   */
  async recommend(ctx: RequestContext, input: RecommendInput): Promise<AccountRecommendation> {
    assertRole(ctx, [Role.MANAGER, Role.COMMITTEE], 'recommendAccount');
    const { unitId, managerId } = this.recommender(ctx, input.unitId ?? null, input.managerId ?? null);
    const reason = optionalText(input.reason, 'reason');
    const name = cleanText(input.account?.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'account.name: 单位名称 is required', { field: 'account.name' });
    const creditCode = cleanText(input.account.creditCode) ? normalizeCreditCode(input.account.creditCode as string, 'account.creditCode') : null;
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      await this.store.assertManagerInUnit(tx, managerId, unitId, 'managerId');
      const duplicate = await this.store.findDuplicate(tx, creditCode, nameKey(name));
      if (!duplicate) {
        const values = await this.accounts.normalize(tx, input.account, true);
        const account = await this.accounts.insertNew(tx, { ...values, status: AccountStatus.CANDIDATE, ownerUnitId: unitId, managerId }, reason);
        return em.findOneByOrFail(AccountRecommendation, { accountId: account.id, status: ReviewStatus.PENDING });
      }
      const cross = (await this.store.crossRegionUnits(tx, [duplicate.account.id])).get(duplicate.account.id) ?? [];
      assertClaimable(duplicate, unitId, cross, await this.store.unitNames(tx));
      // The unit's fresh figures and details apply; the company's identity (code, name) stays. The
      // recommendation is the authority here, so the details are written with the claim itself.
      const { code: _code, name: _name, status: _status, ownerUnitId: _unit, managerId: _manager, creditCode: givenCredit, ...details } = input.account;
      const patch: AccountInput = duplicate.account.creditCode === null && givenCredit ? { ...details, creditCode: givenCredit } : details;
      const detailValues = await this.accounts.normalize(tx, patch, false);
      const claimed: Partial<Account> = { ...detailValues, status: AccountStatus.CANDIDATE, ownerUnitId: unitId, managerId };
      await updateVersioned(em, Account, duplicate.account, claimed, null, `account ${duplicate.account.code}`);
      return this.store.openRecommendation(tx, { ...duplicate.account, ...claimed } as Account, duplicate.account, reason);
    });
  }

  /**
   * The committee approves: the candidate becomes ACTIVE, owned by the recommending unit and its
   * manager (INITIAL assignment), with the tier and management level the committee gives (or the
   * proposed, else the suggested ones). The approval names the manager: a candidate recommended
   * without one needs `managerId`.
   */
  async approveRecommendation(ctx: RequestContext, id: number, input: ApproveRecommendationInput = {}): Promise<AccountRecommendation> {
    assertRole(ctx, [Role.COMMITTEE], 'approveRecommendation');
    const note = optionalText(input.note, 'note');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    const givenManager = toIdOrNull(input.managerId, 'managerId');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const rec = await pendingRow(em, AccountRecommendation, id, 'recommendation');
      const account = await em.findOneByOrFail(Account, { id: rec.accountId });
      if (account.status !== AccountStatus.CANDIDATE || account.ownerUnitId !== rec.unitId) {
        throw new DomainError(ErrorCode.STALE_PROPOSAL, `recommendation #${id} is stale: account ${account.code} is no longer this unit's candidate`, { field: 'id' });
      }
      const managerId = givenManager ?? rec.managerId;
      if (managerId === null) throw new DomainError(ErrorCode.REQUIRED, `managerId: recommendation #${id} names no account manager; the approval names one (of the recommending unit)`, { field: 'managerId' });
      await this.store.assertManagerInUnit(tx, managerId, rec.unitId, 'managerId');
      const suggestion = (await this.tiers.suggestions(tx, [account.id])).get(account.id);
      let tierId = account.tierId;
      if (cleanText(input.tierCode)) tierId = (await this.tiers.resolve(input.tierCode as string, 'tierCode')).id;
      if (tierId === null) tierId = suggestion?.tier?.id ?? null;
      if (tierId === null) throw new DomainError(ErrorCode.REQUIRED, 'tierCode: the account has no annual sales to suggest a tier from; give the tier it gets', { field: 'tierCode' });
      let managementLevelId = account.managementLevelId;
      if (cleanText(input.managementLevel)) managementLevelId = (await this.tiers.resolveManagementLevel(input.managementLevel as string)).id;
      if (managementLevelId === null) managementLevelId = suggestion?.level?.id ?? null;
      await decidePending(em, tx, AccountRecommendation, rec.id, ReviewStatus.APPROVED, note, 'recommendation');
      const values: Partial<Account> = { status: AccountStatus.ACTIVE, tierId, managementLevelId, managerId, terminatedOn: null, registeredOn: account.registeredOn ?? effectiveOn };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.store.openAssignment(tx, { accountId: account.id, unitId: rec.unitId, managerId, isPrimary: true, fromDate: effectiveOn, reason: AssignmentReason.INITIAL, note });
      await this.audit.record(tx, {
        action: 'account.approve', entity: 'Account', entityId: account.id, fields: Object.keys(values),
        before: pick(account, Object.keys(values)), after: { ...values, ownerUnitId: rec.unitId, recommendationId: rec.id, note },
      });
      return em.findOneByOrFail(AccountRecommendation, { id });
    });
  }

  /**
   * The committee rejects (with a note saying why). A company the recommendation created is marked
   * REJECTED and left without owner, so any unit may recommend it again; a company it claimed goes
   * back to what it was.
   */
  async rejectRecommendation(ctx: RequestContext, id: number, noteInput: string | null): Promise<AccountRecommendation> {
    assertRole(ctx, [Role.COMMITTEE], 'rejectRecommendation');
    const note = requiredText(noteInput, 'note', '驳回理由 / why it is rejected');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const rec = await pendingRow(em, AccountRecommendation, id, 'recommendation');
      const account = await em.findOneByOrFail(Account, { id: rec.accountId });
      await decidePending(em, tx, AccountRecommendation, rec.id, ReviewStatus.REJECTED, note, 'recommendation');
      const values: Partial<Account> = rec.previousStatus === null
        ? { status: AccountStatus.REJECTED, ownerUnitId: null, managerId: null }
        : { status: rec.previousStatus, ownerUnitId: rec.previousOwnerUnitId, managerId: rec.previousManagerId };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.audit.record(tx, {
        action: 'account.reject', entity: 'Account', entityId: account.id, fields: Object.keys(values),
        before: pick(account, Object.keys(values)), after: { ...values, recommendationId: rec.id, note },
      });
      return em.findOneByOrFail(AccountRecommendation, { id });
    });
  }

  // ---------------------------------------------------------------- committee: reassignment

  /**
   * Moves an account to another unit and/or manager — the committee only, and only for one of the
   * enumerated reasons (客户经理不胜任、客户要求、利益冲突) with a note. The open assignment is closed on
   * `effectiveOn` and a new one opened.
   */
  async reassign(ctx: RequestContext, input: ReassignInput): Promise<Assignment> {
    assertRole(ctx, [Role.COMMITTEE], 'reassignAccount');
    const reason = parseReassignReason(input.reason);
    const note = requiredText(input.note, 'note', '说明 / what happened (the committee\'s grounds)');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const account = await this.liveOwnedAccount(tx, input.accountId, 'reassignAccount');
      const unitId = input.unitId ?? (account.ownerUnitId as number);
      await this.store.assertManagerInUnit(tx, input.managerId, unitId, 'managerId');
      if (unitId === account.ownerUnitId && input.managerId === account.managerId) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'managerId: the account already belongs to that unit and manager', { field: 'managerId' });
      }
      const open = await em.find(Assignment, { where: { accountId: account.id, toDate: IsNull() } });
      const primary = open.find((a) => a.isPrimary);
      if (primary && effectiveOn < primary.fromDate) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `effectiveOn: ${effectiveOn} is before the current assignment began (${primary.fromDate})`, { field: 'effectiveOn' });
      }
      // The old primary ends; a cross-region unit that now becomes the owner ends its secondary role too.
      for (const a of open.filter((x) => x.isPrimary || x.unitId === unitId)) await this.store.closeAssignment(em, a, effectiveOn);
      const assignment = await this.store.openAssignment(tx, { accountId: account.id, unitId, managerId: input.managerId, isPrimary: true, fromDate: effectiveOn, reason, note });
      const values: Partial<Account> = { ownerUnitId: unitId, managerId: input.managerId };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      if (account.managerId !== null) await this.managerChanged?.(tx, account.id, account.managerId, input.managerId);
      await this.audit.record(tx, {
        action: 'account.reassign', entity: 'Account', entityId: account.id, fields: ['ownerUnitId', 'managerId'],
        before: { ownerUnitId: account.ownerUnitId, managerId: account.managerId }, after: { ...values, reason, note, effectiveOn, assignmentId: assignment.id },
      });
      return assignment;
    });
  }

  /** Adds a second (non-primary) unit to a large cross-region account (跨区域协同); the owner stays. */
  async addCrossRegionUnit(ctx: RequestContext, input: CrossRegionInput): Promise<Assignment> {
    assertRole(ctx, [Role.COMMITTEE], 'addCrossRegionUnit');
    const note = requiredText(input.note, 'note', '说明 / why a second unit is needed');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const account = await this.liveOwnedAccount(tx, input.accountId, 'addCrossRegionUnit');
      if (!(await em.existsBy(OrgUnit, { id: input.unitId }))) throw new DomainError(ErrorCode.NOT_FOUND, `unitId: unit ${input.unitId} not found`, { field: 'unitId' });
      if (input.unitId === account.ownerUnitId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'unitId: that unit already owns the account', { field: 'unitId' });
      if (await em.existsBy(Assignment, { accountId: account.id, unitId: input.unitId, toDate: IsNull() })) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, 'unitId: that unit already works on the account (cross-region)', { field: 'unitId' });
      }
      if (input.managerId != null) await this.store.assertManagerInUnit(tx, input.managerId, input.unitId, 'managerId');
      const assignment = await this.store.openAssignment(tx, {
        accountId: account.id, unitId: input.unitId, managerId: input.managerId ?? null, isPrimary: false, fromDate: effectiveOn, reason: AssignmentReason.CROSS_REGION, note,
      });
      await this.audit.record(tx, {
        action: 'account.addUnit', entity: 'Account', entityId: account.id, fields: ['assignments'],
        after: { unitId: input.unitId, managerId: input.managerId ?? null, reason: AssignmentReason.CROSS_REGION, note, effectiveOn, assignmentId: assignment.id },
      });
      return assignment;
    });
  }

  /** Ends a cross-region (second unit) assignment. */
  async endCrossRegionUnit(ctx: RequestContext, assignmentId: number, input: TerminateInput): Promise<Assignment> {
    assertRole(ctx, [Role.COMMITTEE], 'endCrossRegionUnit');
    const note = requiredText(input.note, 'note', '说明 / why the second unit stops');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const a = await em.findOneBy(Assignment, { id: assignmentId });
      if (!a) throw notFound('Assignment', assignmentId);
      if (a.isPrimary) throw new DomainError(ErrorCode.INVALID_STATE, 'assignmentId: that is the owning unit\'s assignment; the owner changes only by reassignAccount', { field: 'assignmentId' });
      if (a.toDate !== null) throw new DomainError(ErrorCode.ALREADY_DECIDED, `assignmentId: the assignment already ended on ${a.toDate}`, { field: 'assignmentId' });
      if (effectiveOn < a.fromDate) throw new DomainError(ErrorCode.VALIDATION_FAILED, `effectiveOn: before the assignment began (${a.fromDate})`, { field: 'effectiveOn' });
      await this.store.closeAssignment(em, a, effectiveOn);
      // The second unit's manager's open items on the account go to the account's manager.
      if (a.managerId !== null) await this.managerChanged?.(tx, a.accountId, a.managerId, (await em.findOneByOrFail(Account, { id: a.accountId })).managerId);
      await this.audit.record(tx, {
        action: 'account.endUnit', entity: 'Account', entityId: a.accountId, fields: ['assignments'],
        before: { assignmentId: a.id, unitId: a.unitId, toDate: null }, after: { toDate: effectiveOn, note },
      });
      return em.findOneByOrFail(Assignment, { id: assignmentId });
    });
  }

  /**
   * 终止合作: the account stops being ACTIVE from `effectiveOn` (terminatedOn), its open assignments close
   * on that day, pending tier reviews are withdrawn, and visit cadence no longer applies after it.
   * The year-end decision TERMINATE calls this; the committee may also terminate during the year.
   */
  async terminate(ctx: RequestContext, accountId: number, input: TerminateInput, source = 'account.terminate'): Promise<Account> {
    assertRole(ctx, [Role.COMMITTEE], 'terminateAccount');
    const note = requiredText(input.note, 'note', '说明 / why the cooperation ends');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const account = await em.findOneBy(Account, { id: accountId });
      if (!account) throw notFound('Account', accountId);
      if (account.status === AccountStatus.TERMINATED) {
        throw new DomainError(ErrorCode.ALREADY_DECIDED, `account ${account.code}: cooperation already ended on ${account.terminatedOn ?? '(date unknown)'}`, { field: 'accountId' });
      }
      if (!LIVE_STATUSES.includes(account.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `account ${account.code} is ${AccountStatuses.label(account.status)}; only an active or suspended account can be terminated`, { field: 'accountId' });
      }
      const open = await em.find(Assignment, { where: { accountId, toDate: IsNull() } });
      const start = open.reduce<string | null>((m, a) => (m === null || a.fromDate > m ? a.fromDate : m), null);
      if (start && effectiveOn < start) throw new DomainError(ErrorCode.VALIDATION_FAILED, `effectiveOn: before the current assignment began (${start})`, { field: 'effectiveOn' });
      for (const a of open) await this.store.closeAssignment(em, a, effectiveOn);
      for (const review of [TierReview, ManagementLevelReview]) {
        await em
          .createQueryBuilder()
          .update(review)
          .set({ status: ReviewStatus.WITHDRAWN, decidedAt: new Date(), decidedById: ctx.actor.userId, decisionNote: `终止合作 / account terminated (${effectiveOn})` })
          .where('account_id = :accountId AND status = :pending', { accountId, pending: ReviewStatus.PENDING })
          .execute();
      }
      const values: Partial<Account> = { status: AccountStatus.TERMINATED, terminatedOn: effectiveOn };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.audit.record(tx, {
        action: source, entity: 'Account', entityId: accountId, fields: Object.keys(values),
        before: { status: account.status, terminatedOn: account.terminatedOn }, after: { ...values, note, closedAssignments: open.map((a) => a.id) },
      });
      return em.findOneByOrFail(Account, { id: accountId });
    });
  }

  // ---------------------------------------------------------------- reads

  getAssignment(ctx: RequestContext, id: Id): Promise<Assignment> {
    return findByIdOrFail(this.ds, ctx, Assignment, id);
  }

  getRecommendation(ctx: RequestContext, id: Id): Promise<AccountRecommendation> {
    return findByIdOrFail(this.ds, ctx, AccountRecommendation, id);
  }

  // ---------------------------------------------------------------- lists

  listAssignments(ctx: RequestContext, filter: AssignmentFilter, page: PageArgs, maxPageSize: number): Promise<Connection<Assignment>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(Assignment, 'x');
    if (filter.accountId != null) qb.andWhere('x.accountId = :accountId', { accountId: filter.accountId });
    if (filter.unitId != null) qb.andWhere('x.unitId = :unitId', { unitId: filter.unitId });
    if (filter.managerId != null) qb.andWhere('x.managerId = :managerId', { managerId: filter.managerId });
    if (filter.current === true) qb.andWhere('x.toDate IS NULL');
    if (filter.current === false) qb.andWhere('x.toDate IS NOT NULL');
    if (filter.reasons?.length) qb.andWhere('x.reason IN (:...reasons)', { reasons: filter.reasons });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, maxPageSize);
  }

  listRecommendations(ctx: RequestContext, filter: RecommendationFilter, page: PageArgs, maxPageSize: number): Promise<Connection<AccountRecommendation>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(AccountRecommendation, 'x');
    if (filter.accountId != null) qb.andWhere('x.accountId = :accountId', { accountId: filter.accountId });
    if (filter.unitId != null) qb.andWhere('x.unitId = :unitId', { unitId: filter.unitId });
    if (filter.statuses?.length) qb.andWhere('x.status IN (:...statuses)', { statuses: filter.statuses });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, maxPageSize);
  }

  // ---------------------------------------------------------------- internals

  /** Which unit and manager a caller recommends for. */
  private recommender(ctx: RequestContext, unitId: number | null, managerId: number | null): { unitId: number; managerId: number | null } {
    if (ctx.actor.role === Role.MANAGER) {
      const own = ctx.actor.unitId;
      if (own === null) throw new DomainError(ErrorCode.FORBIDDEN, 'unitId: your user belongs to no unit, so it cannot recommend accounts', { field: 'unitId' });
      if (unitId !== null && unitId !== own) throw new DomainError(ErrorCode.FORBIDDEN, 'unitId: a manager recommends accounts for its own unit only', { field: 'unitId' });
      if (managerId !== null && managerId !== ctx.actor.userId) throw new DomainError(ErrorCode.FORBIDDEN, 'managerId: a manager recommends accounts it will manage itself', { field: 'managerId' });
      return { unitId: own, managerId: ctx.actor.userId };
    }
    if (unitId === null) throw new DomainError(ErrorCode.REQUIRED, 'unitId: the recommending unit is required', { field: 'unitId' });
    return { unitId, managerId };
  }

  private async liveOwnedAccount(ctx: RequestContext, accountId: number, what: string): Promise<Account> {
    const account = await managerFor(this.ds, ctx).findOneBy(Account, { id: accountId });
    if (!account) throw notFound('Account', accountId);
    if (!LIVE_STATUSES.includes(account.status)) {
      throw new DomainError(ErrorCode.INVALID_STATE, `${what}: account ${account.code} is ${AccountStatuses.label(account.status)}; only an active or suspended account has owners to change`, { field: 'accountId' });
    }
    if (account.ownerUnitId === null) {
      throw new DomainError(ErrorCode.INVALID_STATE, `${what}: account ${account.code} has no owning unit yet; a unit recommends it first`, { field: 'accountId' });
    }
    return account;
  }
}
