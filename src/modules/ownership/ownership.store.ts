/**
 * The ownership records (assignments, recommendations) and the lookups the ownership rules need,
 * without any service above them: AccountService opens a new account's recommendation or first
 * assignment through this, OwnershipService its committee actions, the annex loaders whole batches.
 * Dependencies run one way: accounts → ownership store, ownership service → accounts.
 */
import { In, IsNull, type DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { AssignmentReason } from '../../common/enums';
import { today, type LocalDate } from '../../common/dates';
import { pick } from '../../common/objects';
import { managerFor } from '../../db/transaction';
import { dbKind } from '../../db/data-source';
import { bulkInsert, bulkWrite } from '../../db/bulk';
import type { AuditService } from '../audit/audit.service';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Assignment } from './assignment.entity';
import { AccountRecommendation } from './account-recommendation.entity';
import { LIVE_STATUSES, pickDuplicate, type DuplicateMatch } from './ownership.rules';
import { ReviewStatus } from '../../common/enums';

/** What {@link OwnershipStore.openInitialAssignmentsOfNew} needs of an account just inserted. */
export interface NewAccountOwner {
  id: number;
  status: string;
  ownerUnitId?: number | null;
  managerId?: number | null;
  registeredOn?: LocalDate | null;
}

export class OwnershipStore {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The account a company duplicates (see {@link pickDuplicate}), read with a locking read on MySQL. */
  async findDuplicate(ctx: RequestContext, creditCode: string | null, nameKey: string, selfId: number | null = null): Promise<DuplicateMatch<Account> | null> {
    const em = managerFor(this.ds, ctx);
    const others = <T extends Account>(qb: SelectQueryBuilder<T>) => (selfId === null ? qb : qb.andWhere('a.id <> :selfId', { selfId }));
    const byCredit = creditCode ? await this.lockingRead(others(em.createQueryBuilder(Account, 'a').where('a.creditCode = :creditCode', { creditCode }))).getOne() : null;
    const byName = byCredit ? [] : await this.lockingRead(others(em.createQueryBuilder(Account, 'a').where('a.nameKey = :key', { key: nameKey })).orderBy('a.id', 'ASC')).getMany();
    return pickDuplicate(byCredit, byName);
  }

