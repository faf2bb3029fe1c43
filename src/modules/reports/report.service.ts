/**
 * The monthly 战略客户业务状况报告表 (policy 003, 附件一): every figure of the report, computed once.
 * GraphQL `monthlyReport` and the workbook both take {@link ReportService.monthlyReport}'s result as
 * it is, so they never disagree.
 *
 * Which accounts: those whose tier is in the monthly report (`Tier.inMonthlyReport`: 战略 and 重点 by
 * default) and that are active, suspended, or terminated no earlier than the month's first day.
 *
 * Money (integer 分) is AnalyticsService's, per account, never recomputed here:
 * - 本月签约 / 本月回款: signed / received from the month's first day to the as-of date;
 * - 本年累计签约 / 本年累计回款: from January 1 to the as-of date;
 * - 上年同期累计: signed from January 1 of the year before to the as-of date a year before;
 * - 同比: (本年累计 − 上年同期) / 上年同期, null when there was nothing a year before;
 * - 应收余额 / 逾期金额: receivable and overdue balances at the as-of date.
 * The as-of date is the month's last day, or today for the current month. Ledger (附件4) signings and
 * collections are in these figures exactly once (see AnalyticsService and Activity.contractAmountFen).
 *
 * Per account it adds: visits in the month (高层拜访 and 客户经理拜访), the latest executive visit up
 * to the as-of date, visit compliance (CadenceService), the latest credit rating, the month's
 * important events (activities with intelligence tags, executive visits, signings, bids, complaints)
 * and risk flags (overdue receivables, missed cadence, credit downgrade, a key contact who left).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { Brackets, In, IsNull, type DataSource } from 'typeorm';
import { systemContext, type RequestContext } from '../../common/context';
import { DomainError, ErrorCode } from '../../common/errors';
import { addMonths, today } from '../../common/dates';
import { inTransaction, findByIdOrFail } from '../../db/transaction';
import { bulkInsert } from '../../db/bulk';
import { translateConstraintError } from '../../db/constraint-errors';
import { businessTime } from './cell-values';
import { ReportCloseStatus, ReportMonthClose, ReportSnapshotPart } from './report-close.entity';
import { decodeSnapshot, encodeSnapshot, reportDifferences, type ReportDifference } from './report-snapshot';
import { convertToPdf, findSoffice } from './pdf';
import { fillReportTemplate } from './report-template';
import { AccountStatus, ActivityType, ActivityTypes, ContactRole, CreditRating, IntelTag, IntelTags, Role } from '../../common/enums';
import type { LocalDate } from '../../common/dates';
import { managerFor } from '../../db/transaction';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { AccountStatsDimension, type AnalyticsService } from '../analytics/analytics.service';
import type { AccessService } from '../auth/access.service';
import type { AuditService } from '../audit/audit.service';
import { Contact } from '../contacts/contact.entity';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import type { CadenceService } from '../cadence/cadence.service';
import type { TierService } from '../tiers/tier.service';
import { reportPeriod, type ReportPeriod } from './report-month';
import { writeMonthlyWorkbook, type ReportSignatures } from './monthly-workbook';
import { intervalText } from '../cadence/cadence.rules';

/**
 * What the policy modules add to the report, kept apart from its own figures: 风险提示 lines per account
 * (complaints not answered by their due date) and lines for the 说明 sheet (accounts per tier against
 * the target count). Registered by createServices.
 */
export interface ReportExtension {
  risks(ctx: RequestContext, accountIds: readonly number[], asOf: LocalDate): Promise<Map<number, string[]>>;
  notes(ctx: RequestContext, period: ReportPeriod): Promise<[string, string][]>;
}

/** Roles that may read the monthly report (ADMIN always). */
export const REPORT_ROLES: readonly Role[] = [Role.FINANCE, Role.COMMITTEE];

