/** GraphQL inputs of ownership: recommendation, approval, reassignment, cross-region units. */
import { AccountRecommendation } from './account-recommendation.entity';
import { Assignment } from './assignment.entity';
import { ConnectionType } from '../../common/pagination';
import { Field, Float, ID, InputType } from 'type-graphql';
import { AssignmentReason, ReviewStatus } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';

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
  @Field(() => String, { nullable: true, description: '认定级别（默认推荐时建议的级别，否则按销售额建议）/ tier the committee gives (default: the proposed, else the suggested one)' })
  tierCode?: string | null;

  @Field(() => String, { nullable: true, description: '管理层级（公司级/分公司级；默认按后续合同成交额建议）/ management level (default: the proposed, else the suggested one)' })
  managementLevel?: string | null;

  @Field(() => ID, { nullable: true, description: '客户经理（推荐时未指定则必填）/ the account manager (required when the recommendation names none)' })
  managerId?: string | null;

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

export const AssignmentConnection = ConnectionType(Assignment, 'Assignment');
export const AccountRecommendationConnection = ConnectionType(AccountRecommendation, 'AccountRecommendation');
