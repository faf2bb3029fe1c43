/** GraphQL `monthlyReport(month:)`: the figures of the monthly workbook, from the same ReportService call. Amounts in 元. */
import { Arg, Authorized, Ctx, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ReportCloseStatus, ReportMonthClose } from './report-close.entity';
import type { ReportDifference } from './report-snapshot';
import { ActivityType, CreditRating, Role } from '../../common/enums';
import { fenToYuan } from '../../common/money';
import { LocalDateScalar } from '../../common/scalars';
import { nullIfNotFound } from '../../common/graphql-types';
import { toId } from '../../common/ids';
import type { GraphQLContext } from '../../http/graphql-context';
import type { MonthlyReport, ReportAccountRow, ReportComplianceRow, ReportMoney, ReportTierRow } from './report-types';

@ObjectType()
abstract class ReportMoneyType {
  @Field(() => Float, { description: '本月签约（元）/ signed in the month (yuan)' })
  signedMonth!: number;

  @Field(() => Float, { description: '本年累计签约（元）/ signed from January 1 to the as-of date' })
  signedYtd!: number;

  @Field(() => Float, { description: '上年同期累计签约（元）/ signed in the same span a year before' })
  signedPrevYtd!: number;

  @Field(() => Float, { nullable: true, description: '同比：(本年累计 − 上年同期) / 上年同期，比率（0.25 = +25%）；上年同期为 0 时为空 / year-on-year change of signings, a ratio; null when the year before had none' })
  signedYoy!: number | null;

  @Field(() => Float, { description: '本月回款（元）/ received in the month' })
  receivedMonth!: number;

  @Field(() => Float, { description: '本年累计回款（元）/ received from January 1 to the as-of date' })
  receivedYtd!: number;

  @Field(() => Float, { description: '应收余额（截至日，元）/ receivable balance at the as-of date' })
  receivable!: number;

  @Field(() => Float, { description: '逾期金额（截至日，元）/ overdue at the as-of date' })
  overdue!: number;
}

@ObjectType('MonthlyReportTierRow', { simpleResolvers: true, description: '汇总：按客户级别 / summary by tier' })
export class MonthlyReportTierRowType extends ReportMoneyType {
  @Field(() => ID, { nullable: true, description: '客户级别 id（合计行为空）/ tier id (null on the total)' })
  tierId!: number | null;

  @Field({ description: '级别代码（合计行为 TOTAL）/ tier code (TOTAL on the total)' })
  tierCode!: string;

  @Field({ description: '级别名称 / tier name' })
  tierName!: string;

  @Field(() => Int, { description: '客户数 / accounts' })
  accounts!: number;
}

@ObjectType('MonthlyReportRow', { simpleResolvers: true, description: '明细：每个战略、重点客户一行 / one row per account in the report' })
export class MonthlyReportRowType extends ReportMoneyType {
  @Field(() => Int, { description: '序号 / row number' })
  seq!: number;

  @Field(() => ID, { description: '客户 id / account id' })
  accountId!: number;

  @Field({ description: '客户编号 / account code' })
  code!: string;

  @Field({ description: '客户名称 / account name' })
  name!: string;

  @Field({ description: '级别 / tier' })
  tierName!: string;

  @Field(() => String, { nullable: true, description: '推荐单位 / owning unit' })
  unitName!: string | null;

  @Field(() => String, { nullable: true, description: '客户经理 / account manager' })
  managerName!: string | null;

  @Field(() => Int, { description: '本月拜访次数（高层拜访、客户经理拜访）/ visits in the month (executive and manager visits)' })
  visits!: number;

  @Field(() => LocalDateScalar, { nullable: true, description: '最近高层拜访 / latest executive visit up to the as-of date' })
  lastExecutiveVisitOn!: string | null;

  @Field({ description: '拜访合规：截至日无逾期的拜访义务 / no visit obligation overdue at the as-of date' })
  cadenceCompliant!: boolean;

  @Field(() => [String], { description: '逾期的拜访类型 / visit types overdue' })
  cadenceOverdue!: string[];

  @Field(() => CreditRating, { nullable: true, description: '信用等级（最近一次评价）/ latest credit rating' })
  creditRating!: CreditRating | null;

  @Field(() => Int, { nullable: true, description: '信用评价年度 / year of that rating' })
  creditYear!: number | null;

  @Field(() => [String], { description: '本月重要事项 / the month\'s important events' })
  events!: string[];

  @Field(() => [String], { description: '风险提示：逾期应收、拜访逾期、信用等级下调、关键人员离职、投诉逾期未答复、跟进事项逾期、沟通计划未执行、服务团队缺位 / risks: overdue receivables, missed cadence, credit downgrade, key contact left, complaints unanswered, overdue follow-ups, missed plans, empty team seats' })
  risks!: string[];
}

@ObjectType('MonthlyReportComplianceRow', { simpleResolvers: true, description: '拜访合规：落后于拜访频次的客户与类型 / accounts behind their visit cadence' })
export class MonthlyReportComplianceRowType {
  @Field(() => ID, { description: '客户 id / account id' })
  accountId!: number;

