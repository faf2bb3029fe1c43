import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, AccountStatuses, ReviewStatus, Role } from '../../common/enums';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { fenToYuan } from '../../common/money';
import { inTransaction, managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import type { AuditService } from '../audit/audit.service';
import { Account } from '../accounts/account.entity';
import { Tier } from './tier.entity';
import { TierReview } from './tier-review.entity';
import type { AccountFigures, TierService } from './tier.service';
import type { OwnershipService } from './ownership.service';
import { acquirePolicyLock, decidePending, optionalText, pendingRow, requireRole, requiredText, updateVersioned } from './policy-support';

export interface ProposeTierChangeInput {
  accountId: number;
  /** The proposed tier: code, name or alias. */
  toTier: string;
  reason: string | null;
}

export interface TierReviewFilter {
  accountId?: number | null;
  statuses?: ReviewStatus[] | null;
  period?: string | null;
}

/** What `startTierReview` did. */
export interface TierReviewRun {
  period: string;
  /** Active accounts looked at. */
  accounts: number;
  /** New proposals opened by this run. */
  proposed: number;
  /** Accounts whose suggested tier differs but that already have a pending review. */
  alreadyPending: number;
  /** Accounts already reviewed in this period (an earlier run, whatever its outcome). */
  alreadyReviewed: number;
  /** Accounts whose figures suggest no tier (no annual sales). */
  withoutSuggestion: number;
  reviewIds: number[];
}

const LIVE = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED];
const PERIOD = /^(\d{4})H([12])$/;

/**
 * 级别复核: tiers change only when the committee approves a proposal. A manager proposes for an
 * account it manages; `startTierReview(period)` proposes, once per half-year, every active account
 * whose figures call for another tier. Every proposal and decision is kept and audited.
 */
