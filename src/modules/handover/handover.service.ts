/**
 * 工作交接 (policy 002): when someone leaves — or a manager's account moves — nothing they hold is
 * orphaned. A handover lists everything the user holds (accounts managed, cross-region assignments,
 * service-team seats, open follow-ups, complaints and planned communications), takes a successor per
 * item, and once approved (by the committee where ownership moves, reason 客户经理离职交接) applies it all
 * in one transaction and deactivates the user. Deactivating a user who still holds anything is refused.
 */
import { deleteIds } from '../../db/deletions';
import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { AccountStatus, AssignmentReason, ReviewStatus } from '../../common/enums';
import { dateOrToday, type LocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { cleanText, optionalText, requiredText } from '../../common/text';
import { inTransaction, managerFor } from '../../db/transaction';
import { acquirePolicyLock } from '../../db/policy-lock';
import { decidePending, pendingRow } from '../../db/decidable';
import { transferOwner, updateVersioned } from '../../db/versioned';
import { activeUser } from '../org/active-user';
import type { AuditService } from '../audit/audit.service';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Assignment } from '../ownership/assignment.entity';
import type { OwnershipStore } from '../ownership/ownership.store';
import { TeamMember } from '../service-team/team-member.entity';
import { TeamRole } from '../service-team/team-role.entity';
import type { AccountTeamService } from '../service-team/service-team.service';
import { FollowUpAction } from '../plans/follow-up.entity';
import { CommunicationPlan } from '../plans/communication-plan.entity';
import type { FollowUpService } from '../plans/follow-up.service';
import type { PlanService } from '../plans/plan.service';
import { Complaint } from '../complaints/complaint.entity';
import type { ComplaintService } from '../complaints/complaint.service';
import { Handover, HandoverItem } from './handover.entity';
import { HandoverItemKind, HandoverReasons } from './handover-vocabulary';
import { OWNERSHIP_KINDS, assertHandoverComplete, decideDeactivation, decideHandoverApproval, decideHandoverPreparation, type Holding } from './handover.rules';

export interface StartHandoverInput {
  userId: number;
  reason: string;
  effectiveOn?: LocalDate | null;
  /** Deactivate the user once handed over (default true: someone leaving). */
  deactivate?: boolean | null;
  note?: string | null;
}

export interface SuccessorInput {
  itemId: number;
  successorId: number;
}

const MANAGED_STATUSES = [AccountStatus.CANDIDATE, AccountStatus.ACTIVE, AccountStatus.SUSPENDED];

