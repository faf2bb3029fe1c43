/** GraphQL inputs of tiers and management levels. */
import { OrgUnitKind } from '../../common/enums';
import { Account } from '../accounts/account.entity';
import { ManagementLevel } from './management-level.entity';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Tier } from './tier.entity';
import { IdentificationMetric, TargetStatus } from './tier-vocabulary';

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

  @Field(() => Float, { nullable: true, description: '年合作销售额（记录）门槛（元）；与评分门槛都为空则由委员会认定 / recorded annual-sales threshold (yuan); with no score threshold either, the committee designates the tier' })
  minAnnualSales?: number | null;

  @Field(() => Int, { nullable: true, description: '认定评分门槛（0–100）/ minimum identification score' })
  minScore?: number | null;

  @Field(() => Int, { nullable: true, description: '目标户数下限 / target count, at least' })
  targetMin?: number | null;

  @Field(() => Int, { nullable: true, description: '目标户数上限 / target count, at most' })
  targetMax?: number | null;

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

  @Field(() => OrgUnitKind, { nullable: true, description: '牵头单位类型：COMPANY 总公司 / BRANCH 分公司 / the kind of unit that leads accounts of this level' })
  leadUnitKind?: OrgUnitKind | null;

  @Field(() => Boolean, { nullable: true, description: '启用 / active' })
  active?: boolean | null;
}

@ObjectType('ManagementLevelListItem', { description: '管理层级名录中的一个客户 / one account of the management-level list' })
export class ManagementLevelListItemType {
  @Field(() => ManagementLevel, { description: '管理层级 / level' })
  level!: ManagementLevel;

  @Field(() => Account, { description: '客户 / account' })
  account!: Account;

  leadUnitId!: number | null;
}

@InputType('CriterionBandInput', { description: '评分档位 / a scoring band' })
export class CriterionBandInput {
  @Field(() => Float, { description: '起点（金额为元）/ from this value (money in yuan)' })
  atLeast!: number;

  @Field(() => Int, { description: '得分（0–100）/ points' })
  points!: number;
}

@InputType({ description: '认定标准（按编码新建或修改，只改给出的字段）/ an identification criterion, by code; on change only the fields given' })
export class IdentificationCriterionInput {
  @Field({ description: '编码 / code' })
  code!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => IdentificationMetric, { nullable: true })
  metric?: IdentificationMetric | null;

  @Field(() => Int, { nullable: true, description: '权重（0–100）/ weight' })
  weight?: number | null;

  @Field(() => [CriterionBandInput], { nullable: true, description: '评分档位 / bands' })
  bands?: CriterionBandInput[] | null;

  @Field(() => Boolean, { nullable: true })
  sumOverGroup?: boolean | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => Int, { nullable: true, description: '读取时的版本号 / the version you read' })
  version?: number | null;
}

@ObjectType('TierTargetRow', { description: '级别客户数与目标 / a tier\'s accounts against its target count' })
export class TierTargetRowType {
  @Field(() => Tier)
  tier!: Tier;

  @Field(() => Int, { description: '合作中（含暂停）客户数 / live accounts' })
  accounts!: number;

  @Field(() => TargetStatus, { description: '达成情况 / against the target' })
  status!: TargetStatus;
}
