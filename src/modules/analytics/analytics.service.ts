/**
 * Aggregates for BI and reports, computed in SQL (GROUP BY), never by looping over rows in JS.
 *
 * The money definitions live here and only here; the API, dashboards and the monthly report use them
 * as they are. Amounts are integer 分. For a period [from, to] and an as-of date D (default `to`):
 *
 * - **signed (签约额)**: Σ `projects.contractAmount` of projects whose `signedOn` is in the period, plus
 *   Σ `activities.contractAmount` of ledger activities (附件4) in the period that are *not* linked to a
 *   project with a recorded contract (amount and signing date) — a ledger signing linked to such a
 *   project is that project's contract, counted once through it; one linked to a project without its
 *   own contract amount (the ledger importer creates projects that way) is the only record of the
 *   signing and counts from the ledger row.
 * - **received (回款额)**: Σ `payments.amount` with `receivedOn` in the period. Ledger collections are
 *   payments linked to their activity (`payments.activityId`), so each is counted once.
 * - **receivable (应收余额) as of D**: per account, Σ receivables that exist by D (due on or before D,
 *   or belonging to a project signed on or before D) − Σ payments received on or before D, floored at
 *   0 (an account that paid ahead owes nothing; its prepayment does not offset another account).
 * - **overdue (逾期应收) as of D**: per account, Σ receivables due *before* D − Σ payments received on
 *   or before D, floored at 0 (payments settle the oldest amounts first). Always ≤ receivable.
 * - **accounts**: the accounts in the group that match the filter (current tier, unit, manager:
 *   accounts are not historised).
 *
 * Grouped by MONTH, signed and received are the month's flows, and receivable and overdue are
 * balances at the month's last day (or `to`, when earlier): every month of the period gets a row.
 */
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { NeedToKnowService } from '../privacy/need-to-know.service';
import { WITHIN_CALLERS_UNIT, unitsWithinCallersUnit } from '../privacy/need-to-know.rules';
import type { RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { ActivityTypes, ProjectStatuses, Role, type ActivityType, type ProjectStatus } from '../../common/enums';
import { addDays, addMonths, assertLocalDate, today, type LocalDate } from '../../common/dates';
import { toIds, type Id } from '../../common/ids';
import { managerFor } from '../../db/transaction';
import type { HeavyReads } from '../../db/heavy-reads';
import { Where } from '../../db/filters';
import { Account } from '../accounts/account.entity';
import { applyAccountFilter, type AccountFilter, type AccountService, type ResolvedAccountFilter } from '../accounts/account.service';
import { signedRowsSql } from './signed-sql';

export enum AccountStatsDimension {
  TIER = 'TIER',
  UNIT = 'UNIT',
  MANAGER = 'MANAGER',
  INDUSTRY = 'INDUSTRY',
  MONTH = 'MONTH',
  ACCOUNT = 'ACCOUNT',
}

export enum ActivityStatsDimension {
  TYPE = 'TYPE',
  MONTH = 'MONTH',
  MANAGER = 'MANAGER',
  ACCOUNT = 'ACCOUNT',
  TIER = 'TIER',
  UNIT = 'UNIT',
}

export enum ProjectStatsDimension {
  STATUS = 'STATUS',
  MONTH = 'MONTH',
  UNIT = 'UNIT',
  MANAGER = 'MANAGER',
  ACCOUNT = 'ACCOUNT',
  TIER = 'TIER',
}

/** The group a row stands for: only the dimensions grouped by are set. */
export interface StatsKey {
  tierId?: number | null;
  unitId?: number | null;
  managerId?: number | null;
  industry?: string | null;
  /** `YYYY-MM` */
  month?: string;
  accountId?: number;
  type?: ActivityType;
  status?: ProjectStatus;
}

export interface AccountStatsRow extends StatsKey {
  accounts: number;
  signedFen: number;
  receivedFen: number;
  receivableFen: number;
  overdueFen: number;
}

export interface AccountStatsResult {
  from: LocalDate;
  to: LocalDate;
  asOf: LocalDate;
  rows: AccountStatsRow[];
  /** The whole filtered set, ungrouped (balances as of `asOf`). */
  total: AccountStatsRow;
}

export interface AccountStatsQuery {
  groupBy?: AccountStatsDimension[] | null;
  filter?: AccountFilter | null;
  /** Period start (inclusive); default the first day of `to`'s year. */
  from?: LocalDate | null;
  /** Period end (inclusive); default today. */
  to?: LocalDate | null;
  /** Date the balances are taken at; default `to`. Ignored per row when grouping by MONTH. */
  asOf?: LocalDate | null;
}

export interface ActivityStatsQuery {
  groupBy?: ActivityStatsDimension[] | null;
  /** Which accounts' activities. */
  filter?: AccountFilter | null;
  types?: (ActivityType | string)[] | null;
  managerIds?: Id[] | null;
  from?: LocalDate | null;
  to?: LocalDate | null;
}

export interface ActivityStatsRow extends StatsKey {
  activities: number;
  accounts: number;
}

export interface ProjectStatsQuery {
  groupBy?: ProjectStatsDimension[] | null;
  filter?: AccountFilter | null;
  statuses?: (ProjectStatus | string)[] | null;
  /** Signed between (inclusive); projects without a signing date are left out when either is given. */
  signedFrom?: LocalDate | null;
  signedTo?: LocalDate | null;
}

export interface ProjectStatsRow extends StatsKey {
  projects: number;
  contractFen: number;
}

/** Longest period a MONTH grouping may span. */
export const MAX_STATS_MONTHS = 120;

interface Dim {
  expr: string;
  key: keyof StatsKey;
  numeric: boolean;
}

const ACCOUNT_DIMS: Record<AccountStatsDimension, Dim> = {
  TIER: { expr: 'a.tier_id', key: 'tierId', numeric: true },
  UNIT: { expr: 'a.owner_unit_id', key: 'unitId', numeric: true },
  MANAGER: { expr: 'a.manager_id', key: 'managerId', numeric: true },
  INDUSTRY: { expr: 'a.industry', key: 'industry', numeric: false },
  MONTH: { expr: 'm.ym', key: 'month', numeric: false },
  ACCOUNT: { expr: 'a.id', key: 'accountId', numeric: true },
};

const ACTIVITY_DIMS: Record<ActivityStatsDimension, Dim> = {
  TYPE: { expr: 'act.type', key: 'type', numeric: false },
  MONTH: { expr: 'SUBSTR(act.occurred_on, 1, 7)', key: 'month', numeric: false },
  MANAGER: { expr: 'act.manager_id', key: 'managerId', numeric: true },
  ACCOUNT: { expr: 'act.account_id', key: 'accountId', numeric: true },
  TIER: { expr: 'a.tier_id', key: 'tierId', numeric: true },
  UNIT: { expr: 'a.owner_unit_id', key: 'unitId', numeric: true },
};

const PROJECT_DIMS: Record<ProjectStatsDimension, Dim> = {
  STATUS: { expr: 'p.status', key: 'status', numeric: false },
  MONTH: { expr: 'SUBSTR(p.signed_on, 1, 7)', key: 'month', numeric: false },
  UNIT: { expr: 'p.unit_id', key: 'unitId', numeric: true },
  MANAGER: { expr: 'p.manager_id', key: 'managerId', numeric: true },
  ACCOUNT: { expr: 'p.account_id', key: 'accountId', numeric: true },
  TIER: { expr: 'a.tier_id', key: 'tierId', numeric: true },
};

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** `YYYY-MM` of every month from `from` to `to`, with the date balances are taken at (month end, or `to`). */
export function monthsBetween(from: LocalDate, to: LocalDate): { ym: string; asOf: LocalDate }[] {
  const out: { ym: string; asOf: LocalDate }[] = [];
  for (let first = `${from.slice(0, 7)}-01`; first <= to; first = addMonths(first, 1)) {
    const end = addDays(addMonths(first, 1), -1);
    out.push({ ym: first.slice(0, 7), asOf: end < to ? end : to });
    if (out.length > MAX_STATS_MONTHS) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `from: grouped by MONTH, a period spans at most ${MAX_STATS_MONTHS} months`, { field: 'from' });
    }
  }
  return out;
}

