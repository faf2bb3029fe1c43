import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateColumn, TimestampColumn, VersionedRecord } from '../../db/columns';
import { CreditRating, ReviewStatus, YearEndDecision } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { Account } from '../accounts/account.entity';
import { User } from '../org/user.entity';

const decimalToNumber = { to: (v: number | null) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/** 信用评价 / 年度评价: one per account and year, with the year-end decision. */
@ObjectType({ simpleResolvers: true, description: '信用评价（年度评价）/ yearly credit evaluation and year-end decision' })
@Entity('credit_evaluations')
@Index(['accountId', 'year'], { unique: true })
export class CreditEvaluation extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => Int, { description: '年度 / year' })
  @Index()
  @Column({ type: 'int' })
  year!: number;

  @Field(() => String, { nullable: true, description: '履约情况 / contract performance' })
  @Column({ type: 'text', nullable: true })
  performance!: string | null;

  @Field(() => String, { nullable: true, description: '付款情况 / payment record' })
  @Column({ type: 'text', nullable: true })
  paymentRecord!: string | null;

  @Field(() => String, { nullable: true, description: '常用合同方式 / usual contract mode' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  contractMode!: string | null;

  @Field(() => String, { nullable: true, description: '竞标办法 / bidding method' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  biddingMethod!: string | null;

  @Field(() => String, { nullable: true, description: '合约习惯 / contracting habits' })
  @Column({ type: 'text', nullable: true })
  contractHabits!: string | null;

  @Field(() => String, { nullable: true, description: '价格水平 / price level' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  priceLevel!: string | null;

  @Field(() => String, { nullable: true, description: '支付能力 / payment capacity' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  paymentCapacity!: string | null;

  @Field(() => String, { nullable: true, description: '项目开发管理能力 / project management capacity' })
  @Column({ type: 'varchar', length: 200, nullable: true })
  managementCapacity!: string | null;

  @Field(() => Float, { nullable: true, description: '评分（0–100）/ score' })
  @Column({ type: 'decimal', precision: 5, scale: 2, nullable: true, transformer: decimalToNumber })
  score!: number | null;

  @Field(() => CreditRating, { nullable: true, description: '信用等级 / rating' })
  @Column({ type: 'varchar', length: 8, nullable: true })
  rating!: CreditRating | null;

  @Field(() => YearEndDecision, { nullable: true, description: '年度结论（加强攻关/维持现状/终止合作）/ year-end decision' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  decision!: YearEndDecision | null;

  @Field(() => ReviewStatus, { nullable: true, description: '结论审批状态 / decision status' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  decisionStatus!: ReviewStatus | null;

  @Field(() => ID, { nullable: true, description: '确认人 / confirmed by (user id)' })
  @Column({ type: 'int', nullable: true })
  decidedById!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by_id' })
  decidedBy?: Relation<User> | null;

  @Field(() => Date, { nullable: true, description: '确认时间 / confirmed at' })
  @TimestampColumn()
  decidedAt!: Date | null;

  @Field(() => LocalDateScalar, { nullable: true, description: '生效日期 / effective on' })
  @DateColumn()
  effectiveOn!: string | null;

  @Field(() => String, { nullable: true, description: '评价人 / evaluator' })
  @Column({ type: 'varchar', length: 100, nullable: true })
  evaluator!: string | null;

  @Field(() => String, { nullable: true, description: '备注 / notes' })
  @Column({ type: 'text', nullable: true })
  notes!: string | null;
}
