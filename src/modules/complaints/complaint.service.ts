/**
 * 投诉、质量问题与服务请求: recorded per account (by hand, or from the ledger's complaint rows), owned,
 * due by severity and tier, resolved, verified by someone else, answered. Strategic accounts' items
 * come first in the desk's queue; overdue ones reach the monthly report's 风险提示.
 */
import { In, IsNull, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { RecordSource, Role } from '../../common/enums';
import { assertLocalDate, type LocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { toIdOrNull, toIds, type Id } from '../../common/ids';
import { paginate, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, optionalText, requiredText } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { transferOwner, updateVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import type { AccessService } from '../auth/access.service';
import { assertRole } from '../auth/access.rules';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import type { ActivityEffect } from '../activities/activity.service';
import { activeUser } from '../org/active-user';
import type { TierService } from '../tiers/tier.service';
import { Complaint, ComplaintDeadline } from './complaint.entity';
import { ComplaintKinds, ComplaintSeverities, ComplaintSeverity, ComplaintStatus, type ComplaintKind } from './complaint-vocabulary';
import { idChunks, overdueLines, type OverdueItem } from '../reports/risk-lines';
import { assertComplaintStep, complaintKindOf, complaintPriority, decideComplaintWrite, decideVerification, dueOn } from './complaint.rules';

export interface ComplaintInput {
  accountId: Id;
  kind: ComplaintKind | string;
  severity?: ComplaintSeverity | string | null;
  subject: string;
  description?: string | null;
  /** Default today; never ahead. */
  reportedOn?: LocalDate | null;
  reportedBy?: string | null;
  /** Default: the account's manager. */
  ownerId?: Id | null;
}

export interface ComplaintPatch {
  kind?: ComplaintKind | string | null;
  severity?: ComplaintSeverity | string | null;
  subject?: string | null;
  description?: string | null;
  reportedBy?: string | null;
  ownerId?: Id | null;
}

export interface ComplaintFilter {
  accountIds?: Id[] | null;
  kinds?: ComplaintKind[] | null;
  severities?: ComplaintSeverity[] | null;
  statuses?: ComplaintStatus[] | null;
  ownerIds?: Id[] | null;
  /** Only items not answered by their due date. */
  overdue?: boolean | null;
}

/** Roles that may act on items at all (then: ADMIN, a MANAGER of the account, the owner; the committee verifies). */
const WRITERS = [Role.MANAGER, Role.COMMITTEE];

const OPEN_STATUSES = [ComplaintStatus.OPEN, ComplaintStatus.RESOLVED, ComplaintStatus.VERIFIED];

export class ComplaintService implements ActivityEffect {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly clock: Clock,
    private readonly maxPageSize: () => number,
  ) {}

  get(ctx: RequestContext, id: number): Promise<Complaint> {
    return findByIdOrFail(this.ds, ctx, Complaint, id);
  }

  list(ctx: RequestContext, filter: ComplaintFilter, page: PageArgs): Promise<Connection<Complaint>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(Complaint, 'c');
    const ids = toIds(filter.accountIds, 'filter.accountIds');
    if (ids) qb.andWhere(ids.length ? 'c.accountId IN (:...ids)' : '1 = 0', { ids });
    if (filter.kinds?.length) qb.andWhere('c.kind IN (:...kinds)', { kinds: filter.kinds });
    if (filter.severities?.length) qb.andWhere('c.severity IN (:...severities)', { severities: filter.severities });
    if (filter.statuses?.length) qb.andWhere('c.status IN (:...statuses)', { statuses: filter.statuses });
    const owners = toIds(filter.ownerIds, 'filter.ownerIds');
    if (owners) qb.andWhere(owners.length ? 'c.ownerId IN (:...owners)' : '1 = 0', { owners });
    if (filter.overdue) qb.andWhere('c.status IN (:...open) AND c.dueOn < :today', { open: OPEN_STATUSES, today: this.clock.today() });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  /** The desk's queue: open items, strategic accounts first, then severity, then the due date (at most `first`). */
  async queue(ctx: RequestContext, first: number | null | undefined, filter: Pick<ComplaintFilter, 'kinds' | 'ownerIds' | 'overdue'> = {}): Promise<Complaint[]> {
    const limit = Math.min(first ?? 100, this.maxPageSize());
    const qb = managerFor(this.ds, ctx).createQueryBuilder(Complaint, 'c').where('c.status IN (:...open)', { open: OPEN_STATUSES });
    if (filter.kinds?.length) qb.andWhere('c.kind IN (:...kinds)', { kinds: filter.kinds });
    const owners = toIds(filter.ownerIds, 'ownerIds');
    if (owners) qb.andWhere(owners.length ? 'c.ownerId IN (:...owners)' : '1 = 0', { owners });
    if (filter.overdue) qb.andWhere('c.dueOn < :today', { today: this.clock.today() });
    const open = await qb.getMany();
    const accounts = new Map<number, number | null>();
    for (let i = 0; i < open.length; i += 1000) {
      for (const a of await managerFor(this.ds, ctx).find(Account, { select: { id: true, tierId: true }, where: { id: In([...new Set(open.slice(i, i + 1000).map((c) => c.accountId))]) } })) accounts.set(a.id, a.tierId);
    }
    const rank = new Map((await this.tiers.list()).map((t) => [t.id, t.rank]));
    const tierRank = (c: Complaint) => rank.get(accounts.get(c.accountId) ?? -1) ?? 999;
    return open.map((c) => ({ c, k: { tierRank: tierRank(c), severity: c.severity, dueOn: c.dueOn, id: c.id } })).sort((x, y) => complaintPriority(x.k, y.k)).slice(0, limit).map((x) => x.c);
  }

  async create(ctx: RequestContext, input: ComplaintInput): Promise<Complaint> {
    assertRole(ctx, WRITERS, 'record complaints');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.account(tx, input.accountId);
      decideComplaintWrite(ctx.actor, account, await this.access.manages(tx, account), null, 'record items of this account');
      const severity = cleanText(input.severity as string | null) ? ComplaintSeverities.parse(String(input.severity), 'severity') : ComplaintSeverity.NORMAL;
      const reportedOn = assertNotFuture(this.clock, input.reportedOn ? assertLocalDate(input.reportedOn, 'reportedOn') : this.clock.today(), 'reportedOn', 'an item is recorded once it was reported');
      const ownerId = await this.owner(tx, toIdOrNull(input.ownerId, 'ownerId') ?? account.managerId);
      const row = em.create(Complaint, {
        accountId: account.id, kind: ComplaintKinds.parse(String(input.kind ?? ''), 'kind'), severity, subject: requiredText(input.subject, 'subject', '事由 / subject', 300),
        description: optionalText(input.description, 'description'), reportedOn, reportedBy: optionalText(input.reportedBy, 'reportedBy', 100), ownerId,
        dueOn: dueOn(reportedOn, severity, account.tierId, await this.deadlines(tx)), tierId: account.tierId, status: ComplaintStatus.OPEN,
        resolution: null, resolvedOn: null, resolvedById: null, verification: null, verifiedOn: null, verifiedById: null, reply: null, repliedOn: null, repliedById: null,
        activityId: null, source: RecordSource.MANUAL,
      });
      await em.save(row);
      await this.audit.record(tx, { action: 'complaint.create', entity: 'Complaint', entityId: row.id, after: { accountId: account.id, kind: row.kind, severity, dueOn: row.dueOn, ownerId } });
      return row;
    });
  }

  /** Changes the facts of an item; a new severity sets a new due date (not once answered). */
  async update(ctx: RequestContext, id: number, patch: ComplaintPatch, expectedVersion?: number | null): Promise<Complaint> {
    assertRole(ctx, WRITERS, 'change complaints');
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.get(tx, id);
      const account = await this.account(tx, row.accountId);
      decideComplaintWrite(ctx.actor, account, await this.access.manages(tx, account), row.ownerId, 'change items of this account');
      if (row.status === ComplaintStatus.CLOSED) throw new DomainError(ErrorCode.INVALID_STATE, 'id: the item was answered and closed', { field: 'id' });
      const v: Partial<Complaint> = {};
      if (patch.kind != null) v.kind = ComplaintKinds.parse(String(patch.kind), 'kind');
      if (patch.severity != null) {
        v.severity = ComplaintSeverities.parse(String(patch.severity), 'severity');
        v.dueOn = dueOn(row.reportedOn, v.severity, row.tierId, await this.deadlines(tx));
      }
      if (patch.subject !== undefined) v.subject = requiredText(patch.subject, 'subject', '事由 / subject', 300);
      if (patch.description !== undefined) v.description = optionalText(patch.description, 'description');
      if (patch.reportedBy !== undefined) v.reportedBy = optionalText(patch.reportedBy, 'reportedBy', 100);
      if (patch.ownerId !== undefined) v.ownerId = await this.owner(tx, toIdOrNull(patch.ownerId, 'ownerId'));
      await updateVersioned(managerFor(this.ds, tx), Complaint, row, v, expectedVersion, `item #${id}`);
      await this.audit.record(tx, { action: 'complaint.update', entity: 'Complaint', entityId: id, fields: Object.keys(v), before: { severity: row.severity, dueOn: row.dueOn, ownerId: row.ownerId }, after: v });
      return this.get(tx, id);
    });
  }

  /** 已解决: what was done (the owner, a MANAGER of the account, or an ADMIN). */
  resolve(ctx: RequestContext, id: number, resolutionInput: string | null, onInput?: LocalDate | null): Promise<Complaint> {
    const resolution = requiredText(resolutionInput, 'resolution', '处理结果 / what was done');
    const on = this.pastDay(onInput, 'resolvedOn');
    return this.step(ctx, id, ComplaintStatus.RESOLVED, 'resolve', async (c, account, manages) => {
      decideComplaintWrite(ctx.actor, account, manages, c.ownerId, `resolve item #${id}`, true);
      return { resolution, resolvedOn: on, resolvedById: ctx.actor.userId };
    });
  }

  /** 已验证 (or, `passed: false`, back to 处理中): someone other than the resolver checks the fix. */
  verify(ctx: RequestContext, id: number, passed: boolean, noteInput: string | null, onInput?: LocalDate | null): Promise<Complaint> {
    const note = requiredText(noteInput, 'note', '验证情况 / what the check found');
    const on = this.pastDay(onInput, 'verifiedOn');
    return this.step(ctx, id, passed ? ComplaintStatus.VERIFIED : ComplaintStatus.OPEN, passed ? 'verify' : 'reopen', async (c, account, manages) => {
      decideVerification(ctx.actor, account, manages, c.resolvedById);
      return passed ? { verification: note, verifiedOn: on, verifiedById: ctx.actor.userId } : { verification: `验证未通过 / failed: ${note}`, resolvedOn: null, resolvedById: null };
    });
  }

  /** 已答复关闭: the answer given to the customer, and when (on time when by the due date). */
  reply(ctx: RequestContext, id: number, replyInput: string | null, onInput?: LocalDate | null): Promise<Complaint> {
    const reply = requiredText(replyInput, 'reply', '答复内容 / the answer given');
    const on = this.pastDay(onInput, 'repliedOn');
    return this.step(ctx, id, ComplaintStatus.CLOSED, 'reply', async (c, account, manages) => {
      decideComplaintWrite(ctx.actor, account, manages, c.ownerId, `answer item #${id}`, true);
      return { reply, repliedOn: on, repliedById: ctx.actor.userId };
    });
  }

  private pastDay(input: LocalDate | null | undefined, field: string): LocalDate {
    return assertNotFuture(this.clock, input ? assertLocalDate(input, field) : this.clock.today(), field);
  }

  private async step(ctx: RequestContext, id: number, to: ComplaintStatus, verb: string, decide: (c: Complaint, account: Account, manages: boolean) => Promise<Partial<Complaint>>): Promise<Complaint> {
    assertRole(ctx, WRITERS, `${verb} complaints`);
    return inTransaction(this.ds, ctx, async (tx) => {
      const row = await this.get(tx, id);
      const account = await this.account(tx, row.accountId);
      const values = await decide(row, account, await this.access.manages(tx, account));
      assertComplaintStep(row.status, to);
      await updateVersioned(managerFor(this.ds, tx), Complaint, row, { ...values, status: to }, null, `item #${id}`);
      await this.audit.record(tx, { action: `complaint.${verb}`, entity: 'Complaint', entityId: id, fields: ['status'], before: { status: row.status }, after: { status: to } });
      return this.get(tx, id);
    });
  }

  /**
   * Closes every open item reported before `reportedBefore` (ADMIN): after importing years of ledger
   * history, its complaint rows were handled long ago. They are closed with the note as resolution and
   * answer, without an answer date (so they count neither as answered on time nor as late). One audit event.
   */
  async closeReportedBefore(ctx: RequestContext, reportedBeforeInput: LocalDate, noteInput: string | null): Promise<number> {
    assertRole(ctx, [], 'closeComplaintsReportedBefore');
    const before = assertLocalDate(reportedBeforeInput, 'reportedBefore');
    const note = requiredText(noteInput, 'note', '说明 / why they are closed', 500);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const ids = (await em.createQueryBuilder(Complaint, 'c').select(['c.id']).where('c.status IN (:...open) AND c.reportedOn < :before', { open: OPEN_STATUSES, before }).getMany()).map((c) => c.id);
      for (let i = 0; i < ids.length; i += 1000) {
        await em.createQueryBuilder().update(Complaint).set({ status: ComplaintStatus.CLOSED, resolution: note, reply: note, repliedOn: null, version: () => 'version + 1' }).where('id IN (:...ids)', { ids: ids.slice(i, i + 1000) }).execute();
      }
      await this.audit.record(tx, { action: 'complaint.closeMany', entity: 'Complaint', entityId: before, recordIds: ids, after: { reportedBefore: before, closed: ids.length, note } });
      return ids.length;
    });
  }

  getDeadline(ctx: RequestContext, id: number): Promise<ComplaintDeadline> {
    return findByIdOrFail(this.ds, ctx, ComplaintDeadline, id);
  }

  listDeadlines(ctx: RequestContext): Promise<ComplaintDeadline[]> {
    return managerFor(this.ds, ctx).find(ComplaintDeadline, { order: { severity: 'ASC', id: 'ASC' } });
  }

  /** Sets the days to answer an item of a severity for a tier (every other tier when none) — the committee. */
  async setDeadline(ctx: RequestContext, severityInput: string, tier: string | null | undefined, days: number): Promise<ComplaintDeadline> {
    assertRole(ctx, [Role.COMMITTEE], 'setComplaintDeadline');
    const severity = ComplaintSeverities.parse(severityInput, 'severity');
    if (!Number.isInteger(days) || days < 1 || days > 365) throw new DomainError(ErrorCode.VALIDATION_FAILED, `days: ${days} must be a whole number from 1 to 365`, { field: 'days' });
    const tierId = cleanText(tier) ? (await this.tiers.resolve(tier as string, 'tier')).id : null;
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const existing = await em.findOneBy(ComplaintDeadline, { severity, tierId: tierId ?? IsNull() });
      if (existing) await updateVersioned(em, ComplaintDeadline, existing, { days }, null, `deadline #${existing.id}`);
      else await em.insert(ComplaintDeadline, { severity, tierId, days, version: 1 });
      const row = await em.findOneByOrFail(ComplaintDeadline, { severity, tierId: tierId ?? IsNull() });
      await this.audit.record(tx, { action: 'complaintDeadline.set', entity: 'ComplaintDeadline', entityId: row.id, fields: ['days'], before: existing ? { days: existing.days } : null, after: { severity, tierId, days } });
      return row;
    });
  }

  /**
   * Ledger rows that record a complaint or a quality problem (see complaintKindOf) become items, once
   * per activity; while still open, the item follows the row when it is imported again.
   */
  async afterWrite(ctx: RequestContext, activityIds: readonly number[]): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const acts = (await em.find(Activity, { select: { id: true, accountId: true, managerId: true, occurredOn: true, type: true, intelTags: true, subject: true, summary: true, counterparts: true, source: true }, where: { id: In([...activityIds]) } }))
      .map((a) => ({ a, kind: complaintKindOf(a) }))
      .filter((x) => x.kind !== null);
    if (!acts.length) return;
    const existing = new Map((await em.findBy(Complaint, { activityId: In(acts.map((x) => x.a.id)) })).map((c) => [c.activityId!, c]));
    const accounts = new Map((await em.find(Account, { select: { id: true, tierId: true, managerId: true }, where: { id: In([...new Set(acts.map((x) => x.a.accountId))]) } })).map((a) => [a.id, a]));
    const deadlines = await this.deadlines(ctx);
    const inserts: Partial<Complaint>[] = [];
    for (const { a, kind } of acts) {
      const subject = (a.subject ?? a.summary ?? '').slice(0, 300) || '（经营档案记录）';
      const c = existing.get(a.id);
      if (c) {
        if (c.status === ComplaintStatus.OPEN && (c.subject !== subject || c.reportedOn !== a.occurredOn)) {
          await em.update(Complaint, { id: c.id }, { subject, description: a.summary, reportedOn: a.occurredOn, dueOn: dueOn(a.occurredOn, c.severity, c.tierId, deadlines), version: c.version + 1 });
        }
        continue;
      }
      const account = accounts.get(a.accountId);
      inserts.push({
        accountId: a.accountId, kind: kind!, severity: ComplaintSeverity.NORMAL, subject, description: a.summary, reportedOn: a.occurredOn, reportedBy: a.counterparts?.slice(0, 100) ?? null,
        ownerId: a.managerId ?? account?.managerId ?? null, dueOn: dueOn(a.occurredOn, ComplaintSeverity.NORMAL, account?.tierId ?? null, deadlines), tierId: account?.tierId ?? null,
        status: ComplaintStatus.OPEN, resolution: null, resolvedOn: null, resolvedById: null, verification: null, verifiedOn: null, verifiedById: null, reply: null, repliedOn: null, repliedById: null,
        activityId: a.id, source: a.source, version: 1,
      });
    }
    for (let i = 0; i < inserts.length; i += 500) await em.insert(Complaint, inserts.slice(i, i + 500));
  }

  /**
   * 风险提示 lines for the monthly report: per account, the items not answered by their due date as of
   * `asOf` — `投诉逾期：2 项（最早 10-05 到期：交货延期）`.
   */
  async overdueRiskLines(ctx: RequestContext, accountIds: readonly number[], asOf: LocalDate): Promise<Map<number, string[]>> {
    const em = managerFor(this.ds, ctx);
    const items: OverdueItem[] = [];
    for (const ids of idChunks(accountIds)) {
      const rows = await em
        .createQueryBuilder(Complaint, 'c')
        .select(['c.id', 'c.accountId', 'c.subject', 'c.dueOn'])
        .where('c.accountId IN (:...ids) AND c.dueOn < :asOf AND c.reportedOn <= :asOf', { ids, asOf })
        .andWhere('(c.status IN (:...open) OR c.repliedOn > :asOf)', { open: OPEN_STATUSES })
        .orderBy('c.dueOn', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .getMany();
      items.push(...rows.map((c) => ({ accountId: c.accountId, dueOn: c.dueOn, subject: c.subject })));
    }
    return overdueLines(items, '投诉/质量问题逾期未答复');
  }

  /** Open items a user owns (for handovers). */
  openOf(ctx: RequestContext, userId: number): Promise<Complaint[]> {
    return managerFor(this.ds, ctx).find(Complaint, { where: { ownerId: userId, status: In(OPEN_STATUSES) }, order: { id: 'ASC' } });
  }

  /** Open items of an account owned by `fromUserId` move to `toUserId` (a reassignment or a handover). */
  transferOnAccount(ctx: RequestContext, accountId: number, fromUserId: number, toUserId: number): Promise<number[]> {
    return transferOwner(managerFor(this.ds, ctx), Complaint, { accountId, ownerId: fromUserId, status: In(OPEN_STATUSES) }, toUserId);
  }

  private deadlines(ctx: RequestContext): Promise<ComplaintDeadline[]> {
    return managerFor(this.ds, ctx).find(ComplaintDeadline);
  }

  private async account(ctx: RequestContext, id: Id): Promise<Account> {
    const account = await managerFor(this.ds, ctx).findOneBy(Account, { id: toIdOrNull(id, 'accountId') ?? 0 });
    if (!account) throw new DomainError(ErrorCode.NOT_FOUND, `accountId: account ${id} not found`, { field: 'accountId' });
    return account;
  }

  private async owner(ctx: RequestContext, id: number | null): Promise<number | null> {
    return id === null ? null : (await activeUser(managerFor(this.ds, ctx), id, 'ownerId')).id;
  }
}