  @Field({ description: '客户编号 / account code' })
  code!: string;

  @Field({ description: '客户名称 / account name' })
  name!: string;

  @Field({ description: '级别 / tier' })
  tierName!: string;

  @Field(() => String, { nullable: true, description: '客户经理 / account manager' })
  managerName!: string | null;

  @Field(() => ActivityType, { nullable: true, description: '逾期的拜访类型（规则只计一种时）/ activity type overdue (when the rule counts one)' })
  activityType!: ActivityType | null;

  @Field({ description: '频次规则 / the cadence rule' })
  ruleName!: string;

  @Field(() => Int, { nullable: true, description: '规定间隔（月；按月计的规则）/ required interval in months (rules counted in months)' })
  intervalMonths!: number | null;

  @Field({ description: '规定间隔，如 每月、每2周 / the interval as text' })
  intervalText!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '最近一次（从未为空）/ the last one (null when never)' })
  lastOn!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '应完成日期（自该日起逾期）/ due on (overdue since)' })
  dueOn!: string | null;

  @Field(() => Int, { nullable: true, description: '逾期天数 / days overdue at the as-of date' })
  daysOverdue!: number | null;
}

@ObjectType('MonthlyReportDifference', { simpleResolvers: true, description: '结账后实时数据与冻结数字的差异 / a figure the live data now gives differently from the closed month' })
export class MonthlyReportDifferenceType {
  @Field({ description: '客户编号（合计行为“合计”）/ account code (合计 for the total)' })
  code!: string;

  @Field({ description: '客户名称 / account name' })
  name!: string;

  @Field({ description: '数字：signedMonth、receivedYtd…、visits、cadenceCompliant、inReport / the figure' })
  field!: string;

  @Field({ description: '数字名称：本月签约… / its label' })
  label!: string;

  @Field(() => Float, { nullable: true, description: '结账时的数值（金额为元；文字项为空）/ the closed value (yuan for money; null for text)' })
  closedValue!: number | null;

  @Field(() => Float, { nullable: true, description: '现在的数值（金额为元）/ the live value (yuan for money)' })
  liveValue!: number | null;

  @Field({ description: '结账时（金额为万元）/ the closed value as text (万元 for money)' })
  closedText!: string;

  @Field({ description: '现在（金额为万元）/ the live value as text' })
  liveText!: string;
}

@ObjectType('MonthlyReport', { simpleResolvers: true, description: '战略客户业务状况报告表（附件一）/ the monthly report (amounts in yuan)' })
export class MonthlyReportType {
  @Field({ description: '月份 YYYY-MM / month' })
  month!: string;

  @Field(() => LocalDateScalar, { description: '数据截至日（月末，当月为今天）/ figures as of (month end; today for the current month)' })
  asOf!: string;

  @Field({ description: '生成时间 / generated at' })
  generatedAt!: Date;

  @Field(() => [MonthlyReportTierRowType], { description: '汇总：按级别 / by tier' })
  tiers!: MonthlyReportTierRowType[];

  @Field(() => MonthlyReportTierRowType, { description: '合计 / grand total' })
  total!: MonthlyReportTierRowType;

  @Field(() => [MonthlyReportRowType], { description: '明细 / one row per account' })
  rows!: MonthlyReportRowType[];

  @Field(() => [MonthlyReportComplianceRowType], { description: '拜访合规：逾期项 / overdue visit obligations' })
  compliance!: MonthlyReportComplianceRowType[];

  @Field(() => ReportCloseStatus, { nullable: true, description: '月结状态：CLOSED 时全部数字来自结账快照；从未结账为空 / month-end close status: CLOSED means every figure is the frozen snapshot; null when never closed' })
  closeStatus!: ReportCloseStatus | null;

  @Field(() => Date, { nullable: true, description: '结账时间 / closed at' })
  closedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '结账人 / closed by' })
  closedBy!: string | null;

  @Field({ description: '已结账且实时数据与冻结数字不同（见 differences）/ closed, and the live data now differs (see differences)' })
  liveDiffers!: boolean;

  @Field(() => [MonthlyReportDifferenceType], { description: '结账后的差异（未结账为空）/ what the live data says differently since the close (empty when not closed)' })
  differences!: MonthlyReportDifferenceType[];

  @Field(() => [[String]], { description: '说明页的制度附注（如各级别客户数与目标户数）：[项目, 内容] / policy notes on the 说明 sheet (e.g. accounts per tier against the target): [label, text]' })
  notes!: string[][];
}

function money(r: ReportMoney & { signedYoy: number | null }) {
  return {
    signedMonth: fenToYuan(r.signedMonthFen),
    signedYtd: fenToYuan(r.signedYtdFen),
    signedPrevYtd: fenToYuan(r.signedPrevYtdFen),
    signedYoy: r.signedYoy,
    receivedMonth: fenToYuan(r.receivedMonthFen),
    receivedYtd: fenToYuan(r.receivedYtdFen),
    receivable: fenToYuan(r.receivableFen),
    overdue: fenToYuan(r.overdueFen),
  };
}