export class AnalyticsService {
  constructor(
    private readonly ds: DataSource,
    private readonly accounts: AccountService,
    private readonly needToKnow: NeedToKnowService,
    /** Runs the aggregates within the request's time budget, off the event loop (SQLite). */
    private readonly reads: HeavyReads,
  ) {}

  /**
   * Marks rows computed over accounts of the caller's unit only (the filter names units at or below
   * its own): the need-to-know rule then shows a manager its unit's amounts (see data-classes.ts).
   */
  private async markWithinUnit<T extends object>(ctx: RequestContext, unitIds: readonly number[] | undefined, rows: T[]): Promise<T[]> {
    if (ctx.actor.role !== Role.MANAGER || !unitIds?.length) return rows;
    if (!unitsWithinCallersUnit(ctx.actor, unitIds, await this.needToKnow.facts(ctx))) return rows;
    for (const r of rows) (r as Record<symbol, unknown>)[WITHIN_CALLERS_UNIT] = true;
    return rows;
  }

  /** Period bounds with defaults (this year to date), validated. */
  period(from: LocalDate | null | undefined, to: LocalDate | null | undefined): { from: LocalDate; to: LocalDate } {
    const end = to ? assertLocalDate(to, 'to') : today();
    const start = from ? assertLocalDate(from, 'from') : `${end.slice(0, 4)}-01-01`;
    if (start > end) throw new DomainError(ErrorCode.VALIDATION_FAILED, `from: ${start} is after to (${end})`, { field: 'from' });
    return { from: start, to: end };
  }

