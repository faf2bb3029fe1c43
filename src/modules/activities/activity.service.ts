import { deleteWhere } from '../../db/deletions';
import { say } from '../../common/messages';
import { OPEN_LABEL_MAX } from '../../common/open-vocabulary';
import { createHash } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityTypes, IntelTags, RecordSource, type ActivityType, type IntelTag } from '../../common/enums';
import { assertLocalDate } from '../../common/dates';
import { assertNotFuture, type Clock } from '../../common/clock';
import { toId, toIdOrNull, toIds, type Id } from '../../common/ids';
import { yuanToFen } from '../../common/money';
import { paginate, sortSpec, type Connection, type PageArgs, type SortColumns, type SortOrder } from '../../common/pagination';
import { cleanText, normalizeText } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { dbKind } from '../../db/data-source';
import { Where } from '../../db/filters';
import { ListQuery } from '../../db/list-query';
import { deleteVersioned, mergePatch, patchFields, updateVersioned } from '../../db/versioned';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { decideActivityManager } from './activity.rules';
import { User } from '../org/user.entity';
import { Project } from '../projects/project.entity';
import { Payment } from '../projects/payment.entity';
import { Activity } from './activity.entity';
import { Channels, type Channel } from './channel';
import { assertNextActionDue, decideChannel } from './activity.rules';

export interface ActivityInput {
  accountId: Id;
  managerId?: Id | null;
  /** Our participants as users (besides the manager); the per-role visit rules read them. */
  participantIds?: Id[] | null;
  /** 沟通方式; the activity type's when absent (a visit is 面谈, a phone call 电话). */
  channel?: Channel | string | null;
  occurredOn: string;
  type: string;
  participants?: string | null;
  counterparts?: string | null;
  subject?: string | null;
  summary?: string | null;
  outcome?: string | null;
  nextAction?: string | null;
  nextActionDue?: string | null;
  projectId?: Id | null;
  /** Codes, labels or aliases; from a file, any word (an open column): the vocabulary's own become codes, the rest `intelTagsOther`. */
  intelTags?: string[] | null;
  /** 情报类别 outside the vocabulary, as written. */
  intelTagsOther?: string | null;
  contractAmount?: number | null;
  paymentAmount?: number | null;
  source?: RecordSource;
}

/** A change to an activity: the fields given (null clears). An activity stays with its account. */
export type ActivityPatch = Partial<Omit<ActivityInput, 'accountId' | 'source'>>;

/**
 * What follows from activities once they are written — the follow-up action a 下一步 agreed, the
 * complaint a 投诉 row records, the planned communication it fulfils. Registered by those modules
 * (activities do not depend on them); run for one write by the service and for a whole ledger batch by
 * the importer, over the same rules.
 */
export interface ActivityEffect {
  afterWrite(ctx: RequestContext, activityIds: readonly number[]): Promise<void>;
}

export interface ActivityFilter {
  accountIds?: Id[] | null;
  managerIds?: Id[] | null;
  types?: (ActivityType | string)[] | null;
  /** 日期 from / to, inclusive (`YYYY-MM-DD`). */
  from?: string | null;
  to?: string | null;
  projectIds?: Id[] | null;
  /** Activities carrying any of these intelligence tags. */
  intelTags?: (IntelTag | string)[] | null;
  /** 沟通方式 */
  channels?: (Channel | string)[] | null;
  updatedSince?: Date | null;
}

export enum ActivitySortField {
  ID = 'ID',
  OCCURRED_ON = 'OCCURRED_ON',
  UPDATED_AT = 'UPDATED_AT',
}

const ACTIVITY_SORTS: SortColumns<ActivitySortField> = {
  ID: { column: 'id', property: 'id' },
  OCCURRED_ON: { column: 'occurredOn', property: 'occurredOn' },
  UPDATED_AT: { column: 'updatedAt', property: 'updatedAt', datetime: true },
};