export class HandoverService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly store: OwnershipStore,
    private readonly team: AccountTeamService,
    private readonly followUps: FollowUpService,
    private readonly complaints: ComplaintService,
    private readonly plans: PlanService,
    private readonly clock: Clock,
  ) {}

  /** Everything a user holds now, as items to hand over. */
  async holdings(ctx: RequestContext, userId: number): Promise<Holding[]> {
    const em = managerFor(this.ds, ctx);
    const out: Holding[] = [];
    for (const a of await em.find(Account, { where: { managerId: userId, status: In(MANAGED_STATUSES) }, order: { id: 'ASC' } })) {
      out.push({ kind: HandoverItemKind.ACCOUNT, refId: a.id, accountId: a.id, label: `${a.code} ${a.name}`.slice(0, 300) });
    }
    const cross = await em.find(Assignment, { where: { managerId: userId, isPrimary: false, toDate: IsNull() }, order: { id: 'ASC' } });
    const names = await this.accountNames(ctx, [...cross.map((c) => c.accountId)]);
    for (const c of cross) out.push({ kind: HandoverItemKind.CROSS_REGION, refId: c.id, accountId: c.accountId, label: `跨区域协同：${names.get(c.accountId) ?? c.accountId}`.slice(0, 300) });
    const seats = await this.team.openSeatsOf(ctx, userId);
    const roles = new Map((await em.find(TeamRole)).map((r) => [r.id, r.name]));
    const seatNames = await this.accountNames(ctx, seats.map((s) => s.accountId));
    for (const s of seats) out.push({ kind: HandoverItemKind.TEAM_SEAT, refId: s.id, accountId: s.accountId, label: `${roles.get(s.roleId) ?? '团队'}：${seatNames.get(s.accountId) ?? s.accountId}`.slice(0, 300) });
    for (const f of await this.followUps.openOf(ctx, userId)) out.push({ kind: HandoverItemKind.FOLLOW_UP, refId: f.id, accountId: f.accountId, label: `跟进：${f.description}`.slice(0, 300) });
    for (const c of await this.complaints.openOf(ctx, userId)) out.push({ kind: HandoverItemKind.COMPLAINT, refId: c.id, accountId: c.accountId, label: `投诉：${c.subject}`.slice(0, 300) });
    for (const p of await this.plans.openPlansOf(ctx, userId)) out.push({ kind: HandoverItemKind.PLAN, refId: p.id, accountId: p.accountId, label: `计划 ${p.scheduledOn}：${p.agenda}`.slice(0, 300) });
    return out;
  }

  /** HANDOVER_REQUIRED unless the user holds nothing (OrgService asks before deactivating a user). */
  async assertMayDeactivate(ctx: RequestContext, user: User): Promise<void> {
    decideDeactivation(user, await this.holdings(ctx, user.id));
  }

  get(ctx: RequestContext, id: number): Promise<Handover> {
    return managerFor(this.ds, ctx).findOneBy(Handover, { id }).then((h) => h ?? Promise.reject(notFound('Handover', id)));
  }

  list(ctx: RequestContext, filter: { userId?: number | null; statuses?: ReviewStatus[] | null } = {}): Promise<Handover[]> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(Handover, 'h').orderBy('h.id', 'DESC');
    if (filter.userId != null) qb.andWhere('h.userId = :userId', { userId: filter.userId });
    if (filter.statuses?.length) qb.andWhere('h.status IN (:...statuses)', { statuses: filter.statuses });
    return qb.getMany();
  }

  items(ctx: RequestContext, handoverId: number): Promise<HandoverItem[]> {
    return managerFor(this.ds, ctx).find(HandoverItem, { where: { handoverId }, order: { id: 'ASC' } });
  }

  /**
   * Opens a handover for a user (ADMIN or the committee) listing everything they hold; a pending one is
   * brought up to date instead (new items added, items no longer held dropped, successors kept).
   */
  async start(ctx: RequestContext, input: StartHandoverInput): Promise<Handover> {
    decideHandoverPreparation(ctx.actor, 'start a handover');
    if (!cleanText(input.reason)) throw new DomainError(ErrorCode.REQUIRED, 'reason: 交接原因 is required (离职、调岗、退休…)', { field: 'reason' });
    const reason = HandoverReasons.parse(input.reason, 'reason');
    const effectiveOn = assertNotFuture(this.clock, dateOrToday(input.effectiveOn, 'effectiveOn'), 'effectiveOn');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const user = await em.findOneBy(User, { id: input.userId });
      if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `userId: user ${input.userId} not found`, { field: 'userId' });
      const now = await this.holdings(tx, user.id);
      let handover = await em.findOneBy(Handover, { userId: user.id, status: ReviewStatus.PENDING });
      if (handover) {
        await updateVersioned(em, Handover, handover, { reason, effectiveOn, deactivate: input.deactivate ?? handover.deactivate, note: optionalText(input.note, 'note') ?? handover.note }, null, `handover #${handover.id}`);
      } else {
        handover = em.create(Handover, {
          userId: user.id, reason, effectiveOn, deactivate: input.deactivate ?? true, note: optionalText(input.note, 'note'), status: ReviewStatus.PENDING,
          requestedById: ctx.actor.userId, requestedAt: new Date(), decidedById: null, decidedAt: null, decisionNote: null,
        });
        await em.save(handover);
      }
      const listed = await this.items(tx, handover.id);
      const key = (h: Pick<Holding, 'kind' | 'refId'>) => `${h.kind}|${h.refId}`;
      const nowKeys = new Set(now.map(key));
      const gone = listed.filter((i) => !nowKeys.has(key(i)));
      if (gone.length) await deleteIds(em, HandoverItem, gone.map((g) => g.id));
      const have = new Set(listed.map(key));
      const fresh = now.filter((h) => !have.has(key(h))).map((h) => ({ ...h, handoverId: handover!.id, successorId: null }));
      for (let i = 0; i < fresh.length; i += 500) await em.insert(HandoverItem, fresh.slice(i, i + 500));
      await this.audit.record(tx, { action: 'handover.start', entity: 'Handover', entityId: handover.id, after: { userId: user.id, reason, effectiveOn, items: now.length, added: fresh.length, dropped: gone.length } });
      return em.findOneByOrFail(Handover, { id: handover.id });
    });
  }

  /** Names successors: per item, and `everyone` for the items still without one. */
  async setSuccessors(ctx: RequestContext, id: number, successors: readonly SuccessorInput[], everyone?: number | null): Promise<HandoverItem[]> {
    decideHandoverPreparation(ctx.actor, 'name successors');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const handover = await pendingRow(em, Handover, id, 'handover');
      const items = await this.items(tx, id);
      const users = new Map<number, User>();
      const user = async (uid: number) => {
        if (!users.has(uid)) {
          const u = await activeUser(em, uid, 'successors');
          if (u.id === handover.userId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'successors: the person leaving cannot succeed themselves', { field: 'successors' });
          users.set(uid, u);
        }
        return users.get(uid)!;
      };
      for (const s of successors) {
        const item = items.find((i) => i.id === s.itemId);
        if (!item) throw new DomainError(ErrorCode.NOT_FOUND, `successors: item ${s.itemId} is not part of handover #${id}`, { field: 'successors' });
        await user(s.successorId);
        item.successorId = s.successorId;
      }
      if (everyone != null) {
        await user(everyone);
        for (const i of items) if (i.successorId === null) i.successorId = everyone;
      }
      for (const i of items) await em.update(HandoverItem, { id: i.id }, { successorId: i.successorId });
      await this.audit.record(tx, { action: 'handover.successors', entity: 'Handover', entityId: id, after: { named: successors.length, everyone: everyone ?? null } });
      return this.items(tx, id);
    });
  }

  /**
   * Applies the handover: accounts to their successors (a new primary assignment, reason
   * 客户经理离职交接; the successor must belong to the owning unit), cross-region assignments likewise,
   * team seats, follow-ups, complaints and plans to theirs; then the user is deactivated when asked.
   * The committee approves when ownership moves; an ADMIN may approve the rest.
   */
  async approve(ctx: RequestContext, id: number, noteInput?: string | null): Promise<Handover> {
    const note = optionalText(noteInput, 'note');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await acquirePolicyLock(em, 'ownership');
      const handover = await pendingRow(em, Handover, id, 'handover');
      const items = await this.items(tx, id);
      decideHandoverApproval(ctx.actor, items);
      assertHandoverComplete(handover.userId, items, await this.holdings(tx, handover.userId));
      const on = handover.effectiveOn;
      for (const item of items) await this.apply(tx, handover, item, on);
      await decidePending(em, tx, Handover, id, ReviewStatus.APPROVED, note, 'handover');
      const user = await em.findOneByOrFail(User, { id: handover.userId });
      if (handover.deactivate && user.active) await updateVersioned(em, User, user, { active: false }, null, `user ${user.name}`);
      await this.audit.record(tx, {
        action: 'handover.approve', entity: 'Handover', entityId: id, fields: ['status'], before: { status: ReviewStatus.PENDING },
        after: { status: ReviewStatus.APPROVED, userId: handover.userId, items: items.length, ownership: items.filter((i) => OWNERSHIP_KINDS.includes(i.kind)).length, deactivated: handover.deactivate, note },
      });
      return this.get(tx, id);
    });
  }

  /** The committee (or an ADMIN) turns a handover down, saying why; nothing moves. */
  async reject(ctx: RequestContext, id: number, noteInput: string | null): Promise<Handover> {
    decideHandoverPreparation(ctx.actor, 'reject a handover');
    const note = requiredText(noteInput, 'note', '驳回理由 / why it is turned down');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      await pendingRow(em, Handover, id, 'handover');
      await decidePending(em, tx, Handover, id, ReviewStatus.REJECTED, note, 'handover');
      await this.audit.record(tx, { action: 'handover.reject', entity: 'Handover', entityId: id, fields: ['status'], after: { status: ReviewStatus.REJECTED, note } });
      return this.get(tx, id);
    });
  }

  /**
   * A manager's account moved (reassignment, a cross-region unit ending): the open follow-ups,
   * complaints and plans they owned on it go with it to `toUserId`, recorded — nothing is orphaned.
   */
  async transferAccountItems(ctx: RequestContext, accountId: number, fromUserId: number, toUserId: number | null): Promise<void> {
    if (toUserId === null || fromUserId === toUserId) return;
    const followUps = await this.followUps.transferOnAccount(ctx, accountId, fromUserId, toUserId);
    const complaints = await this.complaints.transferOnAccount(ctx, accountId, fromUserId, toUserId);
    const plans = await this.plans.transferOnAccount(ctx, accountId, fromUserId, toUserId);
    if (followUps.length + complaints.length + plans.length) {
      await this.audit.record(ctx, { action: 'handover.account', entity: 'Account', entityId: accountId, after: { fromUserId, toUserId, followUps, complaints, plans } });
    }
  }

  private async apply(ctx: RequestContext, handover: Handover, item: HandoverItem, on: LocalDate): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const to = item.successorId!;
    switch (item.kind) {
      case HandoverItemKind.ACCOUNT: {
        const account = await em.findOneByOrFail(Account, { id: item.refId });
        if (account.ownerUnitId !== null) await this.store.assertManagerInUnit(ctx, to, account.ownerUnitId, 'successors');
        const primary = await em.findOneBy(Assignment, { accountId: account.id, isPrimary: true, toDate: IsNull() });
        if (primary) await this.store.closeAssignment(em, primary, on);
        if (account.ownerUnitId !== null && account.status !== AccountStatus.CANDIDATE) {
          await this.store.openAssignment(ctx, { accountId: account.id, unitId: account.ownerUnitId, managerId: to, isPrimary: true, fromDate: primary && on < primary.fromDate ? primary.fromDate : on, reason: AssignmentReason.MANAGER_LEFT, note: `工作交接 #${handover.id}` });
        }
        await updateVersioned(em, Account, account, { managerId: to }, null, `account ${account.code}`);
        await this.audit.record(ctx, { action: 'account.handover', entity: 'Account', entityId: account.id, fields: ['managerId'], before: { managerId: account.managerId }, after: { managerId: to, reason: AssignmentReason.MANAGER_LEFT, handoverId: handover.id } });
        return;
      }
      case HandoverItemKind.CROSS_REGION: {
        const a = await em.findOneByOrFail(Assignment, { id: item.refId });
        await this.store.assertManagerInUnit(ctx, to, a.unitId, 'successors');
        await this.store.closeAssignment(em, a, on);
        await this.store.openAssignment(ctx, { accountId: a.accountId, unitId: a.unitId, managerId: to, isPrimary: false, fromDate: on < a.fromDate ? a.fromDate : on, reason: AssignmentReason.MANAGER_LEFT, note: `工作交接 #${handover.id}` });
        return;
      }
      case HandoverItemKind.TEAM_SEAT:
        await this.team.handOver(ctx, await em.findOneByOrFail(TeamMember, { id: item.refId }), to, on);
        return;
      case HandoverItemKind.FOLLOW_UP:
        await transferOwner(em, FollowUpAction, { id: item.refId }, to);
        return;
      case HandoverItemKind.COMPLAINT:
        await transferOwner(em, Complaint, { id: item.refId }, to);
        return;
      case HandoverItemKind.PLAN:
        await transferOwner(em, CommunicationPlan, { id: item.refId }, to);
        return;
    }
  }

  private async accountNames(ctx: RequestContext, ids: number[]): Promise<Map<number, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    return new Map((await managerFor(this.ds, ctx).find(Account, { select: { id: true, code: true, name: true }, where: { id: In(unique) } })).map((a) => [a.id, `${a.code} ${a.name}`]));
  }
}
