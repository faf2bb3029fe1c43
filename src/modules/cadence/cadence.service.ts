import type { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode, notFound } from '../../common/errors';
import { ActivityType, ActivityTypes, AssignmentReason } from '../../common/enums';
import { addDays, addMonths, assertLocalDate, type LocalDate } from '../../common/dates';
import { checkPageSize, decodeCursor, encodeCursor, paginate, toConnection, type Connection, type PageArgs } from '../../common/pagination';
import { findByIdOrFail, inTransaction, managerFor } from '../../db/transaction';
import type { HeavyReads } from '../../db/heavy-reads';
import type { Id } from '../../common/ids';
import { deleteVersioned } from '../../db/versioned';
import type { AuditService } from '../audit/audit.service';
import { CadenceRule } from './cadence-rule.entity';
import type { TierService } from '../tiers/tier.service';
import { CadenceStatus } from './cadence-status';
import { assertRole } from '../auth/access.rules';

export interface CadenceRuleInput {
  /** Tier code, name or alias. */
  tier: string;
  activityType: ActivityType | string;
  intervalMonths: number;
  /** Days before the due date that count as due soon (default 14). */
  dueSoonDays?: number | null;
}

export interface CadenceRuleFilter {
  tierId?: number | null;
  activityTypes?: ActivityType[] | null;
}

/** Which accounts and activity types to check. Tier ids come resolved from codes by the caller. */
export interface ComplianceFilter {
  accountIds?: number[] | null;
  tierIds?: number[] | null;
  ownerUnitId?: number | null;
  managerId?: number | null;
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
  activityType: ActivityType;
  intervalMonths: number;
  dueSoonDays: number;
  /** When the account became active (its latest INITIAL assignment, else 建档日期); visits before it do not count. */
  activeSince: LocalDate | null;
  /** The latest activity of the type on or before `asOf` (since the account became active). */
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
  activityType: ActivityType;
  status: CadenceStatus;
  count: number;
}

interface Query {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * 拜访频次: how often each tier must be visited (rules are data), and where every account stands.
 * Compliance is computed in SQL — the latest activity per account and type is a grouped MAX over the
 * (account_id, occurred_on) index — never by loading activities. Only accounts active on `asOf`
 * count: candidates and suspended accounts have no obligations, and a terminated account has none
 * from its termination date on.
 */
export class CadenceService {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly tiers: TierService,
    private readonly maxPageSize: () => number,
    /** Runs the compliance queries within the request's time budget, off the event loop (SQLite). */
    private readonly reads: HeavyReads,
  ) {}