/** Activity types counted as 拜访 (本月拜访次数). */
export const VISIT_TYPES: readonly ActivityType[] = [ActivityType.EXECUTIVE_VISIT, ActivityType.MANAGER_VISIT];
/** Activity types that are 本月重要事项 even without an intelligence tag. */
export const EVENT_TYPES: readonly ActivityType[] = [ActivityType.EXECUTIVE_VISIT, ActivityType.SIGNING, ActivityType.BIDDING, ActivityType.COMPLAINT];
/** Contacts whose leaving is a risk (关键人员). */
export const KEY_CONTACT_ROLES: readonly ContactRole[] = [ContactRole.DECISION_MAKER, ContactRole.INFLUENCER];
/** At most this many events are listed per account; the rest are counted. */
export const MAX_EVENTS = 5;

const RATING_ORDER: readonly CreditRating[] = [CreditRating.AAA, CreditRating.AA, CreditRating.A, CreditRating.B, CreditRating.C];

export type { ReportMoney, ReportTierRow, ReportAccountRow, ReportComplianceRow, MonthlyReport } from './report-types';
export { yoy, fenToWanText } from './report-types';
import { yoy, fenToWanText, type ReportMoney, type ReportTierRow, type ReportAccountRow, type ReportComplianceRow, type MonthlyReport, type ReportCloseInfo } from './report-types';

/** Settings of the report (from the config: KAM_REPORT_*, KAM_SOFFICE). */
export interface ReportOptions {
  /** Day of the month from which the server closes the previous month; 0 or absent = never by itself. */
  closeDay?: number;
  company?: string;
  preparer?: string;
  reviewer?: string;
  principal?: string;
  sofficePath?: string;
}

const ZERO: ReportMoney = { signedMonthFen: 0, signedYtdFen: 0, signedPrevYtdFen: 0, receivedMonthFen: 0, receivedYtdFen: 0, receivableFen: 0, overdueFen: 0 };
const MONEY_KEYS = Object.keys(ZERO) as (keyof ReportMoney)[];

