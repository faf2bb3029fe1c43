/**
 * 沟通计划 (policy 002): planned communications per account and period — time, channel, who on both
 * sides, agenda — that activities fulfil, and how the plans were kept. Writes: ADMIN, or a MANAGER of
 * the account (like its ledger). An activity logged within a week of a planned communication of its
 * type and channel fulfils it (through every door: the API and the ledger import alike).
 */
import { In, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityTypes, type ActivityType } from '../../common/enums';
import { addDays, assertLocalDate, type LocalDate } from '../../common/dates';
import type { Clock } from '../../common/clock';
import { toId, toIdOrNull, toIds, type Id } from '../../common/ids';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, optionalText, requiredText } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { mergePatch, transferOwner, updateVersioned } from '../../db/versioned';
import { activeUser } from '../org/active-user';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { assertRole } from '../auth/access.rules';
import { Role } from '../../common/enums';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import type { ActivityEffect } from '../activities/activity.service';
import { Channels, type Channel } from '../activities/channel';
import { User } from '../org/user.entity';
import { CommunicationPlan } from './communication-plan.entity';
import { PlanStatus } from './plan-status';
import { idChunks, overdueLines, type OverdueItem } from '../reports/risk-lines';
import { PLAN_MATCH_DAYS, decidePlanPeriod, matchPlan, planPeriod, planTime } from './plans.rules';

export interface PlanInput {
  accountId: Id;
  scheduledOn: LocalDate;
  scheduledTime?: string | null;
  /** 2026-07, 2026Q3, 2026H2 or 2026; default the month of the day. */
  period?: string | null;
  activityType?: ActivityType | string | null;
  channel?: Channel | string | null;
  agenda: string;
  ourParticipantIds?: Id[] | null;
  customerParticipants?: string | null;
  /** The organiser; default the account's manager. */
  ownerId?: Id | null;
}

export type PlanPatch = Partial<Omit<PlanInput, 'accountId'>>;

export interface PlanFilter {
  accountIds?: Id[] | null;
  period?: string | null;
  from?: LocalDate | null;
  to?: LocalDate | null;
  statuses?: PlanStatus[] | null;
  ownerId?: Id | null;
  /** Only plans still planned whose day has passed. */
  missed?: boolean | null;
}

/** How an account's plans in a period were kept. */
export interface PlanComplianceRow {
  accountId: number;
  planned: number;
  done: number;
  cancelled: number;
  /** Still planned after their day. */
  missed: number;
  /** Still planned, day to come. */
  upcoming: number;
  /** done / (done + missed), percent; null when nothing was due. */
  rate: number | null;
}

/** Roles that may write plans at all (a MANAGER only for the accounts it manages; the committee reads). */
const WRITERS = [Role.MANAGER, Role.COMMITTEE];