  listRules(ctx: RequestContext, filter: CadenceRuleFilter, page: PageArgs): Promise<Connection<CadenceRule>> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder(CadenceRule, 'r');
    if (filter.tierId != null) qb.andWhere('r.tierId = :tierId', { tierId: filter.tierId });
    if (filter.activityTypes?.length) qb.andWhere('r.activityType IN (:...types)', { types: filter.activityTypes });
    return paginate(qb, page, { column: 'id', property: 'id', direction: 'ASC' }, this.maxPageSize());
  }

  getRule(ctx: RequestContext, id: Id): Promise<CadenceRule> {
    return findByIdOrFail(this.ds, ctx, CadenceRule, id);
  }

  /** Creates or changes the rule for a tier and activity type (ADMIN). */
  async setRule(ctx: RequestContext, input: CadenceRuleInput): Promise<CadenceRule> {
    assertRole(ctx, [], 'setCadenceRule');
    const activityType = ActivityTypes.parse(String(input.activityType), 'activityType');
    const intervalMonths = input.intervalMonths;
    if (!Number.isInteger(intervalMonths) || intervalMonths < 1 || intervalMonths > 60) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `intervalMonths: ${intervalMonths} must be a whole number of months from 1 to 60`, { field: 'intervalMonths' });
    }
    const dueSoonDays = input.dueSoonDays ?? 14;
    if (!Number.isInteger(dueSoonDays) || dueSoonDays < 0 || dueSoonDays > 180) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `dueSoonDays: ${dueSoonDays} must be a whole number of days from 0 to 180`, { field: 'dueSoonDays' });
    }
    const tier = await this.tiers.resolve(input.tier, 'tier');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const existing = await em.findOneBy(CadenceRule, { tierId: tier.id, activityType });
      const values = { intervalMonths, dueSoonDays };
      if (existing) {
        await em.createQueryBuilder().update(CadenceRule).set(values).where('id = :id', { id: existing.id }).execute();
      } else {
        await em.insert(CadenceRule, { tierId: tier.id, activityType, ...values, version: 1 });
      }
      const rule = await em.findOneByOrFail(CadenceRule, { tierId: tier.id, activityType });
      await this.audit.record(tx, {
        action: 'cadenceRule.set', entity: 'CadenceRule', entityId: rule.id, fields: ['intervalMonths', 'dueSoonDays'],
        before: existing ? { tier: tier.code, activityType, intervalMonths: existing.intervalMonths, dueSoonDays: existing.dueSoonDays } : null,
        after: { tier: tier.code, activityType, ...values },
      });
      return rule;
    });
  }

  /** Removes a rule: that tier no longer needs that activity type (ADMIN). */
  async deleteRule(ctx: RequestContext, id: number, expectedVersion: number): Promise<CadenceRule> {
    assertRole(ctx, [], 'deleteCadenceRule');
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const rule = await em.findOneBy(CadenceRule, { id });
      if (!rule) throw notFound('CadenceRule', id);
      await deleteVersioned(em, CadenceRule, rule, expectedVersion, `cadence rule ${rule.id}`);
      await this.audit.record(tx, {
        action: 'cadenceRule.delete', entity: 'CadenceRule', entityId: id,
        before: { tierId: rule.tierId, activityType: rule.activityType, intervalMonths: rule.intervalMonths, dueSoonDays: rule.dueSoonDays },
      });
      return rule;
    });
  }

  /** Every item matching the filter, ordered by account and activity type (for the monthly report). */
  async compliance(ctx: RequestContext, asOfInput: LocalDate, filter: ComplianceFilter = {}): Promise<ComplianceItem[]> {
    const asOf = assertLocalDate(asOfInput, 'asOf');
    const em = managerFor(this.ds, ctx);
    const rules = await em.find(CadenceRule);
    const q = itemsQuery(em, asOf, filter, rules);
    if (!q) return [];
    const rows = await run(this.reads, ctx, em, `${q.sql} ORDER BY y.account_id, y.activity_type`, q.params);
    return rows.map((r) => toItem(r, asOf, rules));
  }

  /** One page of items, keyset-paged by (account, activity type). */
  async complianceConnection(ctx: RequestContext, asOfInput: LocalDate, filter: ComplianceFilter, page: PageArgs): Promise<Connection<ComplianceItem>> {
    const asOf = assertLocalDate(asOfInput, 'asOf');
    const first = checkPageSize(page.first, this.maxPageSize());
    const em = managerFor(this.ds, ctx);
    const rules = await em.find(CadenceRule);
    const cursor = page.after ? decodeCursor(page.after) : null;
    const counted = itemsQuery(em, asOf, filter, rules);
    const q = itemsQuery(em, asOf, filter, rules, cursor ? cursor[1] : null);
    if (!q || !counted) return { nodes: [], edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: Promise.resolve(0) };
    let sql = q.sql;
    const params = { ...q.params };
    if (cursor) {
      sql += ' AND (y.account_id > :afterAccount OR (y.account_id = :afterAccount AND y.activity_type > :afterType))';
      Object.assign(params, { afterAccount: cursor[1], afterType: String(cursor[0]) });
    }
    const rows = first === 0 ? [] : await run(this.reads, ctx, em, `${sql} ORDER BY y.account_id, y.activity_type LIMIT ${first + 1}`, params);
    return toConnection(
      rows.map((r) => toItem(r, asOf, rules)),
      first,
      (node) => encodeCursor(node.activityType, node.accountId),
      () => run(this.reads, ctx, em, `SELECT COUNT(*) AS n FROM (${counted.sql}) counted`, counted.params).then((r) => Number(r[0].n)),
    );
  }

  /** Items per activity type and status: the dashboard figure. */
  async summary(ctx: RequestContext, asOfInput: LocalDate, filter: ComplianceFilter = {}): Promise<ComplianceCount[]> {
    const asOf = assertLocalDate(asOfInput, 'asOf');
    const em = managerFor(this.ds, ctx);
    const q = itemsQuery(em, asOf, filter, await em.find(CadenceRule));
    if (!q) return [];
    const rows = await run(this.reads, ctx, em, `SELECT s.activity_type AS activity_type, s.status AS status, COUNT(*) AS n FROM (${q.sql}) s GROUP BY s.activity_type, s.status ORDER BY s.activity_type, s.status`, q.params);
    return rows.map((r) => ({ activityType: r.activity_type as ActivityType, status: r.status as CadenceStatus, count: Number(r.n) }));
  }
}