/**
 * A ledger row's natural key: account + date + type + content (subject and summary, normalised), so
 * the same row imported twice — even re-saved by another program — is recognised.
 */
export function activityNaturalKey(accountId: number, occurredOn: string, type: ActivityType, subject: string | null, summary: string | null): string {
  const content = [subject, summary].map((s) => normalizeText(s ?? '')).join('\u001f');
  return createHash('sha256').update([accountId, occurredOn, type, content].join('\u001e')).digest('hex');
}

/**
 * 经营档案: visits, exchanges and other events logged by account managers. Writes: ADMIN, or the
 * MANAGER of the account. A ledger row's 回款金额 is kept as a Payment linked to the activity (one per
 * activity), so collections are counted once, wherever they were recorded.
 */
export class ActivityService {
  private readonly effects: ActivityEffect[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly maxPageSize: () => number,
    private readonly clock: Clock,
  ) {}

  /** Registers what follows from written activities (follow-ups, complaints, fulfilled plans). */
  addEffect(effect: ActivityEffect): void {
    this.effects.push(effect);
  }

  /** Runs the effects for activities just written (by id). */
  async applyEffects(ctx: RequestContext, activityIds: readonly number[]): Promise<void> {
    if (activityIds.length === 0) return;
    for (const e of this.effects) await e.afterWrite(ctx, activityIds);
  }

  /** Runs the effects for activities written in bulk (the ledger importer), found by natural key. */
  async applyEffectsByKey(ctx: RequestContext, naturalKeys: readonly string[]): Promise<void> {
    if (this.effects.length === 0) return;
    const em = managerFor(this.ds, ctx);
    for (let i = 0; i < naturalKeys.length; i += 1000) {
      const rows = await em.find(Activity, { select: { id: true }, where: { naturalKey: In(naturalKeys.slice(i, i + 1000)) } });
      await this.applyEffects(ctx, rows.map((r) => r.id));
    }
  }

  normalize(input: ActivityInput): Partial<Activity> {
    const accountId = toId(input.accountId, 'accountId');
    if (!cleanText(input.occurredOn)) throw new DomainError(ErrorCode.REQUIRED, `occurredOn: ${say('日期为必填项', '日期 is required')}`, { field: 'occurredOn' });
    const occurredOn = assertNotFuture(this.clock, assertLocalDate(input.occurredOn, 'occurredOn'), 'occurredOn', say('活动发生后才能记录（将来的事请写在下一步 nextAction）', 'an activity is logged once it took place (plan what is ahead as 下一步 nextAction)'));
    if (!cleanText(input.type)) throw new DomainError(ErrorCode.REQUIRED, `type: ${say('类型为必填项', '类型 is required')}`, { field: 'type' });
    const type = ActivityTypes.parse(input.type, 'type');
    const channel = decideChannel(type, cleanText(input.channel as string | null | undefined) ? Channels.parse(String(input.channel), 'channel') : null);
    const nextActionDue = input.nextActionDue ? assertLocalDate(input.nextActionDue, 'nextActionDue') : null;
    assertNextActionDue(occurredOn, nextActionDue);
    const subject = cleanText(input.subject);
    const summary = cleanText(input.summary);
    if (!subject && !summary) throw new DomainError(ErrorCode.REQUIRED, `summary: ${say('活动须有主题或内容摘要', 'an activity needs a subject or a summary')}`, { field: 'summary' });
    if (subject && subject.length > 300) throw new DomainError(ErrorCode.VALIDATION_FAILED, `subject: ${say('最多 300 个字', 'at most 300 characters')}`, { field: 'subject' });
    const money = (v: number | null | undefined, field: string) => {
      if (v == null) return null;
      if (v < 0) throw new DomainError(ErrorCode.INVALID_AMOUNT, `${field}: ${say('不能为负数', 'must not be negative')}`, { field });
      return yuanToFen(v, field);
    };
    return {
      accountId,
      managerId: toIdOrNull(input.managerId, 'managerId'),
      occurredOn,
      type,
      channel,
      participants: cleanText(input.participants),
      participantIds: [...new Set(toIds(input.participantIds, 'participantIds') ?? [])].sort((a, b) => a - b).map(String),
      counterparts: cleanText(input.counterparts),
      subject,
      summary,
      outcome: cleanText(input.outcome),
      nextAction: cleanText(input.nextAction),
      nextActionDue,
      projectId: toIdOrNull(input.projectId, 'projectId'),
      ...intelTagsOf(input),
      contractAmountFen: money(input.contractAmount, 'contractAmount'),
      paymentAmountFen: money(input.paymentAmount, 'paymentAmount'),
      naturalKey: activityNaturalKey(accountId, occurredOn, type, subject, summary),
      source: input.source ?? RecordSource.MANUAL,
    };
  }