  /** Accounts and their money (signed, received, receivable, overdue) by the chosen dimensions. See the module comment for the definitions. */
  async accountStats(ctx: RequestContext, q: AccountStatsQuery): Promise<AccountStatsResult> {
    const { from, to } = this.period(q.from, q.to);
    const asOf = q.asOf ? assertLocalDate(q.asOf, 'asOf') : to;
    const dims = unique(q.groupBy ?? []).map((d) => ACCOUNT_DIMS[d]);
    const filter = await this.accounts.resolveFilter(ctx, q.filter);
    const months = dims.some((d) => d.key === 'month') ? monthsBetween(from, to) : null;
    const rows = await this.markWithinUnit(
      ctx,
      filter.unitIds,
      months ? await this.accountMoneyByMonth(ctx, dims, filter, from, to, months) : await this.accountMoney(ctx, dims, filter, from, to, asOf),
    );
    let total: AccountStatsRow;
    if (!dims.length) [total] = rows;
    // By MONTH, the flows add up over the months and the last month's balances are those as of `to`: unless the
    // balances are asked as of another date, the total is read off the rows too.
    else if (months && asOf !== to) [total] = await this.markWithinUnit(ctx, filter.unitIds, await this.accountMoney(ctx, [], filter, from, to, asOf));
    // Without MONTH the groups partition the filtered accounts and every figure is a sum over accounts (balances
    // floored per account): the total is the groups' sum, not a second pass over the tables.
    else [total] = await this.markWithinUnit(ctx, filter.unitIds, [months ? monthTotal(rows, months[months.length - 1].ym) : sumRows(rows)]);
    return { from, to, asOf, rows, total };
  }

