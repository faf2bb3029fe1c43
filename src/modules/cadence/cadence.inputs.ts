/** GraphQL inputs and results of visit cadence and compliance. */
import { CadenceRule } from './cadence-rule.entity';
import { ConnectionType } from '../../common/pagination';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ActivityType } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { CadenceStatus, IntervalUnit } from './cadence-status';
import { Channel } from '../activities/channel';

@InputType({ description: '拜访频次规则（简式：一种活动类型、按月，现行方案）/ a cadence rule, short form: one activity type every N months, in the scheme in force' })
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

@InputType({ description: '沟通频次规则（完整）：按天/周/月，多种类型或方式，须由团队角色参加 / a cadence rule in full: days, weeks or months; types or channels; a team role' })
export class SaveCadenceRuleInput {
  @Field(() => ID, { nullable: true, description: '修改这条规则；空则按方案、级别、名称新增或修改 / change this rule; else by scheme, tier and name' })
  id?: string | null;

  @Field(() => String, { nullable: true, description: '方案编码（默认现行方案）/ scheme code (default: the one in force)' })
  profile?: string | null;

  @Field({ description: '客户级别（编码、名称或别名）/ tier' })
  tier!: string;

  @Field(() => String, { nullable: true, description: '名称（默认按类型或方式）/ name (default from the types or channels)' })
  name?: string | null;

  @Field(() => [ActivityType], { nullable: true, description: '计入的活动类型（空为任何类型）/ activity types that count (empty: any)' })
  activityTypes?: ActivityType[] | null;

  @Field(() => [Channel], { nullable: true, description: '计入的沟通方式（空为任何方式）/ channels that count (empty: any)' })
  channels?: Channel[] | null;

  @Field(() => String, { nullable: true, description: '须由该团队角色参加（编码、名称或别名）/ team role whose holder must take part' })
  teamRole?: string | null;

  @Field(() => Int, { description: '最长间隔 / maximum interval' })
  interval!: number;

  @Field(() => IntervalUnit, { nullable: true, description: '间隔单位（默认月）/ unit (default MONTH)' })
  intervalUnit?: IntervalUnit | null;

  @Field(() => Int, { nullable: true, description: '提前提醒天数 / reminder window in days' })
  dueSoonDays?: number | null;
}

@InputType({ description: '新建沟通频次方案 / a new cadence scheme' })
export class CreateCadenceProfileInput {
  @Field({ description: '编码 / code' })
  code!: string;

  @Field({ description: '名称 / name' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true, description: '复制该方案的规则（默认现行方案）/ copy the rules of this scheme (default: the one in force)' })
  copyFrom?: string | null;
}

@InputType({ description: '拜访频次规则筛选 / cadence rule filter' })
export class CadenceRuleFilterInput {
  @Field(() => String, { nullable: true, description: '客户级别 / tier (code, name or alias)' })
  tier?: string | null;

  @Field(() => String, { nullable: true, description: '方案编码（默认现行方案）/ scheme code (default: the one in force)' })
  profile?: string | null;

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

@ObjectType({ description: '拜访达标情况：一个客户对一条频次规则 / one account against one cadence rule' })
export class VisitComplianceItem {
  @Field(() => ID)
  accountId!: number;

  @Field(() => ID)
  tierId!: number;

  @Field(() => ID, { description: '规则 / rule id' })
  ruleId!: number;

  @Field({ description: '规则名称 / rule name' })
  ruleName!: string;

  @Field(() => ActivityType, { nullable: true, description: '活动类型（规则只计一种时）/ the activity type, when the rule counts exactly one' })
  activityType!: ActivityType | null;

  @Field(() => [ActivityType], { description: '计入的活动类型（空为任何）/ activity types that count (empty: any)' })
  activityTypes!: ActivityType[];

  @Field(() => [Channel], { description: '计入的沟通方式（空为任何）/ channels that count (empty: any)' })
  channels!: Channel[];

  teamRoleId!: number | null;

  @Field({ description: '规则要求的团队角色当前无人担任（无法达标）/ nobody holds the team role the rule needs' })
  roleVacant!: boolean;

  @Field(() => Int, { description: '要求间隔 / required interval' })
  interval!: number;

  @Field(() => IntervalUnit, { description: '间隔单位 / interval unit' })
  intervalUnit!: IntervalUnit;

  @Field(() => Int, { nullable: true, description: '要求间隔（月；按月计的规则）/ required interval in months (rules counted in months)' })
  intervalMonths!: number | null;

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

@ObjectType({ description: '拜访达标汇总 / items per activity types, channels and status' })
export class VisitComplianceCount {
  @Field(() => ActivityType, { nullable: true, description: '活动类型（只计一种时）/ the activity type, when exactly one' })
  activityType!: ActivityType | null;

  @Field(() => [ActivityType])
  activityTypes!: ActivityType[];

  @Field(() => [Channel])
  channels!: Channel[];

  @Field(() => CadenceStatus)
  status!: CadenceStatus;

  @Field(() => Int)
  count!: number;
}

export const CadenceRuleConnection = ConnectionType(CadenceRule, 'CadenceRule');
export const VisitComplianceConnection = ConnectionType(VisitComplianceItem, 'VisitCompliance');