export class PlanService implements ActivityEffect {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly maxPageSize: () => number,
  ) {}

  get(ctx: RequestContext, id: number): Promise<CommunicationPlan> {
    return findByIdOrFail(this.ds, ctx, CommunicationPlan, id);
  }

  list(ctx: RequestContext, filter: PlanFilter, page: PageArgs): Promise<Connection<CommunicationPlan>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(CommunicationPlan, 'p');
    const ids = toIds(filter.accountIds, 'filter.accountIds');
    if (ids) qb.andWhere(ids.length ? 'p.accountId IN (:...ids)' : '1 = 0', { ids });
    if (filter.period) qb.andWhere('p.period = :period', { period: planPeriod(filter.period, 'filter.period').period });
    if (filter.from) qb.andWhere('p.scheduledOn >= :from', { from: assertLocalDate(filter.from, 'filter.from') });
    if (filter.to) qb.andWhere('p.scheduledOn <= :to', { to: assertLocalDate(filter.to, 'filter.to') });
    if (filter.statuses?.length) qb.andWhere('p.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.ownerId != null) qb.andWhere('p.ownerId = :owner', { owner: toId(filter.ownerId, 'filter.ownerId') });
    if (filter.missed) qb.andWhere('p.status = :planned AND p.scheduledOn < :today', { planned: PlanStatus.PLANNED, today: this.clock.today() });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  async create(ctx: RequestContext, input: PlanInput): Promise<CommunicationPlan> {
    assertRole(ctx, WRITERS, 'plan communication');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.access.accountForWrite(tx, input.accountId, 'accountId', 'plan communication with this account');
      const values = await this.normalize(tx, { ...input, accountId: account.id }, account);
      const plan = em.create(CommunicationPlan, { ...values, status: PlanStatus.PLANNED, activityId: null, cancelReason: null, createdById: ctx.actor.userId });
      await em.save(plan);
      await this.audit.record(tx, { action: 'plan.create', entity: 'CommunicationPlan', entityId: plan.id, after: { accountId: account.id, scheduledOn: plan.scheduledOn, period: plan.period } });
      return plan;
    });
  }

  /** Changes a planned communication (only while planned). */
  async update(ctx: RequestContext, id: number, patch: PlanPatch, expectedVersion?: number | null): Promise<CommunicationPlan> {
    assertRole(ctx, WRITERS, 'change plans');
    return inTransaction(this.ds, ctx, async (tx) => {
      const plan = await this.get(tx, id);
      const account = await this.access.accountForWrite(tx, plan.accountId, 'accountId', 'change the plans of this account');
      if (plan.status !== PlanStatus.PLANNED) throw new DomainError(ErrorCode.INVALID_STATE, `id: the plan is ${plan.status === PlanStatus.DONE ? 'done' : 'cancelled'}; plan a new communication instead`, { field: 'id' });
      const current: PlanInput = { ...plan, ourParticipantIds: plan.ourParticipantIds ?? [] };
      // A new day without a period moves the plan to the new day's month.
      const merged = mergePatch(current, patch.scheduledOn !== undefined && patch.period === undefined ? { ...patch, period: null } : patch);
      const values = await this.normalize(tx, merged, account);
      await updateVersioned(managerFor(this.ds, tx), CommunicationPlan, plan, values, expectedVersion, `plan #${id}`);
      await this.audit.record(tx, { action: 'plan.update', entity: 'CommunicationPlan', entityId: id, fields: Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined) });
      return this.get(tx, id);
    });
  }

  async cancel(ctx: RequestContext, id: number, reasonInput: string | null): Promise<CommunicationPlan> {
    assertRole(ctx, WRITERS, 'cancel plans');
    const reason = requiredText(reasonInput, 'reason', '取消原因 / why it is cancelled', 500);
    return inTransaction(this.ds, ctx, async (tx) => {
      const plan = await this.get(tx, id);
      await this.access.accountForWrite(tx, plan.accountId, 'accountId', 'change the plans of this account');
      if (plan.status !== PlanStatus.PLANNED) throw new DomainError(ErrorCode.INVALID_STATE, 'id: only a planned communication can be cancelled', { field: 'id' });
      await updateVersioned(managerFor(this.ds, tx), CommunicationPlan, plan, { status: PlanStatus.CANCELLED, cancelReason: reason }, null, `plan #${id}`);
      await this.audit.record(tx, { action: 'plan.cancel', entity: 'CommunicationPlan', entityId: id, fields: ['status'], before: { status: plan.status }, after: { status: PlanStatus.CANCELLED, reason } });
      return this.get(tx, id);
    });
  }

  /** Links the activity that fulfilled a plan by hand (when it was held outside the matching window). */
  async fulfil(ctx: RequestContext, id: number, activityId: number): Promise<CommunicationPlan> {
    assertRole(ctx, WRITERS, 'change plans');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const plan = await this.get(tx, id);
      await this.access.accountForWrite(tx, plan.accountId, 'accountId', 'change the plans of this account');
      if (plan.status === PlanStatus.CANCELLED) throw new DomainError(ErrorCode.INVALID_STATE, 'id: the plan was cancelled', { field: 'id' });
      const act = await em.findOneBy(Activity, { id: activityId });
      if (!act) throw new DomainError(ErrorCode.NOT_FOUND, `activityId: activity ${activityId} not found`, { field: 'activityId' });
      if (act.accountId !== plan.accountId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'activityId: the activity belongs to another account', { field: 'activityId' });
      await updateVersioned(em, CommunicationPlan, plan, { status: PlanStatus.DONE, activityId: act.id }, null, `plan #${id}`);
      await this.audit.record(tx, { action: 'plan.fulfil', entity: 'CommunicationPlan', entityId: id, fields: ['status', 'activityId'], after: { activityId: act.id } });
      return this.get(tx, id);
    });
  }

  /** Activities just written fulfil the planned communications they match (see matchPlan). */
  async afterWrite(ctx: RequestContext, activityIds: readonly number[]): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const acts = await em.find(Activity, { select: { id: true, accountId: true, occurredOn: true, type: true, channel: true }, where: { id: In([...activityIds]) } });
    if (!acts.length) return;
    const linked = new Set((await em.find(CommunicationPlan, { select: { id: true, activityId: true }, where: { activityId: In(acts.map((a) => a.id)) } })).map((p) => p.activityId));
    const open = acts.filter((a) => !linked.has(a.id));
    if (!open.length) return;
    const dates = open.map((a) => a.occurredOn).sort();
    const plans = await em
      .createQueryBuilder(CommunicationPlan, 'p')
      .where('p.accountId IN (:...ids) AND p.status = :planned AND p.scheduledOn >= :from AND p.scheduledOn <= :to', {
        ids: [...new Set(open.map((a) => a.accountId))], planned: PlanStatus.PLANNED, from: addDays(dates[0], -PLAN_MATCH_DAYS), to: addDays(dates[dates.length - 1], PLAN_MATCH_DAYS),
      })
      .getMany();
    for (const act of open) {
      const plan = matchPlan(plans, act);
      if (!plan) continue;
      plan.status = PlanStatus.DONE;
      await em.createQueryBuilder().update(CommunicationPlan).set({ status: PlanStatus.DONE, activityId: act.id, version: () => 'version + 1' }).where('id = :id AND status = :planned', { id: plan.id, planned: PlanStatus.PLANNED }).execute();
    }
  }

  /** How each account's plans with a day in [from, to] were kept, on `asOf` (default today). */
  /**
   * 风险提示 lines for the monthly report: per account, the plans still not carried out past their
   * date as of `asOf` (as {@link compliance} counts them missed) — `沟通计划未执行：1 项（最早 10-12 计划：季度高层拜访）`.
   */
  async missedRiskLines(ctx: RequestContext, accountIds: readonly number[], asOf: LocalDate): Promise<Map<number, string[]>> {
    const em = managerFor(this.ds, ctx);
    const items: OverdueItem[] = [];
    for (const ids of idChunks(accountIds)) {
      const rows = await em
        .createQueryBuilder(CommunicationPlan, 'p')
        .select(['p.id', 'p.accountId', 'p.agenda', 'p.scheduledOn'])
        .where('p.accountId IN (:...ids) AND p.status = :planned AND p.scheduledOn < :asOf', { ids, planned: PlanStatus.PLANNED, asOf })
        .orderBy('p.scheduledOn', 'ASC')
        .addOrderBy('p.id', 'ASC')
        .getMany();
      items.push(...rows.map((p) => ({ accountId: p.accountId, dueOn: p.scheduledOn, subject: p.agenda })));
    }
    return overdueLines(items, '沟通计划未执行', '计划');
  }

  async compliance(ctx: RequestContext, from: LocalDate, to: LocalDate, filter: { accountIds?: number[] | null; ownerUnitId?: number | null; managerId?: number | null } = {}, asOfInput?: LocalDate | null): Promise<PlanComplianceRow[]> {
    const asOf = asOfInput ? assertLocalDate(asOfInput, 'asOf') : this.clock.today();
    const qb = managerFor(this.ds, ctx)
      .createQueryBuilder(CommunicationPlan, 'p')
      .innerJoin(Account, 'a', 'a.id = p.accountId')
      .select('p.accountId', 'accountId')
      .addSelect('COUNT(*)', 'planned')
      .addSelect(`SUM(CASE WHEN p.status = '${PlanStatus.DONE}' THEN 1 ELSE 0 END)`, 'done')
      .addSelect(`SUM(CASE WHEN p.status = '${PlanStatus.CANCELLED}' THEN 1 ELSE 0 END)`, 'cancelled')
      .addSelect(`SUM(CASE WHEN p.status = '${PlanStatus.PLANNED}' AND p.scheduledOn < :asOf THEN 1 ELSE 0 END)`, 'missed')
      .where('p.scheduledOn >= :from AND p.scheduledOn <= :to', { from: assertLocalDate(from, 'from'), to: assertLocalDate(to, 'to'), asOf })
      .groupBy('p.accountId')
      .orderBy('p.accountId', 'ASC');
    if (filter.accountIds) qb.andWhere(filter.accountIds.length ? 'p.accountId IN (:...ids)' : '1 = 0', { ids: filter.accountIds });
    if (filter.ownerUnitId != null) qb.andWhere('a.ownerUnitId = :unit', { unit: filter.ownerUnitId });
    if (filter.managerId != null) qb.andWhere('a.managerId = :mgr', { mgr: filter.managerId });
    const rows = await qb.getRawMany<Record<string, unknown>>();
    return rows.map((r) => {
      const [planned, done, cancelled, missed] = [r.planned, r.done, r.cancelled, r.missed].map(Number);
      return { accountId: Number(r.accountId), planned, done, cancelled, missed, upcoming: planned - done - cancelled - missed, rate: done + missed ? Math.round((100 * done) / (done + missed)) : null };
    });
  }

  /** Planned communications of an account organised by `fromUserId` move to `toUserId` (a reassignment). */
  transferOnAccount(ctx: RequestContext, accountId: number, fromUserId: number, toUserId: number): Promise<number[]> {
    return transferOwner(managerFor(this.ds, ctx), CommunicationPlan, { accountId, ownerId: fromUserId, status: PlanStatus.PLANNED }, toUserId);
  }

  /** Planned communications a user organises (for handovers). */
  openPlansOf(ctx: RequestContext, userId: number): Promise<CommunicationPlan[]> {
    return managerFor(this.ds, ctx).find(CommunicationPlan, { where: { ownerId: userId, status: PlanStatus.PLANNED }, order: { id: 'ASC' } });
  }

  private async normalize(ctx: RequestContext, input: PlanInput, account: Account): Promise<Partial<CommunicationPlan>> {
    const em = managerFor(this.ds, ctx);
    if (!cleanText(input.scheduledOn)) throw new DomainError(ErrorCode.REQUIRED, 'scheduledOn: 计划日期 is required', { field: 'scheduledOn' });
    const scheduledOn = assertLocalDate(input.scheduledOn, 'scheduledOn');
    const participants = [...new Set(toIds(input.ourParticipantIds, 'ourParticipantIds') ?? [])].sort((a, b) => a - b);
    if (participants.length) {
      const found = new Set((await em.find(User, { select: { id: true }, where: { id: In(participants) } })).map((u) => u.id));
      const missing = participants.find((p) => !found.has(p));
      if (missing !== undefined) throw new DomainError(ErrorCode.NOT_FOUND, `ourParticipantIds: user ${missing} not found`, { field: 'ourParticipantIds' });
    }
    const ownerId = toIdOrNull(input.ownerId, 'ownerId') ?? account.managerId;
    if (ownerId !== null) await activeUser(em, ownerId, 'ownerId');
    return {
      accountId: account.id,
      scheduledOn,
      period: decidePlanPeriod(scheduledOn, cleanText(input.period)),
      scheduledTime: planTime(input.scheduledTime),
      activityType: cleanText(input.activityType as string | null) ? ActivityTypes.parse(String(input.activityType), 'activityType') : null,
      channel: cleanText(input.channel as string | null) ? Channels.parse(String(input.channel), 'channel') : null,
      agenda: requiredText(input.agenda, 'agenda', '议题 / agenda'),
      ourParticipantIds: participants.map(String),
      customerParticipants: optionalText(input.customerParticipants, 'customerParticipants', 300),
      ownerId,
    };
  }
}