  /** The figures over the whole period (flows in [from, to], balances as of `asOf`), grouped by `dims` (no MONTH). */
  private async accountMoney(ctx: RequestContext, dims: Dim[], filter: ResolvedAccountFilter, from: LocalDate, to: LocalDate, asOf: LocalDate): Promise<AccountStatsRow[]> {
    const qb = managerFor(this.ds, ctx).createQueryBuilder().from(Account, 'a') as SelectQueryBuilder<Account>;
    // Signings in the period: projects by signing date, plus ledger signings not linked to a project.
    qb.leftJoin(`(SELECT x.account_id, SUM(x.fen) AS fen FROM (${signedRowsSql(':from', ':to')}) x GROUP BY x.account_id)`, 's', 's.account_id = a.id');
    // Collections in the period.
    qb.leftJoin(
      '(SELECT pm.account_id, SUM(pm.amount_fen) AS fen FROM payments pm WHERE pm.received_on >= :from AND pm.received_on <= :to GROUP BY pm.account_id)',
      'rc',
      'rc.account_id = a.id',
    );
    // Receivables existing by, and due before, the as-of date.
    qb.leftJoin(
      '(SELECT r.account_id, SUM(CASE WHEN r.due_on <= :asOf OR pj.signed_on <= :asOf THEN r.amount_fen ELSE 0 END) AS all_fen, ' +
        'SUM(CASE WHEN r.due_on < :asOf THEN r.amount_fen ELSE 0 END) AS before_fen ' +
        'FROM receivables r LEFT JOIN projects pj ON pj.id = r.project_id GROUP BY r.account_id)',
      'du',
      'du.account_id = a.id',
    );
    // Payments received by the as-of date.
    qb.leftJoin('(SELECT pp.account_id, SUM(pp.amount_fen) AS fen FROM payments pp WHERE pp.received_on <= :asOf GROUP BY pp.account_id)', 'pd', 'pd.account_id = a.id');
    applyAccountFilter(qb, filter);
    const owed = (col: string) => `CASE WHEN COALESCE(du.${col}, 0) - COALESCE(pd.fen, 0) > 0 THEN COALESCE(du.${col}, 0) - COALESCE(pd.fen, 0) ELSE 0 END`;
    qb.select('COUNT(*)', 'accounts')
      .addSelect('COALESCE(SUM(s.fen), 0)', 'signed')
      .addSelect('COALESCE(SUM(rc.fen), 0)', 'received')
      .addSelect(`COALESCE(SUM(${owed('all_fen')}), 0)`, 'receivable')
      .addSelect(`COALESCE(SUM(${owed('before_fen')}), 0)`, 'overdue');
    groupBy(qb, dims);
    qb.setParameters({ from, to, asOf });
    const raw = await this.reads.rawMany(ctx, qb);
    if (raw.length === 0 && dims.length === 0) raw.push({ accounts: 0 });
    return raw.map((r) => moneyRow(r, dims));
  }

