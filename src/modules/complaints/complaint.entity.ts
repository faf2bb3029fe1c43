import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateColumn, VersionedRecord } from '../../db/columns';
import { RecordSource } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { Account } from '../accounts/account.entity';
import { Activity } from '../activities/activity.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { ComplaintKind, ComplaintSeverity, ComplaintStatus } from './complaint-vocabulary';

/**
 * 投诉、质量问题与服务请求 (policies 000 and 003): one item from an account, tracked to resolution —
 * owner, due date by severity and tier, resolution, verification by someone else, and the answer to the
 * customer. A ledger row (附件4) of type 投诉处理 or tagged 投诉 records one.
 */
@ObjectType({ simpleResolvers: true, description: '投诉、质量问题或服务请求 / a complaint, quality problem or service request, tracked to its answer' })
@Entity('complaints')
@Index(['status', 'dueOn'])
@Index(['ownerId', 'status'])
export class Complaint extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Index()
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ComplaintKind, { description: '类别 / kind' })
  @Column({ type: 'varchar', length: 16 })
  kind!: ComplaintKind;

  @Field(() => ComplaintSeverity, { description: '严重程度 / severity' })
  @Column({ type: 'varchar', length: 16 })
  severity!: ComplaintSeverity;

  @Field({ description: '事由 / subject' })
  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Field(() => String, { nullable: true, description: '详细情况 / details' })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => LocalDateScalar, { description: '受理日期 / reported on' })
  @DateColumn({ nullable: false })
  reportedOn!: string;

  @Field(() => String, { nullable: true, description: '客户方反映人 / who reported it at the account' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  reportedBy!: string | null;

  @Field(() => ID, { nullable: true, description: '责任人 / owner (user id)' })
  @Column({ type: 'int', nullable: true })
  ownerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User> | null;

  @Field(() => LocalDateScalar, { description: '答复期限（按严重程度与客户级别）/ due on (by severity and tier)' })
  @DateColumn({ nullable: false })
  dueOn!: string;

  /** The tier the due date was set by (for messages; the tier may change later). */
  @Field(() => ID, { nullable: true, description: '定期限时的客户级别 / tier the due date was set by' })
  @Column({ type: 'int', nullable: true })
  tierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<Tier> | null;

  @Field(() => ComplaintStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: ComplaintStatus.OPEN })
  status!: ComplaintStatus;

  @Field(() => String, { nullable: true, description: '处理结果 / resolution' })
  @Column({ type: 'text', nullable: true })
  resolution!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '解决日期 / resolved on' })
  @DateColumn()
  resolvedOn!: string | null;

  @Field(() => ID, { nullable: true, description: '解决人 / resolved by' })
  @Column({ type: 'int', nullable: true })
  resolvedById!: number | null;

  @Field(() => String, { nullable: true, description: '验证情况 / verification' })
  @Column({ type: 'text', nullable: true })
  verification!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '验证日期 / verified on' })
  @DateColumn()
  verifiedOn!: string | null;

  @Field(() => ID, { nullable: true, description: '验证人 / verified by' })
  @Column({ type: 'int', nullable: true })
  verifiedById!: number | null;

  @Field(() => String, { nullable: true, description: '答复客户内容 / the answer given to the customer' })
  @Column({ type: 'text', nullable: true })
  reply!: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '答复日期 / answered on' })
  @DateColumn()
  repliedOn!: string | null;

  @Field(() => ID, { nullable: true, description: '答复人 / answered by' })
  @Column({ type: 'int', nullable: true })
  repliedById!: number | null;

  @Field(() => ID, { nullable: true, description: '来源经营档案记录 / the ledger activity it came from' })
  @Index({ unique: true })
  @Column({ type: 'int', nullable: true })
  activityId!: number | null;

  @ManyToOne(() => Activity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'activity_id' })
  activity?: Relation<Activity> | null;

  @Field(() => RecordSource, { description: '来源 / source' })
  @Column({ type: 'varchar', length: 16, default: RecordSource.MANUAL })
  source!: RecordSource;
}

/** 答复时限: days to answer an item of a severity for an account of a tier (any tier when null). Data. */
@ObjectType({ description: '投诉答复时限：严重程度 × 客户级别 → 天数 / days to answer, by severity and tier' })
@Entity('complaint_deadlines')
@Index(['severity', 'tierId'])
export class ComplaintDeadline extends VersionedRecord {
  @Field(() => ComplaintSeverity)
  @Column({ type: 'varchar', length: 16 })
  severity!: ComplaintSeverity;

  @Field(() => ID, { nullable: true, description: '客户级别（空为其余级别）/ tier (null: every other tier)' })
  @Column({ type: 'int', nullable: true })
  tierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tier_id' })
  tier?: Relation<Tier> | null;

  @Field(() => Int, { description: '天数 / days from reporting' })
  @Column({ type: 'int' })
  days!: number;
}
