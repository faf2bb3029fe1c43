import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { BaseRecord, DateColumn, MoneyColumn, TimestampColumn, VersionedRecord } from '../../db/columns';
import { ReviewStatus } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { fenToYuan } from '../../common/money';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';
import { Tier } from '../tiers/tier.entity';
import { TierReview } from './tier-review.entity';

/**
 * 年度大客户名录 (policy 003): the year's tier of every live account, drafted by the committee from the
 * recorded sales of the year before and approved — or sent back — as ONE decision by the general
 * manager. Its changes are tier reviews of period `YYYY`, decided all together.
 */
@ObjectType({ simpleResolvers: true, description: '年度大客户名录（一次审批）/ the yearly tier list, approved as one decision' })
@Entity('tier_lists')
@Index(['year', 'status'])
export class TierList extends VersionedRecord {
  @Field(() => Int, { description: '年度 / year' })
  @Column({ type: 'int' })
  year!: number;

  @Field(() => LocalDateScalar, { description: '销售额统计起 / recorded sales from' })
  @DateColumn({ nullable: false })
  salesFrom!: string;

  @Field(() => LocalDateScalar, { description: '销售额统计止 / recorded sales to' })
  @DateColumn({ nullable: false })
  salesTo!: string;

  @Field(() => ReviewStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: ReviewStatus.PENDING })
  status!: ReviewStatus;

  @Field(() => String, { nullable: true, description: '说明 / note' })
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Field(() => ID, { nullable: true, description: '编制人 / drafted by' })
  @Column({ type: 'int', nullable: true })
  proposedById!: number | null;

  @Field({ description: '编制时间 / drafted at' })
  @TimestampColumn({ nullable: false })
  proposedAt!: Date;

  @Field(() => ID, { nullable: true, description: '审批人 / decided by' })
  @Column({ type: 'int', nullable: true })
  decidedById!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by_id' })
  decidedBy?: Relation<User> | null;

  @Field(() => Date, { nullable: true, description: '审批时间 / decided at' })
  @TimestampColumn()
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '审批意见 / decision note' })
  @Column({ type: 'text', nullable: true })
  decisionNote!: string | null;
}

/** One account on a yearly tier list: its tier now, the tier proposed for the year, and why. */
@ObjectType({ simpleResolvers: true, description: '年度名录中的一个客户 / one account on the yearly tier list' })
@Entity('tier_list_entries')
@Index(['listId', 'accountId'], { unique: true })
export class TierListEntry extends BaseRecord {
  @Field(() => ID)
  @Column({ type: 'int' })
  listId!: number;

  @ManyToOne(() => TierList, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'list_id' })
  list?: Relation<TierList>;

  @Field(() => ID)
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { nullable: true, description: '现级别 / tier now' })
  @Column({ type: 'int', nullable: true })
  fromTierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_tier_id' })
  fromTier?: Relation<Tier> | null;

  @Field(() => ID, { nullable: true, description: '名录级别 / tier on the list' })
  @Column({ type: 'int', nullable: true })
  toTierId!: number | null;

  @ManyToOne(() => Tier, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_tier_id' })
  toTier?: Relation<Tier> | null;

  @MoneyColumn()
  recordedSalesFen!: number | null;

  @Field(() => Float, { nullable: true, description: '年合作销售额（记录，元）/ recorded annual sales (yuan)' })
  get recordedSales(): number | null {
    return fenToYuan(this.recordedSalesFen);
  }

  @Field(() => Float, { nullable: true, description: '认定评分 / identification score' })
  @Column({ type: 'decimal', precision: 5, scale: 1, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) } })
  score!: number | null;

  @Field(() => String, { nullable: true, description: '理由 / why' })
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Field(() => ID, { nullable: true, description: '对应的级别复核（级别有变化时）/ the tier review of a change' })
  @Column({ type: 'int', nullable: true })
  reviewId!: number | null;

  @ManyToOne(() => TierReview, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'review_id' })
  review?: Relation<TierReview> | null;
}