  /**
   * The figures per month of the period (and `dims`), in one statement whose work grows with the tables plus
   * groups × months, not with tables × months:
   *
   * 1. `t`: every amount once, in the month it first counts in — a signing or collection in its month; a receivable
   *    in the first month whose as-of date it exists by (`e`), and again in the first whose as-of date it is due
   *    before (`o`); a payment in the first whose as-of date it was received by (`p`). Amounts that count only after
   *    `to` are left out; everything earlier than the first month's as-of date counts in the first month.
   * 2. `b`: per account and month with any amount, running sums (window over the account's months) give its balances
   *    at that month's as-of date, floored at 0; the row keeps the floored balances' change since the account's
   *    previous such month (the previous balances are the running sums less this month's amounts).
   * 3. The filtered accounts counted per group, once per month (every month gets a row for every group), beside
   *    `b`'s rows of those accounts; grouped, a running sum over the months of each group turns the changes back into
   *    balances: the sum over the group's accounts of each one's floored balance at the month's as-of date, as the
   *    definitions require. (Joining accounts × months to `b` instead reads `b` once per account and month, which
   *    MariaDB does by account only: 3× slower over three years.)
   */
  private async accountMoneyByMonth(ctx: RequestContext, dims: Dim[], filter: ResolvedAccountFilter, from: LocalDate, to: LocalDate, months: { ym: string; asOf: LocalDate }[]): Promise<AccountStatsRow[]> {
    const params: Record<string, unknown> = { from, to };
    months.forEach((m, i) => Object.assign(params, { [`ym${i}`]: m.ym, [`d${i}`]: m.asOf }));
    // The month a date counts in when the test is `date <= as-of date` (it is on or before `to`).
    const byMonthEnd = (date: string) => `CASE WHEN ${date} <= :d0 THEN :ym0 ELSE SUBSTR(${date}, 1, 7) END`;
    // … and when it is `date < as-of date`: a due date on a month's last day is past due only the month after.
    const beforeMonthEnd = (date: string) => `CASE ${months.map((_, i) => `WHEN ${date} < :d${i} THEN :ym${i}`).join(' ')} END`;
    const exists = 'CASE WHEN pj.signed_on < r.due_on THEN pj.signed_on ELSE r.due_on END';
    // A filter (a unit, a batch of a feed's accounts) restricts the amounts read too, not only the accounts they join.
    let inScope = (_col: string) => '';
    if (Object.values(filter).some((v) => v !== undefined)) {
      const scope = managerFor(this.ds, ctx).createQueryBuilder().from(Account, 'sa').select('sa.id') as SelectQueryBuilder<Account>;
      applyAccountFilter(scope, filter);
      inScope = (col) => ` AND ${col} IN (${scope.getQuery()})`;
      Object.assign(params, scope.getParameters());
    }
    const amounts =
      `SELECT x.account_id, SUBSTR(x.d, 1, 7) AS ym, x.fen AS signed, 0 AS received, 0 AS e, 0 AS o, 0 AS p FROM (${signedRowsSql(':from', ':to')}) x WHERE 1 = 1${inScope('x.account_id')} ` +
      `UNION ALL SELECT pm.account_id, ${byMonthEnd('pm.received_on')}, 0, CASE WHEN pm.received_on >= :from THEN pm.amount_fen ELSE 0 END, 0, 0, pm.amount_fen ` +
      `FROM payments pm WHERE pm.received_on <= :to${inScope('pm.account_id')} ` +
      `UNION ALL SELECT r.account_id, ${byMonthEnd(exists)}, 0, 0, r.amount_fen, 0, 0 FROM receivables r LEFT JOIN projects pj ON pj.id = r.project_id WHERE ${exists} <= :to${inScope('r.account_id')} ` +
      `UNION ALL SELECT r.account_id, ${beforeMonthEnd('r.due_on')}, 0, 0, 0, r.amount_fen, 0 FROM receivables r WHERE r.due_on < :to${inScope('r.account_id')}`;
    const running = (col: string) => `SUM(SUM(t.${col})) OVER (PARTITION BY t.account_id ORDER BY t.ym ROWS UNBOUNDED PRECEDING)`;
    const perAccount =
      `SELECT t.account_id, t.ym, SUM(t.signed) AS signed, SUM(t.received) AS received, SUM(t.e) AS de, SUM(t.o) AS dov, SUM(t.p) AS dp, ` +
      `${running('e')} AS ce, ${running('o')} AS co, ${running('p')} AS cp FROM (${amounts}) t GROUP BY t.account_id, t.ym`;
    const floored = (x: string) => `CASE WHEN ${x} > 0 THEN ${x} ELSE 0 END`;
    const change = (c: string, d: string) => `${floored(`c.${c} - c.cp`)} - ${floored(`c.${c} - c.${d} - (c.cp - c.dp)`)}`;

    const others = dims.filter((d) => d.key !== 'month');
    const esc = (name: string) => this.ds.driver.escape(name);
    const k = (d: Dim) => esc(`k_${d.key}`);
    const select = (qb: SelectQueryBuilder<Account>) => {
      for (const d of others) qb.addSelect(d.expr, `k_${d.key}`);
      return qb;
    };
    // The filtered accounts per group.
    const groups = select(managerFor(this.ds, ctx).createQueryBuilder().from(Account, 'a').select('COUNT(*)', 'accounts') as SelectQueryBuilder<Account>);
    applyAccountFilter(groups, filter);
    for (const d of others) groups.addGroupBy(d.expr);
    // Their amounts by month.
    const flows = managerFor(this.ds, ctx).createQueryBuilder().from(Account, 'a') as SelectQueryBuilder<Account>;
    flows.innerJoin(`(SELECT c.account_id, c.ym, c.signed, c.received, ${change('ce', 'de')} AS receivable, ${change('co', 'dov')} AS overdue FROM (${perAccount}) c)`, 'b', 'b.account_id = a.id');
    select(flows.select('b.ym', 'ym').addSelect('b.signed', 'signed').addSelect('b.received', 'received').addSelect('b.receivable', 'receivable').addSelect('b.overdue', 'overdue'));
    applyAccountFilter(flows, filter);
    flows.setParameters(params);
    const [gridSql, gridParams] = this.ds.driver.escapeQueryWithParameters(months.map((_, i) => `SELECT :ym${i} AS ym`).join(' UNION ALL '), params, {});
    const [groupsSql, groupsParams] = groups.getQueryAndParameters();
    const [flowsSql, flowsParams] = flows.getQueryAndParameters();

    const keys = others.map((d) => `u.${k(d)}`);
    const partition = keys.length ? `PARTITION BY ${keys.join(', ')} ` : '';
    const balance = (col: string) => `SUM(SUM(u.${col})) OVER (${partition}ORDER BY u.ym ROWS UNBOUNDED PRECEDING) AS ${esc(col)}`;
    const order = dims.map((d) => (d.key === 'month' ? 'u.ym' : `u.${k(d)}`));
    const sql =
      `SELECT ${keys.map((x) => `${x}, `).join('')}u.ym AS ${esc('k_month')}, SUM(u.accounts) AS ${esc('accounts')}, SUM(u.signed) AS ${esc('signed')}, ` +
      `SUM(u.received) AS ${esc('received')}, ${balance('receivable')}, ${balance('overdue')} FROM (` +
      `SELECT ${others.map((d) => `g.${k(d)}, `).join('')}m.ym, g.accounts, 0 AS signed, 0 AS received, 0 AS receivable, 0 AS overdue FROM (${groupsSql}) g CROSS JOIN (${gridSql}) m ` +
      `UNION ALL SELECT ${others.map((d) => `f.${k(d)}, `).join('')}f.ym, 0, f.signed, f.received, f.receivable, f.overdue FROM (${flowsSql}) f` +
      `) u GROUP BY ${[...keys, 'u.ym'].join(', ')} ORDER BY ${order.join(', ')}`;
    return (await this.reads.query(ctx, sql, [...groupsParams, ...gridParams, ...flowsParams])).map((r) => moneyRow(r, dims));
  }

