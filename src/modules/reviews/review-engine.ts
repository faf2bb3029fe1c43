/**
 * The lifecycle every committee review of an account's decided value runs through — its tier (级别复核)
 * and its management level (管理层级复核): a manager (for an account it manages) or the committee
 * proposes with a reason; the committee approves (the account takes the value) or rejects with a
 * note; the proposer withdraws; a half-yearly run proposes every live account whose figures call for
 * another value. A decided value changes only this way: every door that writes accounts refuses it.
 */
import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatuses, ReviewStatus, Role } from '../../common/enums';
import { currentHalfYear, type Clock } from '../../common/clock';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { optionalText, requiredText } from '../../common/text';
import { inTransaction, managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { acquirePolicyLock, type PolicyLockName } from '../../db/policy-lock';
import { decidePending, pendingRow } from '../../db/decidable';
import { updateVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { assertRole } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import { LIVE_STATUSES } from '../ownership/ownership.rules';
import type { AccountReview } from './account-review.entity';

/** A value an account can be reviewed into: a tier or a management level. */
export interface ReviewTarget {
  id: number;
  name: string;
  code: string;
  active: boolean;
}

/** What differs between the reviews: the table, the account column, the words, the suggestions. */
export interface ReviewDimension<R extends AccountReview> {
  entity: new () => R;
  lock: PolicyLockName;
  /** For messages: `tier review`. */
  what: string;
  /** For messages: 客户级别. */
  label: string;
  /** Audit actions are `${auditPrefix}.propose` etc. */
  auditPrefix: string;
  /** The review's columns holding the value before and the value proposed. */
  from: keyof R & string;
  to: keyof R & string;
  /** The account's column the approval writes. */
  accountColumn: 'tierId' | 'managementLevelId';
  /** The input field naming the proposed value (for messages): toTier, toLevel. */
  field: string;
  /** The proposal's mutation, named in messages. */
  proposeMutation: string;
  resolve(input: string, field: string): Promise<ReviewTarget>;
  get(ctx: RequestContext, id: number): Promise<ReviewTarget>;
  /** The value each account's figures call for, with the reason written into a run's proposals. */
  suggest(ctx: RequestContext, accounts: readonly Pick<Account, 'id' | 'tierId' | 'managementLevelId'>[], period: string): Promise<Map<number, { target: ReviewTarget; reason: string } | null>>;
}

export interface ReviewFilter {
  accountId?: number | null;
  statuses?: ReviewStatus[] | null;
  period?: string | null;
}

/** What a half-yearly run did. */
export interface ReviewRun {
  period: string;
  /** Live accounts looked at. */
  accounts: number;
  /** New proposals opened by this run. */
  proposed: number;
  /** Accounts whose suggested value differs but that already have a pending review. */
  alreadyPending: number;
  /** Accounts already reviewed in this period (an earlier run, whatever its outcome). */
  alreadyReviewed: number;
  /** Accounts whose figures suggest nothing. */
  withoutSuggestion: number;
  reviewIds: number[];
}

const PERIOD = /^(\d{4})H([12])$/;

/** A review period (2026H1, 2026H2), not later than the current half-year. */
export function parsePeriod(input: string, clock?: Clock): { period: string; year: number; half: 1 | 2 } {
  const period = input.trim().toUpperCase();
  const m = PERIOD.exec(period);
  if (!m || +m[1] < 1990 || +m[1] > 2100) throw new DomainError(ErrorCode.VALIDATION_FAILED, `period: "${input}" is not a half-year such as 2026H1 or 2026H2`, { field: 'period' });
  if (clock && period > currentHalfYear(clock)) {
    throw new DomainError(ErrorCode.DATE_IN_FUTURE, `period: ${period} has not begun (the current half-year is ${currentHalfYear(clock)}); a review covers a half-year that has started`, { field: 'period', value: period });
  }
  return { period, year: +m[1], half: m[2] === '1' ? 1 : 2 };
}

type Row = Record<string, unknown>;

export class ReviewEngine<R extends AccountReview> {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly maxPageSize: () => number,
    private readonly d: ReviewDimension<R>,
  ) {}

  async get(ctx: RequestContext, id: number): Promise<R> {
    const review = await managerFor(this.ds, ctx).findOneBy(this.d.entity, { id } as never);
    if (!review) throw notFound(this.d.entity.name, id);
    return review;
  }

  list(ctx: RequestContext, filter: ReviewFilter, page: PageArgs): Promise<Connection<R>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(this.d.entity, 'r');
    if (filter.accountId != null) qb.andWhere('r.accountId = :accountId', { accountId: filter.accountId });
    if (filter.statuses?.length) qb.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
    // A half-year of the half-yearly reviews, or a year of the yearly tier list.
    if (filter.period) qb.andWhere('r.period = :period', { period: /^\s*\d{4}\s*$/.test(filter.period) ? filter.period.trim() : parsePeriod(filter.period).period });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  /** A manager (for an account it manages) or the committee proposes a change, with a reason. */
  protected async proposeChange(ctx: RequestContext, input: { accountId: number; to: string; reason: string | null; period?: string | null }): Promise<R> {
    const { d } = this;
    assertRole(ctx, [Role.MANAGER, Role.COMMITTEE], d.proposeMutation);
    const reason = requiredText(input.reason, 'reason', `理由 / why the ${d.label} should change`);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, d.lock);
      const account = await em.findOneBy(Account, { id: input.accountId });
      if (!account) throw notFound('Account', input.accountId);
      await this.access.assertActorManages(tx, account, d.proposeMutation);
      if (!LIVE_STATUSES.includes(account.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `accountId: account ${account.code} is ${AccountStatuses.label(account.status)}; only active accounts are reviewed`, { field: 'accountId' });
      }
      const to = await d.resolve(input.to, d.field);
      if (to.id === account[d.accountColumn]) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${d.field}: account ${account.code} is already ${to.name}`, { field: d.field });
      await this.assertNonePending(tx, account);
      const review = em.create(d.entity, this.newRow(tx, account, to.id, reason, input.period ?? null) as never);
      await em.save(review);
      await this.audit.record(tx, {
        action: `${d.auditPrefix}.propose`, entity: d.entity.name, entityId: review.id, fields: [d.accountColumn],
        before: { accountId: account.id, [d.accountColumn]: account[d.accountColumn] }, after: { accountId: account.id, [d.accountColumn]: to.id, reason },
      });
      return review;
    });
  }

  /**
   * The committee approves: the account takes the proposed value. Refused when the review was
   * already decided (ALREADY_DECIDED), or is stale (STALE_PROPOSAL): the account's value or status
   * changed since it was proposed, or the proposed value was deactivated.
   */
  async approve(ctx: RequestContext, id: number, noteInput?: string | null): Promise<R> {
    const { d } = this;
    assertRole(ctx, [Role.COMMITTEE], `approve a ${d.what}`);
    const note = optionalText(noteInput, 'note');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, d.lock);
      const review = await pendingRow(em, d.entity, id, d.what);
      const row = review as unknown as Row;
      const account = await em.findOneByOrFail(Account, { id: review.accountId });
      const to = await d.get(tx, row[d.to] as number);
      if (account[d.accountColumn] !== row[d.from]) {
        const now = account[d.accountColumn] === null ? '(none)' : (await d.get(tx, account[d.accountColumn] as number)).name;
        throw new DomainError(ErrorCode.STALE_PROPOSAL, `review #${id} is stale: account ${account.code} is now ${now}, not the ${d.label} the proposal started from; reject it and propose again`, { field: 'id' });
      }
      if (!LIVE_STATUSES.includes(account.status)) {
        throw new DomainError(ErrorCode.STALE_PROPOSAL, `review #${id} is stale: account ${account.code} is ${AccountStatuses.label(account.status)}`, { field: 'id' });
      }
      if (!to.active) throw new DomainError(ErrorCode.STALE_PROPOSAL, `review #${id} is stale: ${to.name} has been deactivated`, { field: 'id' });
      await decidePending(em, tx, d.entity, review.id, ReviewStatus.APPROVED, note, d.what);
      await updateVersioned(em, Account, account, { [d.accountColumn]: to.id }, null, `account ${account.code}`);
      await this.audit.record(tx, {
        action: `${d.auditPrefix}.approve`, entity: d.entity.name, entityId: id, fields: [d.accountColumn],
        before: { accountId: account.id, [d.accountColumn]: account[d.accountColumn] }, after: { accountId: account.id, [d.accountColumn]: to.id, note },
      });
      return this.get(tx, id);
    });
  }

  /** The committee rejects, saying why; the value stays. */
  async reject(ctx: RequestContext, id: number, noteInput: string | null): Promise<R> {
    assertRole(ctx, [Role.COMMITTEE], `reject a ${this.d.what}`);
    const note = requiredText(noteInput, 'note', '驳回理由 / why it is rejected');
    return this.close(ctx, id, ReviewStatus.REJECTED, note, `${this.d.auditPrefix}.reject`);
  }

  /** The proposer (or the committee) withdraws a pending proposal. */
  async withdraw(ctx: RequestContext, id: number, noteInput?: string | null): Promise<R> {
    assertRole(ctx, [Role.MANAGER, Role.COMMITTEE], `withdraw a ${this.d.what}`);
    const note = optionalText(noteInput, 'note');
    const review = await this.get(ctx, id);
    if (ctx.actor.role === Role.MANAGER && (review.proposedById === null || review.proposedById !== ctx.actor.userId)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `review #${id} was proposed by someone else; its proposer or the committee withdraws it`, { field: 'id' });
    }
    return this.close(ctx, id, ReviewStatus.WITHDRAWN, note, `${this.d.auditPrefix}.withdraw`);
  }

  /**
   * Opens the half-yearly review `period` (2026H1, 2026H2; not a half-year still to come): a proposal
   * for every live account whose figures call for another value. Idempotent: an account already
   * reviewed in the period, or with a proposal pending, is left alone.
   */
  async start(ctx: RequestContext, periodInput: string): Promise<ReviewRun> {
    const { d } = this;
    assertRole(ctx, [Role.COMMITTEE], `start a ${d.what}`);
    const { period } = parsePeriod(periodInput, this.clock);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, d.lock);
      const accounts = await em.find(Account, { where: { status: In([...LIVE_STATUSES]) }, select: { id: true, tierId: true, managementLevelId: true }, order: { id: 'ASC' } });
      const suggestions = await d.suggest(tx, accounts, period);
      const reviewed = new Set((await em.find(d.entity, { where: { period } as never, select: { id: true, accountId: true } as never })).map((r) => r.accountId));
      const pending = new Set((await em.find(d.entity, { where: { status: ReviewStatus.PENDING } as never, select: { id: true, accountId: true } as never })).map((r) => r.accountId));
      const run: ReviewRun = { period, accounts: accounts.length, proposed: 0, alreadyPending: 0, alreadyReviewed: 0, withoutSuggestion: 0, reviewIds: [] };
      const rows: Row[] = [];
      for (const a of accounts) {
        const s = suggestions.get(a.id);
        if (!s) {
          run.withoutSuggestion++;
          continue;
        }
        if (s.target.id === a[d.accountColumn]) continue;
        if (reviewed.has(a.id)) run.alreadyReviewed++;
        else if (pending.has(a.id)) run.alreadyPending++;
        else rows.push({ ...this.newRow(tx, a, s.target.id, s.reason, period), version: 1 });
      }
      await bulkInsert(em, d.entity, rows as never[]);
      const created = rows.length
        ? await em.find(d.entity, { where: { period, status: ReviewStatus.PENDING, decidedAt: IsNull() } as never, select: { id: true, accountId: true } as never, order: { id: 'ASC' } as never })
        : [];
      const proposedFor = new Set(rows.map((r) => r.accountId));
      run.proposed = rows.length;
      run.reviewIds = created.filter((r) => proposedFor.has(r.accountId)).map((r) => r.id);
      await this.audit.record(tx, {
        action: `${d.auditPrefix}.start`, entity: d.entity.name, entityId: period, recordIds: run.reviewIds,
        after: { period, accounts: run.accounts, proposed: run.proposed, alreadyPending: run.alreadyPending, alreadyReviewed: run.alreadyReviewed },
      });
      return run;
    });
  }

  /**
   * Opens proposals in bulk for one period (the yearly tier list): one per account without a pending
   * review; an account that has one keeps it. Returns the pending review of every account given.
   * The caller decided who may (the committee) and holds the transaction.
   */
  async openProposals(ctx: RequestContext, period: string, proposals: readonly { account: Pick<Account, 'id' | 'tierId' | 'managementLevelId'>; to: number; reason: string }[]): Promise<Map<number, number>> {
    const { d } = this;
    const em = managerFor(this.ds, ctx);
    await acquirePolicyLock(em, d.lock);
    const ids = proposals.map((p) => p.account.id);
    const pendingOf = async () => {
      const out = new Map<number, number>();
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = await em.find(d.entity, { where: { status: ReviewStatus.PENDING, accountId: In(ids.slice(i, i + 1000)) } as never, select: { id: true, accountId: true } as never });
        for (const r of rows) out.set(r.accountId, r.id);
      }
      return out;
    };
    const before = await pendingOf();
    const rows: Row[] = proposals.filter((p) => !before.has(p.account.id)).map((p) => ({ ...this.newRow(ctx, p.account, p.to, p.reason, period), version: 1 }));
    await bulkInsert(em, d.entity, rows as never[]);
    const after = await pendingOf();
    if (rows.length) {
      await this.audit.record(ctx, {
        action: `${d.auditPrefix}.propose`, entity: d.entity.name, entityId: period, recordIds: rows.map((r) => after.get(r.accountId as number)!).filter(Boolean),
        after: { period, proposed: rows.length },
      });
    }
    return after;
  }

  private newRow(ctx: RequestContext, account: Pick<Account, 'id' | 'tierId' | 'managementLevelId'>, to: number, reason: string, period: string | null): Row {
    return {
      accountId: account.id, [this.d.from]: account[this.d.accountColumn], [this.d.to]: to, reason, period,
      proposedById: ctx.actor.userId, proposedAt: new Date(), status: ReviewStatus.PENDING, decidedById: null, decidedAt: null, decisionNote: null,
    };
  }

  private async assertNonePending(ctx: RequestContext, account: Account): Promise<void> {
    const pending = await managerFor(this.ds, ctx).findOneBy(this.d.entity, { accountId: account.id, status: ReviewStatus.PENDING } as never);
    if (pending) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `accountId: account ${account.code} already has a pending ${this.d.what} (#${pending.id}); the committee decides it first`, { field: 'accountId' });
    }
  }

  private async close(ctx: RequestContext, id: number, status: ReviewStatus, note: string | null, action: string): Promise<R> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const review = await pendingRow(em, this.d.entity, id, this.d.what);
      await decidePending(em, tx, this.d.entity, review.id, status, note, this.d.what);
      await this.audit.record(tx, { action, entity: this.d.entity.name, entityId: id, fields: ['status'], before: { status: review.status }, after: { status, note } });
      return this.get(tx, id);
    });
  }
}
