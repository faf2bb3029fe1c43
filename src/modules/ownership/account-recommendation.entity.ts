import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { TimestampColumn, VersionedRecord } from '../../db/columns';
import { AccountStatus, ReviewStatus } from '../../common/enums';
import { Account } from '../accounts/account.entity';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';

/**
 * 大客户推荐（谁开发、谁优先）: a unit recommends an account; while PENDING the account is a CANDIDATE
 * owned by that unit; the committee approves (→ ACTIVE with an INITIAL assignment) or rejects.
 */
@ObjectType({ description: '大客户推荐 / recommendation of an account by a unit (谁开发、谁优先)' })
@Entity('account_recommendations')
@Index(['accountId', 'status'])
@Index(['status', 'recommendedAt'])
export class AccountRecommendation extends VersionedRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { description: '推荐单位 / recommending unit id' })
  @Index()
  @Column({ type: 'int' })
  unitId!: number;

  @ManyToOne(() => OrgUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<OrgUnit>;

  @Field(() => ID, { nullable: true, description: '客户经理 / proposed account manager (user id)' })
  @Column({ type: 'int', nullable: true })
  managerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Relation<User> | null;

  @Field(() => ID, { nullable: true, description: '推荐人 / recommended by (user id)' })
  @Column({ type: 'int', nullable: true })
  recommendedById!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'recommended_by_id' })
  recommendedBy?: Relation<User> | null;

  @Field({ description: '推荐人（审计名）/ recommended by (login, API key or system name)' })
  @Column({ type: 'varchar', length: 200 })
  recommendedByName!: string;

  @Field({ description: '推荐时间 / recommended at' })
  @TimestampColumn({ nullable: false })
  recommendedAt!: Date;

  @Field(() => String, { nullable: true, description: '推荐理由 / why the unit recommends it' })
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Field(() => ReviewStatus, { description: '审批状态 / status' })
  @Column({ type: 'varchar', length: 16, default: ReviewStatus.PENDING })
  status!: ReviewStatus;

  /** What the account was before it was claimed (null: created by this recommendation); restored on rejection. */
  @Field(() => AccountStatus, { nullable: true, description: '推荐前状态（空为新建）/ account status before (null = created by it)' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  previousStatus!: AccountStatus | null;

  @Column({ type: 'int', nullable: true })
  previousOwnerUnitId!: number | null;

  @Column({ type: 'int', nullable: true })
  previousManagerId!: number | null;

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
