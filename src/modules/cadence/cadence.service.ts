import type { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { ActivityTypes, AssignmentReason, Role, type ActivityType } from '../../common/enums';
import { assertLocalDate, type LocalDate } from '../../common/dates';
import { checkPageSize, decodeCursor, encodeCursor, paginate, toConnection, type Connection, type PageArgs } from '../../common/pagination';
import { cleanText, optionalText } from '../../common/text';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import type { HeavyReads } from '../../db/heavy-reads';
import type { Id } from '../../common/ids';
import { deleteVersioned } from '../../db/versioned';
import { dbKind } from '../../db/data-source';
import type { AuditService } from '../audit/audit.service';
import { assertRole } from '../auth/access.rules';
import { Channels, type Channel } from '../activities/channel';
import { TeamRole } from '../service-team/team-role.entity';
import { matchByLabel, type TierService } from '../tiers/tier.service';
import { CadenceRule } from './cadence-rule.entity';
import { CadenceProfile } from './cadence-profile.entity';
import { CadenceStatus, IntervalUnit, IntervalUnits } from './cadence-status';
import { addInterval, assertRuleInterval, defaultRuleName, dueSoonUpTo, overdueBefore } from './cadence.rules';

export { dueSoonUpTo, overdueBefore } from './cadence.rules';

/** The legacy form of a rule: one activity type every N months, in the scheme in force. */
export interface CadenceRuleInput {
  /** Tier code, name or alias. */
  tier: string;
  activityType: ActivityType | string;
  intervalMonths: number;
  /** Days before the due date that count as due soon (default 14). */
  dueSoonDays?: number | null;
}

/** A rule in full: any interval unit, several types or channels, a team role. */
export interface SaveCadenceRuleInput {
  /** Change this rule; else the rule of the same scheme, tier and name, else a new one. */
  id?: number | null;
  /** Scheme code (default: the one in force). */
  profile?: string | null;
  tier: string;
  /** Default: from the types or channels (客户经理拜访, 电话或邮件). */
  name?: string | null;
  activityTypes?: (ActivityType | string)[] | null;
  channels?: (Channel | string)[] | null;
  /** Team role code, name or alias whose holder must take part; null = anyone. */
  teamRole?: string | null;
  interval: number;
  intervalUnit?: IntervalUnit | string | null;
  dueSoonDays?: number | null;
}

export interface CadenceRuleFilter {
  tierId?: number | null;
  activityTypes?: ActivityType[] | null;
  /** Scheme code; default the one in force. */
  profile?: string | null;
}

/** Which accounts and rules to check. Tier ids come resolved from codes by the caller. */
export interface ComplianceFilter {
  accountIds?: number[] | null;
  tierIds?: number[] | null;
  ownerUnitId?: number | null;
  managerId?: number | null;
  /** Rules counting any of these activity types. */
  activityTypes?: ActivityType[] | null;
  statuses?: CadenceStatus[] | null;
  /** Only accounts whose tier is (or is not) in the monthly report (战略、重点 by default). */
  inMonthlyReport?: boolean | null;
  /** Only items that are overdue (OVERDUE, or NEVER past the first due date). */
  overdueOnly?: boolean | null;
}

/** One account against one cadence rule on `asOf`. */
export interface ComplianceItem {
  accountId: number;
  tierId: number;
  ruleId: number;
  /** The rule's name: 客户经理拜访, 电话或邮件跟进… */
  ruleName: string;
  /** The activity type, when the rule counts exactly one. */
  activityType: ActivityType | null;
  activityTypes: ActivityType[];
  channels: Channel[];
  /** The team role whose holder must have taken part (null: anyone). */
  teamRoleId: number | null;
  /** Nobody holds that role on the account on `asOf`: the rule cannot be met until someone does. */
  roleVacant: boolean;
  interval: number;
  intervalUnit: IntervalUnit;
  /** The interval in months, for rules counted in months. */
  intervalMonths: number | null;
  dueSoonDays: number;
  /** When the account became active (its latest INITIAL assignment, else 建档日期); contacts before it do not count. */
  activeSince: LocalDate | null;
  /** The latest counting activity on or before `asOf` (since the account became active). */
  lastOn: LocalDate | null;
  /** Last + interval; for NEVER, active since + interval (null when unknown). */
  nextDueOn: LocalDate | null;
  status: CadenceStatus;
  /** Days from `asOf` to the due date: negative when overdue. */
  daysUntilDue: number | null;
  /** OVERDUE, or NEVER with its first due date passed (or unknown). */
  overdue: boolean;
}

export interface ComplianceCount {
  /** The activity type, when the rules counted count exactly one. */
  activityType: ActivityType | null;
  activityTypes: ActivityType[];
  channels: Channel[];
  status: CadenceStatus;
  count: number;
}

interface Query {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * 沟通频次: how often each tier must be contacted — by which activity types, channels and team roles, in
 * days, weeks or months (rules are data, grouped in schemes of which one is in force) — and where
 * every account stands. Compliance is computed in SQL — the latest counting activity per account and
 * rule is a correlated MAX(occurred_on) over the (account_id, occurred_on) index — never by loading
 * activities. Only accounts active on `asOf` count: candidates and suspended accounts have no
 * obligations, and a terminated account has none from its termination date on.
 */
export class CadenceService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly maxPageSize: () => number,
    /** Compliance runs within the request's time budget, off the event loop (SQLite). */
    private readonly reads: HeavyReads,
  ) {}

  getProfile(ctx: RequestContext, id: Id): Promise<CadenceProfile> {
    return findByIdOrFail(this.ds, ctx, CadenceProfile, id);
  }

  profiles(ctx: RequestContext): Promise<CadenceProfile[]> {
    return managerFor(this.ds, ctx).find(CadenceProfile, { order: { id: 'ASC' } });
  }

  /** The scheme a code names, else the one in force. */
  async profile(ctx: RequestContext, code?: string | null): Promise<CadenceProfile> {
    const em = managerFor(this.ds, ctx);
    const key = cleanText(code)?.toUpperCase();
    const p = key ? await em.findOneBy(CadenceProfile, { code: key }) : await em.findOneBy(CadenceProfile, { active: true });
    if (!p) throw key ? new DomainError(ErrorCode.NOT_FOUND, `profile: no cadence scheme ${key}`, { field: 'profile' }) : new DomainError(ErrorCode.INVALID_STATE, 'no cadence scheme is in force', { field: 'profile' });
    return p;
  }

  /**
   * Puts a scheme in force (the committee, or an ADMIN): from now on compliance is measured against
   * its rules — e.g. a company that follows policy 002 instead of 003.
   */
  async activateProfile(ctx: RequestContext, code: string): Promise<CadenceProfile> {
    assertRole(ctx, [Role.COMMITTEE], 'activateCadenceProfile');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const next = await this.profile(tx, code);
      const before = await em.findOneBy(CadenceProfile, { active: true });
      if (before?.id === next.id) return next;
      await em.createQueryBuilder().update(CadenceProfile).set({ active: false }).where('active = :on', { on: true }).execute();
      await em.createQueryBuilder().update(CadenceProfile).set({ active: true, version: () => 'version + 1' }).where('id = :id', { id: next.id }).execute();
      await this.audit.record(tx, { action: 'cadenceProfile.activate', entity: 'CadenceProfile', entityId: next.id, fields: ['active'], before: { active: before?.code ?? null }, after: { active: next.code } });
      return em.findOneByOrFail(CadenceProfile, { id: next.id });
    });
  }

  /** A new scheme (ADMIN), starting as a copy of another's rules (default: the one in force); not yet in force. */
  async createProfile(ctx: RequestContext, input: { code: string; name: string; description?: string | null; copyFrom?: string | null }): Promise<CadenceProfile> {
    assertRole(ctx, [], 'createCadenceProfile');
    const code = cleanText(input.code)?.toUpperCase().replace(/\s+/g, '_');
    if (!code || !/^[A-Z][A-Z0-9_]{0,31}$/.test(code)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'code: letters, digits and _ (at most 32, starting with a letter)', { field: 'code' });
    const name = cleanText(input.name);
    if (!name) throw new DomainError(ErrorCode.REQUIRED, 'name: 名称 is required', { field: 'name' });
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      if (await em.existsBy(CadenceProfile, { code })) throw new DomainError(ErrorCode.ALREADY_EXISTS, `code: scheme ${code} already exists`, { field: 'code' });
      const source = await this.profile(tx, input.copyFrom);
      const profile = em.create(CadenceProfile, { code, name, description: optionalText(input.description, 'description'), active: false });
      await em.save(profile);
      const rules = await em.findBy(CadenceRule, { profileId: source.id });
      for (const r of rules) {
        const { id: _id, createdAt: _c, updatedAt: _u, profile: _p, tier: _t, teamRole: _r, ...rest } = r;
        await em.insert(CadenceRule, { ...rest, profileId: profile.id, version: 1 });
      }
      await this.audit.record(tx, { action: 'cadenceProfile.create', entity: 'CadenceProfile', entityId: profile.id, after: { code, name, copiedFrom: source.code, rules: rules.length } });
      return profile;
    });
  }

  async listRules(ctx: RequestContext, filter: CadenceRuleFilter, page: PageArgs): Promise<Connection<CadenceRule>> {
    const profile = await this.profile(ctx, filter.profile);
    const qb = managerFor(this.ds, ctx).createQueryBuilder(CadenceRule, 'r').where('r.profileId = :profileId', { profileId: profile.id });
    if (filter.tierId != null) qb.andWhere('r.tierId = :tierId', { tierId: filter.tierId });
    const rules = filter.activityTypes?.length ? (await qb.clone().getMany()).filter((r) => r.activityTypes.some((t) => filter.activityTypes!.includes(t))) : null;
    if (rules) qb.andWhere(rules.length ? 'r.id IN (:...ids)' : '1 = 0', { ids: rules.map((r) => r.id) });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  /**
   * Creates or changes the rule for a tier and one activity type every N months in the scheme in
   * force (ADMIN) — the short form; a rule with a team role keeps its role.
   */
  async setRule(ctx: RequestContext, input: CadenceRuleInput): Promise<CadenceRule> {
    assertRole(ctx, [], 'setCadenceRule');
    const activityType = ActivityTypes.parse(String(input.activityType), 'activityType');
    const dueSoonDays = input.dueSoonDays ?? 14;
    assertRuleInterval(input.intervalMonths, IntervalUnit.MONTH, dueSoonDays, 'intervalMonths');
    const tier = await this.tiers.resolve(input.tier, 'tier');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const profile = await this.profile(tx);
      const existing = (await em.findBy(CadenceRule, { profileId: profile.id, tierId: tier.id })).find((r) => r.activityTypes.length === 1 && r.activityTypes[0] === activityType && !r.channels.length);
      const values = { intervalCount: input.intervalMonths, intervalUnit: IntervalUnit.MONTH, dueSoonDays };
      return this.writeRule(tx, existing ?? null, { profileId: profile.id, tierId: tier.id, name: existing?.name ?? ActivityTypes.label(activityType), activityTypes: [activityType], channels: [], teamRoleId: existing?.teamRoleId ?? null, ...values }, tier.code);
    });
  }

  /** Creates or changes a rule in full (ADMIN): days, weeks or months; several types or channels; a team role. */
  async saveRule(ctx: RequestContext, input: SaveCadenceRuleInput): Promise<CadenceRule> {
    assertRole(ctx, [], 'saveCadenceRule');
    const activityTypes = [...new Set((input.activityTypes ?? []).map((t) => ActivityTypes.parse(String(t), 'activityTypes')))].sort();
    const channels = [...new Set((input.channels ?? []).map((c) => Channels.parse(String(c), 'channels')))].sort();
    const intervalUnit = cleanText(input.intervalUnit as string | null) ? IntervalUnits.parse(String(input.intervalUnit), 'intervalUnit') : IntervalUnit.MONTH;
    const dueSoonDays = input.dueSoonDays ?? Math.min(14, intervalUnit === IntervalUnit.DAY ? Math.max(0, input.interval - 1) : intervalUnit === IntervalUnit.WEEK ? 3 * input.interval : 14);
    assertRuleInterval(input.interval, intervalUnit, dueSoonDays);
    const tier = await this.tiers.resolve(input.tier, 'tier');
    const name = optionalText(input.name, 'name', 100) ?? defaultRuleName(activityTypes, channels);
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const profile = await this.profile(tx, input.profile);
      let teamRoleId: number | null = null;
      if (cleanText(input.teamRole)) {
        const roles = await em.find(TeamRole);
        const role = matchByLabel(roles, input.teamRole as string);
        if (!role) throw new DomainError(ErrorCode.INVALID_ENUM, `teamRole: "${input.teamRole}" is not a team role (${roles.map((r) => r.name).join('、')})`, { field: 'teamRole' });
        teamRoleId = role.id;
      }
      const existing = input.id != null ? await em.findOneBy(CadenceRule, { id: input.id }) : await em.findOneBy(CadenceRule, { profileId: profile.id, tierId: tier.id, name });
      if (input.id != null && !existing) throw notFound('CadenceRule', input.id);
      if (existing && input.id == null && existing.profileId !== profile.id) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'profile: the rule belongs to another scheme', { field: 'profile' });
      return this.writeRule(tx, existing, { profileId: existing?.profileId ?? profile.id, tierId: tier.id, name, activityTypes, channels, teamRoleId, intervalCount: input.interval, intervalUnit, dueSoonDays }, tier.code);
    });
  }

  private async writeRule(ctx: RequestContext, existing: CadenceRule | null, values: Omit<CadenceRule, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'activityType' | 'intervalMonths'>, tierCode: string): Promise<CadenceRule> {
    const em = managerFor(this.ds, ctx);
    const clash = await em.findOneBy(CadenceRule, { profileId: values.profileId, tierId: values.tierId, name: values.name });
    if (clash && clash.id !== existing?.id) throw new DomainError(ErrorCode.ALREADY_EXISTS, `name: the scheme already has a rule "${values.name}" for ${tierCode}`, { field: 'name' });
    if (existing) await em.createQueryBuilder().update(CadenceRule).set({ ...values, version: () => 'version + 1' }).where('id = :id', { id: existing.id }).execute();
    else await em.insert(CadenceRule, { ...values, version: 1 });
    const rule = await em.findOneByOrFail(CadenceRule, { profileId: values.profileId, tierId: values.tierId, name: values.name });
    const shape = (r: Pick<CadenceRule, 'activityTypes' | 'channels' | 'teamRoleId' | 'intervalCount' | 'intervalUnit' | 'dueSoonDays'>) => ({
      activityTypes: r.activityTypes, channels: r.channels, teamRoleId: r.teamRoleId, intervalCount: r.intervalCount, intervalUnit: r.intervalUnit, dueSoonDays: r.dueSoonDays,
    });
    await this.audit.record(ctx, {
      action: 'cadenceRule.set', entity: 'CadenceRule', entityId: rule.id, fields: ['activityTypes', 'channels', 'teamRoleId', 'intervalCount', 'intervalUnit', 'dueSoonDays'],
      before: existing ? { tier: tierCode, name: existing.name, ...shape(existing) } : null,
      after: { tier: tierCode, name: rule.name, ...shape(rule) },
    });
    return rule;
  }

  /** Removes a rule: that tier no longer needs that contact (ADMIN). */
  getRule(ctx: RequestContext, id: Id): Promise<CadenceRule> {
    return findByIdOrFail(this.ds, ctx, CadenceRule, id);
  }

  async deleteRule(ctx: RequestContext, id: number, expectedVersion: number): Promise<CadenceRule> {
    assertRole(ctx, [], 'deleteCadenceRule');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const rule = await em.findOneBy(CadenceRule, { id });
      if (!rule) throw notFound('CadenceRule', id);
      await deleteVersioned(em, CadenceRule, rule, expectedVersion, `cadence rule ${rule.id}`);
      await this.audit.record(tx, {
        action: 'cadenceRule.delete', entity: 'CadenceRule', entityId: id,
        before: { tierId: rule.tierId, name: rule.name, activityTypes: rule.activityTypes, channels: rule.channels, teamRoleId: rule.teamRoleId, intervalCount: rule.intervalCount, intervalUnit: rule.intervalUnit, dueSoonDays: rule.dueSoonDays },
      });
      return rule;
    });
  }

  /** The rules in force, with their team roles (one statement). */
  private rulesInForce(em: EntityManager): Promise<CadenceRule[]> {
    return em.find(CadenceRule, { where: { profile: { active: true } }, relations: { teamRole: true }, order: { id: 'ASC' } });
  }

  /** Every item matching the filter, ordered by account and rule (for the monthly report). */
  async compliance(ctx: RequestContext, asOfInput: LocalDate, filter: ComplianceFilter = {}): Promise<ComplianceItem[]> {
    const asOf = assertLocalDate(asOfInput, 'asOf');
    const em = managerFor(this.ds, ctx);
    const rules = await this.rulesInForce(em);
    const q = itemsQuery(em, asOf, filter, rules);
    if (!q) return [];
    const rows = await run(this.reads, ctx, em, `${q.sql} ORDER BY y.account_id, y.type_key, y.rule_id`, q.params);
    return rows.map((r) => toItem(r, asOf, rules));
  }

  /** One page of items, keyset-paged by (account, activity types, rule). */
  async complianceConnection(ctx: RequestContext, asOfInput: LocalDate, filter: ComplianceFilter, page: PageArgs): Promise<Connection<ComplianceItem>> {
    const asOf = assertLocalDate(asOfInput, 'asOf');
    const first = checkPageSize(page.first, this.maxPageSize());
    const em = managerFor(this.ds, ctx);
    const rules = await this.rulesInForce(em);
    const cursor = page.after ? decodeCursor(page.after) : null;
    const counted = itemsQuery(em, asOf, filter, rules);
    const q = itemsQuery(em, asOf, filter, rules, cursor ? cursor[1] : null);
    if (!q || !counted) return { nodes: [], edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: Promise.resolve(0) };
    let sql = q.sql;
    const params = { ...q.params };
    if (cursor) {
      const [typeKey, ruleId] = splitCursor(String(cursor[0]));
      sql += ' AND (y.account_id > :afterAccount OR (y.account_id = :afterAccount AND (y.type_key > :afterType OR (y.type_key = :afterType AND y.rule_id > :afterRule))))';
      Object.assign(params, { afterAccount: cursor[1], afterType: typeKey, afterRule: ruleId });
    }
    const rows = first === 0 ? [] : await run(this.reads, ctx, em, `${sql} ORDER BY y.account_id, y.type_key, y.rule_id LIMIT ${first + 1}`, params);
    return toConnection(
      rows.map((r) => toItem(r, asOf, rules)),
      first,
      (node) => encodeCursor(`${node.activityTypes.join(',')}|${node.ruleId}`, node.accountId),
      () => run(this.reads, ctx, em, `SELECT COUNT(*) AS n FROM (${counted.sql}) counted`, counted.params).then((r) => Number(r[0].n)),
    );
  }

  /** Items per activity types and channels (whoever must take part) and status: the dashboard figure. */
  async summary(ctx: RequestContext, asOfInput: LocalDate, filter: ComplianceFilter = {}): Promise<ComplianceCount[]> {
    const asOf = assertLocalDate(asOfInput, 'asOf');
    const em = managerFor(this.ds, ctx);
    const q = itemsQuery(em, asOf, filter, await this.rulesInForce(em));
    if (!q) return [];
    const rows = await run(
      this.reads,
      ctx,
      em,
      `SELECT s.type_key AS type_key, s.channel_key AS channel_key, s.status AS status, COUNT(*) AS n FROM (${q.sql}) s
       GROUP BY s.type_key, s.channel_key, s.status ORDER BY s.type_key, s.channel_key, s.status`,
      q.params,
    );
    return rows.map((r) => {
      const types = splitKey(r.type_key) as ActivityType[];
      return { activityType: types.length === 1 ? types[0] : null, activityTypes: types, channels: splitKey(r.channel_key) as Channel[], status: r.status as CadenceStatus, count: Number(r.n) };
    });
  }
}