  /** Activities (visits, exchanges…) counted by the chosen dimensions, in a period (default this year). */
  async activityStats(ctx: RequestContext, q: ActivityStatsQuery): Promise<{ from: LocalDate; to: LocalDate; rows: ActivityStatsRow[] }> {
    const { from, to } = this.period(q.from, q.to);
    const dims = unique(q.groupBy ?? []).map((d) => ACTIVITY_DIMS[d]);
    const filter = await this.accounts.resolveFilter(ctx, q.filter);
    // Every activity has its account (a required foreign key): the accounts are joined only to filter or group by
    // them, so that otherwise the period is read from the activities' covering index alone.
    const qb = needsAccounts(filter, dims)
      ? (managerFor(this.ds, ctx).createQueryBuilder().from(Account, 'a').innerJoin('activities', 'act', 'act.account_id = a.id') as SelectQueryBuilder<Account>)
      : (managerFor(this.ds, ctx).createQueryBuilder().from('activities', 'act') as SelectQueryBuilder<Account>);
    applyAccountFilter(qb, filter);
    new Where(qb)
      .range('act.occurred_on', from, to)
      .in('act.type', q.types?.map((t) => ActivityTypes.parse(String(t), 'types')))
      .in('act.manager_id', toIds(q.managerIds, 'managerIds'));
    let raw: Record<string, unknown>[];
    // MariaDB's COUNT(DISTINCT) per group sorts each group's accounts apart (1.2–2 s for three years of 1M activities
    // by TYPE); counting the activities per group and account first, then the accounts per group, is one pass
    // (0.5 s). SQLite's COUNT(DISTINCT) is the faster of the two there (0.3 s against 0.4 s), so it keeps it; and
    // with one account per group (by ACCOUNT) there is nothing to count distinctly.
    if (this.ds.options.type === 'better-sqlite3' || dims.some((d) => d.key === 'accountId')) {
      qb.select('COUNT(*)', 'activities').addSelect('COUNT(DISTINCT act.account_id)', 'accounts');
      groupBy(qb, dims);
      raw = await this.reads.rawMany(ctx, qb);
    } else {
      qb.select('COUNT(*)', 'n').addSelect('act.account_id', 'account_id').addGroupBy('act.account_id');
      for (const d of dims) qb.addSelect(d.expr, `k_${d.key}`).addGroupBy(d.expr);
      const [inner, params] = qb.getQueryAndParameters();
      const esc = (name: string) => this.ds.driver.escape(name);
      const keys = dims.map((d) => `g.${esc(`k_${d.key}`)}`);
      const list = (prefix: string) => (keys.length ? `${prefix}${keys.join(', ')}` : '');
      raw = await this.reads.query(
        ctx,
        `SELECT ${keys.map((k) => `${k}, `).join('')}SUM(g.${esc('n')}) AS ${esc('activities')}, COUNT(*) AS ${esc('accounts')} FROM (${inner}) g${list(' GROUP BY ')}${list(' ORDER BY ')}`,
        params,
      );
    }
    return { from, to, rows: raw.map((r) => ({ ...keyOf(r, dims), activities: num(r.activities), accounts: num(r.accounts) })) };
  }

