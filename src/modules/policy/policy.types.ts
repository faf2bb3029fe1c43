/** GraphQL inputs and results of the policy rules (tiers, ownership, reviews, cadence, year end, consent, audit). */
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ActivityType, AssignmentReason, CreditRating, ReviewStatus, YearEndDecision } from '../../common/enums';
import { ConnectionType } from '../../common/pagination';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { Assignment } from './assignment.entity';
import { AccountRecommendation } from './account-recommendation.entity';
import { TierReview } from './tier-review.entity';
import { CadenceRule } from './cadence-rule.entity';
import { YearEndRule } from './year-end-rule.entity';
import { CadenceStatus } from './policy-enums';

// ------------------------------------------------------------------ tiers and levels

@InputType('TierInput', { description: '客户级别（新建时 code、name、rank 必填；修改时只改给出的字段）/ tier fields; on update only those given change' })
export class TierInputType {
  @Field(() => String, { nullable: true, description: '编码，如 KEY / code' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '名称，如 重点 / name' })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: '排序，1 为最高 / rank, 1 = highest' })
  rank?: number | null;

  @Field(() => [String], { nullable: true, description: '别名 / aliases (replaces the list)' })
  aliases?: string[] | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额门槛（元），空为委员会认定 / annual-sales threshold (yuan); null = designated by the committee' })
  minAnnualSales?: number | null;

  @Field(() => Boolean, { nullable: true, description: '门槛按集团合并计算 / threshold applies to the group total' })
  sumOverGroup?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '纳入月度报告 / in the monthly report' })
  inMonthlyReport?: boolean | null;

  @Field(() => String, { nullable: true, description: '说明 / description' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: '启用（false 为停用）/ active (false deactivates)' })
  active?: boolean | null;
}

@InputType('ManagementLevelInput', { description: '管理层级 / management level fields; on update only those given change' })
export class ManagementLevelInputType {
  @Field(() => String, { nullable: true, description: '编码，如 COMPANY / code' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '名称，如 公司级 / name' })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: '排序，1 为最高 / rank' })
  rank?: number | null;

  @Field(() => [String], { nullable: true, description: '别名 / aliases' })
  aliases?: string[] | null;

  @Field(() => Float, { nullable: true, description: '后续合同成交额门槛（元）/ follow-up contract value threshold (yuan)' })
  minExpectedContractValue?: number | null;

  @Field(() => Boolean, { nullable: true, description: '门槛按集团合并计算 / threshold applies to the group total' })
  sumOverGroup?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '启用 / active' })
  active?: boolean | null;
}

// ------------------------------------------------------------------ ownership

@InputType({ description: '被推荐的客户 / the company a unit recommends' })
export class RecommendedAccountInput {
  @Field({ description: '单位名称 / company name' })
  name!: string;

  @Field(() => String, { nullable: true, description: '客户编号（新客户必填）/ account code (required for a new account)' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: '统一社会信用代码 / unified social credit code' })
  creditCode?: string | null;

  @Field(() => ID, { nullable: true, description: '上级集团 / parent account id' })
  parentId?: string | null;

  @Field(() => String, { nullable: true, description: '单位性质 / ownership' })
  ownership?: string | null;

  @Field(() => String, { nullable: true, description: '行业类别 / industry' })
  industry?: string | null;

  @Field(() => String, { nullable: true, description: '规模 / scale' })
  scale?: string | null;

  @Field(() => String, { nullable: true, description: '主要产品 / main products' })
  mainProducts?: string | null;

  @Field(() => String, { nullable: true, description: '地址 / address' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: '电话 / phone' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: '建议级别 / proposed tier (code, name or alias)' })
  tierCode?: string | null;

  @Field(() => Float, { nullable: true, description: '后续合同成交额（元）/ expected follow-up contract value (yuan)' })
  expectedContractValue?: number | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额（元）/ annual sales (yuan)' })
  annualSales?: number | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  notes?: string | null;
}

@InputType({ description: '推荐大客户（谁开发、谁优先）/ recommend an account for the committee to approve' })
export class RecommendAccountInput {
  @Field(() => RecommendedAccountInput)
  account!: RecommendedAccountInput;

  @Field(() => ID, { nullable: true, description: '推荐单位（客户经理为本单位）/ recommending unit (a manager\'s own unit when absent)' })
  unitId?: string | null;

  @Field(() => ID, { nullable: true, description: '客户经理（客户经理默认为本人）/ proposed manager (the calling manager when absent)' })
  managerId?: string | null;

