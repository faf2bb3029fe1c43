import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseRecord, DateColumn, TimestampColumn, VersionedRecord } from '../../db/columns';
import { ReviewStatus } from '../../common/enums';
import { LocalDateScalar } from '../../common/scalars';
import { User } from '../org/user.entity';
import { HandoverItemKind, HandoverReason } from './handover-vocabulary';

/**
 * 工作交接 (policy 002: 离职时需办理信息交接): everything a user holds — accounts, cross-region
 * assignments, team seats, open follow-ups, complaints and plans — listed, each with a successor,
 * approved (by the committee where ownership moves), applied at once; then the user may leave.
 */
@ObjectType({ simpleResolvers: true, description: '工作交接 / a handover of everything a user holds' })
@Entity('handovers')
@Index(['userId', 'status'])
export class Handover extends VersionedRecord {
  @Field(() => ID, { description: '交出人 / the user handing over' })
  @Column({ type: 'int' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field(() => HandoverReason, { description: '原因 / reason' })
  @Column({ type: 'varchar', length: 16 })
  reason!: HandoverReason;

  @Field(() => LocalDateScalar, { description: '交接日期 / effective on' })
  @DateColumn({ nullable: false })
  effectiveOn!: string;

  @Field({ description: '交接后停用该用户 / deactivate the user once handed over' })
  @Column({ type: 'boolean', default: true })
  deactivate!: boolean;

  @Field(() => String, { nullable: true, description: '说明 / note' })
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Field(() => ReviewStatus, { description: '状态 / status' })
  @Column({ type: 'varchar', length: 16, default: ReviewStatus.PENDING })
  status!: ReviewStatus;

  @Field(() => ID, { nullable: true, description: '发起人 / requested by' })
  @Column({ type: 'int', nullable: true })
  requestedById!: number | null;

  @Field({ description: '发起时间 / requested at' })
  @TimestampColumn({ nullable: false })
  requestedAt!: Date;

  @Field(() => ID, { nullable: true, description: '批准人 / decided by' })
  @Column({ type: 'int', nullable: true })
  decidedById!: number | null;

  @Field(() => Date, { nullable: true, description: '批准时间 / decided at' })
  @TimestampColumn()
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: '审批意见 / decision note' })
  @Column({ type: 'text', nullable: true })
  decisionNote!: string | null;
}

/** One thing handed over, and to whom. */
@ObjectType({ simpleResolvers: true, description: '交接事项 / one thing handed over, and to whom' })
@Entity('handover_items')
@Index(['handoverId'])
export class HandoverItem extends BaseRecord {
  @Field(() => ID)
  @Column({ type: 'int' })
  handoverId!: number;

  @ManyToOne(() => Handover, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'handover_id' })
  handover?: Relation<Handover>;

  @Field(() => HandoverItemKind, { description: '类别 / kind' })
  @Column({ type: 'varchar', length: 16 })
  kind!: HandoverItemKind;

  /** The record handed over: an account, an assignment, a team seat, a follow-up, a complaint or a plan. */
  @Field(() => ID, { description: '记录 id / the record handed over' })
  @Column({ type: 'int' })
  refId!: number;

  @Field(() => ID, { nullable: true, description: '大客户 / account id' })
  @Column({ type: 'int', nullable: true })
  accountId!: number | null;

  @Field({ description: '说明 / what it is' })
  @Column({ type: 'varchar', length: 300 })
  label!: string;

  @Field(() => ID, { nullable: true, description: '接手人 / successor (user id)' })
  @Column({ type: 'int', nullable: true })
  successorId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'successor_id' })
  successor?: Relation<User> | null;
}
