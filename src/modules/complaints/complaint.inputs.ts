/** GraphQL inputs of complaints, quality problems and service requests. */
import { Field, ID, InputType } from 'type-graphql';
import { LocalDateScalar } from '../../common/scalars';
import { ConnectionType } from '../../common/pagination';
import { Complaint } from './complaint.entity';
import { ComplaintKind, ComplaintSeverity, ComplaintStatus } from './complaint-vocabulary';

@InputType({ description: '登记投诉、质量问题或服务请求 / record an item' })
export class CreateComplaintInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ComplaintKind)
  kind!: ComplaintKind;

  @Field(() => ComplaintSeverity, { nullable: true, description: '严重程度（默认一般）/ severity (default NORMAL)' })
  severity?: ComplaintSeverity | null;

  @Field({ description: '事由 / subject' })
  subject!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '受理日期（默认今天）/ reported on (default today)' })
  reportedOn?: string | null;

  @Field(() => String, { nullable: true, description: '客户方反映人 / who reported it' })
  reportedBy?: string | null;

  @Field(() => ID, { nullable: true, description: '责任人（默认客户经理）/ owner (default: the account manager)' })
  ownerId?: string | null;
}

@InputType({ description: '修改投诉事项（只改给出的字段；改严重程度重定期限）/ change an item (a new severity sets a new due date)' })
export class UpdateComplaintInput {
  @Field(() => ComplaintKind, { nullable: true })
  kind?: ComplaintKind | null;

  @Field(() => ComplaintSeverity, { nullable: true })
  severity?: ComplaintSeverity | null;

  @Field(() => String, { nullable: true })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => String, { nullable: true })
  reportedBy?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;
}

@InputType({ description: '投诉事项筛选 / item filter' })
export class ComplaintFilterInput {
  @Field(() => [ID], { nullable: true })
  accountIds?: string[] | null;

  @Field(() => [ComplaintKind], { nullable: true })
  kinds?: ComplaintKind[] | null;

  @Field(() => [ComplaintSeverity], { nullable: true })
  severities?: ComplaintSeverity[] | null;

  @Field(() => [ComplaintStatus], { nullable: true })
  statuses?: ComplaintStatus[] | null;

  @Field(() => [ID], { nullable: true })
  ownerIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: '仅逾期未答复 / only items past their due date' })
  overdue?: boolean | null;
}

export const ComplaintConnection = ConnectionType(Complaint, 'Complaint');
