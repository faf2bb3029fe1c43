/** GraphQL inputs for activities (经营档案). */
import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { ActivityType, IntelTag } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { OrderInputType } from '../../common/pagination';
import { ActivitySortField, type ActivityFilter, type ActivityInput } from './activity.service';
import { Channel } from './channel';

registerEnumType(ActivitySortField, {
  name: 'ActivityOrderField',
  description: '经营档案排序字段 / activity sort fields',
  valuesConfig: { ID: { description: 'id' }, OCCURRED_ON: { description: '日期 / date' }, UPDATED_AT: { description: '更新时间 / updated at' } },
});

export const ActivityOrder = OrderInputType<ActivitySortField>(ActivitySortField, 'Activity');

@InputType('ActivityFilter', { description: '经营档案筛选 / activity filter' })
export class ActivityFilterInput implements ActivityFilter {
  @Field(() => [ID], { nullable: true, description: '大客户 / accounts' })
  accountIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: '客户经理 / managers' })
  managerIds?: string[] | null;

  @Field(() => [ActivityType], { nullable: true, description: '类型 / types' })
  types?: ActivityType[] | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '日期起（含）/ on or after' })
  from?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '日期止（含）/ on or before' })
  to?: string | null;

  @Field(() => [ID], { nullable: true, description: '项目 / projects' })
  projectIds?: string[] | null;

  @Field(() => [IntelTag], { nullable: true, description: '带有任一情报标签 / carrying any of these tags' })
  intelTags?: IntelTag[] | null;

  @Field(() => [Channel], { nullable: true, description: '沟通方式 / channels' })
  channels?: Channel[] | null;

  @Field(() => Date, { nullable: true, description: '此时间后更新过 / updated at or after' })
  updatedSince?: Date | null;
}

@InputType()
abstract class ActivityFields implements Partial<ActivityInput> {
  @Field(() => ID, { nullable: true, description: '客户经理（MANAGER 默认为自己）/ manager (a MANAGER defaults to itself)' })
  managerId?: string | null;

  @Field(() => String, { nullable: true, description: '我方人员 / our participants' })
  participants?: string | null;

  @Field(() => [ID], { nullable: true, description: '我方参与人员（用户；客户经理本人不必列出）/ our participants as users (the manager counts anyway)' })
  participantIds?: string[] | null;

  @Field(() => Channel, { nullable: true, description: '沟通方式（缺省按类型：拜访为面谈、电话沟通为电话）/ channel (default from the type)' })
  channel?: Channel | null;

  @Field(() => String, { nullable: true, description: '客户方人员 / counterparts' })
  counterparts?: string | null;

  @Field(() => String, { nullable: true, description: '主题（主题或摘要至少一项）/ subject (subject or summary required)' })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: '内容摘要 / summary' })
  summary?: string | null;

  @Field(() => String, { nullable: true, description: '结果 / outcome' })
  outcome?: string | null;

  @Field(() => String, { nullable: true, description: '下一步 / next action' })
  nextAction?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '下一步期限 / next action due' })
  nextActionDue?: string | null;

  @Field(() => ID, { nullable: true, description: '项目（须属于该客户）/ project (of that account)' })
  projectId?: string | null;

  @Field(() => [IntelTag], { nullable: true, description: '情报标签 / intelligence tags' })
  intelTags?: string[] | null;

  @Field(() => String, { nullable: true, description: '情报类别（文字）：词表以外的情报类别，照录 / intelligence categories outside the vocabulary, as written' })
  intelTagsOther?: string | null;

  @Field(() => Float, { nullable: true, description: '合同金额（元）：未关联项目时计入签约额 / contract amount (yuan): counts as signed when no project is linked' })
  contractAmount?: number | null;

  @Field(() => Float, { nullable: true, description: '回款金额（元）：记为一笔关联回款 / amount collected (yuan): kept as a linked payment' })
  paymentAmount?: number | null;
}

@InputType({ description: '新增经营档案记录 / a new activity' })
export class CreateActivityInput extends ActivityFields implements ActivityInput {
  @Field(() => ID, { description: '大客户 / account id' })
  accountId!: string;

  @Field(() => LocalDateScalar, { description: '日期 / date' })
  occurredOn!: string;

  @Field(() => ActivityType, { description: '类型 / type' })
  type!: ActivityType;
}

@InputType({ description: '修改经营档案记录：只改给出的字段 / activity changes: only the fields given' })
export class UpdateActivityInput extends ActivityFields {
  @Field(() => LocalDateScalar, { nullable: true, description: '日期 / date' })
  occurredOn?: string;

  @Field(() => ActivityType, { nullable: true, description: '类型 / type' })
  type?: ActivityType;
}
