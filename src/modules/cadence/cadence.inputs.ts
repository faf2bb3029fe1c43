/** GraphQL inputs and results of visit cadence and compliance. */
import { CadenceRule } from './cadence-rule.entity';
import { ConnectionType } from '../../common/pagination';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ActivityType } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { CadenceStatus } from './cadence-status';

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

export const CadenceRuleConnection = ConnectionType(CadenceRule, 'CadenceRule');
export const VisitComplianceConnection = ConnectionType(VisitComplianceItem, 'VisitCompliance');
