/** GraphQL inputs and results of the year-end evaluation. */
import { ConnectionType } from '../../common/pagination';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CreditRating, ReviewStatus, YearEndDecision } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { CreditEvaluation } from '../credit/credit-evaluation.entity';
import { YearEndRule } from './year-end-rule.entity';

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

  @Field(() => Float, { nullable: true, description: '年度签约额（元）/ signed in the year (yuan)' })
  get signed(): number {
    return fenToYuan(this.signedFen);
  }

  @Field(() => Float, { nullable: true, description: '年度回款（元）/ received in the year (yuan)' })
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

export const YearEndAssessmentConnection = ConnectionType(YearEndAssessmentType, 'YearEndAssessment');