  @Field(() => String, { nullable: true, description: '推荐理由 / why' })
  reason?: string | null;
}

@InputType({ description: '批准推荐 / approve a recommendation' })
export class ApproveRecommendationInput {
  @Field(() => String, { nullable: true, description: '认定级别（默认建议级别）/ tier the committee gives (default: suggested)' })
  tierCode?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '归属起始日（默认今天）/ ownership starts (default today)' })
  effectiveOn?: string | null;

  @Field(() => String, { nullable: true, description: '审批意见 / note' })
  note?: string | null;
}

@InputType({ description: '调整归属（仅委员会，须说明原因）/ reassign an account (committee only, with a reason)' })
export class ReassignAccountInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID, { nullable: true, description: '新归属单位（默认不变）/ new owning unit (default: unchanged)' })
  unitId?: string | null;

  @Field(() => ID, { description: '新客户经理 / new manager' })
  managerId!: string;

  @Field(() => AssignmentReason, { description: '原因：MANAGER_UNFIT、CUSTOMER_REQUEST、CONFLICT_OF_INTEREST / reason' })
  reason!: AssignmentReason;

  @Field({ description: '说明（委员会依据）/ the committee\'s grounds' })
  note!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '生效日（默认今天）/ effective on (default today)' })
  effectiveOn?: string | null;
}

@InputType({ description: '增加跨区域协同单位 / add a second unit to a large cross-region account' })
export class CrossRegionUnitInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID, { description: '协同单位 / the second unit' })
  unitId!: string;

  @Field(() => ID, { nullable: true, description: '该单位的客户经理 / its manager' })
  managerId?: string | null;

  @Field({ description: '说明 / why' })
  note!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '生效日（默认今天）/ effective on' })
  effectiveOn?: string | null;
}

@InputType({ description: '归属记录筛选 / assignment filter' })
export class AssignmentFilterInput {
  @Field(() => ID, { nullable: true })
  accountId?: string | null;

  @Field(() => ID, { nullable: true })
  unitId?: string | null;

  @Field(() => ID, { nullable: true })
  managerId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true 仅当前有效；false 仅已结束 / true: open only; false: ended only' })
  current?: boolean | null;

  @Field(() => [AssignmentReason], { nullable: true })
  reasons?: AssignmentReason[] | null;
}

@InputType({ description: '推荐记录筛选 / recommendation filter' })
export class RecommendationFilterInput {
  @Field(() => ID, { nullable: true })
  accountId?: string | null;

  @Field(() => ID, { nullable: true })
  unitId?: string | null;

  @Field(() => [ReviewStatus], { nullable: true })
  statuses?: ReviewStatus[] | null;
}

// ------------------------------------------------------------------ tier reviews

@InputType({ description: '提议调整级别 / propose a tier change' })
export class ProposeTierChangeInput {
  @Field(() => ID)
  accountId!: string;

  @Field({ description: '拟调整为（编码、名称或别名）/ proposed tier (code, name or alias)' })
  toTier!: string;

  @Field({ description: '理由 / reason' })
  reason!: string;
}

@InputType({ description: '级别复核筛选 / tier review filter' })
export class TierReviewFilterInput {
  @Field(() => ID, { nullable: true })
  accountId?: string | null;

  @Field(() => [ReviewStatus], { nullable: true })
  statuses?: ReviewStatus[] | null;

  @Field(() => String, { nullable: true, description: '复核期，如 2026H1 / review period' })
  period?: string | null;
}

@ObjectType('TierReviewRun', { description: '半年度级别复核结果 / what startTierReview did' })
export class TierReviewRunType {
  @Field({ description: '复核期 / period' })
  period!: string;

  @Field(() => Int, { description: '参与复核的客户数 / active accounts looked at' })
  accounts!: number;

  @Field(() => Int, { description: '新提议数 / new proposals' })
  proposed!: number;

  @Field(() => Int, { description: '已有待审提议 / accounts with a proposal already pending' })
  alreadyPending!: number;

  @Field(() => Int, { description: '本期已复核 / accounts already reviewed in this period' })
  alreadyReviewed!: number;

  @Field(() => Int, { description: '无销售额、无法建议 / accounts without figures to suggest from' })
  withoutSuggestion!: number;

  @Field(() => [ID], { description: '新提议 / the new reviews' })
  reviewIds!: number[];
}

// ------------------------------------------------------------------ cadence