const splitKey = (v: unknown): string[] => (v === null || v === undefined || v === '' ? [] : String(v).split(','));

function splitCursor(value: string): [string, number] {
  const i = value.lastIndexOf('|');
  const rule = i < 0 ? NaN : Number(value.slice(i + 1));
  if (!Number.isInteger(rule)) throw new DomainError(ErrorCode.INVALID_CURSOR, 'after: not a cursor returned by visitCompliance', { field: 'after' });
  return [value.slice(0, i), rule];
}

/**
 * A LIMIT no table reaches keeps a derived table from being merged (MySQL/MariaDB) or flattened
 * (SQLite) into the outer query, which would copy its correlated subqueries into every reference and
 * run them several times per row: measured 3–5× slower on both (npm run bench:policy).
 */
const MATERIALIZE = ' LIMIT 1000000000';

/**
 * The items query, as `SELECT y.* FROM (…) y WHERE …` with named parameters, so callers can append
 * conditions, order, limit or wrap it. Per account and rule, the latest counting activity is a
 * correlated MAX(occurred_on) that seeks the (account_id, occurred_on) index — a GROUP BY over a join
 * of all activities measured several times slower and cannot stop early for a page. What counts is
 * the rule's: its activity types, its channels, and — for a rule with a team role — only activities
 * in which whoever held that role on the account that day took part (as the activity's manager or
 * among its participants; the account manager's seat is the ownership's assignments). Statuses are
 * decided in SQL from per-rule cutoff dates computed here (days, weeks, or calendar months clamped like
 * addMonths), so a status filter pages correctly. `fromAccountId` lets a page skip the accounts before
 * its cursor. Null when no rule applies.
 */
