import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseRecord, DateColumn } from '../../db/columns';
import { AssignmentReason } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { OrgUnit } from '../org/org-unit.entity';
import { User } from '../org/user.entity';
import { Account } from '../accounts/account.entity';

/** 归属记录: every period a unit (and its manager) owned an account. Never updated but to close it. */
@ObjectType({ description: '归属记录 / ownership assignment of an account to a unit and manager' })
@Entity('assignments')
@Index(['accountId', 'toDate'])
export class Assignment extends BaseRecord {
  @Field(() => ID, { description: '大客户 / account id' })
  @Column({ type: 'int' })
  accountId!: number;

  @ManyToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account?: Relation<Account>;

  @Field(() => ID, { description: '归属单位 / owning unit id' })
  @Index()
  @Column({ type: 'int' })
  unitId!: number;

  @ManyToOne(() => OrgUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<OrgUnit>;

  @Field(() => ID, { nullable: true, description: '客户经理 / manager id' })
  @Index()
  @Column({ type: 'int', nullable: true })
  managerId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'manager_id' })
  manager?: Relation<User> | null;

  @Field({ description: '主归属单位（否则为跨区域协同单位）/ primary owner (else a second, cross-region unit)' })
  @Column({ type: 'boolean', default: true })
  isPrimary!: boolean;

  @Field(() => LocalDateScalar, { description: '起始日期 / from' })
  @DateColumn({ nullable: false })
  fromDate!: string;

  @Field(() => LocalDateScalar, { nullable: true, description: '截止日期（空为当前）/ to (null = current)' })
  @DateColumn()
  toDate!: string | null;

  @Field(() => AssignmentReason, { description: '原因 / reason' })
  @Column({ type: 'varchar', length: 32 })
  reason!: AssignmentReason;

  @Field(() => String, { nullable: true, description: '说明 / note' })
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Field(() => ID, { nullable: true, description: '决定人 / decided by (user id)' })
  @Column({ type: 'int', nullable: true })
  decidedById!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by_id' })
  decidedBy?: Relation<User> | null;
}