@InputType({ description: '拜访频次规则 / a visit cadence rule' })
export class CadenceRuleInput {
  @Field({ description: '客户级别（编码、名称或别名）/ tier' })
  tier!: string;

  @Field(() => ActivityType)
  activityType!: ActivityType;

  @Field(() => Int, { description: '最长间隔（月）/ maximum interval in months' })
  intervalMonths!: number;

  @Field(() => Int, { nullable: true, description: '提前提醒天数（默认 14）/ reminder window in days (default 14)' })
  dueSoonDays?: number | null;
}

@InputType({ description: '拜访频次规则筛选 / cadence rule filter' })
export class CadenceRuleFilterInput {
  @Field(() => String, { nullable: true, description: '客户级别 / tier (code, name or alias)' })
  tier?: string | null;

  @Field(() => [ActivityType], { nullable: true })
  activityTypes?: ActivityType[] | null;
}

@InputType({ description: '拜访达标筛选 / visit compliance filter' })
export class VisitComplianceFilterInput {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: '客户级别 / tiers (codes, names or aliases)' })
  tierCodes?: string[] | null;

  @Field(() => ID, { nullable: true, description: '归属单位 / owning unit' })
  ownerUnitId?: string | null;

  @Field(() => ID, { nullable: true, description: '客户经理 / manager' })
  managerId?: string | null;

  @Field(() => [ActivityType], { nullable: true })
  activityTypes?: ActivityType[] | null;

  @Field(() => [CadenceStatus], { nullable: true })
  statuses?: CadenceStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: '仅月度报告范围内的级别 / only tiers in the monthly report' })
  inMonthlyReport?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: '仅已逾期（含从未且已过首个期限）/ only overdue items' })
  overdueOnly?: boolean | null;
}

@ObjectType({ description: '拜访达标情况：一个客户的一类活动 / one account against one cadence rule' })
export class VisitComplianceItem {
  @Field(() => ID)
  accountId!: number;

  @Field(() => ID)
  tierId!: number;

  @Field(() => ActivityType)
  activityType!: ActivityType;

  @Field(() => Int, { description: '要求间隔（月）/ required interval in months' })
  intervalMonths!: number;

  @Field(() => Int, { description: '提前提醒天数 / reminder window' })
  dueSoonDays!: number;

  @Field(() => LocalDateScalar, { nullable: true, description: '成为正式大客户之日 / active since' })
  activeSince!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '最近一次 / last one' })
  lastOn!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '下次应在此日前 / next due on' })
  nextDueOn!: string | null;

  @Field(() => CadenceStatus)
  status!: CadenceStatus;

  @Field(() => Int, { nullable: true, description: '距到期天数（负数为逾期）/ days until due (negative = overdue)' })
  daysUntilDue!: number | null;

  @Field({ description: '已逾期 / overdue (OVERDUE, or NEVER past the first due date)' })
  overdue!: boolean;
}

@ObjectType({ description: '拜访达标汇总 / items per activity type and status' })
export class VisitComplianceCount {
  @Field(() => ActivityType)
  activityType!: ActivityType;

  @Field(() => CadenceStatus)
  status!: CadenceStatus;

  @Field(() => Int)
  count!: number;
}

// ------------------------------------------------------------------ year end

@InputType('YearEndRuleInput', { description: '年度评价规则（新建时 position、name、decision 必填）/ year-end rule fields' })
export class YearEndRuleInputType {
  @Field(() => Int, { nullable: true, description: '顺序（小者先试）/ position' })
  position?: number | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => YearEndDecision, { nullable: true })
  decision?: YearEndDecision | null;

  @Field(() => [CreditRating], { nullable: true, description: '信用等级为其一 / rating is one of' })
  ratings?: CreditRating[] | null;

  @Field(() => Float, { nullable: true })
  scoreAtLeast?: number | null;

  @Field(() => Float, { nullable: true })
  scoreBelow?: number | null;

  @Field(() => Float, { nullable: true, description: '年度签约额 ≥（元）' })
  signedAtLeast?: number | null;

  @Field(() => Float, { nullable: true, description: '年度签约额 <（元）' })
  signedBelow?: number | null;

  @Field(() => Float, { nullable: true, description: '年度回款 ≥（元）' })
  receivedAtLeast?: number | null;

  @Field(() => Float, { nullable: true, description: '年度回款 <（元）' })
  receivedBelow?: number | null;

  @Field(() => Int, { nullable: true, description: '拜访达标率 ≥（%）' })
  complianceAtLeast?: number | null;

  @Field(() => Int, { nullable: true, description: '拜访达标率 <（%）' })
  complianceBelow?: number | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}