  /** Projects and contract value by the chosen dimensions (the sales pipeline by status, month signed, unit…). */
  async projectStats(ctx: RequestContext, q: ProjectStatsQuery): Promise<ProjectStatsRow[]> {
    const dims = unique(q.groupBy ?? []).map((d) => PROJECT_DIMS[d]);
    const filter = await this.accounts.resolveFilter(ctx, q.filter);
    // As in activityStats: every project has its account, joined only to filter or group by it.
    const qb = needsAccounts(filter, dims)
      ? (managerFor(this.ds, ctx).createQueryBuilder().from(Account, 'a').innerJoin('projects', 'p', 'p.account_id = a.id') as SelectQueryBuilder<Account>)
      : (managerFor(this.ds, ctx).createQueryBuilder().from('projects', 'p') as SelectQueryBuilder<Account>);
    applyAccountFilter(qb, filter);
    new Where(qb)
      .in('p.status', q.statuses?.map((s) => ProjectStatuses.parse(String(s), 'statuses')))
      .range('p.signed_on', q.signedFrom ? assertLocalDate(q.signedFrom, 'signedFrom') : null, q.signedTo ? assertLocalDate(q.signedTo, 'signedTo') : null);
    qb.select('COUNT(*)', 'projects').addSelect('COALESCE(SUM(p.contract_amount_fen), 0)', 'contract');
    groupBy(qb, dims);
    const raw = await this.reads.rawMany(ctx, qb);
    return this.markWithinUnit(ctx, filter.unitIds, raw.map((r) => ({ ...keyOf(r, dims), projects: num(r.projects), contractFen: num(r.contract) })));
  }
}

/** Whether a statement must join the accounts `a`: a filter on them, or a dimension read from them. */
function needsAccounts(filter: ResolvedAccountFilter, dims: Dim[]): boolean {
  return Object.values(filter).some((v) => v !== undefined) || dims.some((d) => d.expr.startsWith('a.'));
}

/** A row of accountStats' figures from its raw columns. */
function moneyRow(r: Record<string, unknown>, dims: Dim[]): AccountStatsRow {
  return {
    ...keyOf(r, dims),
    accounts: num(r.accounts),
    signedFen: num(r.signed),
    receivedFen: num(r.received),
    receivableFen: num(r.receivable),
    overdueFen: num(r.overdue),
  };
}

/** The period's figures from rows grouped by MONTH (and other dimensions): flows over every month, the rest from the last. */
function monthTotal(rows: AccountStatsRow[], lastMonth: string): AccountStatsRow {
  const last = sumRows(rows.filter((r) => r.month === lastMonth));
  const flows = sumRows(rows);
  return { ...last, signedFen: flows.signedFen, receivedFen: flows.receivedFen };
}

/** The figures of groups that partition the accounts, added up. */
function sumRows(rows: AccountStatsRow[]): AccountStatsRow {
  const total: AccountStatsRow = { accounts: 0, signedFen: 0, receivedFen: 0, receivableFen: 0, overdueFen: 0 };
  for (const r of rows) {
    total.accounts += r.accounts;
    total.signedFen += r.signedFen;
    total.receivedFen += r.receivedFen;
    total.receivableFen += r.receivableFen;
    total.overdueFen += r.overdueFen;
  }
  return total;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Selects, groups and orders by each dimension as `k_<key>`. */
function groupBy(qb: SelectQueryBuilder<Account>, dims: Dim[]): void {
  for (const d of dims) {
    qb.addSelect(d.expr, `k_${d.key}`).addGroupBy(d.expr).addOrderBy(d.expr, 'ASC');
  }
}

function keyOf(r: Record<string, unknown>, dims: Dim[]): StatsKey {
  const key: Record<string, unknown> = {};
  for (const d of dims) {
    const v = r[`k_${d.key}`];
    key[d.key] = v === null || v === undefined ? null : d.numeric ? Number(v) : String(v);
  }
  return key as StatsKey;
}
