/** GraphQL inputs and results of tier reviews. */
import { TierReview } from './tier-review.entity';
import { ManagementLevelReview } from './management-level-review.entity';
import { ConnectionType } from '../../common/pagination';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ReviewStatus } from '../../common/enums';

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

export const TierReviewConnection = ConnectionType(TierReview, 'TierReview');

@InputType({ description: '提议调整管理层级（公司级/分公司级）/ propose a management-level change' })
export class ProposeManagementLevelChangeInput {
  @Field(() => ID)
  accountId!: string;

  @Field({ description: '拟调整为（编码、名称或别名，如 公司级）/ proposed level (code, name or alias)' })
  toLevel!: string;

  @Field({ description: '理由 / reason' })
  reason!: string;
}

@InputType({ description: '管理层级复核筛选 / management-level review filter' })
export class ManagementLevelReviewFilterInput extends TierReviewFilterInput {}

@ObjectType('ManagementLevelReviewRun', { description: '半年度管理层级复核结果 / what startManagementLevelReview did' })
export class ManagementLevelReviewRunType extends TierReviewRunType {}

export const ManagementLevelReviewConnection = ConnectionType(ManagementLevelReview, 'ManagementLevelReview');
