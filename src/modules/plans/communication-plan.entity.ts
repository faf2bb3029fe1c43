import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateColumn, VersionedRecord, ListColumn } from '../../db/columns';
import { ActivityType } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { User } from '../org/user.entity';
import { Channel } from '../activities/channel';
import { PlanStatus } from './plan-status';

/**
 * 沟通计划 (policy 002): one planned communication with an account in a period — when, how, who on
 * both sides, the agenda. The activity that took place fulfils it (matched when logged, or linked by
 * hand); one still planned after its day is missed.
 */
@ObjectType({ simpleResolvers: true, description: '沟通计划：一次计划的沟通（时间、方式、双方人员、议题）/ a planned communication: when, how, who, agenda' })
@Entity('communication_plans')
@Index(['accountId', 'scheduledOn'])
@Index(['status', 'scheduledOn'])
export class CommunicationPlan extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field({ description: '计划期间：2026-07、2026Q3、2026H2 或 2026 / the period planned for' })
  @Index()
  @Column({ type: 'varchar', length: 16 })
  period!: string;

  @Field(() => LocalDateScalar, { description: '计划日期 / scheduled on' })
  @DateColumn({ nullable: false })
  scheduledOn!: string;

  @Field(() => String, { nullable: true, description: '计划时间（HH:mm）/ time of day' })
  @Column({ type: 'varchar', length: 5, nullable: true })
  scheduledTime!: string | null;

  @Field(() => ActivityType, { nullable: true, description: '活动类型 / activity type' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  activityType!: ActivityType | null;

  @Field(() => Channel, { nullable: true, description: '沟通方式 / channel' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  channel!: Channel | null;

  @Field({ description: '议题 / agenda' })
  @Column({ type: 'text' })
  agenda!: string;

  @Field(() => [ID], { description: '我方参加人员（用户）/ our participants (users)' })
  @ListColumn()
  ourParticipantIds!: string[];

  @Field(() => String, { nullable: true, description: '客户方人员 / the customer\'s participants' })
  @Column({ type: 'varchar', length: 300, nullable: true })
  customerParticipants!: string | null;

  @Field(() => ID, { nullable: true, description: '负责人 / organiser (user id)' })
  @Index()
  @Column({ type: 'int', nullable: true })
  ownerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User> | null;

  @Field(() => PlanStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: PlanStatus.PLANNED })
  status!: PlanStatus;

  @Field(() => ID, { nullable: true, description: '完成该计划的经营档案记录 / the activity that fulfilled it' })
  @Index()
  @Column({ type: 'int', nullable: true })
  activityId!: number | null;

  @ManyToOne(() => Activity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'activity_id' })
  activity?: Relation<Activity> | null;

  @Field(() => String, { nullable: true, description: '取消原因 / why it was cancelled' })
  @Column({ type: 'text', nullable: true })
  cancelReason!: string | null;

  @Field(() => ID, { nullable: true, description: '制定人 / planned by' })
  @Column({ type: 'int', nullable: true })
  createdById!: number | null;
}
