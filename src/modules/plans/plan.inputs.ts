/** GraphQL inputs and results of communication plans and follow-up actions. */
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ActivityType } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { ConnectionType } from '../../common/pagination';
import { Channel } from '../activities/channel';
import { CommunicationPlan } from './communication-plan.entity';
import { FollowUpAction } from './follow-up.entity';
import { FollowUpStatus, PlanStatus } from './plan-status';

@InputType()
abstract class PlanFields {
  @Field(() => String, { nullable: true, description: '计划时间（HH:mm）/ time of day' })
  scheduledTime?: string | null;

  @Field(() => String, { nullable: true, description: '计划期间（2026-07、2026Q3、2026H2、2026；默认所在月）/ period (default: the month)' })
  period?: string | null;

  @Field(() => ActivityType, { nullable: true })
  activityType?: ActivityType | null;

  @Field(() => Channel, { nullable: true })
  channel?: Channel | null;

  @Field(() => [ID], { nullable: true, description: '我方参加人员 / our participants (users)' })
  ourParticipantIds?: string[] | null;

  @Field(() => String, { nullable: true, description: '客户方人员 / the customer\'s participants' })
  customerParticipants?: string | null;

  @Field(() => ID, { nullable: true, description: '负责人（默认客户经理）/ organiser (default: the account manager)' })
  ownerId?: string | null;
}

@InputType({ description: '新增沟通计划 / plan a communication' })
export class CreatePlanInput extends PlanFields {
  @Field(() => ID)
  accountId!: string;

  @Field(() => LocalDateScalar, { description: '计划日期 / scheduled on' })
  scheduledOn!: string;

  @Field({ description: '议题 / agenda' })
  agenda!: string;
}

@InputType({ description: '修改沟通计划（只改给出的字段）/ change a planned communication' })
export class UpdatePlanInput extends PlanFields {
  @Field(() => LocalDateScalar, { nullable: true })
  scheduledOn?: string;

  @Field(() => String, { nullable: true })
  agenda?: string;
}

@InputType({ description: '沟通计划筛选 / plan filter' })
export class PlanFilterInput {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => String, { nullable: true, description: '期间 / period' })
  period?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  to?: string | null;

  @Field(() => [PlanStatus], { nullable: true })
  statuses?: PlanStatus[] | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => Boolean, { nullable: true, description: '仅已过期未执行 / only missed ones' })
  missed?: boolean | null;
}

@InputType({ description: '新增跟进事项 / a follow-up action' })
export class CreateFollowUpInput {
  @Field(() => ID)
  accountId!: string;

  @Field({ description: '事项 / what is to be done' })
  description!: string;

  @Field(() => ID, { nullable: true, description: '负责人（默认客户经理）/ owner (default: the account manager)' })
  ownerId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '完成期限 / due on' })
  dueOn?: string | null;

  @Field(() => ID, { nullable: true, description: '相关沟通计划 / plan' })
  planId?: string | null;
}

@InputType({ description: '修改跟进事项 / change a follow-up action' })
export class UpdateFollowUpInput {
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  dueOn?: string | null;
}

@InputType({ description: '跟进事项筛选 / follow-up filter' })
export class FollowUpFilterInput {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: '负责人 / owners' })
  ownerIds?: string[] | null;

  @Field(() => [FollowUpStatus], { nullable: true })
  statuses?: FollowUpStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: '仅已逾期 / only overdue ones' })
  overdue?: boolean | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '期限早于 / due before' })
  dueBefore?: string | null;
}

@ObjectType({ description: '沟通计划执行情况（每个客户）/ how an account\'s plans were kept' })
export class PlanComplianceRowType {
  @Field(() => ID)
  accountId!: number;

  @Field(() => Int, { description: '计划数 / planned' })
  planned!: number;

  @Field(() => Int, { description: '已完成 / done' })
  done!: number;

  @Field(() => Int, { description: '已取消 / cancelled' })
  cancelled!: number;

  @Field(() => Int, { description: '已过期未执行 / missed' })
  missed!: number;

  @Field(() => Int, { description: '待执行 / upcoming' })
  upcoming!: number;

  @Field(() => Int, { nullable: true, description: '执行率（%）= 完成 /（完成 + 过期）/ kept, percent' })
  rate!: number | null;
}

export const PlanConnection = ConnectionType(CommunicationPlan, 'CommunicationPlan');
export const FollowUpConnection = ConnectionType(FollowUpAction, 'FollowUpAction');