const IN_CHUNK = 1000;
function chunks<T>(xs: T[], n = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** One report service: GraphQL, the workbook, the CLI and HTTP all read the report from here. */
export class ReportService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessService,
    private readonly analytics: AnalyticsService,
    private readonly tiers: TierService,
    private readonly cadence: CadenceService,
    private readonly audit: AuditService,
    private readonly extension?: ReportExtension,
    private readonly options: ReportOptions = {},
  ) {}

  /**
   * Records the download (who, which month, how many rows, from where — never figures) and streams
   * the report's workbook into `out`. Resolves with the number of account rows.
   */
  async writeWorkbook(ctx: RequestContext, report: MonthlyReport, out: Writable, format: 'xlsx' | 'pdf' = 'xlsx'): Promise<number> {
    this.assertMayRead(ctx);
    // Recorded before the first byte: a download the client aborts half-way is still on record.
    await this.audit.record(ctx, { action: 'report.monthly.download', entity: 'MonthlyReport', entityId: report.period.month, after: { month: report.period.month, asOf: report.period.asOf, rows: report.rows.length, format, closed: report.close?.status === ReportCloseStatus.CLOSED } });
    return writeMonthlyWorkbook(report, out, await this.signatures(ctx));
  }

  /**
   * The report as PDF: the same workbook, converted by LibreOffice (`soffice`). PDF_UNAVAILABLE (naming
   * what to install) when LibreOffice is not installed, before anything is recorded.
   */
  async writePdf(ctx: RequestContext, report: MonthlyReport, out: Writable): Promise<number> {
    this.assertMayRead(ctx);
    const soffice = findSoffice(this.options.sofficePath);
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'kam-report-'));
    try {
      // An ASCII name: soffice names the PDF after it.
      const xlsx = path.join(dir, `monthly-report-${report.period.month}.xlsx`);
      const file = fs.createWriteStream(xlsx);
      const rows = await this.writeWorkbook(ctx, report, file, 'pdf');
      if (!file.writableFinished) await finished(file);
      const pdf = await convertToPdf(soffice, xlsx, dir);
      await pipeline(fs.createReadStream(pdf), out);
      return rows;
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * The report in the company's own layout: `template` (an .xlsx with placeholders such as
   * `{{本月签约}}` and an account row) filled with the report's figures (see report-template.ts).
   * Recorded like a download.
   */
  async fillTemplate(ctx: RequestContext, report: MonthlyReport, template: Buffer): Promise<Buffer> {
    this.assertMayRead(ctx);
    const filled = await fillReportTemplate(template, report, await this.signatures(ctx));
    await this.audit.record(ctx, { action: 'report.monthly.download', entity: 'MonthlyReport', entityId: report.period.month, after: { month: report.period.month, asOf: report.period.asOf, rows: report.rows.length, format: 'template', closed: report.close?.status === ReportCloseStatus.CLOSED } });
    return filled;
  }

  /** 编制单位 and the names on the signature line: configured, else the top unit and the person downloading. */
  private async signatures(ctx: RequestContext): Promise<ReportSignatures> {
    const em = managerFor(this.ds, ctx);
    let company = this.options.company ?? null;
    if (!company) {
      const top = await em.find(OrgUnit, { select: { id: true, name: true }, where: { parentId: IsNull() }, order: { id: 'ASC' }, take: 1 });
      company = top[0]?.name ?? null;
    }
    let preparer = this.options.preparer ?? null;
    if (!preparer && ctx.actor.kind === 'user' && ctx.actor.userId !== null) {
      preparer = (await em.findOne(User, { select: { id: true, name: true }, where: { id: ctx.actor.userId } }))?.name ?? null;
    }
    return { company, preparer, reviewer: this.options.reviewer ?? null, principal: this.options.principal ?? null };
  }

  /** FORBIDDEN unless FINANCE, COMMITTEE or ADMIN. */
  assertMayRead(ctx: RequestContext): void {
    this.access.assertRole(ctx, REPORT_ROLES, 'read the monthly report');
  }

  /**
   * The report for `month` (`YYYY-MM`): FINANCE, COMMITTEE, ADMIN. A malformed or future month is
   * VALIDATION_FAILED (field `month`). A closed month answers with its snapshot — the figures as they
   * were closed — and the live figures that differ since (`close.differences`). `now` is for tests.
   */
  async monthlyReport(ctx: RequestContext, month: string, now?: LocalDate): Promise<MonthlyReport> {
    this.assertMayRead(ctx);
    const period = reportPeriod(month, 'month', now);
    const close = await managerFor(this.ds, ctx).findOne(ReportMonthClose, { where: { month: period.month } });
    if (close?.status === ReportCloseStatus.CLOSED) {
      const frozen = await this.snapshot(ctx, close);
      const live = await this.compute(ctx, period);
      return { ...frozen, close: closeInfo(close, reportDifferences(frozen, live)) };
    }
    const live = await this.compute(ctx, period);
    return close ? { ...live, close: closeInfo(close, []) } : live;
  }

  /** One month-end close by id (FINANCE, COMMITTEE, ADMIN). */
  async closeById(ctx: RequestContext, id: number): Promise<ReportMonthClose> {
    this.assertMayRead(ctx);
    return findByIdOrFail(this.ds, ctx, ReportMonthClose, id);
  }

  /** The month-end closes, newest month first (FINANCE, COMMITTEE, ADMIN). */
  async closes(ctx: RequestContext): Promise<ReportMonthClose[]> {
    this.assertMayRead(ctx);
    return managerFor(this.ds, ctx).find(ReportMonthClose, { order: { month: 'DESC' } });
  }

  /**
   * 月结: freezes the month's figures (FINANCE or ADMIN). Only a month that is over; a month already
   * closed is INVALID_STATE (reopen it first). One row per month, unique: of two closes racing — two
   * people, or the server's own on two instances — exactly one wins, the other sees INVALID_STATE.
   */
  async closeMonth(ctx: RequestContext, month: string, now?: LocalDate): Promise<ReportMonthClose> {
    this.access.assertRole(ctx, [Role.FINANCE], 'close a month of the monthly report');
    const period = reportPeriod(month, 'month', now);
    if (period.asOf < period.monthEnd) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `month: ${period.month} is not over yet (data as of ${period.asOf}); a month is closed once it has ended`, { field: 'month', value: month });
    }
    const refuseClosed = (c: ReportMonthClose) => new DomainError(ErrorCode.INVALID_STATE, `month: ${c.month} was already closed at ${businessTime(c.closedAt)} by ${c.closedBy}; an ADMIN reopens it (reopenReportMonth) before it is closed again`, { field: 'month', value: c.month });
    const existing = await managerFor(this.ds, ctx).findOne(ReportMonthClose, { where: { month: period.month } });
    if (existing?.status === ReportCloseStatus.CLOSED) throw refuseClosed(existing);
    const report = await this.compute(ctx, period);
    const { parts, sha256 } = encodeSnapshot(report);
    try {
      return await inTransaction(this.ds, ctx, async (tx) => {
        const em = managerFor(this.ds, tx);
        const values = { status: ReportCloseStatus.CLOSED, closedAt: report.generatedAt, closedBy: ctx.actor.name.slice(0, 200), rowCount: report.rows.length, sha256, parts: parts.length };
        let row = await em.findOne(ReportMonthClose, { where: { month: period.month } });
        if (row?.status === ReportCloseStatus.CLOSED) throw refuseClosed(row);
        if (row) {
          const res = await em.createQueryBuilder().update(ReportMonthClose).set({ ...values, version: row.version + 1 }).where('id = :id AND version = :v', { id: row.id, v: row.version }).execute();
          if (!res.affected) throw new DomainError(ErrorCode.VERSION_CONFLICT, `month: ${period.month} changed meanwhile; try again`, { field: 'month' });
          await em.delete(ReportSnapshotPart, { closeId: row.id });
        } else {
          row = await em.save(em.create(ReportMonthClose, { month: period.month, ...values, reopenedAt: null, reopenedBy: null, reopenReason: null }));
        }
        await bulkInsert(em, ReportSnapshotPart, parts.map((data, seq) => ({ closeId: row.id, seq, data })));
        await this.audit.record(tx, { action: 'report.month.close', entity: 'MonthlyReport', entityId: period.month, after: { month: period.month, asOf: report.period.asOf, rows: report.rows.length, signedYtdFen: report.total.signedYtdFen, receivedYtdFen: report.total.receivedYtdFen, sha256 } });
        return (await em.findOneOrFail(ReportMonthClose, { where: { id: row.id } }));
      });
    } catch (e) {
      const constraint = translateConstraintError(e, this.ds);
      if (constraint) {
        const winner = await managerFor(this.ds, ctx).findOne(ReportMonthClose, { where: { month: period.month } });
        if (winner) throw refuseClosed(winner);
      }
      throw e;
    }
  }

  /** 反结账: ADMIN only, with a reason (audited); the month's report is live again until it is closed again. */
  async reopenMonth(ctx: RequestContext, month: string, reason: string): Promise<ReportMonthClose> {
    this.access.assertAdmin(ctx, 'reopen a closed month of the monthly report');
    const period = reportPeriod(month, 'month');
    const why = String(reason ?? '').trim();
    if (why.length < 2) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'reason: say why the closed month is reopened (it is kept in the audit trail)', { field: 'reason' });
    return inTransaction(this.ds, ctx, async (tx) => {
      const em = managerFor(this.ds, tx);
      const row = await em.findOne(ReportMonthClose, { where: { month: period.month } });
      if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `month: ${period.month} was never closed`, { field: 'month', value: month });
      if (row.status !== ReportCloseStatus.CLOSED) throw new DomainError(ErrorCode.INVALID_STATE, `month: ${period.month} is not closed (reopened at ${row.reopenedAt ? businessTime(row.reopenedAt) : '?'} by ${row.reopenedBy ?? '?'})`, { field: 'month', value: month });
      const values = { status: ReportCloseStatus.REOPENED, reopenedAt: new Date(), reopenedBy: ctx.actor.name.slice(0, 200), reopenReason: why.slice(0, 2000), version: row.version + 1 };
      const res = await em.createQueryBuilder().update(ReportMonthClose).set(values).where('id = :id AND version = :v', { id: row.id, v: row.version }).execute();
      if (!res.affected) throw new DomainError(ErrorCode.VERSION_CONFLICT, `month: ${period.month} changed meanwhile; try again`, { field: 'month' });
      await this.audit.record(tx, { action: 'report.month.reopen', entity: 'MonthlyReport', entityId: period.month, before: { status: row.status, closedAt: row.closedAt.toISOString(), closedBy: row.closedBy }, after: { status: ReportCloseStatus.REOPENED, reason: why } });
      return em.findOneOrFail(ReportMonthClose, { where: { id: row.id } });
    });
  }

  /**
   * The server's own close (KAM_REPORT_CLOSE_DAY): from that day of the month on (business calendar),
   * closes the previous month unless it was ever closed (a reopened month stays with the people).
   * Returns the close it made, null when there was nothing to do or another instance won the race.
   */
  async autoClose(now: Date = new Date()): Promise<ReportMonthClose | null> {
    const day = this.options.closeDay ?? 0;
    if (!day) return null;
    const t = today(now);
    if (Number(t.slice(8, 10)) < day) return null;
    const month = addMonths(`${t.slice(0, 7)}-01`, -1).slice(0, 7);
    const ctx = systemContext('report-close', 'server');
    if (await this.ds.manager.findOne(ReportMonthClose, { where: { month } })) return null;
    try {
      return await this.closeMonth(ctx, month, t);
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.INVALID_STATE) return null;
      throw e;
    }
  }

  private async snapshot(ctx: RequestContext, close: ReportMonthClose): Promise<MonthlyReport> {
    const parts = await managerFor(this.ds, ctx).find(ReportSnapshotPart, { where: { closeId: close.id }, order: { seq: 'ASC' } });
    if (parts.length !== close.parts) throw new Error(`month-end snapshot of ${close.month}: ${parts.length} of ${close.parts} parts`);
    return decodeSnapshot(parts.map((p) => p.data), close.sha256);
  }

  /** The live report of a period (no close consulted). */
  private async compute(ctx: RequestContext, period: ReportPeriod): Promise<MonthlyReport> {
    const generatedAt = new Date();
    const tiers = (await this.tiers.list()).filter((t) => t.inMonthlyReport && t.active !== false);
    const notes = (await this.extension?.notes(ctx, period)) ?? [];
    const empty = (): MonthlyReport => ({ period, generatedAt, generatedBy: ctx.actor.name, tiers: [], total: tierTotal([]), rows: [], compliance: [], notes });
    if (!tiers.length) return empty();
    const tierIds = tiers.map((t) => t.id);
    const em = managerFor(this.ds, ctx);

    const accounts = (
      await em.find(Account, {
        select: { id: true, code: true, name: true, tierId: true, ownerUnitId: true, managerId: true, status: true, terminatedOn: true },
        where: { tierId: In(tierIds), status: In([AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.TERMINATED]) },
      })
    ).filter((a) => a.status !== AccountStatus.TERMINATED || (a.terminatedOn !== null && a.terminatedOn >= period.monthStart));
    if (!accounts.length) return empty();
    const rank = new Map(tiers.map((t, i) => [t.id, i]));
    accounts.sort((a, b) => rank.get(a.tierId!)! - rank.get(b.tierId!)! || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const ids = accounts.map((a) => a.id);

    const filter = { tierCodes: tiers.map((t) => t.code), statuses: [AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.TERMINATED] };
    const stats = (from: LocalDate, to: LocalDate) =>
      this.analytics.accountStats(ctx, { groupBy: [AccountStatsDimension.ACCOUNT], filter, from, to, asOf: to }).then((r) => new Map(r.rows.map((x) => [x.accountId!, x])));
    const [month_, ytd, prev] = [
      await stats(period.monthStart, period.asOf),
      await stats(period.yearStart, period.asOf),
      await stats(period.prevYearStart, period.prevAsOf),
    ];
    const [units, users, visits, execVisits, credit, events, leavers, compliance] = [
      await this.names(em, OrgUnit, accounts.map((a) => a.ownerUnitId)),
      await this.names(em, User, accounts.map((a) => a.managerId)),
      await this.visitCounts(em, tierIds, period),
      await this.lastExecutiveVisits(em, tierIds, period),
      await this.credit(em, ids, period.year),
      await this.events(em, tierIds, period),
      await this.keyContactsLeft(em, tierIds, period),
      await this.cadence.compliance(ctx, period.asOf, { tierIds, overdueOnly: true }),
    ];
    const extraRisks = (await this.extension?.risks(ctx, ids, period.asOf)) ?? new Map<number, string[]>();
    const overdueByAccount = new Map<number, typeof compliance>();
    for (const c of compliance) overdueByAccount.set(c.accountId, [...(overdueByAccount.get(c.accountId) ?? []), c]);
    const tierName = new Map(tiers.map((t) => [t.id, t.name]));

    const rows: ReportAccountRow[] = accounts.map((a, i) => {
      const m = month_.get(a.id);
      const y = ytd.get(a.id);
      const p = prev.get(a.id);
      const money: ReportMoney = {
        signedMonthFen: m?.signedFen ?? 0,
        signedYtdFen: y?.signedFen ?? 0,
        signedPrevYtdFen: p?.signedFen ?? 0,
        receivedMonthFen: m?.receivedFen ?? 0,
        receivedYtdFen: y?.receivedFen ?? 0,
        receivableFen: y?.receivableFen ?? 0,
        overdueFen: y?.overdueFen ?? 0,
      };
      const overdue = overdueByAccount.get(a.id) ?? [];
      const cr = credit.get(a.id);
      const risks: string[] = [];
      if (money.overdueFen > 0) risks.push(`逾期应收 ${fenToWanText(money.overdueFen)} 万元`);
      if (overdue.length) risks.push(`拜访逾期：${overdue.map((o) => o.ruleName).join('、')}`);
      if (cr?.previous && cr.latest.rating && RATING_ORDER.indexOf(cr.latest.rating) > RATING_ORDER.indexOf(cr.previous)) {
        risks.push(`信用等级下调：${cr.previous}→${cr.latest.rating}（${cr.latest.year}年）`);
      }
      for (const c of leavers.get(a.id) ?? []) risks.push(`关键人员离职：${c}`);
      risks.push(...(extraRisks.get(a.id) ?? []));
      return {
        seq: i + 1,
        accountId: a.id,
        code: a.code,
        name: a.name,
        tierId: a.tierId!,
        tierName: tierName.get(a.tierId!) ?? '',
        unitName: a.ownerUnitId === null ? null : (units.get(a.ownerUnitId) ?? null),
        managerName: a.managerId === null ? null : (users.get(a.managerId) ?? null),
        ...money,
        signedYoy: yoy(money.signedYtdFen, money.signedPrevYtdFen),
        visits: visits.get(a.id) ?? 0,
        lastExecutiveVisitOn: execVisits.get(a.id) ?? null,
        cadenceCompliant: overdue.length === 0,
        cadenceOverdue: overdue.map((o) => o.ruleName),
        creditRating: cr?.latest.rating ?? null,
        creditYear: cr?.latest.year ?? null,
        events: events.get(a.id) ?? [],
        risks,
      };
    });

    const byTier = tiers.map((t) => {
      const rs = rows.filter((r) => r.tierId === t.id);
      return { ...tierTotal(rs), tierId: t.id, tierCode: t.code, tierName: t.name };
    });
    const byId = new Map(accounts.map((a) => [a.id, a]));
    const complianceRows: ReportComplianceRow[] = compliance
      .filter((c) => byId.has(c.accountId))
      .sort((x, y) => rank.get(x.tierId)! - rank.get(y.tierId)! || (byId.get(x.accountId)!.code < byId.get(y.accountId)!.code ? -1 : 1) || (x.ruleName < y.ruleName ? -1 : x.ruleName > y.ruleName ? 1 : x.ruleId - y.ruleId))
      .map((c) => {
        const a = byId.get(c.accountId)!;
        return {
          accountId: a.id,
          code: a.code,
          name: a.name,
          tierName: tierName.get(a.tierId!) ?? '',
          managerName: a.managerId === null ? null : (users.get(a.managerId) ?? null),
          activityType: c.activityType,
          intervalMonths: c.intervalMonths,
          ruleName: c.ruleName,
          intervalText: intervalText(c.interval, c.intervalUnit),
          lastOn: c.lastOn,
          dueOn: c.nextDueOn,
          daysOverdue: c.daysUntilDue === null ? null : Math.max(0, -c.daysUntilDue),
        };
      });
    return { period, generatedAt, generatedBy: ctx.actor.name, tiers: byTier, total: tierTotal(rows), rows, compliance: complianceRows, notes };
  }

  private async names(em: ReturnType<typeof managerFor>, entity: typeof OrgUnit | typeof User, ids: (number | null)[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
    for (const chunk of chunks(wanted)) {
      for (const r of await em.find(entity, { select: { id: true, name: true }, where: { id: In(chunk) } })) out.set(r.id, r.name);
    }
    return out;
  }

  /** Activities of the report's accounts, joined on their tier (one query instead of long IN lists). */
  private activities(em: ReturnType<typeof managerFor>, tierIds: number[]) {
    return em.createQueryBuilder(Activity, 'act').innerJoin(Account, 'a', 'a.id = act.accountId').where('a.tierId IN (:...tierIds)', { tierIds });
  }

  private async visitCounts(em: ReturnType<typeof managerFor>, tierIds: number[], p: ReportPeriod): Promise<Map<number, number>> {
    const raw = await this.activities(em, tierIds)
      .andWhere('act.type IN (:...types)', { types: VISIT_TYPES })
      .andWhere('act.occurredOn >= :from AND act.occurredOn <= :to', { from: p.monthStart, to: p.asOf })
      .select('act.accountId', 'accountId')
      .addSelect('COUNT(*)', 'n')
      .groupBy('act.accountId')
      .getRawMany<{ accountId: number | string; n: number | string }>();
    return new Map(raw.map((r) => [Number(r.accountId), Number(r.n)]));
  }

  private async lastExecutiveVisits(em: ReturnType<typeof managerFor>, tierIds: number[], p: ReportPeriod): Promise<Map<number, LocalDate>> {
    const raw = await this.activities(em, tierIds)
      .andWhere('act.type = :type', { type: ActivityType.EXECUTIVE_VISIT })
      .andWhere('act.occurredOn <= :to', { to: p.asOf })
      .select('act.accountId', 'accountId')
      .addSelect('MAX(act.occurredOn)', 'last')
      .groupBy('act.accountId')
      .getRawMany<{ accountId: number | string; last: string | Date }>();
    return new Map(raw.map((r) => [Number(r.accountId), typeof r.last === 'string' ? r.last.slice(0, 10) : localDateOf(r.last)]));
  }

  /** The latest evaluation (year ≤ `year`) and the rating of the one before it. */
  private async credit(em: ReturnType<typeof managerFor>, ids: number[], year: number): Promise<Map<number, { latest: { year: number; rating: CreditRating | null }; previous: CreditRating | null }>> {
    const out = new Map<number, { latest: { year: number; rating: CreditRating | null }; previous: CreditRating | null }>();
    for (const chunk of chunks(ids)) {
      const evals = await em
        .createQueryBuilder(CreditEvaluation, 'e')
        .select(['e.accountId', 'e.year', 'e.rating'])
        .where('e.accountId IN (:...chunk)', { chunk })
        .andWhere('e.year <= :year', { year })
        .orderBy('e.accountId', 'ASC')
        .addOrderBy('e.year', 'DESC')
        .getMany();
      for (const e of evals) {
        const seen = out.get(e.accountId);
        if (!seen) out.set(e.accountId, { latest: { year: e.year, rating: e.rating }, previous: null });
        else if (seen.previous === null && seen.latest.year !== e.year && e.rating) seen.previous = e.rating;
      }
    }
    return out;
  }

  /** 本月重要事项: `MM-DD 类型：主题` per event, oldest first, at most MAX_EVENTS (then `等 N 项`). */
  private async events(em: ReturnType<typeof managerFor>, tierIds: number[], p: ReportPeriod): Promise<Map<number, string[]>> {
    const acts = await this.activities(em, tierIds)
      .andWhere('act.occurredOn >= :from AND act.occurredOn <= :to', { from: p.monthStart, to: p.asOf })
      .andWhere(new Brackets((w) => w.where('act.type IN (:...eventTypes)', { eventTypes: EVENT_TYPES }).orWhere("act.intelTags IS NOT NULL AND act.intelTags <> ''")))
      .select(['act.id', 'act.accountId', 'act.occurredOn', 'act.type', 'act.subject', 'act.summary', 'act.intelTags'])
      .orderBy('act.accountId', 'ASC')
      .addOrderBy('act.occurredOn', 'ASC')
      .addOrderBy('act.id', 'ASC')
      .getMany();
    const out = new Map<number, string[]>();
    const counts = new Map<number, number>();
    for (const act of acts) {
      const n = (counts.get(act.accountId) ?? 0) + 1;
      counts.set(act.accountId, n);
      if (n > MAX_EVENTS) continue;
      const tags = (act.intelTags ?? []).filter(Boolean).map((t) => IntelTags.label(t as IntelTag));
      const what = (act.subject ?? act.summary ?? '').trim();
      const line = `${String(act.occurredOn).slice(5, 10)} ${ActivityTypes.label(act.type)}${tags.length ? `【${tags.join('、')}】` : ''}${what ? `：${what}` : ''}`;
      out.set(act.accountId, [...(out.get(act.accountId) ?? []), line]);
    }
    for (const [id, n] of counts) if (n > MAX_EVENTS) out.get(id)!.push(`等 ${n} 项`);
    return out;
  }

  /** Decision makers and influencers who left in the month: `姓名（职务，MM-DD）`. */
  private async keyContactsLeft(em: ReturnType<typeof managerFor>, tierIds: number[], p: ReportPeriod): Promise<Map<number, string[]>> {
    const left = await em
      .createQueryBuilder(Contact, 'c')
      .innerJoin(Account, 'a', 'a.id = c.accountId')
      .where('a.tierId IN (:...tierIds)', { tierIds })
      .andWhere('c.role IN (:...roles)', { roles: KEY_CONTACT_ROLES })
      .andWhere('c.leftOn >= :from AND c.leftOn <= :to', { from: p.monthStart, to: p.asOf })
      .select(['c.id', 'c.accountId', 'c.name', 'c.title', 'c.leftOn'])
      .orderBy('c.leftOn', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    const out = new Map<number, string[]>();
    for (const c of left) out.set(c.accountId, [...(out.get(c.accountId) ?? []), `${c.name}（${c.title ? `${c.title}，` : ''}${String(c.leftOn).slice(5, 10)}）`]);
    return out;
  }
}

function closeInfo(c: ReportMonthClose, differences: ReportDifference[]): ReportCloseInfo {
  return { status: c.status, closedAt: c.closedAt, closedBy: c.closedBy, reopenedAt: c.reopenedAt, reopenedBy: c.reopenedBy, reopenReason: c.reopenReason, differences };
}

function localDateOf(d: Date): LocalDate {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Sums of account rows (exact: integer 分). */
export function tierTotal(rows: (ReportMoney & { accounts?: number })[]): ReportTierRow {
  const sum: ReportMoney = { ...ZERO };
  for (const r of rows) for (const k of MONEY_KEYS) sum[k] += r[k];
  return { tierId: null, tierCode: 'TOTAL', tierName: '合计', accounts: rows.length, ...sum, signedYoy: yoy(sum.signedYtdFen, sum.signedPrevYtdFen) };
}

