import { Column, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { TimestampColumn, VersionedRecord } from '../../db/columns';
import { ReviewStatus } from '../../common/enums';
import { User } from '../org/user.entity';
import { Account } from '../accounts/account.entity';

/**
 * A committee review of one of an account's decided values (its tier, its management level): who
 * proposed what and why, and the committee's decision. Each value has its own table; the columns
 * they share live here, and {@link ReviewEngine} runs the lifecycle for all of them.
 */
@ObjectType({ simpleResolvers: true })
export abstract class AccountReview extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field({ description: '理由 / reason' })
  @Column({ type: 'text' })
  reason!: string;

  @Field(() => String, { nullable: true, description: '复核期，如 2026H1 / review period' })
  @Index()
  @Column({ type: 'varchar', length: 16, nullable: true })
  period!: string | null;

  @Field(() => ID, { nullable: true, description: '提议人 / proposed by (user id)' })
  @Column({ type: 'int', nullable: true })
  proposedById!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'proposed_by_id' })
  proposedBy?: Relation<User> | null;

  @Field({ description: '提议时间 / proposed at' })
  @TimestampColumn({ nullable: false })
  proposedAt!: Date;

  @Field(() => ReviewStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: ReviewStatus.PENDING })
  status!: ReviewStatus;

  @Field(() => ID, { nullable: true, description: '决定人 / decided by (user id)' })
  @Column({ type: 'int', nullable: true })
  decidedById!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by_id' })
  decidedBy?: Relation<User> | null;

  @Field(() => Date, { nullable: true, description: '决定时间 / decided at' })
  @TimestampColumn()
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '审批意见 / decision note' })
  @Column({ type: 'text', nullable: true })
  decisionNote!: string | null;
}