function itemsQuery(em: EntityManager, asOf: LocalDate, filter: ComplianceFilter, allRules: CadenceRule[], fromAccountId: number | null = null): Query | null {
  const rules = allRules.filter((r) => !filter.activityTypes?.length || r.activityTypes.some((t) => filter.activityTypes!.includes(t)));
  if (rules.length === 0) return null;
  const e = (name: string) => em.connection.driver.escape(name);
  const params: Record<string, unknown> = { asOf, ruleIds: rules.map((r) => r.id) };

  const accountWhere: string[] = [`(a.${e('status')} = 'ACTIVE' OR (a.${e('status')} = 'TERMINATED' AND a.${e('terminated_on')} > :asOf))`];
  const add = (condition: string, values: Record<string, unknown>) => {
    accountWhere.push(condition);
    Object.assign(params, values);
  };
  if (fromAccountId !== null) add(`a.${e('id')} >= :fromAccountId`, { fromAccountId });
  if (filter.accountIds) add(filter.accountIds.length ? `a.${e('id')} IN (:...accountIds)` : '1 = 0', { accountIds: filter.accountIds });
  if (filter.tierIds) add(filter.tierIds.length ? `a.${e('tier_id')} IN (:...tierIds)` : '1 = 0', { tierIds: filter.tierIds });
  if (filter.ownerUnitId != null) add(`a.${e('owner_unit_id')} = :ownerUnitId`, { ownerUnitId: filter.ownerUnitId });
  if (filter.managerId != null) add(`a.${e('manager_id')} = :managerId`, { managerId: filter.managerId });
  if (filter.inMonthlyReport != null) {
    add(`a.${e('tier_id')} IN (SELECT t.${e('id')} FROM ${e('tiers')} t WHERE t.${e('in_monthly_report')} = :inMonthlyReport)`, { inMonthlyReport: filter.inMonthlyReport });
  }
  // When the account became active: its latest INITIAL assignment, else 建档日期, else the beginning of time.
  const base = `SELECT a.${e('id')} AS account_id, a.${e('tier_id')} AS tier_id,
      COALESCE((SELECT MAX(s.${e('from_date')}) FROM ${e('assignments')} s WHERE s.${e('account_id')} = a.${e('id')} AND s.${e('reason')} = '${AssignmentReason.INITIAL}'),
        a.${e('registered_on')}, '0001-01-01') AS active_since
    FROM ${e('accounts')} a WHERE ${accountWhere.join(' AND ')}${MATERIALIZE}`;

  const mysql = dbKind(em.connection) === 'mysql';
  const listed = (list: string, id: string) => (mysql ? `CONCAT(',', ${list}, ',') LIKE CONCAT('%,', ${id}, ',%')` : `(',' || ${list} || ',') LIKE ('%,' || ${id} || ',%')`);
  /** The holder of the rule's role on the account on day `day` took part in `act` (or, without `act`, holds it on `day`). */
  const holder = (r: CadenceRule, i: number, day: string, act: string | null) => {
    const took = (user: string) => (act ? ` AND (${act}.${e('manager_id')} = ${user} OR ${listed(`${act}.${e('participant_ids')}`, user)})` : '');
    if (r.teamRole?.fromOwnership) {
      return `EXISTS (SELECT 1 FROM ${e('assignments')} h WHERE h.${e('account_id')} = b.account_id AND h.${e('manager_id')} IS NOT NULL
        AND h.${e('from_date')} <= ${day} AND (h.${e('to_date')} IS NULL OR h.${e('to_date')} >= ${day})${took(`h.${e('manager_id')}`)})`;
    }
    params[`role${i}`] = r.teamRoleId;
    return `EXISTS (SELECT 1 FROM ${e('account_team_members')} h WHERE h.${e('account_id')} = b.account_id AND h.${e('role_id')} = :role${i}
      AND h.${e('from_date')} <= ${day} AND (h.${e('to_date')} IS NULL OR h.${e('to_date')} >= ${day})${took(`h.${e('user_id')}`)})`;
  };
  const lastOf = (r: CadenceRule, i: number) => {
    const where = [`act.${e('account_id')} = b.account_id`, `act.${e('occurred_on')} <= :asOf`, `act.${e('occurred_on')} >= b.active_since`];
    if (r.activityTypes.length === 1) {
      params[`types${i}`] = r.activityTypes[0];
      where.push(`act.${e('type')} = :types${i}`);
    } else if (r.activityTypes.length > 1) {
      params[`types${i}`] = r.activityTypes;
      where.push(`act.${e('type')} IN (:...types${i})`);
    }
    if (r.channels.length) {
      params[`channels${i}`] = r.channels;
      where.push(`act.${e('channel')} IN (:...channels${i})`);
    }
    if (r.teamRoleId !== null) where.push(holder(r, i, `act.${e('occurred_on')}`, 'act'));
    return `(SELECT MAX(act.${e('occurred_on')}) FROM ${e('activities')} act WHERE ${where.join(' AND ')})`;
  };
  const perRule = (pick: (r: CadenceRule, i: number) => string, otherwise = 'NULL') => `CASE r.${e('id')} ${rules.map((r, i) => `WHEN ${r.id} THEN ${pick(r, i)}`).join(' ')} ELSE ${otherwise} END`;
  const cutoff = (name: string, pick: (r: CadenceRule) => LocalDate) => {
    rules.forEach((r, i) => (params[`${name}${i}`] = pick(r)));
    return perRule((_r, i) => `:${name}${i}`);
  };
  const vacant = rules.some((r) => r.teamRoleId !== null) ? perRule((r, i) => (r.teamRoleId === null ? '0' : `CASE WHEN ${holder(r, i, ':asOf', null)} THEN 0 ELSE 1 END`), '0') : '0';
  const items = `SELECT b.account_id AS account_id, b.tier_id AS tier_id, r.${e('id')} AS rule_id,
      COALESCE(r.${e('activity_types')}, '') AS type_key, COALESCE(r.${e('channels')}, '') AS channel_key, COALESCE(r.${e('team_role_id')}, 0) AS role_key,
      b.active_since AS active_since,
      ${perRule(lastOf)} AS last_on,
      ${vacant} AS role_vacant,
      ${cutoff('overdueBefore', (r) => overdueBefore(asOf, r.intervalCount, r.intervalUnit))} AS overdue_before,
      ${cutoff('dueSoonUpTo', (r) => dueSoonUpTo(asOf, r.intervalCount, r.dueSoonDays, r.intervalUnit))} AS due_soon_upto
    FROM (${base}) b JOIN ${e('cadence_rules')} r ON r.${e('tier_id')} = b.tier_id
    WHERE b.active_since <= :asOf AND r.${e('id')} IN (:...ruleIds)${MATERIALIZE}`;

  const status = `CASE WHEN x.last_on IS NULL THEN '${CadenceStatus.NEVER}'
      WHEN x.last_on < x.overdue_before THEN '${CadenceStatus.OVERDUE}'
      WHEN x.last_on <= x.due_soon_upto THEN '${CadenceStatus.DUE_SOON}'
      ELSE '${CadenceStatus.OK}' END`;
  const where: string[] = ['1 = 1'];
  if (filter.statuses?.length) {
    where.push('y.status IN (:...statuses)');
    params.statuses = filter.statuses;
  }
  if (filter.overdueOnly) {
    // NEVER is overdue once the first interval since activation has passed (same cutoff, applied to the start).
    where.push(`(y.status = '${CadenceStatus.OVERDUE}' OR (y.status = '${CadenceStatus.NEVER}' AND y.active_since < y.overdue_before))`);
  }
  const sql = `SELECT y.* FROM (
      SELECT x.account_id, x.tier_id, x.rule_id, x.type_key, x.channel_key, x.role_key, x.last_on, x.role_vacant, x.active_since, x.overdue_before, ${status} AS status
      FROM (${items}) x
    ) y WHERE ${where.join(' AND ')}`;
  return { sql, params };
}

