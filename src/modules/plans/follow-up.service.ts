/**
 * 跟进事项: actions agreed with accounts, with an owner and a due date. An activity's 下一步 (the API's
 * nextAction / nextActionDue, 附件4 下一步工作 / 完成期限) becomes one, owned by whoever logged the activity
 * (else the account's manager) — through every door, kept in step when the row is imported again.
 * Open past their due date they are overdue; the owner, a MANAGER of the account or an ADMIN closes
 * them.
 */
import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { assertLocalDate, type LocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { toIdOrNull, toIds, type Id } from '../../common/ids';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { optionalText, requiredText } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { transferOwner, updateVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { assertRole } from '../auth/access.rules';
import { Role } from '../../common/enums';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import type { ActivityEffect } from '../activities/activity.service';
import { activeUser } from '../org/active-user';
import { FollowUpAction } from './follow-up.entity';
import { FollowUpSource, FollowUpStatus } from './plan-status';
import { idChunks, overdueLines, type OverdueItem } from '../reports/risk-lines';
import { assertFollowUpTransition, decideFollowUpChange } from './plans.rules';

export interface FollowUpInput {
  accountId: Id;
  description: string;
  /** Default: the account's manager. */
  ownerId?: Id | null;
  dueOn?: LocalDate | null;
  planId?: Id | null;
}

export interface FollowUpPatch {
  description?: string | null;
  ownerId?: Id | null;
  dueOn?: LocalDate | null;
}

export interface FollowUpFilter {
  accountIds?: Id[] | null;
  ownerIds?: Id[] | null;
  statuses?: FollowUpStatus[] | null;
  /** Only open actions past their due date. */
  overdue?: boolean | null;
  dueBefore?: LocalDate | null;
}

/** Roles that may act on follow-ups at all (then: ADMIN, a MANAGER of the account, or the owner). */
const WRITERS = [Role.MANAGER, Role.COMMITTEE];

export class FollowUpService implements ActivityEffect {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly maxPageSize: () => number,
  ) {}

  get(ctx: RequestContext, id: number): Promise<FollowUpAction> {
    return findByIdOrFail(this.ds, ctx, FollowUpAction, id);
  }

  list(ctx: RequestContext, filter: FollowUpFilter, page: PageArgs): Promise<Connection<FollowUpAction>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(FollowUpAction, 'f');
    const accounts = toIds(filter.accountIds, 'filter.accountIds');
    if (accounts) qb.andWhere(accounts.length ? 'f.accountId IN (:...accounts)' : '1 = 0', { accounts });
    const owners = toIds(filter.ownerIds, 'filter.ownerIds');
    if (owners) qb.andWhere(owners.length ? 'f.ownerId IN (:...owners)' : '1 = 0', { owners });
    if (filter.statuses?.length) qb.andWhere('f.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.overdue) qb.andWhere('f.status = :open AND f.dueOn < :today', { open: FollowUpStatus.OPEN, today: this.clock.today() });
    if (filter.dueBefore) qb.andWhere('f.dueOn < :dueBefore', { dueBefore: assertLocalDate(filter.dueBefore, 'filter.dueBefore') });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  async create(ctx: RequestContext, input: FollowUpInput): Promise<FollowUpAction> {
    assertRole(ctx, WRITERS, 'add follow-up actions');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.access.accountForWrite(tx, input.accountId, 'accountId', 'add follow-up actions to this account');
      const ownerId = await this.owner(tx, toIdOrNull(input.ownerId, 'ownerId') ?? account.managerId);
      const row = em.create(FollowUpAction, {
        accountId: account.id, activityId: null, planId: toIdOrNull(input.planId, 'planId'), description: requiredText(input.description, 'description', '事项 / what is to be done'),
        ownerId, dueOn: input.dueOn ? assertLocalDate(input.dueOn, 'dueOn') : null, status: FollowUpStatus.OPEN, doneOn: null, result: null,
        source: input.planId != null ? FollowUpSource.PLAN : FollowUpSource.MANUAL,
      });
      await em.save(row);
      await this.audit.record(tx, { action: 'followUp.create', entity: 'FollowUpAction', entityId: row.id, after: { accountId: account.id, ownerId, dueOn: row.dueOn } });
      return row;
    });
  }

  /** Changes what, who or when (ADMIN or a MANAGER of the account). */
  async update(ctx: RequestContext, id: number, patch: FollowUpPatch, expectedVersion?: number | null): Promise<FollowUpAction> {
    assertRole(ctx, WRITERS, 'change follow-up actions');
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.get(tx, id);
      await this.access.accountForWrite(tx, row.accountId, 'accountId', 'change follow-up actions of this account');
      const values: Partial<FollowUpAction> = {};
      if (patch.description !== undefined) values.description = requiredText(patch.description, 'description', '事项 / what is to be done');
      if (patch.ownerId !== undefined) values.ownerId = await this.owner(tx, toIdOrNull(patch.ownerId, 'ownerId'));
      if (patch.dueOn !== undefined) values.dueOn = patch.dueOn ? assertLocalDate(patch.dueOn, 'dueOn') : null;
      await updateVersioned(managerFor(this.ds, tx), FollowUpAction, row, values, expectedVersion, `follow-up #${id}`);
      await this.audit.record(tx, { action: 'followUp.update', entity: 'FollowUpAction', entityId: id, fields: Object.keys(values), before: { ownerId: row.ownerId, dueOn: row.dueOn }, after: values });
      return this.get(tx, id);
    });
  }

  /** Done (the owner, a MANAGER of the account, or an ADMIN), on a day that has come. */
  complete(ctx: RequestContext, id: number, doneOnInput?: LocalDate | null, resultInput?: string | null): Promise<FollowUpAction> {
    const doneOn = assertNotFuture(this.clock, doneOnInput ? assertLocalDate(doneOnInput, 'doneOn') : this.clock.today(), 'doneOn');
    return this.move(ctx, id, FollowUpStatus.DONE, { doneOn, result: optionalText(resultInput, 'result') }, 'complete');
  }

  cancel(ctx: RequestContext, id: number, reasonInput: string | null): Promise<FollowUpAction> {
    return this.move(ctx, id, FollowUpStatus.CANCELLED, { doneOn: null, result: requiredText(reasonInput, 'reason', '取消原因 / why it is dropped', 500) }, 'cancel');
  }

  reopen(ctx: RequestContext, id: number): Promise<FollowUpAction> {
    return this.move(ctx, id, FollowUpStatus.OPEN, { doneOn: null, result: null }, 'reopen');
  }

  private async move(ctx: RequestContext, id: number, to: FollowUpStatus, values: Partial<FollowUpAction>, verb: string): Promise<FollowUpAction> {
    assertRole(ctx, WRITERS, `${verb} follow-up actions`);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const row = await this.get(tx, id);
      const account = await em.findOneByOrFail(Account, { id: row.accountId });
      decideFollowUpChange(ctx.actor, account, await this.access.manages(tx, account), row.ownerId, `${verb} follow-up #${id}`);
      assertFollowUpTransition(row.status, to);
      await updateVersioned(em, FollowUpAction, row, { ...values, status: to }, null, `follow-up #${id}`);
      await this.audit.record(tx, { action: `followUp.${verb}`, entity: 'FollowUpAction', entityId: id, fields: ['status'], before: { status: row.status }, after: { status: to, doneOn: values.doneOn ?? null } });
      return this.get(tx, id);
    });
  }

  /**
   * Closes every open action due before `dueBefore` (ADMIN): after importing years of history, the
   * next steps of long-past ledger rows are history too. Returns how many; one audit event.
   */
  async closeDueBefore(ctx: RequestContext, dueBeforeInput: LocalDate, noteInput: string | null): Promise<number> {
    assertRole(ctx, [], 'closeFollowUpsDueBefore');
    const dueBefore = assertLocalDate(dueBeforeInput, 'dueBefore');
    const note = requiredText(noteInput, 'note', '说明 / why they are closed', 500);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const ids = (await em.createQueryBuilder(FollowUpAction, 'f').select(['f.id']).where('f.status = :open AND f.dueOn < :d', { open: FollowUpStatus.OPEN, d: dueBefore }).getMany()).map((f) => f.id);
      for (let i = 0; i < ids.length; i += 1000) {
        await em.createQueryBuilder().update(FollowUpAction).set({ status: FollowUpStatus.DONE, doneOn: () => 'due_on', result: note, version: () => 'version + 1' }).where('id IN (:...ids)', { ids: ids.slice(i, i + 1000) }).execute();
      }
      await this.audit.record(tx, { action: 'followUp.closeMany', entity: 'FollowUpAction', entityId: dueBefore, recordIds: ids, after: { dueBefore, closed: ids.length, note } });
      return ids.length;
    });
  }

  /**
   * An activity's 下一步 as a follow-up: created once (keyed by the activity), kept in step while open
   * when the activity changes (the ledger row imported again), dropped while open when the 下一步 is
   * cleared. A closed action stays as it was closed.
   */
  /**
   * 风险提示 lines for the monthly report: per account, the follow-ups open past their due date as of
   * `asOf` (closed after it still count; cancelled ones do not) — `跟进事项逾期：2 项（最早 10-05 到期：报价单）`.
   */
  async overdueRiskLines(ctx: RequestContext, accountIds: readonly number[], asOf: LocalDate): Promise<Map<number, string[]>> {
    const em = managerFor(this.ds, ctx);
    const items: OverdueItem[] = [];
    for (const ids of idChunks(accountIds)) {
      const rows = await em
        .createQueryBuilder(FollowUpAction, 'f')
        .select(['f.id', 'f.accountId', 'f.description', 'f.dueOn'])
        .where('f.accountId IN (:...ids) AND f.dueOn < :asOf', { ids, asOf })
        .andWhere('(f.status = :open OR (f.status = :done AND f.doneOn > :asOf))', { open: FollowUpStatus.OPEN, done: FollowUpStatus.DONE })
        .orderBy('f.dueOn', 'ASC')
        .addOrderBy('f.id', 'ASC')
        .getMany();
      for (const f of rows) if (f.dueOn) items.push({ accountId: f.accountId, dueOn: f.dueOn, subject: f.description });
    }
    return overdueLines(items, '跟进事项逾期');
  }

  async afterWrite(ctx: RequestContext, activityIds: readonly number[]): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const acts = await em.find(Activity, { select: { id: true, accountId: true, managerId: true, nextAction: true, nextActionDue: true }, where: { id: In([...activityIds]) } });
    const existing = new Map((await em.findBy(FollowUpAction, { activityId: In(acts.map((a) => a.id)) })).map((f) => [f.activityId!, f]));
    const managers = new Map((await em.find(Account, { select: { id: true, managerId: true }, where: { id: In([...new Set(acts.map((a) => a.accountId))]) } })).map((a) => [a.id, a.managerId]));
    const inserts: Partial<FollowUpAction>[] = [];
    for (const act of acts) {
      const f = existing.get(act.id);
      if (!f) {
        if (act.nextAction) {
          inserts.push({
            accountId: act.accountId, activityId: act.id, planId: null, description: act.nextAction, ownerId: act.managerId ?? managers.get(act.accountId) ?? null,
            dueOn: act.nextActionDue, status: FollowUpStatus.OPEN, doneOn: null, result: null, source: FollowUpSource.ACTIVITY, version: 1,
          });
        }
        continue;
      }
      if (f.status !== FollowUpStatus.OPEN) continue;
      if (!act.nextAction) {
        await em.update(FollowUpAction, { id: f.id }, { status: FollowUpStatus.CANCELLED, result: '经营档案的下一步已删除 / the activity no longer names a next step', version: f.version + 1 });
      } else if (act.nextAction !== f.description || act.nextActionDue !== f.dueOn) {
        await em.update(FollowUpAction, { id: f.id }, { description: act.nextAction, dueOn: act.nextActionDue, version: f.version + 1 });
      }
    }
    for (let i = 0; i < inserts.length; i += 500) await em.insert(FollowUpAction, inserts.slice(i, i + 500));
  }

  /** Open actions a user owns (for handovers). */
  openOf(ctx: RequestContext, userId: number): Promise<FollowUpAction[]> {
    return managerFor(this.ds, ctx).find(FollowUpAction, { where: { ownerId: userId, status: FollowUpStatus.OPEN }, order: { id: 'ASC' } });
  }

  /** Open actions of an account owned by `fromUserId` move to `toUserId` (a reassignment or a handover). */
  transferOnAccount(ctx: RequestContext, accountId: number, fromUserId: number, toUserId: number): Promise<number[]> {
    return transferOwner(managerFor(this.ds, ctx), FollowUpAction, { accountId, ownerId: fromUserId, status: FollowUpStatus.OPEN }, toUserId);
  }

  /** Open actions without an owner (the activity named nobody and the account had no manager). */
  unowned(ctx: RequestContext): Promise<FollowUpAction[]> {
    return managerFor(this.ds, ctx).find(FollowUpAction, { where: { ownerId: IsNull(), status: FollowUpStatus.OPEN }, order: { id: 'ASC' } });
  }

  private async owner(ctx: RequestContext, id: number | null): Promise<number | null> {
    return id === null ? null : (await activeUser(managerFor(this.ds, ctx), id, 'ownerId')).id;
  }
}
