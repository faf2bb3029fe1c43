import { In, IsNull, type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, AccountStatuses, AssignmentReason, AssignmentReasons, ReviewStatus, Role } from '../../common/enums';
import { addDays, today, type LocalDate } from '../../common/dates';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, nameKey } from '../../common/text';
import { normalizeCreditCode } from '../../common/validation';
import { inTransaction, managerFor } from '../../db/transaction';
import { dbKind } from '../../db/data-source';
import { bulkInsert } from '../../db/bulk';
import type { AuditService } from '../audit/audit.service';
import { Account } from '../accounts/account.entity';
import type { AccountInput, AccountService } from '../accounts/account.service';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Assignment } from './assignment.entity';
import { AccountRecommendation } from './account-recommendation.entity';
import { TierReview } from './tier-review.entity';
import type { TierService } from './tier.service';
import type { AccessService } from '../auth/access.service';
import {
  acquirePolicyLock, dateOrToday, decidePending, isRole, optionalText, pendingRow, pick, requireRole, requiredText, updateVersioned,
} from './policy-support';

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
  /** The tier the committee gives it; the suggested tier (or the candidate's own) when absent. */
  tierCode?: string | null;
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

/** Statuses in which an account has an owner that others must respect. */
const OWNED = [AccountStatus.CANDIDATE, AccountStatus.ACTIVE, AccountStatus.SUSPENDED];
const LIVE = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED];
/** The reasons for which the committee may move an account to another unit or manager. */
const REASSIGN_REASONS = [AssignmentReason.MANAGER_UNFIT, AssignmentReason.CUSTOMER_REQUEST, AssignmentReason.CONFLICT_OF_INTEREST];

type AccountPatch = Partial<Account>;

const changed = (values: AccountPatch, account: Account, key: keyof Account) =>
  Object.prototype.hasOwnProperty.call(values, key) && values[key] !== undefined && values[key] !== account[key];

/**
 * 谁开发、谁优先: the unit that recommended an approved account, and its manager, own it exclusively.
 * Only the committee moves it (for an enumerated reason) or adds a second unit for a large
 * cross-region account; every period of ownership is an Assignment row and every action is audited.
 * Races between API instances are settled in the database: each action first takes the `ownership`
 * lock row, so two units recommending the same company at once are served one after the other and
 * the second sees the first's candidate.
 */