@InputType({ description: '年度评价筛选 / year-end filter' })
export class YearEndFilterInput {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => [ReviewStatus], { nullable: true, description: '结论审批状态 / decision status' })
  decisionStatuses?: ReviewStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: '仅尚未提议或确认 / only evaluations without a decision status' })
  undecided?: boolean | null;
}

@InputType({ description: '委员会确认年度结论 / the committee confirms a year-end decision' })
export class ConfirmYearEndDecisionInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => YearEndDecision, { nullable: true, description: '结论（默认建议结论；不同则须说明）/ decision (default: the proposed one; a different one needs a note)' })
  decision?: YearEndDecision | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '生效日（默认今天）/ effective on (default today)' })
  effectiveOn?: string | null;

  @Field(() => String, { nullable: true, description: '说明 / note' })
  note?: string | null;
}

@ObjectType('YearEndAssessment', { description: '年度评价：信用评价 + 年度数据 + 拜访达标 → 建议结论 / a year-end assessment' })
export class YearEndAssessmentType {
  @Field(() => ID)
  accountId!: number;

  @Field(() => Int)
  year!: number;

  @Field(() => CreditEvaluation, { description: '信用评价 / the credit evaluation' })
  evaluation!: CreditEvaluation;

  signedFen!: number;

  receivedFen!: number;

  @Field(() => Float, { description: '年度签约额（元）/ signed in the year (yuan)' })
  get signed(): number {
    return fenToYuan(this.signedFen);
  }

  @Field(() => Float, { description: '年度回款（元）/ received in the year (yuan)' })
  get received(): number {
    return fenToYuan(this.receivedFen);
  }

  @Field(() => Int, { nullable: true, description: '年末拜访达标率（%）/ visit compliance on 31 December (percent)' })
  complianceRate!: number | null;

  @Field(() => Int, { description: '拜访要求项数 / cadence items' })
  cadenceItems!: number;

  @Field(() => Int, { description: '逾期项数 / overdue items' })
  overdueItems!: number;

  @Field(() => YearEndDecision, { nullable: true, description: '规则建议结论 / decision the rules propose' })
  proposedDecision!: YearEndDecision | null;

  @Field(() => YearEndRule, { nullable: true, description: '命中的规则 / the rule that matched' })
  matchedRule!: YearEndRule | null;
}

@ObjectType('YearEndProposalRun', { description: '年度结论提议结果 / what proposeYearEndDecisions did' })
export class YearEndProposalRunType {
  @Field(() => Int)
  year!: number;

  @Field(() => Int, { description: '本年度信用评价数 / evaluations of the year' })
  evaluations!: number;

  @Field(() => Int, { description: '写入（新增或变更）的建议 / proposals written' })
  proposed!: number;

  @Field(() => Int, { description: '建议未变 / pending proposals already up to date' })
  unchanged!: number;

  @Field(() => Int, { description: '委员会已确认 / already decided' })
  alreadyDecided!: number;

  @Field(() => Int, { description: '无规则命中 / no rule matched' })
  withoutMatch!: number;

  @Field(() => Int, { description: '缺少本年度评价的合作中客户 / active accounts without an evaluation' })
  missingEvaluation!: number;
}

// ------------------------------------------------------------------ consent and audit

@InputType({ description: '记录信息采集同意 / record a person\'s consent' })
export class RecordConsentInput {
  @Field(() => ID)
  contactId!: string;

  @Field(() => Date, { nullable: true, description: '同意时间（默认现在）/ when (default now)' })
  consentAt?: Date | null;

  @Field({ description: '同意方式，如 书面同意书 / how' })
  source!: string;

  @Field(() => String, { nullable: true, description: '同意范围 / scope' })
  scope?: string | null;
}

export const AssignmentConnection = ConnectionType(Assignment, 'Assignment');
export const AccountRecommendationConnection = ConnectionType(AccountRecommendation, 'AccountRecommendation');
export const TierReviewConnection = ConnectionType(TierReview, 'TierReview');
export const CadenceRuleConnection = ConnectionType(CadenceRule, 'CadenceRule');
export const VisitComplianceConnection = ConnectionType(VisitComplianceItem, 'VisitCompliance');
export const YearEndAssessmentConnection = ConnectionType(YearEndAssessmentType, 'YearEndAssessment');
