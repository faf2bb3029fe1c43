import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateColumn, VersionedRecord } from '../../db/columns';
import { LocalDateScalar } from '../../common/scalars';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { User } from '../org/user.entity';
import { CommunicationPlan } from './communication-plan.entity';
import { FollowUpSource, FollowUpStatus } from './plan-status';

/**
 * 跟进事项: an action agreed with an account — an activity's 下一步 (附件4 下一步工作 / 完成期限), or one
 * entered by hand — with an owner and a due date; open past its due date it is overdue.
 */
@ObjectType({ simpleResolvers: true, description: '跟进事项：负责人、期限、状态 / a follow-up action with an owner and a due date' })
@Entity('follow_up_actions')
@Index(['ownerId', 'status'])
@Index(['status', 'dueOn'])
export class FollowUpAction extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Index()
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { nullable: true, description: '来源经营档案记录 / the activity that agreed it' })
  @Index({ unique: true })
  @Column({ type: 'int', nullable: true })
  activityId!: number | null;

  @ManyToOne(() => Activity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'activity_id' })
  activity?: Relation<Activity> | null;

  @Field(() => ID, { nullable: true, description: '相关沟通计划 / the planned communication it belongs to' })
  @Column({ type: 'int', nullable: true })
  planId!: number | null;

  @ManyToOne(() => CommunicationPlan, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<CommunicationPlan> | null;

  @Field({ description: '事项 / what is to be done' })
  @Column({ type: 'text' })
  description!: string;

  @Field(() => ID, { nullable: true, description: '负责人 / owner (user id)' })
  @Column({ type: 'int', nullable: true })
  ownerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User> | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '完成期限 / due on' })
  @DateColumn()
  dueOn!: string | null;

  @Field(() => FollowUpStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: FollowUpStatus.OPEN })
  status!: FollowUpStatus;

  @Field(() => LocalDateScalar, { nullable: true, description: '完成日期 / done on' })
  @DateColumn()
  doneOn!: string | null;

  @Field(() => String, { nullable: true, description: '结果或取消原因 / result, or why it was cancelled' })
  @Column({ type: 'text', nullable: true })
  result!: string | null;

  @Field(() => FollowUpSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: FollowUpSource.MANUAL })
  source!: FollowUpSource;
}