export class TierReviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly ownership: OwnershipService,
    private readonly maxPageSize: () => number,
  ) {}

  async get(ctx: RequestContext, id: number): Promise<TierReview> {
    const review = await managerFor(this.ds, ctx).findOneBy(TierReview, { id });
    if (!review) throw notFound('TierReview', id);
    return review;
  }

  async list(ctx: RequestContext, filter: TierReviewFilter, page: PageArgs): Promise<Connection<TierReview>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(TierReview, 'r');
    if (filter.accountId != null) qb.andWhere('r.accountId = :accountId', { accountId: filter.accountId });
    if (filter.statuses?.length) qb.andWhere('r.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.period) qb.andWhere('r.period = :period', { period: parsePeriod(filter.period).period });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  /** A manager (for an account it manages) or the committee proposes a tier change, with a reason. */
  async propose(ctx: RequestContext, input: ProposeTierChangeInput): Promise<TierReview> {
    requireRole(ctx, [Role.MANAGER, Role.COMMITTEE], 'proposeTierChange');
    const reason = requiredText(input.reason, 'reason', '理由 / why the tier should change');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'tier-review');
      const account = await em.findOneBy(Account, { id: input.accountId });
      if (!account) throw notFound('Account', input.accountId);
      await this.ownership.assertActorManages(tx, account, 'proposeTierChange');
      if (!LIVE.includes(account.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `accountId: account ${account.code} is ${AccountStatuses.label(account.status)}; only active accounts are reviewed`, { field: 'accountId' });
      }
      const to = await this.tiers.resolve(input.toTier, 'toTier');
      if (to.id === account.tierId) throw new DomainError(ErrorCode.VALIDATION_FAILED, `toTier: account ${account.code} is already ${to.name}`, { field: 'toTier' });
      const pending = await em.findOneBy(TierReview, { accountId: account.id, status: ReviewStatus.PENDING });
      if (pending) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `accountId: account ${account.code} already has a pending tier review (#${pending.id}); the committee decides it first`, { field: 'accountId' });
      }
      const review = em.create(TierReview, {
        accountId: account.id, fromTierId: account.tierId, toTierId: to.id, reason, period: null,
        proposedById: tx.actor.userId, proposedAt: new Date(), status: ReviewStatus.PENDING, decidedById: null, decidedAt: null, decisionNote: null,
      });
      await em.save(review);
      await this.audit.record(tx, {
        action: 'tierReview.propose', entity: 'TierReview', entityId: review.id, fields: ['tierId'],
        before: { accountId: account.id, tierId: account.tierId }, after: { accountId: account.id, tierId: to.id, reason },
      });
      return review;
    });
  }

  /**
   * The committee approves: the account's tier becomes the proposed one. Refused (CONFLICT) when the
   * review was already decided, or when it is stale — the account's tier or status changed since it
   * was proposed, or the proposed tier was deactivated.
   */
  async approve(ctx: RequestContext, id: number, noteInput?: string | null): Promise<TierReview> {
    requireRole(ctx, [Role.COMMITTEE], 'approveTierReview');
    const note = optionalText(noteInput, 'note');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'tier-review');
      const review = await pendingRow(em, TierReview, id, 'tier review');
      const account = await em.findOneByOrFail(Account, { id: review.accountId });
      const to = await em.findOneByOrFail(Tier, { id: review.toTierId });
      if (account.tierId !== review.fromTierId) {
        const now = account.tierId === null ? '(none)' : (await em.findOneByOrFail(Tier, { id: account.tierId })).name;
        throw new DomainError(ErrorCode.STALE_PROPOSAL, `review #${id} is stale: account ${account.code} is now ${now}, not the tier the proposal started from; reject it and propose again`, { field: 'id' });
      }
      if (!LIVE.includes(account.status)) {
        throw new DomainError(ErrorCode.STALE_PROPOSAL, `review #${id} is stale: account ${account.code} is ${AccountStatuses.label(account.status)}`, { field: 'id' });
      }
      if (!to.active) throw new DomainError(ErrorCode.STALE_PROPOSAL, `review #${id} is stale: tier ${to.name} has been deactivated`, { field: 'id' });
      await decidePending(em, tx, TierReview, review.id, ReviewStatus.APPROVED, note, 'tier review');
      await updateVersioned(em, Account, account, { tierId: to.id }, null, `account ${account.code}`);
      await this.audit.record(tx, {
        action: 'tierReview.approve', entity: 'TierReview', entityId: id, fields: ['tierId'],
        before: { accountId: account.id, tierId: account.tierId }, after: { accountId: account.id, tierId: to.id, note },
      });
      return this.get(tx, id);
    });
  }

  /** The committee rejects, saying why; the tier stays. */
  async reject(ctx: RequestContext, id: number, noteInput: string | null): Promise<TierReview> {
    requireRole(ctx, [Role.COMMITTEE], 'rejectTierReview');
    const note = requiredText(noteInput, 'note', '驳回理由 / why it is rejected');
    return this.close(ctx, id, ReviewStatus.REJECTED, note, 'tierReview.reject');
  }

  /** The proposer (or the committee) withdraws a pending proposal. */
  async withdraw(ctx: RequestContext, id: number, noteInput?: string | null): Promise<TierReview> {
    requireRole(ctx, [Role.MANAGER, Role.COMMITTEE], 'withdrawTierReview');
    const note = optionalText(noteInput, 'note');
    const review = await this.get(ctx, id);
    if (ctx.actor.role === Role.MANAGER && (review.proposedById === null || review.proposedById !== ctx.actor.userId)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `withdrawTierReview: review #${id} was proposed by someone else`, { field: 'id' });
    }
    return this.close(ctx, id, ReviewStatus.WITHDRAWN, note, 'tierReview.withdraw');
  }

  /**
   * Opens the half-yearly review `period` (2026H1, 2026H2): a proposal for every active account whose
   * suggested tier differs from its tier. Idempotent: an account already reviewed in the period, or
   * with a proposal pending, is left alone, so running it twice opens nothing new.
   */
  async start(ctx: RequestContext, periodInput: string): Promise<TierReviewRun> {
    requireRole(ctx, [Role.COMMITTEE], 'startTierReview');
    const { period } = parsePeriod(periodInput);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'tier-review');
      const accounts = await em.find(Account, { where: { status: In(LIVE) }, select: { id: true, tierId: true }, order: { id: 'ASC' } });
      const [suggestions, tiers] = await Promise.all([this.tiers.suggestions(tx, accounts.map((a) => a.id)), this.tiers.list()]);
      const reviewed = new Set((await em.find(TierReview, { where: { period }, select: { id: true, accountId: true } })).map((r) => r.accountId));
      const pending = new Set((await em.find(TierReview, { where: { status: ReviewStatus.PENDING }, select: { id: true, accountId: true } })).map((r) => r.accountId));
      const run: TierReviewRun = { period, accounts: accounts.length, proposed: 0, alreadyPending: 0, alreadyReviewed: 0, withoutSuggestion: 0, reviewIds: [] };
      const now = new Date();
      const rows: Partial<TierReview>[] = [];
      for (const a of accounts) {
        const s = suggestions.get(a.id);
        if (!s?.tier) {
          run.withoutSuggestion++;
          continue;
        }
        if (s.tier.id === a.tierId) continue;
        if (reviewed.has(a.id)) {
          run.alreadyReviewed++;
          continue;
        }
        if (pending.has(a.id)) {
          run.alreadyPending++;
          continue;
        }
        rows.push({
          accountId: a.id, fromTierId: a.tierId, toTierId: s.tier.id, reason: autoReason(period, s.figures, tiers, a.tierId, s.tier), period,
          proposedById: tx.actor.userId, proposedAt: now, status: ReviewStatus.PENDING, decidedById: null, decidedAt: null, decisionNote: null, version: 1,
        });
      }
      await bulkInsert(em, TierReview, rows);
      const created = rows.length
        ? await em.find(TierReview, { where: { period, status: ReviewStatus.PENDING, decidedAt: IsNull() }, select: { id: true, accountId: true }, order: { id: 'ASC' } })
        : [];
      const proposedFor = new Set(rows.map((r) => r.accountId));
      run.proposed = rows.length;
      run.reviewIds = created.filter((r) => proposedFor.has(r.accountId)).map((r) => r.id);
      await this.audit.record(tx, {
        action: 'tierReview.start', entity: 'TierReview', entityId: period, recordIds: run.reviewIds,
        after: { period, accounts: run.accounts, proposed: run.proposed, alreadyPending: run.alreadyPending, alreadyReviewed: run.alreadyReviewed },
      });
      return run;
    });
  }

  private async close(ctx: RequestContext, id: number, status: ReviewStatus, note: string | null, action: string): Promise<TierReview> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const review = await pendingRow(em, TierReview, id, 'tier review');
      await decidePending(em, tx, TierReview, review.id, status, note, 'tier review');
      await this.audit.record(tx, { action, entity: 'TierReview', entityId: id, fields: ['status'], before: { status: review.status }, after: { status, note } });
      return this.get(tx, id);
    });
  }
}

export function parsePeriod(input: string): { period: string; year: number; half: 1 | 2 } {
  const period = input.trim().toUpperCase();
  const m = PERIOD.exec(period);
  if (!m || +m[1] < 1990 || +m[1] > 2100) throw new DomainError(ErrorCode.VALIDATION_FAILED, `period: "${input}" is not a half-year such as 2026H1 or 2026H2`, { field: 'period' });
  return { period, year: +m[1], half: m[2] === '1' ? 1 : 2 };
}

const wan = (fen: number | null) => (fen === null ? '—' : `${(fenToYuan(fen) / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}万元`);

function autoReason(period: string, f: AccountFigures, tiers: Tier[], fromId: number | null, to: Tier): string {
  const from = tiers.find((t) => t.id === fromId);
  const basis = to.sumOverGroup && f.groupSize > 1 ? `集团合计年合作销售额 ${wan(f.groupAnnualSalesFen)}` : `年合作销售额 ${wan(f.annualSalesFen)}`;
  return `${period} 级别复核：${basis}，按门槛建议由「${from?.name ?? '未定级'}」调整为「${to.name}」/ half-yearly review: the figures call for ${to.code}`;
}
