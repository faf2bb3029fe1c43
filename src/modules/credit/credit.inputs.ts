/** GraphQL inputs for credit evaluations (信用评价). */
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { CreditRating, YearEndDecision } from '../../common/enums';
import { OrderInputType } from '../../common/pagination';
import { CreditEvaluationSortField, type CreditEvaluationFilter, type CreditEvaluationInput } from './credit.service';

registerEnumType(CreditEvaluationSortField, {
  name: 'CreditEvaluationOrderField',
  description: '信用评价排序字段 / credit evaluation sort fields',
  valuesConfig: { ID: { description: 'id' }, YEAR: { description: '年度 / year' }, SCORE: { description: '评分 / score' }, UPDATED_AT: { description: '更新时间 / updated at' } },
});

export const CreditEvaluationOrder = OrderInputType<CreditEvaluationSortField>(CreditEvaluationSortField, 'CreditEvaluation');

@InputType('CreditEvaluationFilter', { description: '信用评价筛选 / credit evaluation filter' })
export class CreditEvaluationFilterInput implements CreditEvaluationFilter {
  @Field(() => [ID], { nullable: true, description: '大客户 / accounts' })
  accountIds?: string[] | null;

  @Field(() => [Int], { nullable: true, description: '年度 / years' })
  years?: number[] | null;

  @Field(() => [CreditRating], { nullable: true, description: '信用等级 / ratings' })
  ratings?: CreditRating[] | null;

  @Field(() => [YearEndDecision], { nullable: true, description: '年度结论 / year-end decisions' })
  decisions?: YearEndDecision[] | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过 / updated at or after' })
  updatedSince?: Date | null;
}

@InputType()
abstract class CreditFields implements Partial<CreditEvaluationInput> {
  @Field(() => String, { nullable: true, description: '履约情况 / contract performance' })
  performance?: string | null;

  @Field(() => String, { nullable: true, description: '付款情况 / payment record' })
  paymentRecord?: string | null;

  @Field(() => String, { nullable: true, description: '常用合同方式 / usual contract mode' })
  contractMode?: string | null;

  @Field(() => String, { nullable: true, description: '竞标办法 / bidding method' })
  biddingMethod?: string | null;

  @Field(() => String, { nullable: true, description: '合约习惯 / contracting habits' })
  contractHabits?: string | null;

  @Field(() => String, { nullable: true, description: '价格水平 / price level' })
  priceLevel?: string | null;

  @Field(() => String, { nullable: true, description: '支付能力 / payment capacity' })
  paymentCapacity?: string | null;

  @Field(() => String, { nullable: true, description: '项目开发管理能力 / project management capacity' })
  managementCapacity?: string | null;

  @Field(() => Float, { nullable: true, description: '评分（0–100）/ score' })
  score?: number | null;

  @Field(() => CreditRating, { nullable: true, description: '信用等级 / rating' })
  rating?: CreditRating | null;

  @Field(() => YearEndDecision, { nullable: true, description: '年度结论 / year-end decision' })
  decision?: YearEndDecision | null;

  @Field(() => String, { nullable: true, description: '评价人 / evaluator' })
  evaluator?: string | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  notes?: string | null;
}

@InputType({ description: '新增信用评价 / a new credit evaluation' })
export class CreateCreditEvaluationInput extends CreditFields implements CreditEvaluationInput {
  @Field(() => ID, { description: '大客户 / account id' })
  accountId!: string;

  @Field(() => Int, { description: '年度 / year' })
  year!: number;
}

@InputType({ description: '修改信用评价：只改给出的字段 / evaluation changes: only the fields given' })
export class UpdateCreditEvaluationInput extends CreditFields {
  @Field(() => Int, { nullable: true, description: '年度 / year' })
  year?: number;
}