/** Runs SQL with named parameters (`:name`, `:...list`), expanded by the driver for either database. */
/** A compliance query as a heavy read: within the request's time budget, off the event loop on SQLite. */
async function run(reads: HeavyReads, ctx: RequestContext, em: EntityManager, sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const [query, values] = em.connection.driver.escapeQueryWithParameters(sql, params, {});
  return reads.query(ctx, query, values);
}

function dateValue(v: unknown): LocalDate | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = String(v).slice(0, 10);
  return s === '0001-01-01' ? null : s;
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function toItem(r: Record<string, unknown>, asOf: LocalDate, rules: CadenceRule[]): ComplianceItem {
  const rule = rules.find((x) => x.id === Number(r.rule_id)) as CadenceRule;
  const lastOn = dateValue(r.last_on);
  const activeSince = dateValue(r.active_since);
  const base = lastOn ?? activeSince;
  const nextDueOn = base ? addInterval(base, rule.intervalCount, rule.intervalUnit) : null;
  const status = r.status as CadenceStatus;
  return {
    accountId: Number(r.account_id),
    tierId: Number(r.tier_id),
    ruleId: rule.id,
    ruleName: rule.name,
    activityType: rule.activityType,
    activityTypes: rule.activityTypes,
    channels: rule.channels,
    teamRoleId: rule.teamRoleId,
    roleVacant: Number(r.role_vacant) === 1,
    interval: rule.intervalCount,
    intervalUnit: rule.intervalUnit,
    intervalMonths: rule.intervalMonths,
    dueSoonDays: rule.dueSoonDays,
    activeSince,
    lastOn,
    nextDueOn,
    status,
    daysUntilDue: nextDueOn ? daysBetween(asOf, nextDueOn) : null,
    overdue: status === CadenceStatus.OVERDUE || (status === CadenceStatus.NEVER && (nextDueOn === null || nextDueOn < asOf)),
  };
}