/**
 * A LIMIT no table reaches keeps a derived table from being merged (MySQL/MariaDB) or flattened
 * (SQLite) into the outer query, which would copy its correlated subqueries into every reference and
 * run them several times per row: measured 3–5× slower on both (npm run bench:policy).
 */
const MATERIALIZE = ' LIMIT 1000000000';

/**
 * The items query, as `SELECT y.* FROM (…) y WHERE …` with named parameters, so callers can append
 * conditions, order, limit or wrap it. Per account and rule, the latest activity is a correlated
 * MAX(occurred_on) that seeks the (account_id, occurred_on) index — a GROUP BY over a join of all
 * activities measured several times slower and cannot stop early for a page. Statuses are decided in
 * SQL from per-rule cutoff dates computed here (calendar months, clamped like addMonths), so a status
 * filter pages correctly. `fromAccountId` lets a page skip the accounts before its cursor. Null when no
 * rule applies.
 */
function itemsQuery(em: EntityManager, asOf: LocalDate, filter: ComplianceFilter, allRules: CadenceRule[], fromAccountId: number | null = null): Query | null {
  const rules = allRules.filter((r) => !filter.activityTypes?.length || filter.activityTypes.includes(r.activityType));
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
  const last = `(SELECT MAX(act.${e('occurred_on')}) FROM ${e('activities')} act
      WHERE act.${e('account_id')} = b.account_id AND act.${e('type')} = r.${e('activity_type')} AND act.${e('occurred_on')} <= :asOf AND act.${e('occurred_on')} >= b.active_since)`;
  const cutoff = (name: string, pick: (r: CadenceRule) => LocalDate) => {
    rules.forEach((r, i) => (params[`${name}${i}`] = pick(r)));
    return `CASE r.${e('id')} ${rules.map((r, i) => `WHEN ${r.id} THEN :${name}${i}`).join(' ')} END`;
  };
  const items = `SELECT b.account_id AS account_id, b.tier_id AS tier_id, r.${e('id')} AS rule_id, r.${e('activity_type')} AS activity_type, b.active_since AS active_since,
      ${last} AS last_on,
      ${cutoff('overdueBefore', (r) => overdueBefore(asOf, r.intervalMonths))} AS overdue_before,
      ${cutoff('dueSoonUpTo', (r) => dueSoonUpTo(asOf, r.intervalMonths, r.dueSoonDays))} AS due_soon_upto
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
      SELECT x.account_id, x.tier_id, x.rule_id, x.activity_type, x.last_on, x.active_since, x.overdue_before, ${status} AS status
      FROM (${items}) x
    ) y WHERE ${where.join(' AND ')}`;
  return { sql, params };
}

/**
 * Runs SQL with named parameters (`:name`, `:...list`), expanded by the driver for either database, as
 * a heavy read: within the request's time budget, off the event loop on SQLite.
 */
async function run(reads: HeavyReads, ctx: RequestContext, em: EntityManager, sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const [query, values] = em.connection.driver.escapeQueryWithParameters(sql, params, {});
  return reads.query(ctx, query, values);
}

/** The first day D with D + n months ≥ asOf: a last visit before it is overdue. */
export function overdueBefore(asOf: LocalDate, months: number): LocalDate {
  let d = addDays(addMonths(asOf, -months), -10);
  while (addMonths(d, months) < asOf) d = addDays(d, 1);
  return d;
}

/** The last day D with D + n months ≤ asOf + days: a last visit on or before it is due soon (or overdue). */
export function dueSoonUpTo(asOf: LocalDate, months: number, days: number): LocalDate {
  const limit = addDays(asOf, days);
  let d = addDays(addMonths(limit, -months), 10);
  while (addMonths(d, months) > limit) d = addDays(d, -1);
  return d;
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
  const nextDueOn = base ? addMonths(base, rule.intervalMonths) : null;
  const status = r.status as CadenceStatus;
  return {
    accountId: Number(r.account_id),
    tierId: Number(r.tier_id),
    activityType: r.activity_type as ActivityType,
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
