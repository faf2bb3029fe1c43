/**
 * 年度大客户名录 (policy 003): once a year the committee drafts the tier of every live account from the
 * recorded sales of the year before (and the identification score), adjusts what it sees fit, and the
 * general manager approves the whole list as one decision — or sends it back. Each change is a tier
 * review of period `YYYY` on the shared ReviewEngine, so it is decided, audited and refused exactly like
 * any other: approving the list approves them all in one transaction (a stale one stops the approval).
 */
import { In, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { ReviewStatus, Role } from '../../common/enums';
import type { Clock } from '../../common/clock';
import { optionalText, requiredText } from '../../common/text';
import { inTransaction, managerFor } from '../../db/transaction';
import { decidePending, pendingRow } from '../../db/decidable';
import { acquirePolicyLock } from '../../db/policy-lock';
import type { AuditService } from '../audit/audit.service';
import { assertRole } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { LIVE_STATUSES } from '../ownership/ownership.rules';
import type { PolicySettingsService } from '../settings/policy-settings.service';
import type { TierService } from '../tiers/tier.service';
import { TierList, TierListEntry } from './tier-list.entity';
import { decideTierListDecision, tierListCounts, type TierListCount } from './tier-list.rules';
import { periodSalesWindow, tierReason, type TierReviewService } from './tier-review.service';
import { TierReview } from './tier-review.entity';

export class TierListService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly reviews: TierReviewService,
    private readonly settings: PolicySettingsService,
    private readonly clock: Clock,
  ) {}

  async get(ctx: RequestContext, id: number): Promise<TierList> {
    const list = await managerFor(this.ds, ctx).findOneBy(TierList, { id });
    if (!list) throw notFound('TierList', id);
    return list;
  }

  lists(ctx: RequestContext, year?: number | null): Promise<TierList[]> {
    return managerFor(this.ds, ctx).find(TierList, { where: year ? { year } : {}, order: { year: 'DESC', id: 'DESC' } });
  }

  entries(ctx: RequestContext, listId: number): Promise<TierListEntry[]> {
    return managerFor(this.ds, ctx).find(TierListEntry, { where: { listId }, order: { id: 'ASC' } });
  }

  /** Accounts per tier now and on the list, against each tier's target count. */
  async counts(ctx: RequestContext, listId: number): Promise<TierListCount[]> {
    return tierListCounts((await this.tiers.list()).filter((t) => t.active), await this.entries(ctx, listId));
  }

  /**
   * Drafts the list for `year` (the committee): every live account with its tier now and the tier the
   * recorded sales of `year − 1` (and the score) call for; a committee-designated tier (战略) stays.
   * Where they differ a tier review of period `year` is opened (an account's pending review is linked
   * instead). One pending list per year; none once the year's list was approved.
   */
  async draft(ctx: RequestContext, year: number, noteInput?: string | null): Promise<TierList> {
    assertRole(ctx, [Role.COMMITTEE], 'draftTierList');
    const current = Number(this.clock.today().slice(0, 4));
    if (!Number.isInteger(year) || year < 2000 || year > current + 1) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `year: ${year} must be a year up to ${current + 1} (next year's list is drafted in the last months of this one)`, { field: 'year' });
    }
    const note = optionalText(noteInput, 'note');
    const period = String(year);
    const window = periodSalesWindow(period);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'tier-review');
      const same = await em.find(TierList, { where: { year, status: In([ReviewStatus.PENDING, ReviewStatus.APPROVED]) } });
      if (same.length) {
        const s = same[0];
        throw new DomainError(s.status === ReviewStatus.APPROVED ? ErrorCode.ALREADY_DECIDED : ErrorCode.ALREADY_EXISTS, `year: the ${year} tier list #${s.id} is already ${s.status === ReviewStatus.APPROVED ? 'approved; a tier changes now through a tier review' : 'waiting for approval'}`, { field: 'year' });
      }
      const accounts = await em.find(Account, { where: { status: In([...LIVE_STATUSES]) }, select: { id: true, tierId: true, managementLevelId: true }, order: { id: 'ASC' } });
      const [suggestions, tiers] = [await this.tiers.suggestions(tx, accounts.map((a) => a.id), window), await this.tiers.list()];
      const list = em.create(TierList, { year, salesFrom: window.from, salesTo: window.to, status: ReviewStatus.PENDING, note, proposedById: ctx.actor.userId, proposedAt: new Date(), decidedById: null, decidedAt: null, decisionNote: null });
      await em.save(list);
      const changes = accounts.flatMap((a) => {
        const s = suggestions.get(a.id);
        return s?.tier && s.tier.id !== a.tierId ? [{ account: a, to: s.tier.id, reason: `${year} 年度名录：${tierReason(period, s.figures, tiers, a.tierId, s.tier)}` }] : [];
      });
      const pending = await this.reviews.openProposals(tx, period, changes);
      const pendingTo = new Map<number, number>();
      const reviewIds = [...new Set(pending.values())];
      for (let i = 0; i < reviewIds.length; i += 1000) {
        for (const r of await em.find(TierReview, { select: { id: true, accountId: true, toTierId: true }, where: { id: In(reviewIds.slice(i, i + 1000)) } })) pendingTo.set(r.accountId, r.toTierId);
      }
      const rows = accounts.map((a) => {
        const s = suggestions.get(a.id);
        const reviewId = pending.get(a.id) ?? null;
        return {
          listId: list.id, accountId: a.id, fromTierId: a.tierId, toTierId: reviewId !== null ? (pendingTo.get(a.id) ?? a.tierId) : a.tierId, recordedSalesFen: s?.figures.recordedSalesFen ?? null,
          score: s?.score ?? null, reason: changes.find((c) => c.account.id === a.id)?.reason ?? null, reviewId,
        };
      });
      for (let i = 0; i < rows.length; i += 500) await em.insert(TierListEntry, rows.slice(i, i + 500));
      await this.audit.record(tx, { action: 'tierList.draft', entity: 'TierList', entityId: list.id, after: { year, accounts: rows.length, changes: rows.filter((r) => r.reviewId !== null).length, salesFrom: window.from, salesTo: window.to } });
      return list;
    });
  }

  /** The committee adjusts one account's tier on a pending list (with a reason): its review is replaced. */
  async setEntry(ctx: RequestContext, listId: number, accountId: number, toTier: string, reasonInput: string | null): Promise<TierListEntry> {
    assertRole(ctx, [Role.COMMITTEE], 'setTierListEntry');
    const reason = requiredText(reasonInput, 'reason', '理由 / why the account gets this tier');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const list = await pendingRow(em, TierList, listId, 'tier list');
      const entry = await em.findOneBy(TierListEntry, { listId: list.id, accountId });
      if (!entry) throw new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${accountId} is not on tier list #${listId}`, { field: 'accountId' });
      const tier = await this.tiers.resolve(toTier, 'toTier');
      if (entry.reviewId !== null) {
        const review = await em.findOneBy(TierReview, { id: entry.reviewId });
        if (review?.status === ReviewStatus.PENDING) await this.reviews.withdraw(tx, review.id, `年度名录调整 / replaced on the ${list.year} tier list`);
      }
      let reviewId: number | null = null;
      if (tier.id !== entry.fromTierId) reviewId = (await this.reviews.propose(tx, { accountId, toTier: tier.code, reason, period: String(list.year) })).id;
      await em.update(TierListEntry, { id: entry.id }, { toTierId: tier.id, reason, reviewId });
      await this.audit.record(tx, { action: 'tierList.setEntry', entity: 'TierList', entityId: list.id, fields: ['toTierId'], before: { accountId, toTierId: entry.toTierId }, after: { accountId, toTierId: tier.id, reason } });
      return em.findOneByOrFail(TierListEntry, { id: entry.id });
    });
  }

  /**
   * The general manager approves the list (the committee when no approver is named): every change on
   * it takes effect at once, or — when one is stale — none does.
   */
  async approve(ctx: RequestContext, id: number, noteInput?: string | null): Promise<TierList> {
    const note = optionalText(noteInput, 'note');
    return this.decide(ctx, id, ReviewStatus.APPROVED, note);
  }

  /** The general manager sends the list back, saying why: its changes are rejected, the tiers stay. */
  async reject(ctx: RequestContext, id: number, noteInput: string | null): Promise<TierList> {
    return this.decide(ctx, id, ReviewStatus.REJECTED, requiredText(noteInput, 'note', '退回意见 / why it is sent back'));
  }

  private async decide(ctx: RequestContext, id: number, status: ReviewStatus, note: string | null): Promise<TierList> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      decideTierListDecision(ctx.actor, await this.settings.get(tx, 'tierList.approverUserId'));
      const list = await pendingRow(em, TierList, id, 'tier list');
      // The reviews are decided as the committee: the approver's decision is the list's.
      const asCommittee: RequestContext = { ...tx, actor: { ...tx.actor, role: tx.actor.role === Role.ADMIN ? Role.ADMIN : Role.COMMITTEE } };
      const linked = (await this.entries(tx, id)).filter((e) => e.reviewId !== null);
      const reviews = linked.length ? await em.find(TierReview, { where: { id: In(linked.map((e) => e.reviewId!)) } }) : [];
      for (const r of reviews.filter((x) => x.status === ReviewStatus.PENDING)) {
        const decision = `${list.year} 年度名录${status === ReviewStatus.APPROVED ? '批准' : '退回'}${note ? `：${note}` : ''}`;
        if (status === ReviewStatus.APPROVED) await this.reviews.approve(asCommittee, r.id, decision);
        else await this.reviews.reject(asCommittee, r.id, decision);
      }
      await decidePending(em, tx, TierList, id, status, note, 'tier list');
      await this.audit.record(tx, { action: status === ReviewStatus.APPROVED ? 'tierList.approve' : 'tierList.reject', entity: 'TierList', entityId: id, fields: ['status'], before: { status: list.status }, after: { status, note, reviews: reviews.length } });
      return this.get(tx, id);
    });
  }

  /** Names the general manager who approves the yearly list (the committee; null: any committee member). */
  async setApprover(ctx: RequestContext, userId: number | null): Promise<User | null> {
    assertRole(ctx, [Role.COMMITTEE], 'setTierListApprover');
    return inTransaction(this.ds, ctx, async (tx) => {
      let user: User | null = null;
      if (userId !== null) {
        user = await managerFor(this.ds, tx).findOneBy(User, { id: userId });
        if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `userId: user ${userId} not found`, { field: 'userId' });
        if (!user.active || (user.role !== Role.COMMITTEE && user.role !== Role.ADMIN)) {
          throw new DomainError(ErrorCode.VALIDATION_FAILED, `userId: ${user.name} must be an active COMMITTEE user to approve the tier list`, { field: 'userId' });
        }
      }
      await this.settings.set(tx, 'tierList.approverUserId', userId);
      return user;
    });
  }
}