  async get(ctx: RequestContext, id: Id): Promise<Activity> {
    return findByIdOrFail(this.ds, ctx, Activity, id);
  }

  list(ctx: RequestContext, filter: ActivityFilter | null | undefined, page: PageArgs, order?: SortOrder<ActivitySortField> | null, columns?: readonly string[]): Promise<Connection<Activity>> {
    const f = filter ?? {};
    const qb = new ListQuery(managerFor(this.ds, ctx), Activity, 'act');
    new Where(qb)
      .in('accountId', toIds(f.accountIds, 'filter.accountIds'))
      .in('managerId', toIds(f.managerIds, 'filter.managerIds'))
      .in('type', f.types?.map((t) => ActivityTypes.parse(String(t), 'filter.types')))
      .range('occurredOn', f.from ? assertLocalDate(f.from, 'filter.from') : null, f.to ? assertLocalDate(f.to, 'filter.to') : null)
      .in('projectId', toIds(f.projectIds, 'filter.projectIds'))
      .in('channel', f.channels?.map((c) => Channels.parse(String(c), 'filter.channels')))
      .range('updatedAt', f.updatedSince, null);
    if (f.intelTags) {
      const tags = f.intelTags.map((t) => IntelTags.parse(String(t), 'filter.intelTags'));
      // simple-array stores `A,B`: match whole items by wrapping both sides in commas.
      const wrapped = dbKind(this.ds) === 'mysql' ? "CONCAT(',', act.intel_tags, ',')" : "(',' || act.intel_tags || ',')";
      if (tags.length === 0) qb.andWhere('1 = 0');
      else qb.andWhere(`(${tags.map((_, i) => `${wrapped} LIKE :tag${i}`).join(' OR ')})`, Object.fromEntries(tags.map((t, i) => [`tag${i}`, `%,${t},%`])));
    }
    return paginate(qb, page, sortSpec(ACTIVITY_SORTS, order, ActivitySortField.ID), this.maxPageSize(), columns);
  }