  /** On MySQL a locking read sees the latest committed rows even when the transaction read before. */
  private lockingRead<T extends Account>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return dbKind(this.ds) === 'mysql' ? qb.setLock('pessimistic_read') : qb;
  }

  /** Units with an open cross-region (non-primary) assignment on each account. */
  async crossRegionUnits(ctx: RequestContext, accountIds: readonly number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    const ids = [...new Set(accountIds)];
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await managerFor(this.ds, ctx).find(Assignment, { select: { id: true, accountId: true, unitId: true }, where: { accountId: In(ids.slice(i, i + 1000)), isPrimary: false, toDate: IsNull() } });
      for (const r of rows) out.set(r.accountId, [...(out.get(r.accountId) ?? []), r.unitId]);
    }
    return out;
  }

  /** Unit names by id, for messages (units are few). */
  async unitNames(ctx: RequestContext): Promise<(id: number) => string> {
    const units = await managerFor(this.ds, ctx).find(OrgUnit, { select: { id: true, name: true } });
    const names = new Map(units.map((u) => [u.id, u.name]));
    return (id) => names.get(id) ?? `#${id}`;
  }

  /** The manager must be an active user of the unit (or of a department under it). */
  async assertManagerInUnit(ctx: RequestContext, managerId: number | null, unitId: number, field: string): Promise<void> {
    const em = managerFor(this.ds, ctx);
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

  /** A candidate's recommendation (PENDING), remembering what the account was before when it was claimed. */
  async openRecommendation(ctx: RequestContext, account: Account, previous: Account | null, reason: string | null = null): Promise<AccountRecommendation> {
    const em = managerFor(this.ds, ctx);
    const rec = em.create(AccountRecommendation, {
      accountId: account.id,
      unitId: account.ownerUnitId as number,
      managerId: account.managerId,
      recommendedById: ctx.actor.userId,
      recommendedByName: ctx.actor.name.slice(0, 200),
      recommendedAt: new Date(),
      reason,
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
      after: { status: account.status, ownerUnitId: rec.unitId, managerId: rec.managerId, recommendationId: rec.id },
    });
    return rec;
  }

  /**
   * Recommendations of new candidates inserted by code (a manager's annex import): one INSERT … SELECT
   * per chunk, one audit event per account, as {@link openRecommendation} does for one.
   */
  async openRecommendationsByCode(ctx: RequestContext, codes: readonly string[]): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const now = new Date();
    for (let i = 0; i < codes.length; i += 1000) {
      const accounts = await em.find(Account, { select: { id: true, code: true, status: true, ownerUnitId: true, managerId: true }, where: { code: In(codes.slice(i, i + 1000)) } });
      const rows = accounts.map((a) => ({
        accountId: a.id, unitId: a.ownerUnitId as number, managerId: a.managerId, recommendedById: ctx.actor.userId, recommendedByName: ctx.actor.name.slice(0, 200),
        recommendedAt: now, reason: null, status: ReviewStatus.PENDING, previousStatus: null, previousOwnerUnitId: null, previousManagerId: null,
        decidedById: null, decidedAt: null, decisionNote: null, version: 1,
      }));
      await bulkInsert(em, AccountRecommendation, rows);
      await this.audit.recordMany(ctx, accounts.map((a) => ({
        action: 'account.recommend', entity: 'Account', entityId: a.id, fields: ['status', 'ownerUnitId', 'managerId'],
        after: { status: a.status, ownerUnitId: a.ownerUnitId, managerId: a.managerId },
      })));
    }
  }

  async openAssignment(ctx: RequestContext, a: Pick<Assignment, 'accountId' | 'unitId' | 'managerId' | 'isPrimary' | 'fromDate' | 'reason' | 'note'>): Promise<Assignment> {
    const em = managerFor(this.ds, ctx);
    const row = em.create(Assignment, { ...a, toDate: null, decidedById: ctx.actor.userId });
    await em.save(row);
    return row;
  }

  async closeAssignment(em: EntityManager, a: Assignment, on: LocalDate): Promise<void> {
    // A handover on the first day still leaves a one-day period rather than an end before the start.
    const toDate = on < a.fromDate ? a.fromDate : on;
    await em.update(Assignment, { id: a.id, toDate: IsNull() }, { toDate });
  }

  /** The first (INITIAL) assignment of an owned account, audited. */
  async openInitialAssignment(ctx: RequestContext, account: Pick<Account, 'id'>, unitId: number, managerId: number | null, fromDate: LocalDate): Promise<void> {
    const a = await this.openAssignment(ctx, { accountId: account.id, unitId, managerId, isPrimary: true, fromDate, reason: AssignmentReason.INITIAL, note: null });
    await this.audit.record(ctx, {
      action: 'account.assign', entity: 'Account', entityId: account.id, fields: ['ownerUnitId', 'managerId'],
      after: { ownerUnitId: unitId, managerId, reason: AssignmentReason.INITIAL, fromDate, assignmentId: a.id },
    });
  }

  /**
   * For writers that insert accounts in bulk (the annex importer): opens the INITIAL assignment of
   * every given account that is active or suspended, has an owning unit and no open assignment yet —
   * from its 建档日期, else today — in batched statements. Returns how many.
   */
  async openInitialAssignments(ctx: RequestContext, accountIds: readonly number[]): Promise<number> {
    const em = managerFor(this.ds, ctx);
    const ids = [...new Set(accountIds)];
    let opened = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const accounts = await em.find(Account, { where: { id: In(chunk), status: In([...LIVE_STATUSES]) }, select: { id: true, ownerUnitId: true, managerId: true, registeredOn: true } });
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
   * The bulk form of {@link openInitialAssignments} for accounts just inserted (the annex importer), whose
   * ids, owners and dates the writer holds: multi-row INSERTs, no read. Only live accounts with an owning
   * unit get one (a new account has no assignment yet), from its 建档日期, else from `fromDate`: an archive
   * imported today describes ownership that began when the account was filed.
   */
  async openInitialAssignmentsOfNew(ctx: RequestContext, accounts: readonly NewAccountOwner[], fromDate: LocalDate): Promise<number> {
    const live = new Set<string>(LIVE_STATUSES);
    const now = new Date();
    const rows = accounts
      .filter((a) => a.ownerUnitId != null && live.has(a.status))
      .map((a) => ({ accountId: a.id, unitId: a.ownerUnitId as number, managerId: a.managerId ?? null, fromDate: a.registeredOn ?? fromDate }));
    await bulkWrite(managerFor(this.ds, ctx), Assignment, rows, {
      defaults: { isPrimary: true, toDate: null, reason: AssignmentReason.INITIAL, note: null, decidedById: ctx.actor.userId, createdAt: now, updatedAt: now },
    });
    return rows.length;
  }
}