function tierRow(r: ReportTierRow): MonthlyReportTierRowType {
  return Object.assign(new MonthlyReportTierRowType(), { tierId: r.tierId, tierCode: r.tierCode, tierName: r.tierName, accounts: r.accounts }, money(r));
}

function accountRow(r: ReportAccountRow): MonthlyReportRowType {
  const { seq, accountId, code, name, tierName, unitName, managerName, visits, lastExecutiveVisitOn, cadenceCompliant, cadenceOverdue, creditRating, creditYear, events, risks } = r;
  return Object.assign(new MonthlyReportRowType(), { seq, accountId, code, name, tierName, unitName, managerName, visits, lastExecutiveVisitOn, cadenceCompliant, cadenceOverdue, creditRating, creditYear, events, risks }, money(r));
}

const MONEY_FIELDS: Record<string, string> = { signedMonthFen: 'signedMonth', signedYtdFen: 'signedYtd', signedPrevYtdFen: 'signedPrevYtd', receivedMonthFen: 'receivedMonth', receivedYtdFen: 'receivedYtd', receivableFen: 'receivable', overdueFen: 'overdue' };

function difference(d: ReportDifference): MonthlyReportDifferenceType {
  const money = MONEY_FIELDS[d.field];
  const value = (v: number | string | null) => (typeof v !== 'number' ? null : money ? fenToYuan(v) : v);
  return Object.assign(new MonthlyReportDifferenceType(), { code: d.code, name: d.name, field: money ?? d.field, label: d.label, closedValue: value(d.closed), liveValue: value(d.live), closedText: d.closedText, liveText: d.liveText });
}

/** The report as GraphQL returns it. */
export function toGraphQL(r: MonthlyReport): MonthlyReportType {
  return Object.assign(new MonthlyReportType(), {
    month: r.period.month,
    asOf: r.period.asOf,
    generatedAt: r.generatedAt,
    tiers: r.tiers.map(tierRow),
    total: tierRow(r.total),
    rows: r.rows.map(accountRow),
    compliance: r.compliance.map((c: ReportComplianceRow) => Object.assign(new MonthlyReportComplianceRowType(), c)),
    notes: r.notes,
    closeStatus: r.close?.status ?? null,
    closedAt: r.close?.closedAt ?? null,
    closedBy: r.close?.closedBy ?? null,
    liveDiffers: (r.close?.differences.length ?? 0) > 0,
    differences: (r.close?.differences ?? []).map(difference),
  });
}

@Resolver()
export class ReportResolver {
  @Authorized(Role.FINANCE, Role.COMMITTEE)
  @Query(() => MonthlyReportType, { description: '战略客户业务状况报告表（附件一）的全部数字，与报表工作簿一致（财务、委员会、管理员）/ every figure of the monthly report workbook (FINANCE, COMMITTEE, ADMIN)' })
  async monthlyReport(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('month', { description: '月份 YYYY-MM（不可晚于本月）/ month, not later than the current one' }) month: string,
  ): Promise<MonthlyReportType> {
    return toGraphQL(await services.reports.monthlyReport(ctx, month));
  }

  @Authorized(Role.FINANCE, Role.COMMITTEE)
  @Query(() => [ReportMonthClose], { description: '月结记录，最近的月份在前（财务、委员会、管理员）/ the month-end closes, newest month first' })
  async reportMonthCloses(@Ctx() { ctx, services }: GraphQLContext): Promise<ReportMonthClose[]> {
    return services.reports.closes(ctx);
  }

  @Authorized(Role.FINANCE, Role.COMMITTEE)
  @Query(() => ReportMonthClose, { nullable: true, description: '按 id 取一条月结记录（财务、委员会、管理员）/ one month-end close by id' })
  reportMonthClose(@Ctx() { ctx, services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.reports.closeById(ctx, toId(id, 'id')).catch(nullIfNotFound);
  }

  @Authorized(Role.FINANCE)
  @Mutation(() => ReportMonthClose, { description: '月结：冻结该月报表的全部数字；此后下载、PDF 与 monthlyReport 均为结账时的数字（财务、管理员，审计）/ close a month: its figures are frozen (FINANCE, ADMIN; audited)' })
  async closeReportMonth(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('month', { description: '已结束的月份 YYYY-MM / a month that has ended' }) month: string,
  ): Promise<ReportMonthClose> {
    return services.reports.closeMonth(ctx, month);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ReportMonthClose, { description: '反结账：该月报表恢复为实时数据，须说明原因（仅管理员，审计）/ reopen a closed month, with a reason (ADMIN only; audited)' })
  async reopenReportMonth(
    @Ctx() { ctx, services }: GraphQLContext,
    @Arg('month', { description: '已结账的月份 YYYY-MM / a closed month' }) month: string,
    @Arg('reason', { description: '原因 / why' }) reason: string,
  ): Promise<ReportMonthClose> {
    return services.reports.reopenMonth(ctx, month, reason);
  }
}