export class OwnershipService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly access: AccessService,
    /** Late-bound: AccountService calls back into this service for its ownership rules. */
    private readonly accounts: () => AccountService,
  ) {}

  // ---------------------------------------------------------------- checks other services call

  /**
   * Refuses (OWNERSHIP_CONFLICT, naming only the owning unit) when `unitId` would take an account
   * that another unit owns. Importers call it for every row that names a 推荐单位; a unit that holds
   * a cross-region assignment on the account may own it too.
   */
  async assertMayOwn(ctx: RequestContext, account: Pick<Account, 'id' | 'name' | 'status' | 'ownerUnitId'>, unitId: number | null): Promise<void> {
    if (!OWNED.includes(account.status) || account.ownerUnitId === null || unitId === null || account.ownerUnitId === unitId) return;
    const em = managerFor(this.ds, ctx);
    if (await em.existsBy(Assignment, { accountId: account.id, unitId, toDate: IsNull() })) return;
    throw new DomainError(
      ErrorCode.OWNERSHIP_CONFLICT,
      `ownerUnitId: 客户「${account.name}」已归属「${await this.unitName(em, account.ownerUnitId)}」（谁开发、谁优先），变更须经大客户管理委员会 / the account belongs to another unit; only the committee reassigns it`,
      { field: 'ownerUnitId' },
    );
  }

  /** Whether the caller is the account's manager (primary, or on a cross-region assignment). */
  actorManages(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId'>): Promise<boolean> {
    return this.access.manages(ctx, account);
  }

  /** A MANAGER may act only on accounts it manages; other roles pass (their role was checked already). */
  async assertActorManages(ctx: RequestContext, account: Pick<Account, 'id' | 'managerId' | 'code' | 'name'>, what: string): Promise<void> {
    if (!isRole(ctx, Role.MANAGER)) return;
    if (!(await this.actorManages(ctx, account))) {
      throw new DomainError(ErrorCode.FORBIDDEN, `${what}: you do not manage account ${account.code} ${account.name}; a manager acts only on its own accounts`, { field: 'accountId' });
    }
  }

  /**
   * For writers that insert accounts in bulk, bypassing AccountService (fast import paths): opens the
   * INITIAL assignment of every given account that is active or suspended, has an owning unit and
   * no open assignment yet — from its 建档日期, else today — in batched statements. Returns how many.
   */
  async openInitialAssignments(ctx: RequestContext, accountIds: readonly number[]): Promise<number> {
    const em = managerFor(this.ds, ctx);
    const ids = [...new Set(accountIds)];
    let opened = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const accounts = await em.find(Account, { where: { id: In(chunk), status: In(LIVE) }, select: { id: true, ownerUnitId: true, managerId: true, registeredOn: true } });
      const open = new Set((await em.find(Assignment, { where: { accountId: In(chunk), toDate: IsNull() }, select: { id: true, accountId: true } })).map((a) => a.accountId));
      const rows = accounts
        .filter((a) => a.ownerUnitId !== null && !open.has(a.id))
        .map((a) => ({
          accountId: a.id, unitId: a.ownerUnitId as number, managerId: a.managerId, isPrimary: true, fromDate: a.registeredOn ?? today(),
          toDate: null, reason: AssignmentReason.INITIAL, note: null, decidedById: ctx.actor.userId,
        }));
      await bulkInsert(em, Assignment, rows);
      await this.audit.recordMany(ctx, rows.map((r) => ({
        action: 'account.assign', entity: 'Account', entityId: r.accountId, fields: ['ownerUnitId', 'managerId'],
        after: { ownerUnitId: r.unitId, managerId: r.managerId, reason: AssignmentReason.INITIAL, fromDate: r.fromDate },
      })));
      opened += rows.length;
    }
    return opened;
  }

  /**
   * The bulk form of {@link openInitialAssignments} for accounts just inserted by code (the annex
   * importer): one INSERT … SELECT per chunk, no ids travelling back and forth. Only accounts with an
   * owning unit and no assignment yet get one, from its 建档日期 (as {@link openInitialAssignments}), else
   * from `fromDate`: an archive imported today describes ownership that began when the account was filed.
   */
  async openInitialAssignmentsByCode(ctx: RequestContext, codes: readonly string[], fromDate: LocalDate): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const q = (n: string) => em.connection.driver.escape(n);
    const now = dbKind(this.ds) === 'mysql' ? 'CURRENT_TIMESTAMP(3)' : "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    for (let i = 0; i < codes.length; i += 1000) {
      const chunk = codes.slice(i, i + 1000);
      await em.query(
        `INSERT INTO ${q('assignments')} (${['account_id', 'unit_id', 'manager_id', 'is_primary', 'from_date', 'reason', 'created_at', 'updated_at'].map(q).join(', ')}) ` +
          `SELECT a.id, a.owner_unit_id, a.manager_id, 1, COALESCE(a.registered_on, ?), ?, ${now}, ${now} FROM ${q('accounts')} a ` +
          `WHERE a.owner_unit_id IS NOT NULL AND a.code IN (${chunk.map(() => '?').join(', ')}) ` +
          `AND NOT EXISTS (SELECT 1 FROM ${q('assignments')} x WHERE x.account_id = a.id)`,
        [fromDate, AssignmentReason.INITIAL, ...chunk],
      );
    }
  }

  // ---------------------------------------------------------------- recommendation and approval

  /**
   * A unit recommends a company: a new account (or a known one nobody owns, or one whose cooperation
   * ended) becomes a CANDIDATE of that unit, awaiting the committee. A company another unit already
   * has is refused with OWNERSHIP_CONFLICT naming that unit and nothing else.
   */
  async recommend(ctx: RequestContext, input: RecommendInput): Promise<AccountRecommendation> {
    requireRole(ctx, [Role.MANAGER, Role.COMMITTEE], 'recommendAccount');
    const { unitId, managerId } = this.recommender(ctx, input.unitId ?? null, input.managerId ?? null);
    const reason = optionalText(input.reason, 'reason');
    const name = cleanText(input.account?.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'account.name: 单位名称 is required', { field: 'account.name' });
    const creditCode = cleanText(input.account.creditCode) ? normalizeCreditCode(input.account.creditCode as string, 'account.creditCode') : null;
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      await this.assertManagerInUnit(em, managerId, unitId, 'managerId');
      const duplicate = await this.findDuplicate(em, creditCode, nameKey(name));
      let accountId: number;
      if (duplicate) {
        await this.assertClaimable(em, duplicate.account, unitId, duplicate.field);
        accountId = await this.claim(tx, duplicate.account, unitId, managerId);
        // The unit's fresh figures and details apply; the company's identity (code, name) stays.
        const { code: _code, name: _name, status: _status, ownerUnitId: _unit, managerId: _manager, creditCode, ...details } = input.account;
        const patch: AccountInput = duplicate.account.creditCode === null && creditCode ? { ...details, creditCode } : details;
        if (Object.values(patch).some((v) => v !== undefined)) await this.accounts().update(tx, accountId, patch);
      } else {
        accountId = (await this.accounts().create(tx, { ...input.account, status: AccountStatus.CANDIDATE, ownerUnitId: unitId, managerId })).id;
      }
      const rec = await em.findOneByOrFail(AccountRecommendation, { accountId, status: ReviewStatus.PENDING });
      if (reason) {
        await em.update(AccountRecommendation, { id: rec.id }, { reason });
        rec.reason = reason;
      }
      return rec;
    });
  }

  /** The committee approves: the candidate becomes ACTIVE, owned by the recommending unit and manager (INITIAL assignment). */
  async approveRecommendation(ctx: RequestContext, id: number, input: ApproveRecommendationInput = {}): Promise<AccountRecommendation> {
    requireRole(ctx, [Role.COMMITTEE], 'approveRecommendation');
    const note = optionalText(input.note, 'note');
    const effectiveOn = dateOrToday(input.effectiveOn, 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const rec = await pendingRow(em, AccountRecommendation, id, 'recommendation');
      const account = await em.findOneByOrFail(Account, { id: rec.accountId });
      if (account.status !== AccountStatus.CANDIDATE || account.ownerUnitId !== rec.unitId) {
        throw new DomainError(ErrorCode.STALE_PROPOSAL, `recommendation #${id} is stale: account ${account.code} is no longer this unit's candidate`, { field: 'id' });
      }
      let tierId = account.tierId;
      if (cleanText(input.tierCode)) tierId = (await this.tiers.resolve(input.tierCode as string, 'tierCode')).id;
      if (tierId === null) tierId = (await this.tiers.suggestions(tx, [account.id])).get(account.id)?.tier?.id ?? null;
      if (tierId === null) throw new DomainError(ErrorCode.REQUIRED, 'tierCode: the account has no annual sales to suggest a tier from; give the tier it gets', { field: 'tierCode' });
      await decidePending(em, tx, AccountRecommendation, rec.id, ReviewStatus.APPROVED, note, 'recommendation');
      const values: AccountPatch = { status: AccountStatus.ACTIVE, tierId, terminatedOn: null, registeredOn: account.registeredOn ?? effectiveOn };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.openAssignment(em, tx, {
        accountId: account.id, unitId: rec.unitId, managerId: rec.managerId, isPrimary: true, fromDate: effectiveOn, reason: AssignmentReason.INITIAL, note,
      });
      await this.audit.record(tx, {
        action: 'account.approve', entity: 'Account', entityId: account.id, fields: Object.keys(values),
        before: { status: account.status, tierId: account.tierId }, after: { ...values, ownerUnitId: rec.unitId, managerId: rec.managerId, recommendationId: rec.id, note },
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
    requireRole(ctx, [Role.COMMITTEE], 'rejectRecommendation');
    const note = requiredText(noteInput, 'note', '驳回理由 / why it is rejected');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const rec = await pendingRow(em, AccountRecommendation, id, 'recommendation');
      const account = await em.findOneByOrFail(Account, { id: rec.accountId });
      await decidePending(em, tx, AccountRecommendation, rec.id, ReviewStatus.REJECTED, note, 'recommendation');
      const values: AccountPatch = rec.previousStatus === null
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
    requireRole(ctx, [Role.COMMITTEE], 'reassignAccount');
    const reason = parseReassignReason(input.reason);
    const note = requiredText(input.note, 'note', '说明 / what happened (the committee\'s grounds)');
    const effectiveOn = notInFuture(dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const account = await this.liveOwnedAccount(em, input.accountId, 'reassignAccount');
      const unitId = input.unitId ?? (account.ownerUnitId as number);
      await this.assertManagerInUnit(em, input.managerId, unitId, 'managerId');
      if (unitId === account.ownerUnitId && input.managerId === account.managerId) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'managerId: the account already belongs to that unit and manager', { field: 'managerId' });
      }
      const open = await em.find(Assignment, { where: { accountId: account.id, toDate: IsNull() } });
      const primary = open.find((a) => a.isPrimary);
      if (primary && effectiveOn < primary.fromDate) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `effectiveOn: ${effectiveOn} is before the current assignment began (${primary.fromDate})`, { field: 'effectiveOn' });
      }
      // The old primary ends; a cross-region unit that now becomes the owner ends its secondary role too.
      for (const a of open.filter((x) => x.isPrimary || x.unitId === unitId)) await this.closeAssignment(em, a, effectiveOn);
      const assignment = await this.openAssignment(em, tx, { accountId: account.id, unitId, managerId: input.managerId, isPrimary: true, fromDate: effectiveOn, reason, note });
      const values: AccountPatch = { ownerUnitId: unitId, managerId: input.managerId };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.audit.record(tx, {
        action: 'account.reassign', entity: 'Account', entityId: account.id, fields: ['ownerUnitId', 'managerId'],
        before: { ownerUnitId: account.ownerUnitId, managerId: account.managerId }, after: { ...values, reason, note, effectiveOn, assignmentId: assignment.id },
      });
      return assignment;
    });
  }

  /** Adds a second (non-primary) unit to a large cross-region account (跨区域协同); the owner stays. */
  async addCrossRegionUnit(ctx: RequestContext, input: CrossRegionInput): Promise<Assignment> {
    requireRole(ctx, [Role.COMMITTEE], 'addCrossRegionUnit');
    const note = requiredText(input.note, 'note', '说明 / why a second unit is needed');
    const effectiveOn = notInFuture(dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const account = await this.liveOwnedAccount(em, input.accountId, 'addCrossRegionUnit');
      if (!(await em.existsBy(OrgUnit, { id: input.unitId }))) throw new DomainError(ErrorCode.NOT_FOUND, `unitId: unit ${input.unitId} not found`, { field: 'unitId' });
      if (input.unitId === account.ownerUnitId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'unitId: that unit already owns the account', { field: 'unitId' });
      if (await em.existsBy(Assignment, { accountId: account.id, unitId: input.unitId, toDate: IsNull() })) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, 'unitId: that unit already works on the account (cross-region)', { field: 'unitId' });
      }
      if (input.managerId != null) await this.assertManagerInUnit(em, input.managerId, input.unitId, 'managerId');
      const assignment = await this.openAssignment(em, tx, {
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
    requireRole(ctx, [Role.COMMITTEE], 'endCrossRegionUnit');
    const note = requiredText(input.note, 'note', '说明 / why the second unit stops');
    const effectiveOn = notInFuture(dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const a = await em.findOneBy(Assignment, { id: assignmentId });
      if (!a) throw notFound('Assignment', assignmentId);
      if (a.isPrimary) throw new DomainError(ErrorCode.INVALID_STATE, 'assignmentId: that is the owning unit\'s assignment; the owner changes only by reassignAccount', { field: 'assignmentId' });
      if (a.toDate !== null) throw new DomainError(ErrorCode.ALREADY_DECIDED, `assignmentId: the assignment already ended on ${a.toDate}`, { field: 'assignmentId' });
      if (effectiveOn < a.fromDate) throw new DomainError(ErrorCode.VALIDATION_FAILED, `effectiveOn: before the assignment began (${a.fromDate})`, { field: 'effectiveOn' });
      await this.closeAssignment(em, a, effectiveOn);
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
    requireRole(ctx, [Role.COMMITTEE], 'terminateAccount');
    const note = requiredText(input.note, 'note', '说明 / why the cooperation ends');
    const effectiveOn = dateOrToday(input.effectiveOn, 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const account = await em.findOneBy(Account, { id: accountId });
      if (!account) throw notFound('Account', accountId);
      if (account.status === AccountStatus.TERMINATED) {
        throw new DomainError(ErrorCode.ALREADY_DECIDED, `account ${account.code}: cooperation already ended on ${account.terminatedOn ?? '(date unknown)'}`, { field: 'accountId' });
      }
      if (!LIVE.includes(account.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `account ${account.code} is ${AccountStatuses.label(account.status)}; only an active or suspended account can be terminated`, { field: 'accountId' });
      }
      const open = await em.find(Assignment, { where: { accountId, toDate: IsNull() } });
      const start = open.reduce<string | null>((m, a) => (m === null || a.fromDate > m ? a.fromDate : m), null);
      if (start && effectiveOn < start) throw new DomainError(ErrorCode.VALIDATION_FAILED, `effectiveOn: before the current assignment began (${start})`, { field: 'effectiveOn' });
      for (const a of open) await this.closeAssignment(em, a, effectiveOn);
      await em
        .createQueryBuilder()
        .update(TierReview)
        .set({ status: ReviewStatus.WITHDRAWN, decidedAt: new Date(), decidedById: ctx.actor.userId, decisionNote: `终止合作 / account terminated (${effectiveOn})` })
        .where('account_id = :accountId AND status = :pending', { accountId, pending: ReviewStatus.PENDING })
        .execute();
      const values: AccountPatch = { status: AccountStatus.TERMINATED, terminatedOn: effectiveOn };
      await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
      await this.audit.record(tx, {
        action: source, entity: 'Account', entityId: accountId, fields: Object.keys(values),
        before: { status: account.status, terminatedOn: account.terminatedOn }, after: { ...values, note, closedAssignments: open.map((a) => a.id) },
      });
      return em.findOneByOrFail(Account, { id: accountId });
    });
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

  // ---------------------------------------------------------------- AccountService hooks

  /**
   * Before AccountService inserts an account. A MANAGER's new account is a recommendation: a
   * CANDIDATE of its own unit, itself as manager. Any candidate is checked for duplicates under the
   * ownership lock; owner and manager must belong together.
   */
  async beforeCreate(ctx: RequestContext, input: AccountInput, values: AccountPatch): Promise<void> {
    if (values.status === AccountStatus.REJECTED) throw new DomainError(ErrorCode.INVALID_STATE, 'status: a new account cannot start as rejected', { field: 'status' });
    if (isRole(ctx, Role.MANAGER)) {
      if (cleanText(input.status as string | null | undefined) && values.status !== AccountStatus.CANDIDATE) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'status: a manager\'s new account is a candidate until the committee approves it (谁开发、谁优先)', { field: 'status' });
      }
      const own = this.recommender(ctx, values.ownerUnitId ?? null, values.managerId ?? null);
      Object.assign(values, { status: AccountStatus.CANDIDATE, ownerUnitId: own.unitId, managerId: own.managerId });
    }
    const em = managerFor(this.ds, ctx);
    if (values.status === AccountStatus.CANDIDATE) {
      if (values.ownerUnitId == null) throw new DomainError(ErrorCode.REQUIRED, 'ownerUnitId: a candidate needs the unit that recommends it', { field: 'ownerUnitId' });
      await acquirePolicyLock(em, 'ownership');
      const duplicate = await this.findDuplicate(em, values.creditCode ?? null, values.nameKey as string);
      if (duplicate) {
        await this.assertClaimable(em, duplicate.account, values.ownerUnitId, duplicate.field);
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `${duplicate.field}: the company is already account ${duplicate.account.code}; recommend it with recommendAccount`, { field: duplicate.field });
      }
    }
    if (values.ownerUnitId != null && values.managerId != null) await this.assertManagerInUnit(em, values.managerId, values.ownerUnitId, 'managerId');
  }

  /** After the insert: a candidate opens its recommendation, an owned active account its INITIAL assignment. */
  async afterCreate(ctx: RequestContext, account: Account): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (account.status === AccountStatus.CANDIDATE) {
      await this.openRecommendation(em, ctx, account, null);
    } else if (LIVE.includes(account.status) && account.ownerUnitId !== null) {
      await this.openInitialAssignment(em, ctx, account, account.ownerUnitId, account.managerId, account.registeredOn ?? today());
    }
  }



  /**
   * Before AccountService applies a patch: ownership, status and tier follow their own procedures
   * (reassignAccount, recommendation and approval, tier reviews, termination), so a plain update
   * cannot change them — except to fill in what is missing (first owner of an unowned account, a
   * manager where there was none, the tier of an account that has none or is still a candidate).
   */
  async beforeUpdate(ctx: RequestContext, account: Account, values: AccountPatch): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (changed(values, account, 'status')) this.assertStatusChange(ctx, account, values.status as AccountStatus);
    const ownerChanged = changed(values, account, 'ownerUnitId');
    const managerChanged = changed(values, account, 'managerId');
    if (ownerChanged || managerChanged) {
      const field = ownerChanged ? 'ownerUnitId' : 'managerId';
      if (account.status === AccountStatus.TERMINATED || account.status === AccountStatus.REJECTED) {
        throw new DomainError(ErrorCode.INVALID_STATE, `${field}: account ${account.code} is ${AccountStatuses.label(account.status)}; a unit takes it up again by recommending it (recommendAccount)`, { field });
      }
      const unowned = account.ownerUnitId === null;
      const fillingManager = !ownerChanged && account.managerId === null && values.managerId != null;
      if (unowned) {
        if (isRole(ctx, Role.MANAGER)) throw new DomainError(ErrorCode.OWNERSHIP_CONFLICT, `${field}: account ${account.code} has no owner yet; recommend it (recommendAccount) for the committee to approve`, { field });
      } else if (!fillingManager || (isRole(ctx, Role.MANAGER) && values.managerId !== ctx.actor.userId)) {
        throw new DomainError(
          ErrorCode.OWNERSHIP_CONFLICT,
          `${field}: 归属单位和客户经理只能由大客户管理委员会变更（reassignAccount，须说明原因：客户经理不胜任、客户要求或利益冲突）/ only the committee reassigns an account, for a stated reason`,
          { field },
        );
      }
      const unitId = values.ownerUnitId !== undefined ? values.ownerUnitId : account.ownerUnitId;
      const managerId = values.managerId !== undefined ? values.managerId : account.managerId;
      if (unitId !== null && managerId !== null) await this.assertManagerInUnit(em, managerId, unitId, 'managerId');
    }
    if (changed(values, account, 'tierId') && account.tierId !== null && account.status !== AccountStatus.CANDIDATE) {
      throw new DomainError(ErrorCode.INVALID_STATE, `tierCode: 客户级别只能经级别复核变更（proposeTierChange，委员会批准）/ the tier changes only through an approved tier review`, { field: 'tierCode' });
    }
  }

  /** After a patch: a first owner gets its INITIAL assignment; a manager filled in joins the open assignment. */
  async afterUpdate(ctx: RequestContext, before: Account, values: AccountPatch): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (changed(values, before, 'ownerUnitId') && before.ownerUnitId === null && values.ownerUnitId != null && LIVE.includes(before.status)) {
      const managerId = values.managerId !== undefined ? values.managerId : before.managerId;
      await this.openInitialAssignment(em, ctx, before, values.ownerUnitId, managerId, today());
    } else if (changed(values, before, 'managerId') && before.managerId === null && values.managerId != null) {
      await em.update(Assignment, { accountId: before.id, isPrimary: true, toDate: IsNull(), managerId: IsNull() }, { managerId: values.managerId });
    }
  }

  // ---------------------------------------------------------------- internals

  /** Which unit and manager a caller recommends for. */
  private recommender(ctx: RequestContext, unitId: number | null, managerId: number | null): { unitId: number; managerId: number | null } {
    if (isRole(ctx, Role.MANAGER)) {
      const own = ctx.actor.unitId;
      if (own === null) throw new DomainError(ErrorCode.FORBIDDEN, 'unitId: your user belongs to no unit, so it cannot recommend accounts', { field: 'unitId' });
      if (unitId !== null && unitId !== own) throw new DomainError(ErrorCode.FORBIDDEN, 'unitId: a manager recommends accounts for its own unit only', { field: 'unitId' });
      return { unitId: own, managerId: managerId ?? ctx.actor.userId };
    }
    if (unitId === null) throw new DomainError(ErrorCode.REQUIRED, 'unitId: the recommending unit is required', { field: 'unitId' });
    return { unitId, managerId };
  }

  /** The account a company duplicates: same credit code first, else the same normalised name (an owned one first). */
  private async findDuplicate(em: EntityManager, creditCode: string | null, key: string): Promise<{ account: Account; field: 'creditCode' | 'name' } | null> {
    if (creditCode) {
      const byCode = await this.lockingRead(em.createQueryBuilder(Account, 'a').where('a.creditCode = :creditCode', { creditCode })).getOne();
      if (byCode) return { account: byCode, field: 'creditCode' };
    }
    const byName = await this.lockingRead(em.createQueryBuilder(Account, 'a').where('a.nameKey = :key', { key }).orderBy('a.id', 'ASC')).getMany();
    const owned = byName.find((a) => OWNED.includes(a.status) && a.ownerUnitId !== null);
    const found = owned ?? byName[0];
    return found ? { account: found, field: 'name' } : null;
  }

  /** On MySQL a locking read sees the latest committed rows even when the transaction read before. */
  private lockingRead<T extends Account>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return dbKind(this.ds) === 'mysql' ? qb.setLock('pessimistic_read') : qb;
  }

  private async assertClaimable(em: EntityManager, account: Account, unitId: number, field: 'creditCode' | 'name'): Promise<void> {
    if (!OWNED.includes(account.status) || account.ownerUnitId === null) return;
    const path = field === 'creditCode' ? 'account.creditCode' : 'account.name';
    const sameUnit = account.ownerUnitId === unitId || (await em.existsBy(Assignment, { accountId: account.id, unitId, toDate: IsNull() }));
    if (sameUnit) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `${path}: your unit already has this company as account ${account.code} (${AccountStatuses.label(account.status)})`, { field: path });
    }
    const what = field === 'creditCode' ? '统一社会信用代码' : '单位名称';
    throw new DomainError(
      ErrorCode.OWNERSHIP_CONFLICT,
      `${path}: 该客户（${what}相同）已由「${await this.unitName(em, account.ownerUnitId)}」开发（谁开发、谁优先）/ another unit already develops this company`,
      { field: path },
    );
  }

  /** An existing, unowned or ended account becomes the recommending unit's candidate. */
  private async claim(ctx: RequestContext, account: Account, unitId: number, managerId: number | null): Promise<number> {
    const em = managerFor(this.ds, ctx);
    const values: AccountPatch = { status: AccountStatus.CANDIDATE, ownerUnitId: unitId, managerId };
    await updateVersioned(em, Account, account, values, null, `account ${account.code}`);
    await this.openRecommendation(em, ctx, { ...account, ...values } as Account, account);
    return account.id;
  }

  private async openRecommendation(em: EntityManager, ctx: RequestContext, account: Account, previous: Account | null): Promise<AccountRecommendation> {
    const rec = em.create(AccountRecommendation, {
      accountId: account.id,
      unitId: account.ownerUnitId as number,
      managerId: account.managerId,
      recommendedById: ctx.actor.userId,
      recommendedByName: ctx.actor.name.slice(0, 200),
      recommendedAt: new Date(),
      reason: null,
      status: ReviewStatus.PENDING,
      previousStatus: previous?.status ?? null,
      previousOwnerUnitId: previous?.ownerUnitId ?? null,
      previousManagerId: previous?.managerId ?? null,
      decidedById: null,
      decidedAt: null,
      decisionNote: null,
    });
    await em.save(rec);
    await this.audit.record(ctx, {
      action: 'account.recommend', entity: 'Account', entityId: account.id, fields: ['status', 'ownerUnitId', 'managerId'],
      before: previous ? pick(previous, ['status', 'ownerUnitId', 'managerId']) : null,
      after: { status: AccountStatus.CANDIDATE, ownerUnitId: rec.unitId, managerId: rec.managerId, recommendationId: rec.id },
    });
    return rec;
  }

  private async liveOwnedAccount(em: EntityManager, accountId: number, what: string): Promise<Account> {
    const account = await em.findOneBy(Account, { id: accountId });
    if (!account) throw notFound('Account', accountId);
    if (!LIVE.includes(account.status)) {
      throw new DomainError(ErrorCode.INVALID_STATE, `${what}: account ${account.code} is ${AccountStatuses.label(account.status)}; only an active or suspended account has owners to change`, { field: 'accountId' });
    }
    if (account.ownerUnitId === null) {
      throw new DomainError(ErrorCode.INVALID_STATE, `${what}: account ${account.code} has no owning unit yet; a unit recommends it first`, { field: 'accountId' });
    }
    return account;
  }

  private async openInitialAssignment(em: EntityManager, ctx: RequestContext, account: Account, unitId: number, managerId: number | null, fromDate: LocalDate): Promise<void> {
    const a = await this.openAssignment(em, ctx, { accountId: account.id, unitId, managerId, isPrimary: true, fromDate, reason: AssignmentReason.INITIAL, note: null });
    await this.audit.record(ctx, {
      action: 'account.assign', entity: 'Account', entityId: account.id, fields: ['ownerUnitId', 'managerId'],
      after: { ownerUnitId: unitId, managerId, reason: AssignmentReason.INITIAL, fromDate, assignmentId: a.id },
    });
  }

  private async openAssignment(
    em: EntityManager,
    ctx: RequestContext,
    a: Pick<Assignment, 'accountId' | 'unitId' | 'managerId' | 'isPrimary' | 'fromDate' | 'reason' | 'note'>,
  ): Promise<Assignment> {
    const row = em.create(Assignment, { ...a, toDate: null, decidedById: ctx.actor.userId });
    await em.save(row);
    return row;
  }

  private async closeAssignment(em: EntityManager, a: Assignment, on: LocalDate): Promise<void> {
    // A handover on the first day still leaves a one-day period rather than an end before the start.
    const toDate = on < a.fromDate ? a.fromDate : on;
    await em.update(Assignment, { id: a.id, toDate: IsNull() }, { toDate });
  }

  /** The manager must be an active user of the unit (or of a department under it). */
  private async assertManagerInUnit(em: EntityManager, managerId: number | null, unitId: number, field: string): Promise<void> {
    const unit = await em.findOneBy(OrgUnit, { id: unitId });
    if (!unit) throw new DomainError(ErrorCode.NOT_FOUND, `unitId: unit ${unitId} not found`, { field: 'unitId' });
    if (managerId === null) return;
    const user = await em.findOneBy(User, { id: managerId });
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `${field}: user ${managerId} not found`, { field });
    if (!user.active) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${user.name} is no longer active`, { field });
    let cursor = user.unitId;
    for (let depth = 0; cursor !== null && depth < 16; depth++) {
      if (cursor === unitId) return;
      cursor = (await em.findOne(OrgUnit, { where: { id: cursor }, select: { id: true, parentId: true } }))?.parentId ?? null;
    }
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${user.name} does not belong to ${unit.name}; the account manager comes from the owning unit`, { field });
  }

  private async unitName(em: EntityManager, unitId: number): Promise<string> {
    return (await em.findOne(OrgUnit, { where: { id: unitId }, select: { id: true, name: true } }))?.name ?? `#${unitId}`;
  }

  private assertStatusChange(ctx: RequestContext, account: Account, to: AccountStatus): void {
    const from = account.status;
    const refuse = (how: string) => {
      throw new DomainError(ErrorCode.INVALID_STATE, `status: account ${account.code} cannot go from ${AccountStatuses.label(from)} to ${AccountStatuses.label(to)} by an update; ${how}`, { field: 'status' });
    };
    if (to === AccountStatus.CANDIDATE || from === AccountStatus.TERMINATED || from === AccountStatus.REJECTED) refuse('a unit recommends it (recommendAccount)');
    if (from === AccountStatus.CANDIDATE) refuse('the committee approves or rejects the recommendation');
    if (to === AccountStatus.TERMINATED) refuse('the committee terminates it (terminateAccount or the year-end decision)');
    if (to === AccountStatus.REJECTED) refuse('only a recommendation is rejected');
    if (isRole(ctx, Role.MANAGER)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `status: suspending or resuming account ${account.code} is for the committee`, { field: 'status' });
    }
  }
}

function parseReassignReason(input: AssignmentReason | string | null | undefined): AssignmentReason {
  if (!cleanText(input as string | null | undefined)) {
    throw new DomainError(ErrorCode.REQUIRED, `reason: a reassignment needs one of ${REASSIGN_REASONS.map((r) => `${AssignmentReasons.label(r)} ${r}`).join('、')}`, { field: 'reason' });
  }
  const reason = AssignmentReasons.parse(String(input), 'reason');
  if (reason === AssignmentReason.CROSS_REGION) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'reason: a second unit for a cross-region account is added with addCrossRegionUnit; the owner stays', { field: 'reason' });
  }
  if (!REASSIGN_REASONS.includes(reason)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `reason: ${AssignmentReasons.label(reason)} is not a ground for reassignment (${REASSIGN_REASONS.map((r) => AssignmentReasons.label(r)).join('、')})`, { field: 'reason' });
  }
  return reason;
}

function notInFuture(date: LocalDate, field: string): LocalDate {
  if (date > addDays(today(), 1)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${date} is in the future; record the change when it takes effect`, { field });
  return date;
}