  async create(ctx: RequestContext, input: ActivityInput): Promise<Activity> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const account = await this.access.accountForWrite(tx, input.accountId, 'accountId', 'log activities of this account');
      const managerId = decideActivityManager(ctx.actor, input.managerId === undefined ? undefined : toIdOrNull(input.managerId, 'managerId'));
      const values = this.normalize({ ...input, accountId: account.id, managerId });
      await this.checkLinks(tx, values, null);
      const activity = em.create(Activity, values);
      await em.save(activity);
      await this.syncLedgerPayment(tx, activity);
      await this.applyEffects(tx, [activity.id]);
      await this.audit.record(tx, { action: 'activity.create', entity: 'Activity', entityId: activity.id, after: { accountId: account.id, type: activity.type, occurredOn: activity.occurredOn } });
      return activity;
    });
  }

  async update(ctx: RequestContext, id: Id, patch: ActivityPatch, expectedVersion?: number | null): Promise<Activity> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const activity = await this.get(tx, id);
      await this.access.accountForWrite(tx, activity.accountId, 'accountId', 'change activities of this account');
      // A new type without a channel takes the new type's (a visit turned phone call is 电话, not 面谈).
      const change = patch.type !== undefined && patch.channel === undefined ? { ...patch, channel: null } : patch;
      const { source: _source, ...values } = this.normalize(mergePatch(activityInput(activity), change));
      if (patch.managerId !== undefined && values.managerId !== activity.managerId) decideActivityManager(tx.actor, values.managerId);
      await this.checkLinks(tx, values, activity.id);
      await updateVersioned(managerFor(this.ds, tx), Activity, activity, values, expectedVersion, `activity ${activity.id}`);
      const updated = await this.get(tx, activity.id);
      await this.syncLedgerPayment(tx, updated);
      await this.applyEffects(tx, [updated.id]);
      await this.audit.record(tx, { action: 'activity.update', entity: 'Activity', entityId: activity.id, fields: patchFields(patch) });
      return updated;
    });
  }

  /** Deletes an activity; a collection recorded with it (its linked payment) goes with it. */
  async delete(ctx: RequestContext, id: Id, expectedVersion: number): Promise<Activity> {
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const activity = await this.get(tx, id);
      await this.access.accountForWrite(tx, activity.accountId, 'accountId', 'delete activities of this account');
      await deleteWhere(em, Payment, { activityId: activity.id });
      await deleteVersioned(em, Activity, activity, expectedVersion, `activity ${activity.id}`);
      await this.audit.record(tx, { action: 'activity.delete', entity: 'Activity', entityId: activity.id, before: { accountId: activity.accountId, type: activity.type, occurredOn: activity.occurredOn } });
      return activity;
    });
  }

  /**
   * Validates every row first, then writes them in batches, with the linked payments of rows that
   * carry a 回款金额: all or nothing within the caller's transaction.
   */
  async createMany(ctx: RequestContext, inputs: ActivityInput[]): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const rows = inputs.map((i) => ({ ...this.normalize(i), version: 1 }));
    await bulkInsert(em, Activity, rows);
    await this.applyEffectsByKey(ctx, rows.map((r) => r.naturalKey as string));
    const withMoney = rows.filter((r) => (r.paymentAmountFen ?? 0) > 0);
    if (withMoney.length === 0) return;
    // Multi-row INSERTs do not report ids portably (see bulkInsert): find the rows by natural key.
    const ids = new Map<string, number>();
    for (let i = 0; i < withMoney.length; i += 500) {
      const found = await em.find(Activity, { select: { id: true, naturalKey: true }, where: { naturalKey: In(withMoney.slice(i, i + 500).map((r) => r.naturalKey)) } });
      for (const f of found) ids.set(f.naturalKey, f.id);
    }
    await bulkInsert(em, Payment, withMoney.map((r) => ({ ...ledgerPayment({ ...r, id: ids.get(r.naturalKey as string) } as Activity), version: 1 })));
  }

  /** The activity's manager and project exist, the project is the account's, and no identical row exists. */
  private async checkLinks(ctx: RequestContext, v: Partial<Activity>, selfId: number | null): Promise<void> {
    const em = managerFor(this.ds, ctx);
    if (v.managerId != null && !(await em.existsBy(User, { id: v.managerId }))) throw new DomainError(ErrorCode.NOT_FOUND, `managerId: user ${v.managerId} not found`, { field: 'managerId' });
    const participants = (v.participantIds ?? []).map(Number);
    if (participants.length) {
      const found = new Set((await em.find(User, { select: { id: true }, where: { id: In(participants) } })).map((u) => u.id));
      const missing = participants.find((id) => !found.has(id));
      if (missing !== undefined) throw new DomainError(ErrorCode.NOT_FOUND, `participantIds: user ${missing} not found`, { field: 'participantIds' });
    }
    if (v.projectId != null) {
      const project = await em.findOneBy(Project, { id: v.projectId });
      if (!project) throw new DomainError(ErrorCode.NOT_FOUND, `projectId: project ${v.projectId} not found`, { field: 'projectId' });
      if (project.accountId !== v.accountId) throw new DomainError(ErrorCode.VALIDATION_FAILED, `projectId: ${say(`项目 ${project.name} 属于另一客户`, `project ${project.name} belongs to another account`)}`, { field: 'projectId' });
    }
    const same = await em.findOne(Activity, { select: { id: true }, where: { naturalKey: v.naturalKey } });
    if (same && same.id !== selfId) {
      throw new DomainError(ErrorCode.ALREADY_EXISTS, `summary: ${say(`相同的活动（客户、日期、类型和内容）已记录为活动 ${same.id}`, `the same activity (account, date, type and content) is already recorded as activity ${same.id}`)}`, { field: 'summary' });
    }
  }

  /** Creates, updates or removes the payment that holds an activity's 回款金额. */
  private async syncLedgerPayment(ctx: RequestContext, activity: Activity): Promise<void> {
    const em = managerFor(this.ds, ctx);
    const existing = await em.findOneBy(Payment, { activityId: activity.id });
    const amount = activity.paymentAmountFen ?? 0;
    if (amount <= 0) {
      if (existing) await deleteWhere(em, Payment, { id: existing.id });
      return;
    }
    const values = ledgerPayment(activity);
    if (existing) await updateVersioned(em, Payment, existing, values, null, `payment ${existing.id}`);
    else await em.insert(Payment, { ...values, version: 1 });
  }
}

function ledgerPayment(a: Pick<Activity, 'id' | 'accountId' | 'projectId' | 'occurredOn' | 'paymentAmountFen' | 'source'>): Partial<Payment> {
  return { accountId: a.accountId, projectId: a.projectId, receivedOn: a.occurredOn, amountFen: a.paymentAmountFen as number, activityId: a.id, source: a.source, method: null, reference: null };
}

function activityInput(a: Activity): ActivityInput {
  return {
    accountId: a.accountId, managerId: a.managerId, occurredOn: a.occurredOn, type: a.type, channel: a.channel, participantIds: a.participantIds ?? [], participants: a.participants, counterparts: a.counterparts,
    subject: a.subject, summary: a.summary, outcome: a.outcome, nextAction: a.nextAction, nextActionDue: a.nextActionDue, projectId: a.projectId,
    intelTags: a.intelTags, contractAmount: a.contractAmount, paymentAmount: a.paymentAmount, source: a.source,
  };
}

/**
 * 情报类别 is descriptive (an open vocabulary): a code, label or alias becomes its code; any other word is
 * kept as written in `intelTagsOther` (with the words given there), so a branch's own categories are not lost.
 */
function intelTagsOf(input: ActivityInput): { intelTags: IntelTag[]; intelTagsOther: string | null } {
  const codes = new Set<IntelTag>();
  const other: string[] = [];
  const keep = (word: string | null) => {
    if (word && !other.includes(word)) other.push(word);
  };
  for (const t of input.intelTags ?? []) {
    const code = IntelTags.lookup(String(t));
    if (code) codes.add(code);
    else keep(cleanText(String(t)));
  }
  for (const w of (input.intelTagsOther ?? '').split(/[、,，;；]+/)) keep(cleanText(w));
  const text = other.length ? other.join('、') : null;
  if (text && text.length > OPEN_LABEL_MAX) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `intelTagsOther: ${say(`「${text.slice(0, 20)}…」超过 ${OPEN_LABEL_MAX} 个字`, `"${text.slice(0, 20)}…" is longer than ${OPEN_LABEL_MAX} characters`)}`, { field: 'intelTagsOther' });
  }
  return { intelTags: [...codes], intelTagsOther: text };
}
